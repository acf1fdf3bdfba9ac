package har

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/kseries-tools/ksauth/diagnose"
)

// The testdata HAR files follow the shapes Chrome (creator WebInspector,
// "_initiator", "_resourceType", "_transferSize", "_error") and Firefox
// (log.browser, "+01:00" times, postData.params, "_securityState") export.
// Their codes, tokens and secrets are made up.

func diagnoseFile(t *testing.T, name string) Report {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rep, err := Diagnose(f)
	if err != nil {
		t.Fatalf("Diagnose(%s): %v", name, err)
	}
	return rep
}

func TestDiagnoseTestdata(t *testing.T) {
	tests := []struct {
		file string
		ok   bool
		// steps lists each step as name/status, in order.
		steps []string
		// failed is the index of the step whose first diagnosis is id.
		failed int
		id     string
		// evidence is a fragment of that diagnosis's evidence.
		evidence string
		// codeAge is the first token step's code age in ms, or -1.
		codeAge float64
	}{
		{file: "chrome-success.har", ok: true,
			steps:   []string{"authorize/ok", "authorize/ok", "callback/ok", "token/ok", "refresh/ok"},
			failed:  -1,
			codeAge: 3138.5},
		{file: "firefox-out-of-order.har", ok: true,
			steps:   []string{"authorize/ok", "authorize/ok", "callback/ok", "token/ok", "refresh/ok"},
			failed:  -1,
			codeAge: 3138.5},
		{file: "firefox-expired-code.har",
			steps:  []string{"authorize/ok", "callback/ok", "token/failed"},
			failed: 2, id: diagnose.IDInvalidCodeGrant, evidence: "the code was 18.504s old when exchanged",
			codeAge: 18503.5},
		{file: "chrome-code-reused.har",
			steps:  []string{"authorize/ok", "callback/ok", "token/ok", "token/failed"},
			failed: 3, id: diagnose.IDInvalidCodeGrant, evidence: "the same code was sent in entry 3",
			codeAge: 858.5},
		{file: "chrome-wrong-environment.har",
			steps:  []string{"authorize/ok", "callback/ok", "token/failed"},
			failed: 2, id: diagnose.IDWrongEnvironment, evidence: "the code was issued by trial (trial) and sent to production (production)",
			codeAge: 658.5},
		{file: "chrome-token-redirect-uri.har",
			steps:  []string{"authorize/ok", "callback/ok", "token/failed"},
			failed: 2, id: diagnose.IDTokenRedirectURIMismatch, evidence: "a trailing slash was added",
			codeAge: 558.5},
		{file: "firefox-secret-in-body.har", ok: true,
			steps:  []string{"authorize/ok", "callback/ok", "token/ok"},
			failed: 2, id: IDClientSecretInBody, evidence: "the form body carries client_secret",
			codeAge: 358.5},
		{file: "chrome-login-failed.har",
			steps:  []string{"authorize/ok", "authorize/failed"},
			failed: 1, id: diagnose.IDInvalidUserCredentials, evidence: `page message "Invalid username or password."`,
			codeAge: -1},
		{file: "chrome-invalid-scope.har",
			steps:  []string{"authorize/failed", "callback/failed"},
			failed: 0, id: diagnose.IDInvalidScope, evidence: `error "invalid_scope"`,
			codeAge: -1},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			rep := diagnoseFile(t, tt.file)
			if rep.OK != tt.ok {
				t.Errorf("OK = %v, want %v (diagnoses %v)", rep.OK, tt.ok, ids(rep.Diagnoses()))
			}
			if got := stepNames(rep); !slices.Equal(got, tt.steps) {
				t.Fatalf("steps = %v, want %v", got, tt.steps)
			}
			age, ok := rep.CodeAgeMS()
			if !ok {
				age = -1
			}
			if age != tt.codeAge {
				t.Errorf("code age = %v ms, want %v", age, tt.codeAge)
			}
			if tt.failed < 0 {
				if ds := rep.Diagnoses(); len(ds) != 0 {
					t.Errorf("diagnoses = %v, want none", ids(ds))
				}
				return
			}
			d := firstDiagnosis(rep.Steps[tt.failed])
			if d.ID != tt.id {
				t.Errorf("step %d diagnosis = %s (all %v), want %s", tt.failed, d.ID, ids(rep.Steps[tt.failed].Diagnoses), tt.id)
			}
			if !containsText(d.Evidence, tt.evidence) {
				t.Errorf("evidence %q lacks %q", d.Evidence, tt.evidence)
			}
		})
	}
}

func TestDiagnoseExpiredCodeLeadsWithExpiry(t *testing.T) {
	rep := diagnoseFile(t, "firefox-expired-code.har")
	d := firstDiagnosis(rep.Steps[2])
	if want := "the code expired: it was exchanged after 18.504s"; !strings.HasPrefix(d.Causes[0], want) {
		t.Errorf("first cause = %q, want it to start with %q", d.Causes[0], want)
	}
}

