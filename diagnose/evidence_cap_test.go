package diagnose

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"unicode/utf8"
)

// hugeErrorBody returns a JSON error body whose error_description is n
// bytes long.
func hugeErrorBody(t *testing.T, n int) string {
	t.Helper()
	b, err := json.Marshal(map[string]string{"error": "invalid_grant", "error_description": strings.Repeat("é", n/2)})
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// checkCapped fails when any evidence string is longer than the cap, or
// when no string notes the full size.
func checkCapped(t *testing.T, ds []Diagnosis) {
	t.Helper()
	total, noted := 0, false
	for _, d := range ds {
		for _, e := range d.Evidence {
			total += len(e)
			if len(e) > maxEvidenceBytes+40 {
				t.Errorf("evidence string of %d bytes, want at most about %d", len(e), maxEvidenceBytes)
			}
			if !utf8.ValidString(e) {
				t.Errorf("evidence %.60q… is not valid UTF-8", e)
			}
			if strings.Contains(e, "bytes in all)") {
				noted = true
			}
		}
	}
	if total > 8<<10 {
		t.Errorf("evidence totals %d bytes, want a few KiB at most", total)
	}
	if !noted {
		t.Error("no evidence string notes the full size of what was cut")
	}
}

func TestMatchCapsHugeDescription(t *testing.T) {
	body := hugeErrorBody(t, 5<<20)
	ev := Evidence{Step: StepToken, Status: http.StatusBadRequest,
		Header: http.Header{"Content-Type": {"application/json"}}, Body: body}
	checkCapped(t, Match(ev))
}

func TestReadPastedCapsHugeDescription(t *testing.T) {
	rep, err := ReadPasted([]byte(hugeErrorBody(t, 5<<20)), Context{})
	if err != nil {
		t.Fatalf("ReadPasted: %v", err)
	}
	if len(rep.Parts) == 0 {
		t.Fatal("no parts")
	}
	for _, p := range rep.Parts {
		if len(p.Summary) > maxEvidenceBytes+40 {
			t.Errorf("summary of %d bytes", len(p.Summary))
		}
		checkCapped(t, p.Diagnoses)
	}
}

func TestCapTextKeepsShortText(t *testing.T) {
	if got := capText("Code not valid", maxDescriptionRunes); got != "Code not valid" {
		t.Errorf("capText = %q, want the text unchanged", got)
	}
	got := capText(strings.Repeat("x", 400), 300)
	if want := strings.Repeat("x", 300) + "… (400 bytes in all)"; got != want {
		t.Errorf("capText = %q, want %q", got, want)
	}
}

func TestScrubCutSecret(t *testing.T) {
	sec := newSecrets()
	secret := "kQ7vN2xR9mT4bW8zL3pF6hJ1sD5gY0cA"
	sec.add(secret)
	text := capText("client_secret is "+secret, 25)
	got := sec.scrub(text)
	if strings.Contains(got, secret[:8]) {
		t.Errorf("scrub(%q) = %q, keeps the start of the cut secret", text, got)
	}
}
