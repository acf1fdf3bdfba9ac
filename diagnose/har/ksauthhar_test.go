package har

import (
	"net/http"
	"net/url"
	"slices"
	"testing"
	"time"

	"github.com/kseries-tools/ksauth/diagnose"
)

// These tests cover the entries that "ksauth --har" writes and browsers do
// not: the probe, the token endpoint warm-up, the flow's own observed
// authorization request and callback, Go transport errors and the refresh
// replay check.

const (
	trialRealm = "http://127.0.0.1:8400/realms/k-series"
	otherRealm = "http://127.0.0.1:8401/realms/k-series"
	callback   = "http://127.0.0.1:9000/callback"
)

var t0 = time.Date(2026, 12, 4, 10, 0, 0, 0, time.UTC)

// authEntry is an authorization request to realm with the given state.
func authEntry(at time.Duration, realm, state string) Entry {
	q := url.Values{"client_id": {"devp-v2-demo-x"}, "redirect_uri": {callback}, "response_type": {"code"},
		"state": {state}, "code_challenge": {"ch"}, "code_challenge_method": {"S256"}}
	return Entry{Start: t0.Add(at), Method: "GET", URL: realm + "/protocol/openid-connect/auth?" + q.Encode()}
}

// callbackEntry is the redirect to the client as ksauth's callback server
// observed it.
func callbackEntry(at time.Duration, state, iss string) Entry {
	q := url.Values{"code": {"c0de-1.abc"}, "state": {state}, "iss": {iss}}
	return Entry{Start: t0.Add(at), Method: "GET", URL: callback + "?" + q.Encode(),
		Step: diagnose.StepCallback, Observed: true, Status: 400}
}

func stepIDs(rep Report) []string {
	var out []string
	for _, d := range rep.Diagnoses() {
		if d.Failed() {
			out = append(out, d.ID+"@"+string(d.Step))
		}
	}
	return out
}

func TestDiagnoseNamesProbeStep(t *testing.T) {
	probe := authEntry(0, trialRealm, "s1")
	probe.Step, probe.Status = diagnose.StepProbe, 302
	probe.ResponseHeader = http.Header{"Location": {callback + "?error=invalid_scope&error_description=Invalid+scopes&state=s1"}}
	rep := harFromEntries(t, probe)
	if got := stepIDs(rep); !slices.Equal(got, []string{"invalid-scope@probe"}) {
		t.Errorf("diagnoses = %v, want [invalid-scope@probe]", got)
	}
}

func TestDiagnoseSkipsWarmUpHead(t *testing.T) {
	for _, method := range []string{"HEAD", "OPTIONS"} {
		warm := Entry{Start: t0, Method: method, URL: trialRealm + "/protocol/openid-connect/token",
			Step: diagnose.StepToken, Note: "warm-up", Status: 405}
		auth := authEntry(time.Millisecond, trialRealm, "s1")
		auth.Status = 200
		rep := harFromEntries(t, warm, auth)
		if !rep.OK || len(rep.Steps) != 1 {
			t.Errorf("%s to the token endpoint: ok %v, %d steps (diagnoses %v); want ok with only the authorization request",
				method, rep.OK, len(rep.Steps), stepIDs(rep))
		}
	}
}

// TestDiagnoseObservedCallbackState checks the callback against the
// request ksauth opened, even though the browser sent another request,
// carrying the callback's state, in between.
func TestDiagnoseObservedCallbackState(t *testing.T) {
	opened := authEntry(0, trialRealm, "s-opened")
	opened.Step, opened.Observed = diagnose.StepAuthorize, true
	earlierTab := authEntry(time.Millisecond, trialRealm, "s-earlier-tab")
	earlierTab.Status = 200
	rep := harFromEntries(t, opened, earlierTab, callbackEntry(2*time.Millisecond, "s-earlier-tab", trialRealm))
	if got := stepIDs(rep); !slices.Equal(got, []string{"state-mismatch@callback"}) {
		t.Errorf("diagnoses = %v, want [state-mismatch@callback]", got)
	}

	// The same callback with the opened request's state is fine.
	rep = harFromEntries(t, opened, earlierTab, callbackEntry(2*time.Millisecond, "s-opened", trialRealm))
	if got := stepIDs(rep); len(got) != 0 {
		t.Errorf("diagnoses = %v, want none", got)
	}
}

