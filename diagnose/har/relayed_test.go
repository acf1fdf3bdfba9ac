package har

import (
	"encoding/json"
	"errors"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/kseries-tools/ksauth/diagnose"
)

func TestDiagnoseRelayedExchange(t *testing.T) {
	rep := diagnoseFile(t, "firefox-backend-exchange.har")
	if rep.OK {
		t.Errorf("OK = true, want false for a relayed invalid_grant")
	}
	want := []string{"authorize/ok", "authorize/ok", "callback/ok", "token/failed"}
	if got := stepNames(rep); !slices.Equal(got, want) {
		t.Fatalf("steps = %v, want %v", got, want)
	}

	s := rep.Steps[3]
	if s.Entry != 5 {
		t.Errorf("token step entry = %d, want 5, the application's /api/oauth/exchange", s.Entry)
	}
	if s.Action != "token exchange on the application's server" {
		t.Errorf("action = %q", s.Action)
	}
	if !slices.Contains(s.Notes, relayedNote) {
		t.Errorf("notes = %q, want the relayed-exchange note", s.Notes)
	}
	if s.GrantType != grantAuthorizationCode {
		t.Errorf("grant type = %q, want %q", s.GrantType, grantAuthorizationCode)
	}

	d := firstDiagnosis(s)
	if d.ID != diagnose.IDTokenRedirectURIMismatch {
		t.Errorf("diagnosis = %s (all %v), want %s", d.ID, ids(s.Diagnoses), diagnose.IDTokenRedirectURIMismatch)
	}
	if d.Step != diagnose.StepToken {
		t.Errorf("diagnosis step = %s, want token", d.Step)
	}
	for _, fact := range []string{`error_description "Incorrect redirect_uri"`, "HTTP 400 Bad Request",
		"the application responded to https://shop.orbit.example/api/oauth/exchange with HTTP 500"} {
		if !containsText(d.Evidence, fact) {
			t.Errorf("evidence %q lacks %q", d.Evidence, fact)
		}
	}
	if slices.ContainsFunc(rep.Notes, func(n string) bool { return strings.Contains(n, "never sent") }) {
		t.Errorf("notes = %q, want no note that the code was never exchanged", rep.Notes)
	}

	data, err := json.Marshal(rep)
	if err != nil {
		t.Fatal(err)
	}
	assertNoSecrets(t, data, "0c0ffee0-aaaa-4bbb", "Orb1t-Pass", "b3JiaXQtc2Vzc2lvbg")
}

func TestDiagnoseRelayedWithoutUpstreamStatus(t *testing.T) {
	entry := `{"startedDateTime":"2026-12-04T10:00:00Z","request":{"method":"POST",
		"url":"https://app.example.test/api/oauth/exchange","headers":[]},
		"response":{"status":502,"headers":[],"content":{"mimeType":"application/json",
		"text":"{\"error\":\"unauthorized_client\",\"error_description\":\"Invalid client or Invalid client credentials\"}"}}}`
	rep, err := Diagnose(strings.NewReader(harOf(entry)))
	if err != nil {
		t.Fatalf("Diagnose: %v", err)
	}
	if len(rep.Steps) != 1 || rep.Steps[0].Status != StatusFailed {
		t.Fatalf("steps = %v, want one failed step", stepNames(rep))
	}
	// A 502 from the application is not the token endpoint's status, so
	// the error code decides the diagnosis.
	if d := firstDiagnosis(rep.Steps[0]); d.ID != diagnose.IDInvalidClientCredentials {
		t.Errorf("diagnosis = %s (all %v), want %s", d.ID, ids(rep.Steps[0].Diagnoses), diagnose.IDInvalidClientCredentials)
	}
}

func TestDiagnoseIgnoresPlainAPIErrors(t *testing.T) {
	entry := `{"startedDateTime":"2026-12-04T10:00:00Z","request":{"method":"GET",
		"url":"https://app.example.test/api/profile","headers":[]},
		"response":{"status":500,"headers":[],"content":{"mimeType":"application/json",
		"text":"{\"status\":500,\"error\":\"Internal Server Error\",\"message\":\"boom\"}"}}}`
	_, err := Diagnose(strings.NewReader(harOf(entry)))
	if !errors.Is(err, ErrNoSignIn) {
		t.Errorf("error = %v, want ErrNoSignIn for an API error that is no OAuth error", err)
	}
}

