package diagnose

import (
	"fmt"
	"slices"
	"strings"

	"github.com/kseries-tools/ksauth/envs"
)

// scopeTypos maps frequent wrong scope names to the platform's names. The
// error guide lists financial_api and items-api; offline-access appears in
// public integration code.
var scopeTypos = map[string]string{
	"financial_api":       "financial-api",
	"financial":           "financial-api",
	"finance-api":         "financial-api",
	"orders_api":          "orders-api",
	"orders":              "orders-api",
	"order-api":           "orders-api",
	"items-api":           "items",
	"items_api":           "items",
	"item":                "items",
	"staff_api":           "staff-api",
	"staff":               "staff-api",
	"offline-access":      "offline_access",
	"offlineaccess":       "offline_access",
	"offline":             "offline_access",
	"reservations_api":    "reservations-api",
	"property-management": "propertymanagement",
	"property_management": "propertymanagement",
}

// problem is one problem found in a value, as a fact for a Diagnosis.
type problem struct {
	// fact describes the problem for a Diagnosis's evidence.
	fact string
	// warning is true when the problem will not fail the request by itself.
	warning bool
	// platformOnly is true for a platform rule that a local realm does not
	// enforce, such as https-only redirect URIs.
	platformOnly bool
}

// scopeValidator reports whether a scope name is valid.
type scopeValidator func(string) bool

// validatorFor returns the scope check for env: the environment's own scope
// list when it has one, plus openid, profile, email and reservation-<code>.
func validatorFor(env envs.Env) scopeValidator {
	if len(env.Scopes) == 0 {
		return envs.ValidScope
	}
	return func(name string) bool {
		return slices.Contains(env.Scopes, name) || envs.ValidScope(name) &&
			!slices.Contains(envs.PlatformScopes, name)
	}
}

// splitScopes splits a raw scope value the way a person meant it: on
// spaces, commas, plus signs and a literal "%20".
func splitScopes(raw string) []string {
	r := strings.NewReplacer(",", " ", "+", " ", "%20", " ", "%2C", " ", "%2c", " ")
	return strings.Fields(r.Replace(raw))
}

// checkScopes returns the problems of a raw scope value, the value as sent
// before URL encoding.
func checkScopes(raw string, valid scopeValidator) []problem {
	var out []problem
	if strings.TrimSpace(raw) == "" {
		return []problem{{fact: "no scope is requested, so the token grants no K-Series API", warning: true}}
	}
	if strings.Contains(raw, ",") {
		out = append(out, problem{fact: "scopes are separated by commas; separate them with spaces"})
	}
	if strings.Contains(raw, "+") {
		out = append(out, problem{fact: "the raw scope value contains '+'; separate scopes with spaces and let URL encoding turn them into %20 or +"})
	}
	if strings.Contains(strings.ToLower(raw), "%20") || strings.Contains(strings.ToLower(raw), "%2c") {
		out = append(out, problem{fact: "the raw scope value is already URL-encoded (contains %20); give it with spaces"})
	}
	if raw != strings.TrimSpace(raw) || strings.Contains(raw, "  ") || strings.ContainsAny(raw, "\t\n") {
		out = append(out, problem{fact: fmt.Sprintf("the scope value %q has extra whitespace; use single spaces", raw), warning: true})
	}
	for _, name := range splitScopes(raw) {
		if !valid(name) {
			out = append(out, problem{fact: unknownScopeFact(name, valid)})
		}
	}
	return out
}

// unknownScopeFact describes an invalid scope name with a suggestion, such
// as `"financial_api" is not a K-Series scope; did you mean "financial-api"?`.
func unknownScopeFact(name string, valid scopeValidator) string {
	if s := suggestScope(name, valid); s != "" {
		return fmt.Sprintf("%q is not a K-Series scope; did you mean %q?", name, s)
	}
	return fmt.Sprintf("%q is not a K-Series scope; valid scopes are %s", name,
		strings.Join(envs.PlatformScopes, ", "))
}

// suggestScope returns the valid scope name closest to name, or "".
func suggestScope(name string, valid scopeValidator) string {
	lower := strings.ToLower(name)
	if s, ok := scopeTypos[lower]; ok && valid(s) {
		return s
	}
	candidates := []string{
		lower,
		strings.ReplaceAll(lower, "_", "-"),
		strings.ReplaceAll(lower, "-", "_"),
		strings.TrimSuffix(strings.TrimSuffix(lower, "-api"), "_api"),
		lower + "-api",
	}
	for _, c := range candidates {
		if c != name && valid(c) {
			return c
		}
	}
	return ""
}

// scopesFromDescription returns the scope names of Keycloak's
// "Invalid scopes: <scope>" description. Keycloak 26 echoes the whole
// requested scope parameter there, not only the rejected names.
func scopesFromDescription(desc string) ([]string, bool) {
	rest, ok := strings.CutPrefix(desc, "Invalid scopes:")
	if !ok {
		return nil, false
	}
	return strings.Fields(rest), true
}