func TestDiagnoseSecretInBodyIsWarning(t *testing.T) {
	rep := diagnoseFile(t, "firefox-secret-in-body.har")
	d := firstDiagnosis(rep.Steps[2])
	if d.Failed() {
		t.Errorf("%s severity = %q, want warning on a successful request", d.ID, d.Severity)
	}
	if d.Title == "" || d.Fix == "" {
		t.Errorf("HAR-only finding has title %q and fix %q, want both", d.Title, d.Fix)
	}
}

func TestDiagnoseSortsOutOfOrderEntries(t *testing.T) {
	rep := diagnoseFile(t, "firefox-out-of-order.har")
	var entries []int
	for i, s := range rep.Steps {
		entries = append(entries, s.Entry)
		if i > 0 && s.Time.Before(rep.Steps[i-1].Time) {
			t.Errorf("step %d at %v comes before step %d at %v", i, s.Time, i-1, rep.Steps[i-1].Time)
		}
	}
	// The file lists the entries newest first.
	if want := []int{6, 4, 3, 2, 1}; !slices.Equal(entries, want) {
		t.Errorf("step entries = %v, want %v", entries, want)
	}
}

func TestDiagnoseRedactsReportURLs(t *testing.T) {
	rep := diagnoseFile(t, "chrome-success.har")
	for _, s := range rep.Steps {
		if strings.Contains(s.URL, "7d0c2a1e-5b6f") {
			t.Errorf("step %d URL %s shows the code", s.Entry, s.URL)
		}
	}
	callback := findStep(rep, diagnose.StepCallback)
	if callback == nil || !strings.Contains(callback.URL, "code=%5Bredacted+hmac%3A") {
		t.Errorf("callback URL = %v, want the code's marker", callback)
	}
}

func TestDiagnoseNoOAuthTraffic(t *testing.T) {
	f, err := os.Open("testdata/chrome-no-oauth.har")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rep, err := Diagnose(f)
	if !errors.Is(err, ErrNoSignIn) {
		t.Fatalf("error = %v, want ErrNoSignIn", err)
	}
	if !strings.Contains(err.Error(), "2 entries read") {
		t.Errorf("error %q does not count the entries", err)
	}
	if rep.Info.Entries != 2 || len(rep.Steps) != 0 {
		t.Errorf("report entries %d steps %d, want 2 and 0", rep.Info.Entries, len(rep.Steps))
	}
}

func TestDiagnoseTruncatedIsPartial(t *testing.T) {
	data, err := os.ReadFile("testdata/chrome-code-reused.har")
	if err != nil {
		t.Fatal(err)
	}
	// Cut inside the last entry: the first three entries stay whole.
	cut := strings.LastIndex(string(data), `"_initiator"`) + 20
	rep, err := Diagnose(strings.NewReader(string(data[:cut])))
	if err != nil {
		t.Fatalf("Diagnose: %v", err)
	}
	if !rep.Partial {
		t.Errorf("Partial = false, want true")
	}
	if !strings.Contains(rep.Stopped, "HAR truncated after entry 3") {
		t.Errorf("Stopped = %q, want it to name entry 3", rep.Stopped)
	}
	if got := stepNames(rep); !slices.Equal(got, []string{"authorize/ok", "callback/ok", "token/ok"}) {
		t.Errorf("steps = %v, want the three whole entries", got)
	}
}

func TestDiagnoseRejectsNonHAR(t *testing.T) {
	for name, input := range map[string]string{
		"empty":       "",
		"not JSON":    "GET /callback?code=abc HTTP/1.1",
		"array":       "[1, 2]",
		"no log":      `{"entries": []}`,
		"log string":  `{"log": "x"}`,
		"broken head": `{"log`,
	} {
		t.Run(name, func(t *testing.T) {
			_, err := Diagnose(strings.NewReader(input))
			if !errors.Is(err, ErrNotHAR) {
				t.Errorf("error = %v, want ErrNotHAR", err)
			}
		})
	}
}

func TestDiagnoseOldRefreshToken(t *testing.T) {
	const issuer = "https://auth.lsk-trial.app/realms/k-series"
	start := time.Date(2026, 12, 4, 10, 0, 0, 0, time.UTC)
	refresh := func(at time.Duration, sent, issued string, status int) Entry {
		e := Entry{Start: start.Add(at), Method: "POST", URL: issuer + "/protocol/openid-connect/token",
			RequestHeader: http.Header{"Content-Type": {"application/x-www-form-urlencoded"},
				"Authorization": {"Basic ZGV2cC12Mi1kZW1vLXg6c2VjcmV0"}},
			RequestBody: []byte(url.Values{"grant_type": {"refresh_token"}, "refresh_token": {sent}}.Encode()),
			Status:      status, ResponseHeader: http.Header{"Content-Type": {"application/json"}},
			ResponseBody: []byte(`{"error":"invalid_grant","error_description":"Stale token"}`)}
		if status == 200 {
			e.ResponseBody = []byte(`{"access_token":"a","refresh_token":"` + issued + `","token_type":"Bearer"}`)
		}
		return e
	}

	first := refresh(0, "rt-0", "rt-1", 200)
	first.RequestBody = []byte("grant_type=password&username=demo&password=pw")
	rec := NewRecorder("ksauth", "test")
	for _, e := range []Entry{first, refresh(time.Minute, "rt-1", "rt-2", 200), refresh(2*time.Minute, "rt-1", "", 400)} {
		rec.AddEntry(e)
	}
	var buf bytes.Buffer
	if _, err := rec.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	rep, err := Diagnose(&buf)
	if err != nil {
		t.Fatalf("Diagnose: %v", err)
	}

	if got := stepNames(rep); !slices.Equal(got, []string{"token/ok", "refresh/ok", "refresh/failed"}) {
		t.Fatalf("steps = %v, want token, refresh, failed refresh", got)
	}
	d := firstDiagnosis(rep.Steps[2])
	if d.ID != diagnose.IDInvalidRefreshToken {
		t.Errorf("diagnosis = %s, want invalid-refresh-token", d.ID)
	}
	for _, want := range []string{"the same refresh token was sent in entry 2", "a newer refresh token was issued in entry 2"} {
		if !containsText(d.Evidence, want) {
			t.Errorf("evidence %q lacks %q", d.Evidence, want)
		}
	}
}