func TestFindOAuthError(t *testing.T) {
	tests := []struct {
		name, body string
		want       relayedError
		ok         bool
	}{
		{"top level", `{"error":"invalid_grant","error_description":"Code not valid"}`,
			relayedError{code: "invalid_grant", description: "Code not valid"}, true},
		{"code alone", `{"error":"invalid_client"}`, relayedError{code: "invalid_client"}, true},
		{"keycloak message", `{"error":"Realm does not exist"}`, relayedError{code: "Realm does not exist"}, true},
		{"wrapped with status", `{"message":"failed","upstream":{"status":401,"body":{"error":"unauthorized_client","error_description":"x"}}}`,
			relayedError{code: "unauthorized_client", description: "x", status: 401}, true},
		{"root status is the application's", `{"status":400,"detail":{"error":"invalid_grant","error_description":"x"}}`,
			relayedError{code: "invalid_grant", description: "x"}, true},
		{"body as text", `{"upstream":{"statusCode":400,"body":"{\"error\":\"invalid_grant\",\"error_description\":\"Incorrect redirect_uri\"}"}}`,
			relayedError{code: "invalid_grant", description: "Incorrect redirect_uri", status: 400}, true},
		{"in an array", `{"errors":[{"error":"invalid_scope","error_description":"x"}]}`,
			relayedError{code: "invalid_scope", description: "x"}, true},
		{"too deep", `{"a":{"b":{"c":{"d":{"e":{"error":"invalid_grant","error_description":"x"}}}}}}`, relayedError{}, false},
		{"resource server error", `{"error":"invalid_token","error_description":"Token verification failed"}`, relayedError{}, false},
		{"plain API error", `{"status":500,"error":"Internal Server Error","message":"boom"}`, relayedError{}, false},
		{"message with description", `{"error":"Not allowed","error_description":"x"}`, relayedError{}, false},
		{"unknown code alone", `{"error":"quota_exceeded"}`, relayedError{}, false},
		{"error object", `{"error":{"code":"E1"}}`, relayedError{}, false},
		{"not JSON", `<html>error</html>`, relayedError{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := Entry{Status: 500, ResponseBody: []byte(tt.body)}
			got, ok := relayedTokenError(e)
			if ok != tt.ok {
				t.Fatalf("found = %v, want %v", ok, tt.ok)
			}
			if got != tt.want {
				t.Errorf("error = %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestRelayedTokenErrorNeedsErrorStatus(t *testing.T) {
	body := []byte(`{"error":"invalid_grant","error_description":"Code not valid"}`)
	for _, tt := range []struct {
		status      int
		contentType string
		want        bool
	}{
		{200, "application/json", false},
		{400, "application/json", true},
		{500, "application/problem+json; charset=utf-8", true},
		{400, "text/html", false},
		{400, "", true},
	} {
		e := Entry{Status: tt.status, ResponseBody: body, ResponseHeader: map[string][]string{"Content-Type": {tt.contentType}}}
		if _, ok := relayedTokenError(e); ok != tt.want {
			t.Errorf("status %d, Content-Type %q: found = %v, want %v", tt.status, tt.contentType, ok, tt.want)
		}
	}
}

func TestReadKeepsSmallErrorBodiesOnly(t *testing.T) {
	oauthError := `{\"error\":\"invalid_grant\",\"error_description\":\"Incorrect redirect_uri\"}`
	entry := func(status int, mimeType, text string) string {
		return `{"startedDateTime":"2026-12-04T10:00:00Z","request":{"method":"POST",
			"url":"https://app.example.test/api/oauth/exchange","headers":[]},
			"response":{"status":` + strconv.Itoa(status) + `,"headers":[],"content":{"mimeType":"` + mimeType + `","text":"` + text + `"}}}`
	}
	long := strings.Repeat("x", maxRelayedText)
	got, _, err := readAll(t, harOf(
		entry(500, "application/json", oauthError),
		entry(500, "application/json", `{\"error\":\"invalid_grant\",\"pad\":\"`+long+`\"}`),
		entry(200, "application/json", oauthError),
		entry(500, "text/html", oauthError),
	))
	if err != nil {
		t.Fatalf("Read: %v", err)
	}
	if len(got) != 4 {
		t.Fatalf("read %d entries, want 4", len(got))
	}
	if len(got[0].ResponseBody) == 0 || got[0].BodiesDropped {
		t.Errorf("small 500 JSON error: body %q, dropped %v, want it kept", got[0].ResponseBody, got[0].BodiesDropped)
	}
	for i, name := range []string{"", "long 500 JSON", "200 JSON", "500 HTML"} {
		if i == 0 {
			continue
		}
		if len(got[i].ResponseBody) != 0 || !got[i].BodiesDropped {
			t.Errorf("%s: body of %d bytes, dropped %v, want it dropped", name, len(got[i].ResponseBody), got[i].BodiesDropped)
		}
	}
}
