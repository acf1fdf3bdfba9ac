package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestJSONDocumentOnUsageError(t *testing.T) {
	cases := map[string][]string{
		"missing file":     {"diagnose", "--json", "/nonexistent/evidence.txt"},
		"unknown scenario": {"demo", "--json", "--scenario", "no-such-scenario"},
		"unknown flag":     {"check", "--json", "--no-such-flag"},
	}
	for name, args := range cases {
		t.Run(name, func(t *testing.T) {
			r := ksauth(t, "", nil, args...)
			r.wantCode(t, exitUsage)
			var doc struct {
				OK       bool   `json:"ok"`
				Command  string `json:"command"`
				Error    string `json:"error"`
				ExitCode int    `json:"exit_code"`
			}
			if err := json.Unmarshal([]byte(r.stdout), &doc); err != nil {
				t.Fatalf("stdout is not one JSON document: %v\n%s", err, r.stdout)
			}
			if doc.OK || doc.Error == "" || doc.ExitCode != exitUsage {
				t.Errorf("document = %+v, want ok false, an error and exit_code 2", doc)
			}
			if doc.Command != args[0] {
				t.Errorf("command = %q, want %q", doc.Command, args[0])
			}
		})
	}
}

func TestLoginFlagConflicts(t *testing.T) {
	base := []string{"login", "--client-id", "devp-v2-demo-x", "--redirect-uri", "http://127.0.0.1:0/cb",
		"--issuer", "http://127.0.0.1:9/realms/k-series"}
	cases := map[string][]string{
		"zero timeout":                    {"--timeout", "0s"},
		"negative timeout":                {"--timeout", "-5s"},
		"no browser with browser command": {"--no-browser", "--browser-command", "firefox"},
	}
	for name, extra := range cases {
		t.Run(name, func(t *testing.T) {
			r := ksauth(t, "", map[string]string{"KSAUTH_CLIENT_SECRET": "x"}, append(base, extra...)...)
			r.wantCode(t, exitUsage)
		})
	}
}

func TestSecretFileErrors(t *testing.T) {
	dir := t.TempDir()
	empty := filepath.Join(dir, "empty")
	if err := os.WriteFile(empty, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	cases := map[string]struct {
		args  []string
		stdin string
		want  string
	}{
		"directory":   {[]string{"--client-secret-file", dir}, "", "is a directory"},
		"empty file":  {[]string{"--client-secret-file", empty}, "", "is empty"},
		"empty stdin": {[]string{"--client-secret-file", "-"}, "", "on stdin is empty"},
		"blank stdin": {[]string{"--client-secret-file", "-"}, "   \n", "only whitespace"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			args := append([]string{"check", "--client-id", "devp-v2-demo-x"}, tc.args...)
			r := ksauth(t, tc.stdin, nil, args...)
			r.wantCode(t, exitUsage)
			if !strings.Contains(r.stderr, tc.want) {
				t.Errorf("stderr = %q, want it to contain %q", r.stderr, tc.want)
			}
		})
	}
}

func TestEmulatorPrintsIssuerFlags(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var out, errOut syncBuffer
	done := make(chan int, 1)
	go func() {
		done <- runWith(ctx, []string{"emulator", "--addr", "127.0.0.1:0", "--production-addr", "127.0.0.1:0", "--json"},
			stdio{In: strings.NewReader(""), Out: &out, Err: &errOut}, func(string) string { return "" })
	}()
	var doc struct {
		Realms []struct {
			Env, Issuer, Flags string
		}
	}
	for !strings.Contains(out.String(), "\n}") {
		select {
		case code := <-done:
			t.Fatalf("emulator exited with %d before printing: %s", code, errOut.String())
		case <-time.After(10 * time.Millisecond):
		}
	}
	if err := json.Unmarshal([]byte(out.String()), &doc); err != nil {
		t.Fatalf("stdout is not JSON: %v\n%s", err, out.String())
	}
	if len(doc.Realms) != 2 {
		t.Fatalf("realms = %d, want 2", len(doc.Realms))
	}
	for _, r := range doc.Realms {
		want := "--env " + r.Env + " --issuer " + r.Issuer
		if r.Flags != want {
			t.Errorf("flags = %q, want %q", r.Flags, want)
		}
	}
	cancel()
	if code := <-done; code != exitOK {
		t.Errorf("exit code after Ctrl-C = %d, want 0", code)
	}
}

