package main

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
)

func TestCheckCleanValues(t *testing.T) {
	r := ksauth(t, "", nil, "check", "--client-id", "devp-v2-demo-acme-0123", "--redirect-uri", "https://localhost/", "--scope", "openid financial-api items")
	r.wantCode(t, exitOK)
	if !strings.Contains(r.stderr, "No problem found offline") {
		t.Errorf("stderr does not report a clean check:\n%s", r.stderr)
	}
}

func TestCheckFindsProblems(t *testing.T) {
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"trial client on production", []string{"--env", "production", "--client-id", "devp-v2-demo-acme-0123"}, "wrong-environment"},
		{"V1 client", []string{"--env", "trial", "--client-id", "devp-acme-0123"}, "v1-client"},
		{"underscore scope", []string{"--client-id", "devp-v2-demo-acme-0123", "--scope", "openid financial_api"}, "invalid-scope"},
		{"trailing slash", []string{"--client-id", "devp-v2-demo-acme-0123", "--redirect-uri", "https://localhost", "--registered-redirect-uri", "https://localhost/"}, "redirect-uri-mismatch"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := ksauth(t, "", nil, append([]string{"check", "--json"}, tc.args...)...)
			r.wantCode(t, exitFailed)
			var doc struct {
				OK        bool `json:"ok"`
				Command   string
				Diagnoses []struct{ ID string }
			}
			if err := json.Unmarshal([]byte(r.stdout), &doc); err != nil {
				t.Fatalf("stdout is not JSON: %v\n%s", err, r.stdout)
			}
			if doc.OK {
				t.Error("ok = true for a failed check")
			}
			if doc.Command != "check" {
				t.Errorf("command = %q, want check", doc.Command)
			}
			var ids []string
			for _, d := range doc.Diagnoses {
				ids = append(ids, d.ID)
			}
			if !slices.Contains(ids, tc.want) {
				t.Errorf("diagnoses = %v, want %s among them", ids, tc.want)
			}
		})
	}
}

func TestCheckSecretWithNewline(t *testing.T) {
	r := ksauth(t, "", map[string]string{"KSAUTH_CLIENT_SECRET": "s3cret-value\n"}, "check", "--client-id", "devp-v2-demo-acme-0123")
	r.wantCode(t, exitFailed)
	if strings.Contains(r.stdout+r.stderr, "s3cret-value") {
		t.Error("the client secret appears in the output")
	}
}

func TestCheckUsageErrors(t *testing.T) {
	cases := map[string][]string{
		"no client ID":        {"check"},
		"unknown env":         {"check", "--env", "staging", "--client-id", "devp-v2-demo-x"},
		"unknown prefix":      {"check", "--client-id", "acme-client"},
		"probe without URI":   {"check", "--probe", "--client-id", "devp-v2-demo-x"},
		"positional argument": {"check", "extra", "--client-id", "devp-v2-demo-x"},
		"unknown flag":        {"check", "--client-secret", "x"},
	}
	for name, args := range cases {
		t.Run(name, func(t *testing.T) {
			r := ksauth(t, "", nil, args...)
			r.wantCode(t, exitUsage)
			if r.stderr == "" {
				t.Error("no message on stderr")
			}
		})
	}
}
