package emulator

import (
	"net/http"
	"slices"
	"strings"
)

// Endpoint names a group of realm URLs, for fault injection and logs.
type Endpoint string

// The realm's endpoints. Paths are below the issuer.
const (
	// EndpointDiscovery is /.well-known/openid-configuration.
	EndpointDiscovery Endpoint = "discovery"
	// EndpointCerts is /protocol/openid-connect/certs, the JWKS.
	EndpointCerts Endpoint = "certs"
	// EndpointAuth is /protocol/openid-connect/auth.
	EndpointAuth Endpoint = "auth"
	// EndpointLogin is /login-actions/..., where the login and consent
	// forms post.
	EndpointLogin Endpoint = "login"
	// EndpointToken is /protocol/openid-connect/token.
	EndpointToken Endpoint = "token"
	// EndpointUserInfo is /protocol/openid-connect/userinfo.
	EndpointUserInfo Endpoint = "userinfo"
	// EndpointIntrospect is /protocol/openid-connect/token/introspect.
	EndpointIntrospect Endpoint = "introspect"
	// EndpointRevoke is /protocol/openid-connect/revoke.
	EndpointRevoke Endpoint = "revoke"
	// EndpointLogout is /protocol/openid-connect/logout.
	EndpointLogout Endpoint = "logout"
	// EndpointOther is any other path.
	EndpointOther Endpoint = "other"
)

// Endpoints lists every endpoint a fault can be set on.
var Endpoints = []Endpoint{
	EndpointDiscovery, EndpointCerts, EndpointAuth, EndpointLogin, EndpointToken,
	EndpointUserInfo, EndpointIntrospect, EndpointRevoke, EndpointLogout, EndpointOther,
}

// route maps a request path to its endpoint and handler. Keycloak 26
// responds to unknown realms, protocols and sub-paths with JSON 404 bodies,
// which are reproduced here.
func (rl *Realm) route(path string) (Endpoint, http.HandlerFunc) {
	rest, ok := strings.CutPrefix(path, "/realms/")
	if !ok {
		return EndpointOther, jsonNotFound("HTTP 404 Not Found")
	}
	realm, rest, _ := strings.Cut(rest, "/")
	if realm != rl.cfg.Realm {
		return EndpointOther, jsonNotFound("Realm does not exist")
	}
	switch rest {
	case ".well-known/openid-configuration":
		return EndpointDiscovery, allow(rl.handleDiscovery, http.MethodGet, http.MethodHead)
	case "login-actions/authenticate":
		return EndpointLogin, allow(rl.handleAuthenticate, http.MethodGet, http.MethodPost)
	case "login-actions/consent":
		return EndpointLogin, allow(rl.handleConsent, http.MethodPost)
	case "login-actions/restart":
		return EndpointLogin, allow(rl.handleRestart, http.MethodGet)
	case "login-actions/required-action":
		return EndpointLogin, allow(rl.handleRequiredAction, http.MethodGet, http.MethodPost)
	}
	protocol, ok := strings.CutPrefix(rest, "protocol/")
	if !ok {
		return EndpointOther, jsonNotFound("HTTP 404 Not Found")
	}
	oidc, ok := strings.CutPrefix(protocol, "openid-connect/")
	if !ok {
		if protocol == "openid-connect" || protocol == "" {
			return EndpointOther, jsonNotFound("HTTP 404 Not Found")
		}
		return EndpointOther, jsonNotFound("Protocol not found")
	}
	return rl.routeOIDC(oidc)
}

func (rl *Realm) routeOIDC(path string) (Endpoint, http.HandlerFunc) {
	switch path {
	case "auth":
		return EndpointAuth, allow(rl.handleAuth, http.MethodGet, http.MethodPost)
	case "token":
		return EndpointToken, allow(rl.handleToken, http.MethodPost)
	case "certs":
		return EndpointCerts, allow(rl.handleCerts, http.MethodGet, http.MethodHead)
	case "userinfo":
		return EndpointUserInfo, allow(rl.handleUserInfo, http.MethodGet, http.MethodPost)
	case "token/introspect":
		return EndpointIntrospect, allow(rl.handleIntrospect, http.MethodPost)
	case "revoke":
		return EndpointRevoke, allow(rl.handleRevoke, http.MethodPost)
	case "logout":
		return EndpointLogout, allow(rl.handleLogout, http.MethodGet, http.MethodPost)
	}
	return EndpointOther, jsonNotFound("HTTP 404 Not Found")
}

// allow rejects other methods with Keycloak 26's JSON 405 body.
func allow(h http.HandlerFunc, methods ...string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if !slices.Contains(methods, r.Method) {
			w.Header().Set("Allow", strings.Join(methods, ", "))
			writeJSON(w, http.StatusMethodNotAllowed, map[string]string{"error": "HTTP 405 Method Not Allowed"})
			return
		}
		h(w, r)
	}
}

func jsonNotFound(message string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusNotFound, map[string]string{"error": message})
	}
}
