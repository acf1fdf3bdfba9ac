package diagnose

import (
	"strings"
	"testing"
	"time"

	"github.com/kseries-tools/ksauth/envs"
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

func TestPreflightLocalAllowsHTTPLoopback(t *testing.T) {
	in := PreflightInput{ClientID: "devp-v2-demo-x", RedirectURI: "http://127.0.0.1:0/callback"}
	local, err := envs.Lookup("local")
	if err != nil {
		t.Fatal(err)
	}
	if ds := Preflight(local, in); len(ds) != 0 {
		t.Errorf("local realm: Preflight = %+v, want no findings", ds)
	}
	trial, err := envs.Lookup("trial")
	if err != nil {
		t.Fatal(err)
	}
	ds := Preflight(trial, in)
	if len(ds) != 1 || ds[0].ID != IDRedirectURIMismatch || ds[0].Failed() {
		t.Errorf("trial realm: Preflight = %+v, want one redirect-uri-mismatch warning", ds)
	}
}

func TestCodeAgeUpperBoundWorded(t *testing.T) {
	ev := Evidence{Step: StepToken, Status: 400, Error: "invalid_grant", ErrorDescription: "Code not valid",
		Context: Context{GrantType: "authorization_code", CodeAge: 17 * time.Second, CodeAgeIsMax: true}}
	ds := Match(ev)
	if len(ds) == 0 || ds[0].ID != IDInvalidCodeGrant {
		t.Fatalf("Match = %+v, want %s first", ds, IDInvalidCodeGrant)
	}
	text := strings.Join(ds[0].Evidence, "\n")
	if !strings.Contains(text, "at most 17s old") {
		t.Errorf("evidence does not call the age an upper bound:\n%s", text)
	}
}
