package emulator

import (
	"slices"
	"sort"
	"strings"
)

// Scope names with a protocol meaning.
const (
	scopeOpenID        = "openid"
	scopeOfflineAccess = "offline_access"
)

// splitScope splits a scope parameter the way Keycloak 26 does, with Java's
// String.split(" "). Every single space separates, so "a  b" contains an
// empty name that no client has and fails validation. Trailing empty names
// are dropped, and "" gives one empty name, so "scope=" is an invalid scope.
func splitScope(raw string) []string {
	if raw == "" {
		return []string{""}
	}
	parts := strings.Split(raw, " ")
	for len(parts) > 0 && parts[len(parts)-1] == "" {
		parts = parts[:len(parts)-1]
	}
	return parts
}

// hasScope reports whether a space-separated scope string contains name.
func hasScope(scope, name string) bool {
	return slices.Contains(strings.Fields(scope), name)
}

// validScope reports whether every requested scope name is openid or one
// of the client's default or optional scopes (Keycloak's
// TokenManager.isValidScope).
func (c *client) validScope(raw string) bool {
	for _, name := range splitScope(raw) {
		if name != scopeOpenID && !slices.Contains(c.DefaultClientScopes, name) && !slices.Contains(c.OptionalClientScopes, name) {
			return false
		}
	}
	return true
}

// grantedScope returns the scope string of tokens issued for a request:
// openid when requested, the client's default scopes, then the requested
// optional scopes in request order. The request must have passed
// validScope.
func (c *client) grantedScope(raw string, requested bool) string {
	var out, names []string
	if requested {
		names = splitScope(raw)
	}
	if slices.Contains(names, scopeOpenID) {
		out = append(out, scopeOpenID)
	}
	out = append(out, c.DefaultClientScopes...)
	for _, name := range names {
		if slices.Contains(c.OptionalClientScopes, name) && !slices.Contains(out, name) {
			out = append(out, name)
		}
	}
	return strings.Join(out, " ")
}

// consentText is the consent page's line for a scope, from the texts of
// Keycloak's built-in client scopes.
func consentText(scope string) string {
	switch scope {
	case "profile":
		return "User profile"
	case "email":
		return "Email address"
	case scopeOfflineAccess:
		return "Offline Access"
	}
	return scope
}

// consentScopes are the granted scopes a user is asked to consent to:
// all but openid.
func consentScopes(granted string) []string {
	var out []string
	for _, name := range strings.Fields(granted) {
		if name != scopeOpenID {
			out = append(out, name)
		}
	}
	return out
}

// scopesSupported is discovery's scopes_supported: openid first, then
// every scope some client of the realm can get, sorted.
func (rl *Realm) scopesSupported() []string {
	seen := map[string]bool{}
	for _, c := range rl.clients {
		for _, s := range append(slices.Clone(c.DefaultClientScopes), c.OptionalClientScopes...) {
			seen[s] = true
		}
	}
	names := make([]string, 0, len(seen))
	for s := range seen {
		names = append(names, s)
	}
	sort.Strings(names)
	return append([]string{scopeOpenID}, names...)
}
