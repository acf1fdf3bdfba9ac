package main

import (
	"context"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kseries-tools/ksauth/envs/emulator"
)

// startEmulator serves the seeded realms on free loopback ports and
// returns an env file naming the trial realm.
func startEmulator(t *testing.T) (envFile string, seed emulator.Seed) {
	t.Helper()
	srv, err := emulator.New(emulator.DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Start("127.0.0.1:0", "127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	envFile = filepath.Join(t.TempDir(), "local.json")
	body := `{"name": "emulated", "tier": "trial", "issuer": "` + srv.TrialIssuer() + `"}`
	if err := os.WriteFile(envFile, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return envFile, emulator.DefaultSeed()
}

func TestLoginHeadlessOnEmulator(t *testing.T) {
	envFile, seed := startEmulator(t)
	env := map[string]string{"KSAUTH_CLIENT_SECRET": seed.TrialClient.Secret, "KSAUTH_PASSWORD": seed.TrialUser.Password}
	r := ksauth(t, "", env, "login", "--env", envFile, "--client-id", seed.TrialClient.ClientID,
		"--redirect-uri", "http://127.0.0.1:0/callback", "--scope", "openid offline_access",
		"--username", seed.TrialUser.Username, "--refresh-check", "--json")
	r.wantCode(t, exitOK)
	var doc struct {
		OK      bool    `json:"ok"`
		Command string  `json:"command"`
		CodeAge float64 `json:"code_age_ms"`
		Steps   []struct{ Name, Status string }
		Tokens  struct {
			AccessToken string `json:"access_token"`
		}
	}
	if err := json.Unmarshal([]byte(r.stdout), &doc); err != nil {
		t.Fatalf("stdout is not JSON: %v\n%s", err, r.stdout)
	}
	if !doc.OK || doc.Command != "login" {
		t.Errorf("ok = %t, command = %q; want true, login", doc.OK, doc.Command)
	}
	if doc.CodeAge <= 0 {
		t.Errorf("code_age_ms = %v, want > 0", doc.CodeAge)
	}
	if !strings.HasSuffix(doc.Tokens.AccessToken, "(redacted)") {
		t.Errorf("access token not redacted: %q", doc.Tokens.AccessToken)
	}
	for _, s := range doc.Steps {
		if s.Status == "failed" {
			t.Errorf("step %s failed", s.Name)
		}
	}
	for _, secret := range []string{seed.TrialClient.Secret, seed.TrialUser.Password} {
		if strings.Contains(r.stdout+r.stderr, secret) {
			t.Errorf("a secret appears in the output")
		}
	}
}

func TestLoginWrongPasswordDiagnosed(t *testing.T) {
	envFile, seed := startEmulator(t)
	env := map[string]string{"KSAUTH_CLIENT_SECRET": seed.TrialClient.Secret, "KSAUTH_PASSWORD": seed.ProductionUser.Password}
	r := ksauth(t, "", env, "login", "--env", envFile, "--client-id", seed.TrialClient.ClientID,
		"--redirect-uri", "http://127.0.0.1:0/callback", "--username", seed.TrialUser.Username)
	r.wantCode(t, exitFailed)
	if !strings.Contains(r.stdout, "invalid-user-credentials") {
		t.Errorf("stdout lacks the invalid-user-credentials diagnosis:\n%s", r.stdout)
	}
}

func TestLoginProbeCatchesScope(t *testing.T) {
	envFile, seed := startEmulator(t)
	env := map[string]string{"KSAUTH_CLIENT_SECRET": seed.TrialClient.Secret, "KSAUTH_PASSWORD": seed.TrialUser.Password}
	r := ksauth(t, "", env, "login", "--env", envFile, "--client-id", seed.TrialClient.ClientID,
		"--redirect-uri", "http://127.0.0.1:0/callback", "--scope", "openid financial_api",
		"--username", seed.TrialUser.Username, "--json")
	r.wantCode(t, exitFailed)
	var doc struct {
		FailedStep string `json:"failed_step"`
		Diagnoses  []struct{ ID, Step string }
	}
	if err := json.Unmarshal([]byte(r.stdout), &doc); err != nil {
		t.Fatalf("stdout is not JSON: %v\n%s", err, r.stdout)
	}
	if doc.FailedStep != "probe" {
		t.Errorf("failed_step = %q, want probe", doc.FailedStep)
	}
	found := false
	for _, d := range doc.Diagnoses {
		found = found || (d.ID == "invalid-scope" && d.Step == "probe")
	}
	if !found {
		t.Errorf("diagnoses = %+v, want invalid-scope at probe", doc.Diagnoses)
	}
}

func TestLoginUsageErrors(t *testing.T) {
	cases := map[string][]string{
		"no client ID":         {"login", "--redirect-uri", "http://127.0.0.1:0/cb"},
		"no redirect URI":      {"login", "--client-id", "devp-v2-demo-x"},
		"username with paste":  {"login", "--client-id", "devp-v2-demo-x", "--redirect-uri", "http://127.0.0.1:0/cb", "--username", "u", "--paste"},
		"half a TLS pair":      {"login", "--client-id", "devp-v2-demo-x", "--redirect-uri", "https://localhost:8443/", "--tls-cert", "cert.pem"},
		"HAR in missing dir":   {"login", "--client-id", "devp-v2-demo-x", "--redirect-uri", "http://127.0.0.1:0/cb", "--har", "/nonexistent-dir/x.har"},
		"bad redirect URI":     {"login", "--client-id", "devp-v2-demo-x", "--redirect-uri", "::not a url", "--no-browser", "--no-probe"},
		"bad secret file path": {"login", "--client-id", "devp-v2-demo-x", "--redirect-uri", "http://127.0.0.1:0/cb", "--client-secret-file", "/nonexistent/secret"},
	}
	for name, args := range cases {
		t.Run(name, func(t *testing.T) {
			// A closed loopback port as the issuer keeps every request local.
			args = append(args, "--issuer", "http://127.0.0.1:9/realms/k-series")
			r := ksauth(t, "", map[string]string{"KSAUTH_CLIENT_SECRET": "x"}, args...)
			r.wantCode(t, exitUsage)
		})
	}
}

func TestLoginRegisteredRedirectCompared(t *testing.T) {
	envFile, seed := startEmulator(t)
	env := map[string]string{"KSAUTH_CLIENT_SECRET": seed.TrialClient.Secret, "KSAUTH_PASSWORD": seed.TrialUser.Password}
	r := ksauth(t, "", env, "login", "--env", envFile, "--client-id", seed.TrialClient.ClientID,
		"--redirect-uri", "http://127.0.0.1:0/callback", "--registered-redirect-uri", "http://127.0.0.1:0/callback/",
		"--username", seed.TrialUser.Username, "--json")
	var doc struct {
		Diagnoses []struct{ ID, Step string }
	}
	if err := json.Unmarshal([]byte(r.stdout), &doc); err != nil {
		t.Fatalf("stdout is not JSON: %v\n%s", err, r.stdout)
	}
	found := false
	for _, d := range doc.Diagnoses {
		found = found || (d.ID == "redirect-uri-mismatch" && d.Step == "preflight")
	}
	if !found {
		t.Errorf("diagnoses = %+v, want redirect-uri-mismatch at preflight", doc.Diagnoses)
	}
}

func TestLoginPasteRejectsNonURL(t *testing.T) {
	envFile, seed := startEmulator(t)
	env := map[string]string{"KSAUTH_CLIENT_SECRET": seed.TrialClient.Secret}
	for name, stdin := range map[string]string{"plain text": "not a url at all\n", "empty": ""} {
		t.Run(name, func(t *testing.T) {
			r := ksauth(t, stdin, env, "login", "--env", envFile, "--client-id", seed.TrialClient.ClientID,
				"--redirect-uri", seed.HTTPSRedirectURI, "--paste", "--no-browser")
			r.wantCode(t, exitUsage)
			if !strings.Contains(r.stderr, "address bar") {
				t.Errorf("stderr does not say what to paste:\n%s", r.stderr)
			}
		})
	}
}

func TestLoginPreflightFoldedIntoProbe(t *testing.T) {
	envFile, seed := startEmulator(t)
	env := map[string]string{"KSAUTH_CLIENT_SECRET": seed.TrialClient.Secret, "KSAUTH_PASSWORD": seed.TrialUser.Password}
	r := ksauth(t, "", env, "login", "--env", envFile, "--client-id", seed.TrialClient.ClientID,
		"--redirect-uri", "http://127.0.0.1:0/callback", "--scope", "openid items-api",
		"--username", seed.TrialUser.Username, "--json")
	r.wantCode(t, exitFailed)
	var doc struct {
		Diagnoses []struct {
			ID, Step string
			Evidence []string
		}
	}
	if err := json.Unmarshal([]byte(r.stdout), &doc); err != nil {
		t.Fatalf("stdout is not JSON: %v\n%s", err, r.stdout)
	}
	count := 0
	for _, d := range doc.Diagnoses {
		if d.ID != "invalid-scope" {
			continue
		}
		count++
		if d.Step != "probe" {
			t.Errorf("invalid-scope at step %s, want probe", d.Step)
		}
		if !strings.Contains(strings.Join(d.Evidence, "\n"), "offline check: ") {
			t.Errorf("probe diagnosis lacks the preflight evidence: %v", d.Evidence)
		}
	}
	if count != 1 {
		t.Errorf("invalid-scope reported %d times, want once", count)
	}
}

func TestLoginInterruptedExits130(t *testing.T) {
	envFile, seed := startEmulator(t)
	ctx, cancel := context.WithCancel(context.Background())
	var stderr syncBuffer
	done := make(chan int, 1)
	go func() {
		getenv := func(k string) string {
			return map[string]string{"KSAUTH_CLIENT_SECRET": seed.TrialClient.Secret}[k]
		}
		done <- runWith(ctx, []string{"login", "--env", envFile, "--client-id", seed.TrialClient.ClientID,
			"--redirect-uri", "http://127.0.0.1:0/callback", "--no-browser"},
			stdio{In: strings.NewReader(""), Out: io.Discard, Err: &stderr}, getenv)
	}()
	// Interrupt once the command waits for the callback.
	for !strings.Contains(stderr.String(), "Open this URL") {
		select {
		case code := <-done:
			t.Fatalf("login exited with %d before waiting: %s", code, stderr.String())
		case <-time.After(10 * time.Millisecond):
		}
	}
	cancel()
	if code := <-done; code != exitInterrupted {
		t.Errorf("exit code = %d, want %d\n%s", code, exitInterrupted, stderr.String())
	}
}
