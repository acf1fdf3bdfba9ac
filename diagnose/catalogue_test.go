package diagnose

import (
	"slices"
	"testing"
)

func TestCatalogueHasEveryID(t *testing.T) {
	ids := []string{
		"wrong-environment", "redirect-uri-mismatch", "invalid-scope", "invalid-user-credentials",
		"invalid-code-grant", "invalid-client-credentials", "token-redirect-uri-mismatch",
		"invalid-refresh-token", "unauthorized-client", "v1-client", "unknown-client", "pkce-failed",
		"state-mismatch", "issuer-mismatch", "access-denied", "account-disabled", "account-not-set-up",
		"no-callback", "callback-unavailable", "endpoint-unreachable", "tls-error", "invalid-request",
		"unexpected-response", "server-error", "cookie-not-found", "clock-skew", "unknown", "scope-not-granted",
	}
	for _, id := range ids {
		e, ok := Lookup(id)
		if !ok {
			t.Errorf("Lookup(%q) found nothing", id)
			continue
		}
		if e.Title == "" || e.Fix == "" || len(e.Causes) == 0 || len(e.Steps) == 0 {
			t.Errorf("entry %q is incomplete: %+v", id, e)
		}
	}
}

func TestCatalogueGuideSections(t *testing.T) {
	want := map[string]string{
		IDWrongEnvironment:         "Wrong Environment",
		IDRedirectURIMismatch:      "Incorrect Redirect URI",
		IDInvalidScope:             "Invalid Scope",
		IDInvalidUserCredentials:   "Incorrect K-Series User Credentials",
		IDInvalidCodeGrant:         "Invalid Code Grant",
		IDInvalidClientCredentials: "Invalid Client or Credentials",
		IDTokenRedirectURIMismatch: "Incorrect Redirect URI (Token Exchange)",
		IDInvalidRefreshToken:      "Invalid Refresh Token",
		IDUnauthorizedClient:       "Unauthorized Client",
	}
	for _, e := range Entries() {
		if got := e.Guide; got != want[e.ID] {
			t.Errorf("entry %q guide = %q, want %q", e.ID, got, want[e.ID])
		}
	}
}

func TestEntriesStableAndComplete(t *testing.T) {
	first, second := Entries(), Entries()
	if len(first) != len(catalogue) {
		t.Fatalf("Entries() has %d entries, catalogue has %d", len(first), len(catalogue))
	}
	for i := range first {
		if first[i].ID != second[i].ID {
			t.Fatalf("Entries() order changed at %d: %q then %q", i, first[i].ID, second[i].ID)
		}
	}
	if first[0].ID != IDWrongEnvironment || first[8].ID != IDUnauthorizedClient {
		t.Errorf("guide entries not first: %q ... %q", first[0].ID, first[8].ID)
	}
}

func TestLookupReturnsCopy(t *testing.T) {
	e, _ := Lookup(IDInvalidScope)
	e.Causes[0] = "changed"
	again, _ := Lookup(IDInvalidScope)
	if again.Causes[0] == "changed" {
		t.Error("Lookup shares the causes slice with the catalogue")
	}
}

func TestRuleIDsExist(t *testing.T) {
	for _, r := range allRules {
		if _, ok := Lookup(r.id); !ok {
			t.Errorf("rule %q/%q names unknown ID %q", r.code, r.desc, r.id)
		}
		if r.keycloak == "" {
			t.Errorf("rule %q/%q names no Keycloak version", r.code, r.desc)
		}
	}
	for _, r := range pageRules {
		if _, ok := Lookup(r.id); !ok {
			t.Errorf("page rule %q names unknown ID %q", r.message, r.id)
		}
	}
	for code, ids := range codeRules {
		for _, id := range ids {
			if _, ok := Lookup(id); !ok {
				t.Errorf("code rule %q names unknown ID %q", code, id)
			}
		}
	}
	if !slices.Contains(catalogueOrder, IDUnknown) {
		t.Error("catalogue order lacks unknown")
	}
}

func TestCatalogueStepsAndOrder(t *testing.T) {
	seen := map[string]bool{}
	for _, id := range catalogueOrder {
		if seen[id] {
			t.Errorf("catalogue order lists %q twice", id)
		}
		seen[id] = true
	}
	for id, e := range catalogue {
		if !seen[id] {
			t.Errorf("entry %q is missing from the catalogue order", id)
		}
		for _, s := range e.Steps {
			if !slices.Contains(Steps, s) {
				t.Errorf("entry %q names unknown step %q", id, s)
			}
		}
	}
}
