package har

import (
	"net/url"
	"strings"
)

// kind is the part a HAR entry plays in a sign-in.
type kind int

const (
	kindOther     kind = iota
	kindDiscovery      // {issuer}/.well-known/openid-configuration
	kindAuthorize      // {issuer}/protocol/openid-connect/auth
	kindLogin          // {issuer}/login-actions/..., the login form
	kindToken          // {issuer}/protocol/openid-connect/token, or any POST with grant_type
	kindJWKS           // {issuer}/protocol/openid-connect/certs
	kindUserInfo       // {issuer}/protocol/openid-connect/userinfo
	kindCallback       // a request carrying code or error: possibly the redirect URI
	kindRelayed        // an application's error response that relays an OAuth error
)

// Keycloak's path markers. The realm URL, which is the issuer, is the part
// of the path before them in Keycloak 26. Releases before 17 add /auth in
// front of /realms, and the markers still find the realm there.
const (
	oidcPath      = "/protocol/openid-connect/"
	loginPath     = "/login-actions/"
	discoveryPath = "/.well-known/openid-configuration"
)

// classify returns the entry's kind and, for Keycloak endpoints, the
// issuer the request went to.
func classify(e Entry) (kind, string) {
	u, err := url.Parse(e.URL)
	if err != nil {
		return kindOther, ""
	}
	origin := u.Scheme + "://" + u.Host
	if i := strings.Index(u.Path, oidcPath); i >= 0 {
		issuer := origin + u.Path[:i]
		switch strings.TrimSuffix(u.Path[i+len(oidcPath):], "/") {
		case "auth":
			return kindAuthorize, issuer
		case "token":
			return kindToken, issuer
		case "certs":
			return kindJWKS, issuer
		case "userinfo":
			return kindUserInfo, issuer
		}
		return kindOther, issuer
	}
	if i := strings.Index(u.Path, loginPath); i >= 0 {
		return kindLogin, origin + u.Path[:i]
	}
	if strings.HasSuffix(u.Path, discoveryPath) {
		return kindDiscovery, origin + strings.TrimSuffix(u.Path, discoveryPath)
	}
	if strings.EqualFold(e.Method, "POST") && formValues(e).Has("grant_type") {
		return kindToken, ""
	}
	if q := u.Query(); q.Has("code") || q.Has("error") {
		return kindCallback, ""
	}
	if _, ok := relayedTokenError(e); ok {
		return kindRelayed, ""
	}
	return kindOther, ""
}

// IsSignIn reports whether an entry may be part of an OAuth sign-in. That
// is a request to a Keycloak realm's OpenID Connect, login or discovery
// endpoints, or a token request to any host. A request carrying a code or
// error parameter counts too, because it may be the redirect to the client.
// So does an error response of any host whose JSON body carries an OAuth
// error, because it may relay the token endpoint's response to an exchange
// the application ran on its server.
func IsSignIn(e Entry) bool {
	k, issuer := classify(e)
	return k != kindOther || issuer != ""
}

// formValues returns the parameters of a form-encoded request body. An
// unlabelled body is read as a form too, since token requests are forms.
func formValues(e Entry) url.Values {
	if len(e.RequestBody) == 0 {
		return url.Values{}
	}
	contentType := headerValue(e.RequestHeader, "Content-Type")
	if contentType != "" && !isForm(contentType) {
		return url.Values{}
	}
	v, err := url.ParseQuery(string(e.RequestBody))
	if err != nil {
		return url.Values{}
	}
	return v
}

// requestParams returns the OAuth parameters of a request: the query, and
// for a POST the form body too, as Keycloak reads both at /auth.
func requestParams(e Entry) url.Values {
	params := url.Values{}
	if u, err := url.Parse(e.URL); err == nil {
		params = u.Query()
	}
	for k, vs := range formValues(e) {
		params[k] = append(params[k], vs...)
	}
	return params
}

// locationParams returns the parameters a redirect carries to the client,
// from the query or, for response_mode=fragment, the fragment.
func locationParams(location string) url.Values {
	u, err := url.Parse(location)
	if err != nil {
		return nil
	}
	params := u.Query()
	if frag, err := url.ParseQuery(u.EscapedFragment()); err == nil {
		for k, vs := range frag {
			params[k] = append(params[k], vs...)
		}
	}
	return params
}

// withoutQuery returns a URL without its query and fragment, for comparing
// a request URL with a redirect URI.
func withoutQuery(raw string) string {
	raw, _, _ = strings.Cut(raw, "#")
	raw, _, _ = strings.Cut(raw, "?")
	return raw
}

// sendsGrant reports whether a request to the token endpoint can be a
// token request. A HEAD, such as ksauth's connection warm-up, or a CORS
// preflight OPTIONS sends no grant and gets no token response.
func sendsGrant(e Entry) bool {
	return !strings.EqualFold(e.Method, "HEAD") && !strings.EqualFold(e.Method, "OPTIONS")
}

// redirectKeyOf returns a redirect URI without query, fragment and
// trailing slash, for matching a callback request with the authorization
// request that named its URI.
func redirectKeyOf(redirectURI string) string {
	return strings.TrimSuffix(withoutQuery(redirectURI), "/")
}
