package main

import (
	"context"
	"encoding/json"
	"flag"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/kseries-tools/ksauth/demo"
	"github.com/kseries-tools/ksauth/envs/emulator"
)

// Regenerate the golden files with: go test ./cmd/ksauth -run TestDemoScenarioGolden -update
var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// seedSecrets returns every seeded client secret and password, none of
// which may appear in any output.
func seedSecrets() []string {
	s := emulator.DefaultSeed()
	return []string{s.TrialClient.Secret, s.TrialConsentClient.Secret, s.TrialPKCEClient.Secret,
		s.TrialServiceAccountClient.Secret, s.TrialDirectGrantClient.Secret, s.ProductionClient.Secret,
		s.TrialUser.Password, s.ProductionUser.Password}
}

func (r result) wantNoSecrets(t *testing.T) {
	t.Helper()
	for _, secret := range seedSecrets() {
		if strings.Contains(r.stdout, secret) || strings.Contains(r.stderr, secret) {
			t.Errorf("output contains a seeded secret or password")
		}
	}
}

// normalisers replace what changes between runs: ports, durations, random
// PKCE, state and nonce values, and redaction hashes.
var normalisers = []struct {
	re   *regexp.Regexp
	with string
}{
	{regexp.MustCompile(`127\.0\.0\.1:\d+`), "127.0.0.1:PORT"},
	{regexp.MustCompile(`\b\d+(\.\d+)?(ms|s)\b`), "DURATION"},
	{regexp.MustCompile(`\b(state|nonce|code_challenge)=[A-Za-z0-9_-]+`), "$1=RANDOM"},
	{regexp.MustCompile(`hmac:[0-9a-f]+`), "hmac:HASH"},
	{regexp.MustCompile(`(\S)  +`), "$1  "},
}

func normalise(s string) string {
	for _, n := range normalisers {
		s = n.re.ReplaceAllString(s, n.with)
	}
	return s
}

func TestDemoScenarioGolden(t *testing.T) {
	r := ksauth(t, "", nil, "demo", "--scenario", "invalid-scope")
	r.wantCode(t, exitOK)
	got := normalise(r.stdout)
	path := filepath.Join("testdata", "demo-invalid-scope.golden")
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("stdout differs from %s (run with -update to accept):\n--- got\n%s\n--- want\n%s", path, got, want)
	}
	r.wantNoSecrets(t)
}

func TestDemoDefault(t *testing.T) {
	r := ksauth(t, "", nil, "demo")
	r.wantCode(t, exitOK)
	for _, want := range []string{"discovery", "probe", "authorize", "callback", "token", "verify", "refresh",
		"Code age", "Scopes", "Access token  eyJh…(redacted)"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, r.stdout)
		}
	}
	if strings.Contains(r.stdout, "failed") {
		t.Errorf("a step failed:\n%s", r.stdout)
	}
	r.wantNoSecrets(t)
}

func TestDemoShowTokens(t *testing.T) {
	r := ksauth(t, "", nil, "demo", "--show-tokens", "--json")
	r.wantCode(t, exitOK)
	var doc struct {
		OK     bool `json:"ok"`
		Tokens struct {
			AccessToken string `json:"access_token"`
		} `json:"tokens"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &doc); err != nil {
		t.Fatalf("stdout is not JSON: %v\n%s", err, r.stdout)
	}
	if !doc.OK {
		t.Error("ok = false")
	}
	if strings.Count(doc.Tokens.AccessToken, ".") != 2 || strings.Contains(doc.Tokens.AccessToken, "redacted") {
		t.Errorf("access_token = %q, want the whole JWT", doc.Tokens.AccessToken)
	}
}

func TestDemoAll(t *testing.T) {
	r := ksauth(t, "", nil, "demo", "--all")
	r.wantCode(t, exitOK)
	for _, s := range demo.Scenarios() {
		if !strings.Contains(r.stdout, s.ID) {
			t.Errorf("stdout lacks scenario %s", s.ID)
		}
	}
	if strings.Contains(r.stdout, " NO") {
		t.Errorf("a scenario failed:\n%s", r.stdout)
	}
	r.wantNoSecrets(t)
}

func TestDemoList(t *testing.T) {
	r := ksauth(t, "", nil, "demo", "--list")
	r.wantCode(t, exitOK)
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	if len(lines) != len(demo.Scenarios()) {
		t.Errorf("%d lines, want one per scenario (%d):\n%s", len(lines), len(demo.Scenarios()), r.stdout)
	}
	for i, s := range demo.Scenarios() {
		if i < len(lines) && !strings.HasPrefix(lines[i], s.ID+" ") {
			t.Errorf("line %d = %q, want scenario %s", i, lines[i], s.ID)
		}
	}
}

func TestDemoUnknownScenario(t *testing.T) {
	r := ksauth(t, "", nil, "demo", "--scenario", "no-such-mistake")
	r.wantCode(t, exitUsage)
	for _, want := range []string{"no-such-mistake", "invalid-scope", "server-error"} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("stderr lacks %q: %s", want, r.stderr)
		}
	}
}

func TestDemoFlagsExclusive(t *testing.T) {
	r := ksauth(t, "", nil, "demo", "--all", "--scenario", "invalid-scope")
	r.wantCode(t, exitUsage)
}

func TestDemoScenarioJSON(t *testing.T) {
	r := ksauth(t, "", nil, "demo", "--scenario", "invalid-code-grant-expired", "--json")
	r.wantCode(t, exitOK)
	var doc struct {
		OK       bool   `json:"ok"`
		Command  string `json:"command"`
		Scenario string `json:"scenario"`
		Expected string `json:"expected"`
		Got      string `json:"got"`
		Step     string `json:"step"`
		Steps    []struct {
			Name       string   `json:"name"`
			Status     string   `json:"status"`
			DurationMS *float64 `json:"duration_ms"`
		} `json:"steps"`
		Diagnoses []struct {
			ID   string `json:"id"`
			Step string `json:"step"`
			Fix  string `json:"fix"`
		} `json:"diagnoses"`
		Response struct {
			Status           int    `json:"status"`
			ErrorDescription string `json:"error_description"`
		} `json:"response"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &doc); err != nil {
		t.Fatalf("stdout is not JSON: %v\n%s", err, r.stdout)
	}
	if !doc.OK || doc.Command != "demo" {
		t.Errorf("ok = %t, command = %q; want true, demo", doc.OK, doc.Command)
	}
	if doc.Scenario != "invalid-code-grant-expired" || doc.Expected != "invalid-code-grant" || doc.Got != doc.Expected {
		t.Errorf("scenario = %q, expected = %q, got = %q", doc.Scenario, doc.Expected, doc.Got)
	}
	if len(doc.Diagnoses) == 0 || doc.Diagnoses[0].ID != "invalid-code-grant" || doc.Diagnoses[0].Step != "token" {
		t.Errorf("diagnoses = %+v, want invalid-code-grant at token first", doc.Diagnoses)
	}
	if len(doc.Steps) == 0 || doc.Steps[len(doc.Steps)-1].Status != "failed" || doc.Steps[0].DurationMS == nil {
		t.Errorf("steps = %+v, want a timeline ending in the failed step", doc.Steps)
	}
	if doc.Response.Status != 400 || doc.Response.ErrorDescription != "Code not valid" {
		t.Errorf("response = %+v, want 400 Code not valid", doc.Response)
	}
	r.wantNoSecrets(t)
}

