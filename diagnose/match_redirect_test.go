package diagnose

import (
	"strings"
	"testing"
)

func TestRedirectMismatchLeadsWithDifference(t *testing.T) {
	cases := []struct {
		used, registered, word string
	}{
		{"http://localhost:8443/callback/", "https://localhost:8443/callback/", "scheme"},
		{"https://localhost", "https://localhost/", "trailing slash"},
		{"https://127.0.0.1/", "https://localhost/", "typo"},
	}
	for _, tc := range cases {
		ev := Evidence{Step: StepProbe, Status: 400, Page: &Page{Message: "Invalid parameter: redirect_uri"},
			Context: Context{RedirectURI: tc.used, RegisteredRedirectURI: tc.registered}}
		ds := Match(ev)
		if len(ds) == 0 || ds[0].ID != IDRedirectURIMismatch {
			t.Fatalf("Match(%s vs %s) = %+v, want %s first", tc.used, tc.registered, ds, IDRedirectURIMismatch)
		}
		if first := ds[0].Causes[0]; !strings.Contains(first, tc.word) {
			t.Errorf("%s vs %s: first cause %q does not mention %q", tc.used, tc.registered, first, tc.word)
		}
	}
}

func TestRequestEnvUsesLocalIssuer(t *testing.T) {
	env, ok := requestEnv(Context{Env: "local-production", Issuer: "http://127.0.0.1:41234/realms/k-series"})
	if !ok {
		t.Fatal("requestEnv found no environment for local-production")
	}
	if env.Host() != "127.0.0.1:41234" {
		t.Errorf("host = %q, want the issuer's 127.0.0.1:41234", env.Host())
	}
}
