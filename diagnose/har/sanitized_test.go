package har

import (
	"os"
	"strings"
	"testing"

	"github.com/kseries-tools/ksauth/diagnose"
)

// noAuthFact is the diagnose package's evidence for a token request that
// sent no client credentials.
const noAuthFact = "the request had no Authorization header and no client_secret"

func sanitizedTokenDiagnosis(t *testing.T, edit func(string) string) diagnose.Diagnosis {
	t.Helper()
	data, err := os.ReadFile("testdata/chrome-sanitized-401.har")
	if err != nil {
		t.Fatal(err)
	}
	rep, err := Diagnose(strings.NewReader(edit(string(data))))
	if err != nil {
		t.Fatalf("Diagnose: %v", err)
	}
	s := findStep(rep, diagnose.StepToken)
	if s == nil {
		t.Fatalf("no token step in %v", stepNames(rep))
	}
	d := firstDiagnosis(*s)
	if d.ID != diagnose.IDInvalidClientCredentials {
		t.Fatalf("diagnosis = %s (all %v), want %s", d.ID, ids(s.Diagnoses), diagnose.IDInvalidClientCredentials)
	}
	return d
}

func TestDiagnoseSanitizedExportHidesAuth(t *testing.T) {
	d := sanitizedTokenDiagnosis(t, func(s string) string { return s })
	if !containsText(d.Evidence, sanitizedAuthFact) {
		t.Errorf("evidence %q lacks %q", d.Evidence, sanitizedAuthFact)
	}
	if containsText(d.Evidence, noAuthFact) {
		t.Errorf("evidence %q states the missing header as a fact", d.Evidence)
	}
	if d.Causes[0] == "the Authorization header is missing" {
		t.Errorf("first cause = %q, want another cause first", d.Causes[0])
	}
}

func TestDiagnoseUnsanitizedBrowserExport(t *testing.T) {
	// A Cookie header anywhere shows that the export kept credentials.
	d := sanitizedTokenDiagnosis(t, func(s string) string { return strings.Replace(s, `"accept"`, `"cookie"`, 1) })
	if !containsText(d.Evidence, noAuthFact) {
		t.Errorf("evidence %q lacks %q", d.Evidence, noAuthFact)
	}
	if containsText(d.Evidence, sanitizedAuthFact) {
		t.Errorf("evidence %q blames a sanitized export", d.Evidence)
	}
	if want := "the Authorization header is missing"; d.Causes[0] != want {
		t.Errorf("first cause = %q, want %q", d.Causes[0], want)
	}
}

func TestDiagnoseProxyExportStatesMissingAuth(t *testing.T) {
	d := sanitizedTokenDiagnosis(t, func(s string) string {
		return strings.Replace(s, `"WebInspector"`, `"Charles Proxy"`, 1)
	})
	if !containsText(d.Evidence, noAuthFact) {
		t.Errorf("evidence %q lacks %q", d.Evidence, noAuthFact)
	}
	if containsText(d.Evidence, sanitizedAuthFact) {
		t.Errorf("evidence %q blames a sanitized export", d.Evidence)
	}
}

func TestBrowserExport(t *testing.T) {
	for name, want := range map[string]bool{
		"WebInspector":         true,
		"Firefox":              true,
		"WebKit Web Inspector": true,
		"Microsoft Edge":       true,
		"ksauth":               false,
		"Charles Proxy":        false,
		"":                     false,
	} {
		if got := browserExport(Info{Creator: Creator{Name: name}}); got != want {
			t.Errorf("browserExport(creator %q) = %v, want %v", name, got, want)
		}
	}
}