func TestDiagnoseTwoFilesNamesFix(t *testing.T) {
	r := ksauth(t, "", nil, "diagnose", "a.txt", "b.txt")
	r.wantCode(t, exitUsage)
	if !strings.Contains(r.stderr, "give one FILE") {
		t.Errorf("stderr = %q, want the fix", r.stderr)
	}
}

func TestCheckJSONHasSteps(t *testing.T) {
	r := ksauth(t, "", nil, "check", "--json", "--client-id", "devp-v2-demo-acme-0123", "--scope", "openid items")
	r.wantCode(t, exitOK)
	var doc struct {
		Env   string `json:"env"`
		Steps []struct{ Name, Status string }
	}
	if err := json.Unmarshal([]byte(r.stdout), &doc); err != nil {
		t.Fatalf("stdout is not JSON: %v\n%s", err, r.stdout)
	}
	if doc.Env != "trial" {
		t.Errorf("env = %q, want trial", doc.Env)
	}
	if len(doc.Steps) != 1 || doc.Steps[0].Name != "preflight" || doc.Steps[0].Status != "ok" {
		t.Errorf("steps = %+v, want one ok preflight step", doc.Steps)
	}
}

func TestMissingClientSecretIsUsageError(t *testing.T) {
	r := ksauth(t, "", nil, "login", "--client-id", "devp-v2-demo-x", "--redirect-uri", "http://127.0.0.1:0/cb",
		"--issuer", "http://127.0.0.1:9/realms/k-series", "--username", "demo")
	r.wantCode(t, exitUsage)
	if !strings.Contains(r.stderr, "missing client secret") {
		t.Errorf("stderr = %q, want the missing secret named", r.stderr)
	}
}

func TestCheckV1ClientWithoutEnv(t *testing.T) {
	r := ksauth(t, "", nil, "check", "--json", "--client-id", "devp-abc123", "--redirect-uri", "https://localhost/")
	r.wantCode(t, exitFailed)
	if !strings.Contains(r.stdout, `"v1-client"`) {
		t.Errorf("stdout lacks the v1-client diagnosis:\n%s", r.stdout)
	}
}

func TestEveryJSONDocumentHasDiagnoses(t *testing.T) {
	for _, args := range [][]string{
		{"envs", "--json"},
		{"demo", "--list", "--json"},
	} {
		r := ksauth(t, "", nil, args...)
		r.wantCode(t, exitOK)
		var doc map[string]any
		if err := json.Unmarshal([]byte(r.stdout), &doc); err != nil {
			t.Fatalf("%v: stdout is not JSON: %v", args, err)
		}
		for _, key := range []string{"ok", "command", "diagnoses"} {
			if _, ok := doc[key]; !ok {
				t.Errorf("%v: JSON lacks %q", args, key)
			}
		}
	}
}

func TestCompletionOffersValues(t *testing.T) {
	cases := map[string]struct {
		args []string
		want string
	}{
		"scenario":   {[]string{"__complete", "demo", "--scenario", ""}, "invalid-scope"},
		"env":        {[]string{"__complete", "login", "--env", ""}, "local-production"},
		"grant type": {[]string{"__complete", "diagnose", "--grant-type", ""}, "refresh_token"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			r := ksauth(t, "", nil, tc.args...)
			r.wantCode(t, exitOK)
			if !strings.Contains(r.stdout, tc.want) {
				t.Errorf("completion = %q, want %q among the values", r.stdout, tc.want)
			}
		})
	}
}