func TestDiagnoseCallbackIssuerMismatch(t *testing.T) {
	opened := authEntry(0, trialRealm, "s1")
	opened.Step, opened.Observed = diagnose.StepAuthorize, true
	rep := harFromEntries(t, opened, callbackEntry(time.Millisecond, "s1", otherRealm))
	if got := stepIDs(rep); !slices.Equal(got, []string{"issuer-mismatch@callback"}) {
		t.Errorf("diagnoses = %v, want [issuer-mismatch@callback]", got)
	}
}

func TestDiagnoseGoTransportErrors(t *testing.T) {
	tests := []struct{ err, want string }{
		{"dial tcp 127.0.0.1:8400: connect: connection refused", diagnose.IDEndpointUnreachable},
		{"dial tcp: lookup auth.example.test: no such host", diagnose.IDEndpointUnreachable},
		{"tls: failed to verify certificate: x509: certificate signed by unknown authority", diagnose.IDTLSError},
	}
	for _, tc := range tests {
		e := Entry{Start: t0, Method: "GET", URL: trialRealm + "/.well-known/openid-configuration",
			Step: diagnose.StepDiscovery, Error: tc.err}
		rep := harFromEntries(t, e)
		want := tc.want + "@discovery"
		if got := stepIDs(rep); !slices.Contains(got, want) {
			t.Errorf("error %q: diagnoses = %v, want %s", tc.err, got, want)
		}
	}
}

func TestDiagnoseTokenPageWithStatus200(t *testing.T) {
	e := codeToken(t0, trialRealm+"/protocol/openid-connect/token", 200)
	e.ResponseHeader = http.Header{"Content-Type": {"text/html; charset=utf-8"}, "Server": {"squid"}}
	e.ResponseBody = []byte("<!DOCTYPE html><html><body><h1>Access to this site is restricted</h1></body></html>")
	rep := harFromEntries(t, e)
	if got := stepIDs(rep); !slices.Equal(got, []string{"unexpected-response@token"}) {
		t.Errorf("diagnoses = %v, want [unexpected-response@token]", got)
	}
}

func TestDiagnoseReplayCheckExpected(t *testing.T) {
	refresh := func(at time.Duration, token string, status int, body, note string) Entry {
		return Entry{Start: t0.Add(at), Method: "POST", URL: trialRealm + "/protocol/openid-connect/token",
			RequestHeader: http.Header{"Content-Type": {"application/x-www-form-urlencoded"}},
			RequestBody:   []byte(url.Values{"grant_type": {"refresh_token"}, "refresh_token": {token}}.Encode()),
			Status:        status, ResponseHeader: http.Header{"Content-Type": {"application/json"}},
			ResponseBody: []byte(body), Step: diagnose.StepRefresh, Note: note}
	}
	rejected := `{"error":"invalid_grant","error_description":"Maximum allowed refresh token reuse exceeded"}`
	first := refresh(0, "rt-one-value", 200, `{"access_token":"at-two","refresh_token":"rt-two-value"}`, "")

	rep := harFromEntries(t, first, refresh(time.Second, "rt-one-value", 400, rejected, diagnose.NoteRefreshReplay))
	if !rep.OK {
		t.Errorf("the replay check's expected rejection failed the report: %v", stepIDs(rep))
	}
	rep = harFromEntries(t, first, refresh(time.Second, "rt-one-value", 400, rejected, ""))
	if got := stepIDs(rep); !slices.Equal(got, []string{"invalid-refresh-token@refresh"}) {
		t.Errorf("a reuse without the note: diagnoses = %v, want [invalid-refresh-token@refresh]", got)
	}
}
