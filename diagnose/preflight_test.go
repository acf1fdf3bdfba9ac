package diagnose

import (
	"strings"
	"testing"

	"github.com/kseries-tools/ksauth/envs"
)

func mustEnv(t *testing.T, name string) envs.Env {
	t.Helper()
	e, err := envs.Lookup(name)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func TestPreflightClientID(t *testing.T) {
	tests := []struct {
		name, env, clientID string
		want                []string
	}{
		{"trial client on production", "production", trialClient, []string{IDWrongEnvironment}},
		{"production client on trial", "trial", prodClient, []string{IDWrongEnvironment}},
		{"v1 client", "trial", "devp-1234-2345-3456-1234", []string{IDV1Client}},
		{"matching trial", "trial", trialClient, nil},
		{"matching production", "production", prodClient, nil},
		{"unrecognised prefix", "production", "my-app", []string{IDUnknownClient}},
		{"trailing newline", "trial", trialClient + "\n", []string{IDUnknownClient}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := ids(Preflight(mustEnv(t, tt.env), PreflightInput{ClientID: tt.clientID}))
			if strings.Join(got, " ") != strings.Join(tt.want, " ") {
				t.Errorf("Preflight() = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestPreflightUnrecognisedPrefixWarns(t *testing.T) {
	ds := Preflight(mustEnv(t, "production"), PreflightInput{ClientID: "my-app"})
	if len(ds) != 1 || ds[0].Failed() {
		t.Errorf("Preflight() = %+v, want one warning", ds)
	}
}

func TestPreflightScopes(t *testing.T) {
	tests := []struct {
		scope, want string
		failed      bool
	}{
		{"financial_api", `"financial_api" is not a K-Series scope; did you mean "financial-api"?`, true},
		{"items-api", `"items-api" is not a K-Series scope; did you mean "items"?`, true},
		{"financial-api,items", "scopes are separated by commas; separate them with spaces", true},
		{"financial-api%20items", "already URL-encoded", true},
		{"financial-api+items", "contains '+'", true},
		{"nonsense", `"nonsense" is not a K-Series scope; valid scopes are financial-api, orders-api`, true},
		{"financial-api  items", "extra whitespace", false},
	}
	for _, tt := range tests {
		t.Run(tt.scope, func(t *testing.T) {
			ds := Preflight(mustEnv(t, "trial"), PreflightInput{Scope: tt.scope})
			if len(ds) != 1 || ds[0].ID != IDInvalidScope {
				t.Fatalf("Preflight() = %v, want [invalid-scope]", ids(ds))
			}
			if !containsText(ds[0].Evidence, tt.want) {
				t.Errorf("evidence = %q, want %q", ds[0].Evidence, tt.want)
			}
			if ds[0].Failed() != tt.failed {
				t.Errorf("Failed() = %v, want %v", ds[0].Failed(), tt.failed)
			}
		})
	}
	if ds := Preflight(mustEnv(t, "trial"), PreflightInput{Scope: "openid financial-api orders-api items offline_access staff-api reservation-abc"}); len(ds) != 0 {
		t.Errorf("valid scopes: Preflight() = %v, want none", ids(ds))
	}
}

func TestPreflightRedirectURI(t *testing.T) {
	tests := []struct {
		name, used, registered, want string
	}{
		{"trailing slash missing", "https://localhost", "https://localhost/", "the trailing slash is missing"},
		{"trailing slash added", "https://localhost/cb/", "https://localhost/cb", "a trailing slash was added"},
		{"scheme", "http://localhost/", "https://localhost/", `the scheme is "http" where "https" is expected`},
		{"host", "https://127.0.0.1/", "https://localhost/", "loopback names are not interchangeable"},
		{"port", "https://localhost:8443/", "https://localhost/", "the port is 8443 where the scheme's default is expected"},
		{"encoding", "https://localhost/a%20b", "https://localhost/a%2520b", "path"},
		{"percent-encoding", "https://localhost/caf%C3%A9", "https://localhost/café", "percent-encoded differently"},
		{"query", "https://localhost/?x=1", "https://localhost/", "the query is"},
		{"whitespace", "https://localhost/ ", "https://localhost/", "whitespace"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ds := Preflight(mustEnv(t, "trial"), PreflightInput{RedirectURI: tt.used, RegisteredRedirectURI: tt.registered})
			if len(ds) == 0 {
				t.Fatal("Preflight() found nothing")
			}
			found := false
			for _, d := range ds {
				if d.ID == IDRedirectURIMismatch && containsText(d.Evidence, tt.want) {
					found = true
				}
			}
			if !found {
				t.Errorf("Preflight() = %+v, want redirect-uri-mismatch naming %q", ds, tt.want)
			}
		})
	}
	if ds := Preflight(mustEnv(t, "trial"), PreflightInput{RedirectURI: "https://localhost/", RegisteredRedirectURI: "https://localhost/"}); len(ds) != 0 {
		t.Errorf("identical URIs: Preflight() = %v, want none", ids(ds))
	}
}

func TestPreflightRedirectForm(t *testing.T) {
	tests := []struct {
		name, uri, want string
		failed          bool
	}{
		{"relative", "/callback", "is not absolute", true},
		{"encoded", "https%3A%2F%2Flocalhost%2F", "still URL-encoded", true},
		{"fragment", "https://localhost/#x", "fragment", true},
		{"http remote", "http://example.com/cb", "http on a non-local host", true},
		{"http loopback", "http://localhost:8080/", "registers https redirect URIs", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ds := Preflight(mustEnv(t, "trial"), PreflightInput{RedirectURI: tt.uri})
			if len(ds) != 1 || ds[0].ID != IDRedirectURIMismatch || !containsText(ds[0].Evidence, tt.want) {
				t.Fatalf("Preflight() = %+v, want redirect-uri-mismatch naming %q", ds, tt.want)
			}
			if ds[0].Failed() != tt.failed {
				t.Errorf("Failed() = %v, want %v", ds[0].Failed(), tt.failed)
			}
		})
	}
}

func TestPreflightSecret(t *testing.T) {
	const secret = "Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MA"
	tests := []struct{ name, secret, want string }{
		{"trailing newline", secret + "\n", "line break"},
		{"leading space", " " + secret, "leading or trailing whitespace"},
		{"quoted", `"` + secret + `"`, "wrapped in quotes"},
		{"client id", "devp-v2-demo-x", "may be swapped"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ds := Preflight(mustEnv(t, "trial"), PreflightInput{ClientSecret: tt.secret})
			if len(ds) != 1 || ds[0].ID != IDInvalidClientCredentials || !containsText(ds[0].Evidence, tt.want) {
				t.Fatalf("Preflight() = %+v, want invalid-client-credentials naming %q", ds, tt.want)
			}
			if containsText(ds[0].Evidence, strings.TrimSpace(strings.Trim(tt.secret, `"`))) {
				t.Errorf("evidence shows the secret: %q", ds[0].Evidence)
			}
		})
	}
	if ds := Preflight(mustEnv(t, "trial"), PreflightInput{ClientSecret: secret}); len(ds) != 0 {
		t.Errorf("clean secret: Preflight() = %v, want none", ids(ds))
	}
}

func TestPreflightHosts(t *testing.T) {
	tests := []struct{ name, url, want string }{
		{"wrong host", "https://auth.lsk.lightspeed.app/realms/k-series", IDWrongEnvironment},
		{"v1 endpoint", "https://api.lsk.lightspeed.app/oauth/authorize", IDV1Client},
		{"auth prefix", "https://auth.lsk-prod.app/auth/realms/k-series", IDUnexpectedResponse},
		{"other realm", "https://auth.lsk-prod.app/realms/master", IDUnexpectedResponse},
		{"plain http", "http://auth.lsk-prod.app/realms/k-series", IDTLSError},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := ids(Preflight(envs.Env{}, PreflightInput{URL: tt.url}))
			if len(got) == 0 || got[0] != tt.want {
				t.Errorf("Preflight() = %v, want %s first", got, tt.want)
			}
		})
	}
}

func TestPreflightRequired(t *testing.T) {
	got := ids(Preflight(mustEnv(t, "trial"), PreflightInput{CheckRequired: true}))
	want := []string{IDUnknownClient, IDInvalidScope, IDRedirectURIMismatch}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("Preflight(empty, required) = %v, want %v", got, want)
	}
}

func TestPreflightStep(t *testing.T) {
	ds := Preflight(mustEnv(t, "production"), PreflightInput{ClientID: trialClient, Scope: "financial_api", RedirectURI: "https://localhost"})
	for _, d := range ds {
		if d.Step != StepPreflight {
			t.Errorf("diagnosis %s at step %q, want preflight", d.ID, d.Step)
		}
	}
}
