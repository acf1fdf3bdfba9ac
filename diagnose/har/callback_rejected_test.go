package har

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/kseries-tools/ksauth/diagnose"
)

func TestDiagnoseCallbackRejected(t *testing.T) {
	rep := diagnoseFile(t, "chrome-callback-rejected.har")
	if rep.OK {
		t.Errorf("OK = true, want false for a callback answered with 400")
	}
	want := []string{"authorize/ok", "authorize/ok", "callback/failed"}
	if got := stepNames(rep); !slices.Equal(got, want) {
		t.Fatalf("steps = %v, want %v", got, want)
	}
	d := firstDiagnosis(rep.Steps[2])
	if d.ID != IDCallbackRejected {
		t.Errorf("diagnosis = %s, want %s", d.ID, IDCallbackRejected)
	}
	if !d.Failed() {
		t.Errorf("severity = %q, want an error", d.Severity)
	}
	if !containsText(d.Evidence, "the application responded to the callback with HTTP 400 Bad Request") {
		t.Errorf("evidence %q lacks the status", d.Evidence)
	}
	if d.Title == "" || d.Fix == "" || len(d.Causes) == 0 {
		t.Errorf("title %q, fix %q, causes %q: want all three", d.Title, d.Fix, d.Causes)
	}
}

// appCallback is a browser's request to the application's redirect URI,
// with a response of the given status and body.
func appCallback(at time.Duration, status int, contentType, body string) Entry {
	q := url.Values{"code": {"c0de-1.abc"}, "state": {"s1"}, "iss": {trialRealm}}
	return Entry{Start: t0.Add(at), Method: "GET", URL: callback + "?" + q.Encode(), Status: status,
		ResponseHeader: http.Header{"Content-Type": {contentType}}, ResponseBody: []byte(body)}
}

func signInRedirect() Entry {
	auth := authEntry(0, trialRealm, "s1")
	auth.Status = 302
	auth.ResponseHeader = http.Header{"Location": {callback + "?state=s1&iss=" + url.QueryEscape(trialRealm) + "&code=c0de-1.abc"}}
	return auth
}

func TestDiagnoseCallbackNotFoundWarns(t *testing.T) {
	rep := harFromEntries(t, signInRedirect(), appCallback(time.Second, 404, "text/plain", "404 page not found"))
	if !rep.OK {
		t.Errorf("OK = false, want true: nothing serving the redirect URI is only a warning")
	}
	s := findStep(rep, diagnose.StepCallback)
	if s == nil {
		t.Fatalf("no callback step in %v", stepNames(rep))
	}
	d := firstDiagnosis(*s)
	if d.ID != IDCallbackRejected || d.Failed() {
		t.Errorf("diagnosis = %s severity %q, want %s as a warning", d.ID, d.Severity, IDCallbackRejected)
	}
	if !strings.HasPrefix(d.Causes[0], "nothing serves the redirect URI") {
		t.Errorf("first cause = %q, want the unserved redirect URI", d.Causes[0])
	}
}

func TestDiagnoseCallbackRelaysTokenError(t *testing.T) {
	rep := harFromEntries(t, signInRedirect(), appCallback(time.Second, 400, "application/json",
		`{"error":"invalid_grant","error_description":"Code not valid"}`))
	s := findStep(rep, diagnose.StepCallback)
	if s == nil {
		t.Fatalf("no callback step in %v", stepNames(rep))
	}
	if s.Status != StatusFailed {
		t.Errorf("callback status = %s, want failed", s.Status)
	}
	d := firstDiagnosis(*s)
	if d.ID != diagnose.IDInvalidCodeGrant || d.Step != diagnose.StepToken {
		t.Errorf("diagnosis = %s at %s (all %v), want %s at token", d.ID, d.Step, ids(s.Diagnoses), diagnose.IDInvalidCodeGrant)
	}
	if !slices.Contains(s.Notes, relayedNote) {
		t.Errorf("notes = %q, want the relayed-exchange note", s.Notes)
	}
	if len(rep.Notes) != 0 {
		t.Errorf("report notes = %q, want none: the exchange is in the HAR as relayed", rep.Notes)
	}
}