func TestDemoHAR(t *testing.T) {
	path := filepath.Join(t.TempDir(), "demo.har")
	r := ksauth(t, "", nil, "demo", "--scenario", "invalid-client-credentials", "--har", path, "--verbose")
	r.wantCode(t, exitOK)
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("HAR file not written: %v", err)
	}
	var archive struct {
		Log struct {
			Entries []struct {
				Request struct {
					URL string `json:"url"`
				} `json:"request"`
			} `json:"entries"`
		} `json:"log"`
	}
	if err := json.Unmarshal(data, &archive); err != nil {
		t.Fatalf("HAR file is not JSON: %v", err)
	}

	token := false
	for _, e := range archive.Log.Entries {
		token = token || strings.HasSuffix(e.Request.URL, "/protocol/openid-connect/token")
	}
	if !token {
		t.Errorf("HAR has no token request among %d entries", len(archive.Log.Entries))
	}
	if !strings.Contains(r.stderr, "/protocol/openid-connect/token") {
		t.Error("--verbose printed no token request on stderr")
	}
	for _, secret := range seedSecrets() {
		if strings.Contains(string(data), secret) {
			t.Error("HAR file contains a seeded secret or password")
		}
	}
	r.wantNoSecrets(t)
}

func TestPrintAllScenariosFailure(t *testing.T) {
	outcomes := []demo.Outcome{
		{Scenario: "invalid-scope", Step: "probe", Expected: "invalid-scope", Got: "invalid-scope", GotStep: "probe", Pass: true},
		{Scenario: "server-error", Step: "token", Expected: "server-error", Error: "the flow succeeded: the mistake was not caught"},
	}
	var out strings.Builder
	err := printAllScenarios(&out, style{}, outcomes, false)
	if code := exitCode(context.Background(), err, io.Discard); code != exitFailed {
		t.Errorf("exit code = %d, want %d", code, exitFailed)
	}
	for _, want := range []string{"1 of 2 scenarios", "server-error", "NO", "the mistake was not caught"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
}

func TestDemoListJSON(t *testing.T) {
	r := ksauth(t, "", nil, "demo", "--list", "--json")
	r.wantCode(t, exitOK)
	var doc struct {
		OK        bool `json:"ok"`
		Scenarios []struct {
			ID       string `json:"id"`
			Step     string `json:"step"`
			Expected string `json:"expected"`
		} `json:"scenarios"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &doc); err != nil {
		t.Fatalf("stdout is not JSON: %v\n%s", err, r.stdout)
	}
	if len(doc.Scenarios) != len(demo.Scenarios()) {
		t.Errorf("%d scenarios, want %d", len(doc.Scenarios), len(demo.Scenarios()))
	}
	for _, s := range doc.Scenarios {
		if s.ID == "" || s.Step == "" || s.Expected == "" {
			t.Errorf("scenario %+v lacks an ID, step or expected diagnosis", s)
		}
	}
}
