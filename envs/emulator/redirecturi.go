package emulator

import (
	"strings"
)

// Loopback prefixes of Keycloak's installed-application rule: a plain-http
// redirect URI on these hosts matches a registration without a port, whatever
// its port (RFC 8252 §7.3; Keycloak's RedirectUtils, 26.x).
const (
	installedAppURL      = "http://localhost"
	installedAppLoopback = "http://127.0.0.1"
)

// verifyRedirectURI returns the redirect URI to send the response to, or ""
// when the request's URI is not allowed for the client. uri is the raw
// parameter, and present is false when the request had none.
//
// Matching follows Keycloak 26's RedirectUtils.verifyRedirectUri:
//   - Without a redirect_uri, OIDC requests (scope with openid) fail; others
//     use the client's only registered URI, with a trailing "/*" removed.
//   - Otherwise the URI is compared as a string with each registered URI;
//     a registered URI ending in "*" without "?" matches by prefix.
//   - If nothing matched and the URI is http://localhost:PORT/... or
//     http://127.0.0.1:PORT/..., the port is removed and it is compared
//     again.
//
// NOTE: Keycloak's source also decodes and normalises the URI and lower-cases
// its scheme and host, but Keycloak 26.7.1 was measured refusing upper-case
// hosts and dot segments. The emulator follows the measurement and
// compares raw strings.
func (c *client) verifyRedirectURI(uri string, present, openid bool) string {
	if !present {
		if openid {
			return ""
		}
		return c.singleRedirectURI()
	}
	if len(c.RedirectURIs) == 0 {
		return ""
	}
	if matchRedirect(c.RedirectURIs, uri) {
		return uri
	}
	if stripped, ok := stripLoopbackPort(uri); ok && matchRedirect(c.RedirectURIs, stripped) {
		return uri
	}
	return ""
}

// singleRedirectURI returns the client's only registered redirect URI, as
// Keycloak uses when the request has none and is not an OIDC request.
func (c *client) singleRedirectURI() string {
	if len(c.RedirectURIs) != 1 {
		return ""
	}
	uri := strings.TrimSuffix(c.RedirectURIs[0], "/*")
	if strings.Contains(uri, "*") {
		return ""
	}
	return uri
}

func matchRedirect(registered []string, uri string) bool {
	wildcardsAllowed := !strings.Contains(uri, "@")
	for _, valid := range registered {
		if valid == uri {
			return true
		}
		if !wildcardsAllowed || !strings.HasSuffix(valid, "*") || strings.Contains(valid, "?") {
			continue
		}
		// Wildcards ignore the query.
		withoutQuery, _, _ := strings.Cut(uri, "?")
		prefix := strings.TrimSuffix(valid, "*")
		if strings.HasPrefix(withoutQuery, prefix) {
			return true
		}
		// "https://app/*" also matches "https://app".
		if len(prefix) > 1 && strings.TrimSuffix(prefix, "/") == withoutQuery {
			return true
		}
	}
	return false
}

// stripLoopbackPort removes the port from an http loopback URI
// ("http://127.0.0.1:8400/cb" gives "http://127.0.0.1/cb").
func stripLoopbackPort(uri string) (string, bool) {
	var prefix string
	switch {
	case strings.HasPrefix(uri, installedAppURL):
		prefix = installedAppURL
	case strings.HasPrefix(uri, installedAppLoopback):
		prefix = installedAppLoopback
	default:
		return "", false
	}
	colon := strings.IndexByte(uri[len(prefix):], ':')
	if colon < 0 {
		return "", false
	}
	colon += len(prefix)
	out := uri[:colon]
	if slash := strings.IndexByte(uri[colon:], '/'); slash >= 0 {
		out += uri[colon+slash:]
	}
	return out, true
}
