package envs

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestClassifyClientID(t *testing.T) {
	tests := []struct {
		id   string
		want ClientKind
	}{
		{"devp-v2-demo-dasxtrial-b69ffe954c5cd33c57a79a94780eb2ab", ClientTrial},
		{"devp-v2-prod-1234", ClientProduction},
		{"devp-v2-1234-2345-3456-1234", ClientProduction},
		{"devp-1234-2345-3456-1234", ClientV1},
		{"my-app", ClientUnknown},
		{"", ClientUnknown},
	}
	for _, tt := range tests {
		if got := ClassifyClientID(tt.id); got != tt.want {
			t.Errorf("ClassifyClientID(%q) = %v, want %v", tt.id, got, tt.want)
		}
	}
}

func TestForHost(t *testing.T) {
	tests := []struct{ host, want string }{
		{"auth.lsk-trial.app", "trial"},
		{"auth.lsk-demo.app", "trial"},
		{"AUTH.LSK-PROD.APP", "production"},
		{"auth.lsk-prod.app:443", "production"},
		{"127.0.0.1:8400", "local"},
	}
	for _, tt := range tests {
		e, ok := ForHost(tt.host)
		if !ok || e.Name != tt.want {
			t.Errorf("ForHost(%q) = %q, %v; want %q", tt.host, e.Name, ok, tt.want)
		}
	}
	if _, ok := ForHost("auth.lsk.lightspeed.app"); ok {
		t.Error("ForHost accepted a host that is not a K-Series realm")
	}
}

func TestEndpoints(t *testing.T) {
	e, err := Lookup("production")
	if err != nil {
		t.Fatal(err)
	}
	got := e.Endpoints().Authorization
	want := "https://auth.lsk-prod.app/realms/k-series/protocol/openid-connect/auth"
	if got != want {
		t.Errorf("authorization endpoint = %q, want %q", got, want)
	}
}

func TestValidScope(t *testing.T) {
	for _, s := range []string{"financial-api", "offline_access", "openid", "reservation-abc"} {
		if !ValidScope(s) {
			t.Errorf("ValidScope(%q) = false", s)
		}
	}
	for _, s := range []string{"financial_api", "items-api", "offline-access", "reservation-", ""} {
		if ValidScope(s) {
			t.Errorf("ValidScope(%q) = true", s)
		}
	}
}

func TestLoadFile(t *testing.T) {
	dir := t.TempDir()
	jsonPath := filepath.Join(dir, "staging.json")
	os.WriteFile(jsonPath, []byte(`{"name":"staging","tier":"trial","issuer":"https://auth.example.test/realms/k-series/","code_lifespan_seconds":30}`), 0o600)
	e, err := Load(jsonPath)
	if err != nil {
		t.Fatal(err)
	}
	if e.Issuer != "https://auth.example.test/realms/k-series" {
		t.Errorf("issuer = %q, want the trailing slash removed", e.Issuer)
	}
	if e.CodeLifespan != 30*time.Second {
		t.Errorf("code lifespan = %v, want 30s", e.CodeLifespan)
	}
	if e.ClientIDPrefix != TrialPrefix {
		t.Errorf("prefix = %q, want %q", e.ClientIDPrefix, TrialPrefix)
	}

	tomlPath := filepath.Join(dir, "p.toml")
	os.WriteFile(tomlPath, []byte("name = \"p\"\ntier = \"production\"\nissuer = \"https://auth.example.test/realms/k-series\"\n"), 0o600)
	if e, err := Load(tomlPath); err != nil || e.Tier != TierProduction {
		t.Errorf("Load(toml) = %v, %v", e.Tier, err)
	}
}

func TestLoadFileErrors(t *testing.T) {
	dir := t.TempDir()
	tests := []struct{ name, body, want string }{
		{"unknown field", `{"name":"x","tier":"trial","issuer":"https://a/realms/k","colour":1}`, "unknown field"},
		{"bad tier", `{"name":"x","tier":"staging","issuer":"https://a/realms/k"}`, `invalid "tier"`},
		{"bad issuer", `{"name":"x","tier":"trial","issuer":"auth.lsk-trial.app"}`, `invalid "issuer"`},
		{"no name", `{"tier":"trial","issuer":"https://a/realms/k"}`, `missing "name"`},
		{"not json", `{`, "could not parse"},
	}
	for _, tt := range tests {
		p := filepath.Join(dir, "env.json")
		os.WriteFile(p, []byte(tt.body), 0o600)
		_, err := Load(p)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: err = %v, want it to contain %q", tt.name, err, tt.want)
		}
	}
}

func TestResolveUnknown(t *testing.T) {
	_, err := Resolve("staging")
	if err == nil || !strings.Contains(err.Error(), `unknown environment "staging"`) {
		t.Errorf("Resolve(staging) err = %v", err)
	}
}

func TestResolveMissingFileNamed(t *testing.T) {
	_, err := Resolve("/nonexistent/dir/env.json")
	if err == nil || !strings.Contains(err.Error(), "not found") {
		t.Errorf("Resolve(missing file) = %v, want a file-not-found error", err)
	}
	_, err = Resolve("staging")
	if err == nil || !strings.Contains(err.Error(), "unknown environment") {
		t.Errorf("Resolve(staging) = %v, want unknown environment", err)
	}
}
