package diagnose

import (
	"strings"
	"testing"
	"time"
)

func TestCauseRefsInCatalogue(t *testing.T) {
	seen := map[string]causeKey{}
	for key, ref := range causeRefs {
		text := keyedCause(ref.id, key)
		if text == "" {
			t.Errorf("cause key %s points outside entry %s", key, ref.id)
			continue
		}
		if other, dup := seen[text]; dup {
			t.Errorf("cause keys %s and %s name the same cause %q", key, other, text)
		}
		seen[text] = key
	}
	for _, r := range allRules {
		for _, key := range r.refines {
			if keyedCause(r.id, key) == "" {
				t.Errorf("rule %s %q refines %s, which is not a cause of %s", r.code, r.desc, key, r.id)
			}
		}
	}
	for _, r := range pageRules {
		for _, key := range r.refines {
			if keyedCause(r.id, key) == "" {
				t.Errorf("page rule %q refines %s, which is not a cause of %s", r.message, key, r.id)
			}
		}
	}
}

// TestRuleCausesReplaceRefined matches every rule and checks that its
// cause comes first and replaces the catalogue causes it refines.
func TestRuleCausesReplaceRefined(t *testing.T) {
	for _, r := range allRules {
		if r.cause == "" {
			continue
		}
		ev := Evidence{Step: StepToken, Error: r.code, ErrorDescription: r.desc}
		if len(r.grants) > 0 {
			ev.Context.GrantType = r.grants[0]
		}
		for _, d := range Match(ev) {
			if d.ID != r.id {
				continue
			}
			if d.Causes[0] != r.cause {
				t.Errorf("rule %q: first cause = %q, want %q", r.desc, d.Causes[0], r.cause)
			}
			for _, key := range r.refines {
				if text := keyedCause(r.id, key); text != r.cause && containsString(d.Causes, text) {
					t.Errorf("rule %q: causes keep the refined cause %q: %q", r.desc, text, d.Causes)
				}
			}
			checkNoRepeatedCauses(t, r.code+" "+r.desc, d.Causes)
		}
	}
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func checkNoRepeatedCauses(t *testing.T, name string, causes []string) {
	t.Helper()
	seen := map[string]bool{}
	for _, c := range causes {
		if seen[c] {
			t.Errorf("%s: cause %q is listed twice", name, c)
		}
		seen[c] = true
	}
}

// countPrefix counts the causes that start with prefix.
func countPrefix(causes []string, prefix string) int {
	n := 0
	for _, c := range causes {
		if strings.HasPrefix(c, prefix) {
			n++
		}
	}
	return n
}

func TestCauseRanking(t *testing.T) {
	codeNotValid := func(age time.Duration, reused bool) Evidence {
		return Evidence{Step: StepToken, Status: 400, Error: "invalid_grant", ErrorDescription: "Code not valid",
			Context: Context{GrantType: grantCode, CodeAge: age, CodeReused: reused}}
	}
	tests := []struct {
		name       string
		ev         Evidence
		id         string
		first      string // prefix of the first cause
		last       string // prefix of the last cause, or ""
		onceprefix string // prefix that exactly one cause has
	}{
		{"old code", codeNotValid(18500*time.Millisecond, false), IDInvalidCodeGrant,
			"the code expired: it was exchanged after 18.5s", "", "the code expired"},
		{"young code", codeNotValid(5300*time.Millisecond, false), IDInvalidCodeGrant,
			"the code was already exchanged once", "the code expired", "the code expired"},
		{"young reused code", codeNotValid(5300*time.Millisecond, true), IDInvalidCodeGrant,
			"the code was already exchanged once", "the code expired", "the code was already exchanged"},
		{"pkce mismatch", Evidence{Step: StepToken, Error: "invalid_grant", ErrorDescription: "PKCE verification failed: Code mismatch",
			Context: Context{GrantType: grantCode}}, IDPKCEFailed, "the code_verifier does not hash", "", "the code_verifier"},
		{"refresh not active", Evidence{Step: StepRefresh, Error: "invalid_grant", ErrorDescription: "Token is not active",
			Context: Context{GrantType: grantRefresh}}, IDInvalidRefreshToken, "the refresh token expired", "", "the refresh token expired"},
		{"required action", Evidence{Step: StepAuthorize, Page: &Page{ID: "login-login-update-password", Heading: "Update password"}},
			IDAccountNotSetUp, "the account has the required action UPDATE_PASSWORD", "", "the account has"},
		{"scope with commas", Evidence{Step: StepAuthorize, Redirect: map[string][]string{"error": {"invalid_scope"},
			"error_description": {"Invalid scopes: openid,financial-api"}}}, IDInvalidScope, "scopes are separated by commas", "", "scopes are separated"},
		{"proxy 502", Evidence{Step: StepToken, Status: 502, Body: "<html><title>502 Bad Gateway</title>nginx</html>"},
			IDServerError, "a proxy or load balancer", "", "a proxy"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ds := Match(tt.ev)
			if ds[0].ID != tt.id {
				t.Fatalf("first diagnosis = %s, want %s", ds[0].ID, tt.id)
			}
			causes := ds[0].Causes
			checkNoRepeatedCauses(t, tt.name, causes)
			if !strings.HasPrefix(causes[0], tt.first) {
				t.Errorf("first cause = %q, want it to start %q (all %q)", causes[0], tt.first, causes)
			}
			if tt.last != "" && !strings.HasPrefix(causes[len(causes)-1], tt.last) {
				t.Errorf("last cause = %q, want it to start %q", causes[len(causes)-1], tt.last)
			}
			if n := countPrefix(causes, tt.onceprefix); tt.onceprefix != "" && n != 1 {
				t.Errorf("%d causes start %q, want 1: %q", n, tt.onceprefix, causes)
			}
		})
	}
}
