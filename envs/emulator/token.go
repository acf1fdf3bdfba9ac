package emulator

import (
	"net/http"
	"net/url"
)

// Grant types the token endpoint accepts (RFC 6749 §4).
const (
	grantAuthorizationCode = "authorization_code"
	grantRefreshToken      = "refresh_token"
	grantPassword          = "password"
	grantClientCredentials = "client_credentials"
)

// descServerError is Keycloak's description of an unhandled failure.
const descServerError = "For more on this error consult the server log."

// grant is one grant type's handler with its Keycloak event types.
type grant struct {
	event, errorEvent string
	handle            func(w http.ResponseWriter, r *http.Request, c *client, form url.Values)
}

func (rl *Realm) grant(grantType string) (grant, bool) {
	switch grantType {
	case grantAuthorizationCode:
		return grant{eventCodeToToken, eventCodeToTokenError, rl.codeGrant}, true
	case grantRefreshToken:
		return grant{eventRefresh, eventRefreshError, rl.refreshGrant}, true
	case grantPassword:
		return grant{eventLogin, eventLoginError, rl.passwordGrant}, true
	case grantClientCredentials:
		return grant{eventClientLogin, eventClientLoginError, rl.clientCredentialsGrant}, true
	}
	return grant{}, false
}

// handleToken serves the token endpoint (RFC 6749 §3.2). Its checks run in
// Keycloak 26's order: a readable form body, grant_type present, grant_type
// known, client authentication, no parameter sent twice, then the grant's
// own checks. Parameters are read from the form body only, never from
// the query string.
func (rl *Realm) handleToken(w http.ResponseWriter, r *http.Request) {
	ev := eventOf(r)
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	if err := r.ParseForm(); err != nil {
		ev.fail("", "invalid_request")
		ev.reason = "unreadable form body"
		writeTokenError(w, http.StatusInternalServerError, "unknown_error", descServerError)
		return
	}

	form := r.PostForm
	grantType, ok := first(form, "grant_type")
	if !ok {
		ev.fail("", "invalid_request")
		writeTokenError(w, http.StatusBadRequest, "invalid_request", "Missing form parameter: grant_type")
		return
	}

	g, ok := rl.grant(grantType)
	if !ok {
		ev.fail("", "invalid_request")
		writeTokenError(w, http.StatusBadRequest, "unsupported_grant_type", "Unsupported grant_type")
		return
	}
	ev.kind = g.event

	c, failure := rl.authenticateClient(r, form)
	if failure != nil {
		ev.fail(g.errorEvent, failure.eventError)
		writeTokenError(w, http.StatusUnauthorized, failure.code, descInvalidClient)
		return
	}

	if hasDuplicates(form) {
		ev.fail(g.errorEvent, "invalid_request")
		writeTokenError(w, http.StatusBadRequest, "invalid_request", "duplicated parameter")
		return
	}
	g.handle(w, r, c, form)
}

// grantFailed records the error event and writes a token-endpoint error.
func grantFailed(w http.ResponseWriter, r *http.Request, kind string, status int, code, description, eventError string) {
	ev := eventOf(r)
	ev.fail(kind, eventError)
	ev.reason = description
	writeTokenError(w, status, code, description)
}
