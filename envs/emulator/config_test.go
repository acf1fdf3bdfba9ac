package emulator

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// exampleConfig is the example realm file, kept equal to DefaultConfig.
// Regenerate it with: go test ./envs/emulator -run TestExampleConfig -update
var exampleConfig = filepath.Join("..", "..", "examples", "emulator-realm.json")

var update = flag.Bool("update", false, "rewrite examples/emulator-realm.json from DefaultConfig")

func TestExampleConfigMatchesDefault(t *testing.T) {
	if *update {
		b, err := json.MarshalIndent(DefaultConfig(), "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(exampleConfig, append(b, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := LoadConfig(exampleConfig)
	if err != nil {
		t.Fatalf("LoadConfig: %v", err)
	}
	if !reflect.DeepEqual(got, DefaultConfig()) {
		t.Errorf("%s differs from DefaultConfig; regenerate it with -update", exampleConfig)
	}
}

func TestDefaultConfigSeed(t *testing.T) {
	cfg := DefaultConfig()
	s := DefaultSeed()
	if err := cfg.Validate(); err != nil {
		t.Fatalf("DefaultConfig is invalid: %v", err)
	}

	for _, c := range []SeedClient{s.TrialClient, s.TrialConsentClient, s.TrialPKCEClient, s.TrialServiceAccountClient, s.TrialDirectGrantClient} {
		if !strings.HasPrefix(c.ClientID, "devp-v2-demo-") {
			t.Errorf("trial client %s lacks the devp-v2-demo- prefix", c.ClientID)
		}
		if got, ok := cfg.Trial.Client(c.ClientID); !ok || got.Secret != c.Secret {
			t.Errorf("trial client %s is not seeded with its secret", c.ClientID)
		}
	}

	p := s.ProductionClient
	if !strings.HasPrefix(p.ClientID, "devp-v2-") || strings.Contains(p.ClientID, "demo") {
		t.Errorf("production client %s must start devp-v2- without demo", p.ClientID)
	}
	if _, ok := cfg.Production.Client(p.ClientID); !ok {
		t.Errorf("production client %s is not seeded", p.ClientID)
	}
	if s.TrialUser.Password == s.ProductionUser.Password {
		t.Error("trial and production demo users share a password")
	}

	flags := map[string][2]bool{ // direct access grants, service accounts
		s.TrialClient.ClientID:               {false, false},
		s.TrialServiceAccountClient.ClientID: {false, true},
		s.TrialDirectGrantClient.ClientID:    {true, false},
	}
	for id, want := range flags {
		c, _ := cfg.Trial.Client(id)
		if c.DirectAccessGrantsEnabled != want[0] || c.ServiceAccountsEnabled != want[1] {
			t.Errorf("%s: direct access grants %v, service accounts %v; want %v", id, c.DirectAccessGrantsEnabled, c.ServiceAccountsEnabled, want)
		}
	}

	if c, _ := cfg.Trial.Client(s.TrialConsentClient.ClientID); !c.ConsentRequired {
		t.Error("consent client does not require consent")
	}
	if c, _ := cfg.Trial.Client(s.TrialPKCEClient.ClientID); c.PKCEMethod != PKCEMethodS256 {
		t.Errorf("PKCE client method = %q, want S256", c.PKCEMethod)
	}
	if cfg.Trial.AccessCodeLifespan != 15 {
		t.Errorf("code lifespan = %d, want 15", cfg.Trial.AccessCodeLifespan)
	}
}

func TestParseConfigErrors(t *testing.T) {
	valid, err := json.Marshal(DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name, data, want string
	}{
		{"unknown field", strings.Replace(string(valid), `"realm":`, `"realmName":"x","realm":`, 1), `unknown field "realmName"`},
		{"trailing data", string(valid) + "{}", "data after the top-level object"},
		{"bad lifespan", strings.Replace(string(valid), `"accessCodeLifespan":15`, `"accessCodeLifespan":0`, 1), "trial.accessCodeLifespan: lifespan must be a positive number of seconds, got 0"},
		{"bad PKCE method", strings.Replace(string(valid), `"pkceCodeChallengeMethod":"S256"`, `"pkceCodeChallengeMethod":"S512"`, 1), `unsupported method "S512"`},
		{"relative redirect", strings.Replace(string(valid), `"https://localhost:8443/callback/"`, `"/callback"`, 1), "is not absolute"},
		{"not JSON", "realm: k-series", "could not parse emulator config"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseConfig("test.json", []byte(tc.data))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error = %v, want one containing %q", err, tc.want)
			}
		})
	}
}

func TestConfigSecretsNotInErrors(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Trial.Clients[0].RedirectURIs = nil
	cfg.Trial.Clients[0].Secret = ""
	err := cfg.Validate()
	if err == nil {
		t.Fatal("Validate accepted a confidential client without secret")
	}
	if strings.Contains(err.Error(), seed.TrialConsentClient.Secret) || strings.Contains(err.Error(), seed.TrialUser.Password) {
		t.Error("a secret or password appears in the validation error")
	}
}

func TestStartRejectsNonLoopback(t *testing.T) {
	srv, err := New(DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	for _, addr := range []string{"0.0.0.0:0", "192.0.2.1:0", "[::]:0", "example.com:0"} {
		if err := srv.Start(addr, "127.0.0.1:0"); err == nil {
			_ = srv.Close()
			t.Errorf("Start(%q) succeeded, want an error", addr)
		}
	}
}

func TestStartEmptyHostIsLoopback(t *testing.T) {
	srv, err := New(DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Start(":0", "localhost:0"); err != nil {
		t.Fatalf("Start: %v", err)
	}
	defer srv.Close()
	for _, issuer := range []string{srv.TrialIssuer(), srv.ProductionIssuer()} {
		if !strings.HasPrefix(issuer, "http://127.0.0.1:") || !strings.HasSuffix(issuer, "/realms/k-series") {
			t.Errorf("issuer = %q, want http://127.0.0.1:PORT/realms/k-series", issuer)
		}
	}
	if err := srv.Start("127.0.0.1:0", "127.0.0.1:0"); err == nil {
		t.Error("second Start succeeded, want an error")
	}
}
