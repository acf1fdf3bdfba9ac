package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestDiagnoseTruncatedHARNotClean(t *testing.T) {
	full, err := os.ReadFile(filepath.Join("..", "..", "diagnose", "har", "testdata", "chrome-success.har"))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "cut.har")
	if err := os.WriteFile(path, full[:len(full)/2], 0o600); err != nil {
		t.Fatal(err)
	}

	r := ksauth(t, "", nil, "diagnose", path)
	r.wantCode(t, exitUsage)
	if !strings.Contains(r.stderr, "incomplete") {
		t.Errorf("stderr does not say the file is incomplete:\n%s", r.stderr)
	}
	if strings.Contains(r.stdout, "No failed step") {
		t.Errorf("stdout calls half a file clean:\n%s", r.stdout)
	}

	r = ksauth(t, "", nil, "diagnose", "--json", path)
	r.wantCode(t, exitUsage)
	var doc struct {
		OK      bool `json:"ok"`
		Partial bool `json:"partial"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &doc); err != nil {
		t.Fatalf("stdout is not one JSON document: %v\n%s", err, r.stdout)
	}
	if doc.OK || !doc.Partial {
		t.Errorf("ok = %t, partial = %t; want false, true", doc.OK, doc.Partial)
	}
}

func TestDiagnosePastedExamples(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("..", "..", "examples", "pasted", "*.txt"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no pasted examples: %v", err)
	}
	for _, f := range files {
		want := strings.TrimSuffix(filepath.Base(f), ".txt")
		t.Run(want, func(t *testing.T) {
			r := ksauth(t, "", nil, "diagnose", "--json", f)
			r.wantCode(t, exitFailed)
			var doc struct {
				Diagnoses []struct{ ID string }
			}
			if err := json.Unmarshal([]byte(r.stdout), &doc); err != nil {
				t.Fatalf("stdout is not JSON: %v\n%s", err, r.stdout)
			}
			if len(doc.Diagnoses) == 0 || doc.Diagnoses[0].ID != want {
				t.Errorf("diagnoses = %+v, want %s first", doc.Diagnoses, want)
			}
		})
	}
}

func TestDiagnoseBadInput(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	cases := map[string]string{
		"empty":        write("empty.txt", nil),
		"binary":       write("binary.bin", []byte{0, 1, 2, 0xff, 0xfe, 0, 0, 7, 8, 9}),
		"prose":        write("prose.txt", []byte("hello, my login does not work, please help\n")),
		"directory":    dir,
		"missing file": filepath.Join(dir, "missing.txt"),
	}
	for name, path := range cases {
		t.Run(name, func(t *testing.T) {
			r := ksauth(t, "", nil, "diagnose", path)
			r.wantCode(t, exitUsage)
			if !strings.HasPrefix(r.stderr, "ksauth: ") {
				t.Errorf("stderr = %q, want a one-line message", r.stderr)
			}
		})
	}
}

func TestDiagnoseRejectsUnknownGrantType(t *testing.T) {
	r := ksauth(t, `{"error":"invalid_grant","error_description":"Code not valid"}`, nil,
		"diagnose", "--grant-type", "authorisation_code", "-")
	r.wantCode(t, exitUsage)
	if !strings.Contains(r.stderr, "authorization_code") {
		t.Errorf("stderr = %q, want the valid grant types", r.stderr)
	}
}