func TestDiagnoseReportHasNoSecrets(t *testing.T) {
	files, err := filepath.Glob("testdata/*.har")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range files {
		if strings.HasSuffix(name, "no-oauth.har") {
			continue
		}
		rep := diagnoseFile(t, filepath.Base(name))
		data, err := json.Marshal(rep)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		// The values testdata uses for secrets, codes, tokens and cookies.
		assertNoSecrets(t, data, "s3cr3t-Client-Value-9f8e7d", "Secr3t-Pass", "7d0c2a1e-5b6f-4c3d",
			"11112222-3333-4444", "dBjftJeZ4CVP", "c2lnbmF0dXJlLWFjY2Vzcw", "cmVmcmVzaC1vbmU", "c2Vzc2lvbi1jb29raWU")
	}
}

// harFromEntries writes entries with a Recorder and diagnoses the result.
func harFromEntries(t *testing.T, entries ...Entry) Report {
	t.Helper()
	rec := NewRecorder("ksauth", "test")
	for _, e := range entries {
		rec.AddEntry(e)
	}
	var buf bytes.Buffer
	if _, err := rec.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	rep, err := Diagnose(&buf)
	if err != nil {
		t.Fatalf("Diagnose: %v", err)
	}
	return rep
}

func codeToken(at time.Time, tokenURL string, status int) Entry {
	body := []byte(`{"access_token":"a","token_type":"Bearer"}`)
	if status != 200 {
		body = []byte(`{"error":"invalid_grant","error_description":"Code not valid"}`)
	}
	return Entry{Start: at, Method: "POST", URL: tokenURL,
		RequestHeader: http.Header{"Content-Type": {"application/x-www-form-urlencoded"},
			"Authorization": {"Basic ZGV2cC12Mi1kZW1vLXg6c2VjcmV0"}},
		RequestBody: []byte(url.Values{"grant_type": {"authorization_code"}, "code": {"c-1"},
			"redirect_uri": {"http://127.0.0.1/callback"}}.Encode()),
		Status: status, ResponseHeader: http.Header{"Content-Type": {"application/json"}}, ResponseBody: body}
}

func TestDiagnoseTokenHostDiffers(t *testing.T) {
	start := time.Date(2026, 12, 4, 10, 0, 0, 0, time.UTC)
	auth := Entry{Start: start, Method: "GET",
		URL:    "https://sso-a.example.test/realms/k-series/protocol/openid-connect/auth?response_type=code&client_id=devp-v2-demo-x&redirect_uri=http%3A%2F%2F127.0.0.1%2Fcallback&state=s",
		Status: 302, ResponseHeader: http.Header{"Location": {"http://127.0.0.1/callback?state=s&code=c-1"}}}
	rep := harFromEntries(t, auth,
		codeToken(start.Add(time.Second), "https://sso-b.example.test/realms/k-series/protocol/openid-connect/token", 400))
	d := firstDiagnosis(rep.Steps[1])
	if d.ID != IDTokenHostDiffers {
		t.Fatalf("diagnosis = %s (all %v), want %s", d.ID, ids(rep.Steps[1].Diagnoses), IDTokenHostDiffers)
	}
	if !containsText(d.Evidence, "token request to https://sso-b.example.test/realms/k-series") {
		t.Errorf("evidence %q lacks the token request's realm", d.Evidence)
	}
}

func TestDiagnoseCodeAgeUnknown(t *testing.T) {
	start := time.Date(2026, 12, 4, 10, 0, 0, 0, time.UTC)
	rep := harFromEntries(t, codeToken(start, "https://auth.lsk-trial.app/realms/k-series/protocol/openid-connect/token", 200))
	if !rep.OK {
		t.Errorf("OK = false, want true")
	}
	d := firstDiagnosis(rep.Steps[0])
	if d.ID != IDCodeAgeUnknown || d.Failed() {
		t.Errorf("diagnosis = %s severity %q, want %s as a warning", d.ID, d.Severity, IDCodeAgeUnknown)
	}
	if _, ok := rep.CodeAgeMS(); ok {
		t.Errorf("CodeAgeMS reported an age for a code never seen issued")
	}
}
