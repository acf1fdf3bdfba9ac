package diagnose

import (
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"syscall"
	"testing"
	"time"

	"github.com/kseries-tools/ksauth/envs"
)

const (
	trialClient = "devp-v2-demo-dasxtrial-b69ffe954c5cd33c57a79a94780eb2ab"
	prodClient  = "devp-v2-prod-1234-2345-3456"
)

func clientNotFound(ctx Context) Evidence {
	return Evidence{Step: StepProbe, Status: 400, Context: ctx,
		Page: &Page{ID: "login-error", Heading: "We are sorry...", Message: "Client not found."}}
}

func TestClientNotFoundContext(t *testing.T) {
	tests := []struct {
		name string
		ctx  Context
		want []string
	}{
		{"trial client on production", Context{ClientID: trialClient, Issuer: envs.ProductionIssuer}, []string{IDWrongEnvironment, IDUnknownClient}},
		{"production client on trial alias", Context{ClientID: prodClient, Issuer: "https://auth.lsk-demo.app/realms/k-series"}, []string{IDWrongEnvironment, IDUnknownClient}},
		{"V1 client", Context{ClientID: "devp-1234-2345-3456-1234", Issuer: envs.ProductionIssuer}, []string{IDV1Client}},
		{"matching tier", Context{ClientID: trialClient, Env: "trial"}, []string{IDUnknownClient}},
		{"no context", Context{}, []string{IDWrongEnvironment, IDUnknownClient}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := ids(Match(clientNotFound(tt.ctx)))
			if fmt.Sprint(got) != fmt.Sprint(tt.want) {
				t.Errorf("Match() = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestWrongEnvironmentEvidence(t *testing.T) {
	d := Match(clientNotFound(Context{ClientID: trialClient, Issuer: envs.ProductionIssuer}))[0]
	want := "client " + trialClient + " is a trial client; the request went to auth.lsk-prod.app (production)"
	if !containsText(d.Evidence, want) {
		t.Errorf("evidence = %q, want it to contain %q", d.Evidence, want)
	}
	if !containsText(d.Evidence, `page message "Client not found."`) {
		t.Errorf("evidence = %q, want the page message quoted", d.Evidence)
	}
	if d.Guide != "Wrong Environment" {
		t.Errorf("guide = %q, want Wrong Environment", d.Guide)
	}
}

func TestGuideExamplesMatch(t *testing.T) {
	tests := []struct {
		name string
		ev   Evidence
		want string
	}{
		{"code not valid", tokenEv(400, "invalid_grant", "Code not valid", grantCode), IDInvalidCodeGrant},
		{"invalid client", tokenEv(401, "invalid_client", "Invalid client or Invalid client credentials", grantCode), IDInvalidClientCredentials},
		{"incorrect redirect_uri", tokenEv(400, "invalid_grant", "Incorrect redirect_uri", grantCode), IDTokenRedirectURIMismatch},
		{"refresh not active", Evidence{Step: StepRefresh, Status: 400, Error: "invalid_grant", ErrorDescription: "Token is not active"}, IDInvalidRefreshToken},
		{"direct access grants", tokenEv(400, "unauthorized_client", "Client not allowed for direct access grants", ""), IDUnauthorizedClient},
		{"invalid username page", Evidence{Step: StepAuthorize, Page: &Page{ID: "login-login", Message: "Invalid username or password."}}, IDInvalidUserCredentials},
		{"redirect_uri page", Evidence{Step: StepProbe, Status: 400, Page: &Page{Message: "Invalid parameter: redirect_uri"}}, IDRedirectURIMismatch},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Match(tt.ev)
			if got[0].ID != tt.want {
				t.Errorf("Match()[0].ID = %q, want %q", got[0].ID, tt.want)
			}
		})
	}
}

func TestInvalidScopeRedirectGuideExample(t *testing.T) {
	u, _ := url.Parse("https://localhost/?error=invalid_scope&error_description=Invalid+scopes%3A+financial-api+items+offline_access+orders-api&iss=https%3A%2F%2Fauth.lsk-prod.app%2Frealms%2Fk-series")
	d := Match(Evidence{Step: StepCallback, Redirect: u.Query()})[0]
	if d.ID != IDInvalidScope {
		t.Fatalf("ID = %q, want invalid-scope", d.ID)
	}
	if d.Causes[0] != "the client was not provisioned for one of the requested scopes" {
		t.Errorf("first cause = %q, want provisioning", d.Causes[0])
	}
	if !containsText(d.Evidence, "production realm") {
		t.Errorf("evidence = %q, want the iss environment", d.Evidence)
	}
}

func TestInvalidScopeNamesBadScopes(t *testing.T) {
	q := url.Values{"error": {"invalid_scope"}, "error_description": {"Invalid scopes: financial_api items-api offline-access"}}
	d := Match(Evidence{Redirect: q})[0]
	for _, want := range []string{`"financial_api" is not a K-Series scope; did you mean "financial-api"?`,
		`"items-api" is not a K-Series scope; did you mean "items"?`,
		`"offline-access" is not a K-Series scope; did you mean "offline_access"?`} {
		if !containsText(d.Evidence, want) {
			t.Errorf("evidence = %q, want %q", d.Evidence, want)
		}
	}
}

func TestCodeGrantContext(t *testing.T) {
	ev := tokenEv(400, "invalid_grant", "Code not valid", grantCode)
	ev.Context.CodeAge = 22 * time.Second
	d := Match(ev)[0]
	if !containsText(d.Evidence, "22s old") || !containsText(d.Causes[:1], "expired") {
		t.Errorf("expired code: evidence %q causes %q", d.Evidence, d.Causes)
	}
	ev.Context.CodeAge = 40 * time.Millisecond
	ev.Context.CodeReused = true
	d = Match(ev)[0]
	if !containsText(d.Causes[:1], "already exchanged") {
		t.Errorf("reused code: first cause %q, want reuse", d.Causes[0])
	}
}

func TestTokenRedirectURIShowsBoth(t *testing.T) {
	ev := tokenEv(400, "invalid_grant", "Incorrect redirect_uri", grantCode)
	ev.Context.RedirectURI, ev.Context.TokenRedirectURI = "https://localhost/", "https://localhost"
	d := Match(ev)[0]
	if !containsText(d.Evidence, "trailing slash is missing") {
		t.Errorf("evidence = %q, want the trailing slash named", d.Evidence)
	}
}

func TestRedirectPageWithRegisteredURI(t *testing.T) {
	ev := Evidence{Step: StepProbe, Status: 400, Page: &Page{Message: "Invalid parameter: redirect_uri"},
		Context: Context{RedirectURI: "https://localhost", RegisteredRedirectURI: "https://localhost/"}}
	d := Match(ev)[0]
	if !containsText(d.Evidence, "at character 18: the trailing slash is missing") {
		t.Errorf("evidence = %q, want the first differing position", d.Evidence)
	}
}

func TestClientCredentialsContext(t *testing.T) {
	ev := tokenEv(401, "unauthorized_client", "Invalid client or Invalid client credentials", grantCode)
	ev.Context.ClientID, ev.Context.Issuer = trialClient, envs.ProductionIssuer
	ev.Context.BasicProblem = "the decoded value ends with a newline"
	d := Match(ev)[0]
	if d.ID != IDInvalidClientCredentials {
		t.Fatalf("ID = %q", d.ID)
	}
	if !containsText(d.Evidence, "unauthorized_client when it knows the client") {
		t.Errorf("evidence = %q, want the 26.x code explained", d.Evidence)
	}
	if !containsText(d.Causes[:2], "other environment") || !containsText(d.Causes[:1], "newline") {
		t.Errorf("causes = %q, want the Basic problem then the environment first", d.Causes)
	}
}

func TestLocalFindings(t *testing.T) {
	refused := &net.OpError{Op: "dial", Net: "tcp", Err: os.NewSyscallError("connect", syscall.ECONNREFUSED)}
	tests := []struct {
		name string
		ev   Evidence
		want string
	}{
		{"state mismatch", Evidence{Kind: FindingStateMismatch, Redirect: url.Values{"state": {"x"}}, ExpectedState: "y"}, IDStateMismatch},
		{"issuer mismatch kind", Evidence{Kind: FindingIssuerMismatch, Detail: "discovery issuer differs"}, IDIssuerMismatch},
		{"iss parameter differs", Evidence{Step: StepCallback, Redirect: url.Values{"code": {"c"}, "iss": {envs.ProductionIssuer}}, ExpectedIssuer: envs.TrialIssuer}, IDIssuerMismatch},
		{"no callback", Evidence{Kind: FindingNoCallback, Detail: "waited 2m0s"}, IDNoCallback},
		{"address in use", Evidence{Kind: FindingListen, Err: &net.OpError{Op: "listen", Err: os.NewSyscallError("bind", syscall.EADDRINUSE)}}, IDCallbackUnavailable},
		{"permission denied", Evidence{Err: &net.OpError{Op: "listen", Err: os.NewSyscallError("bind", syscall.EACCES)}}, IDCallbackUnavailable},
		{"refused", Evidence{Kind: FindingTransport, Err: refused}, IDEndpointUnreachable},
		{"dns", Evidence{Err: &net.DNSError{Name: "auth.lsk.lightspeed.app", Err: "no such host", IsNotFound: true}}, IDEndpointUnreachable},
		{"timeout", Evidence{Err: fmt.Errorf("post: %w", os.ErrDeadlineExceeded)}, IDEndpointUnreachable},
		{"tls record header", Evidence{Err: fmt.Errorf("get: %w", tlsRecordHeaderError())}, IDTLSError},
		{"verify audience", Evidence{Kind: FindingVerify, Err: errors.New(`oidc: expected audience "a" got ["b"]`)}, IDTokenVerificationFailed},
		{"verify issuer", Evidence{Kind: FindingVerify, Err: errors.New(`oidc: id token issued by a different provider, expected "a" got "b"`)}, IDIssuerMismatch},
		{"scopes missing", Evidence{Kind: FindingScopesMissing, Detail: "requested items, granted none"}, IDScopeNotGranted},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Match(tt.ev)
			if got[0].ID != tt.want {
				t.Errorf("Match()[0].ID = %q, want %q (all %v)", got[0].ID, tt.want, ids(got))
			}
		})
	}
}

func TestStateNotShown(t *testing.T) {
	ev := Evidence{Kind: FindingStateMismatch, Redirect: url.Values{"state": {"received-state"}}, ExpectedState: "expected-state-value"}
	for _, d := range Match(ev) {
		if containsText(d.Evidence, "expected-state-value") {
			t.Errorf("evidence shows the expected state: %q", d.Evidence)
		}
	}
}

func TestClockSkew(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	ev := Evidence{Step: StepVerify, Kind: FindingVerify, Err: errors.New("oidc: token is expired"),
		ServerTime: now, LocalTime: now.Add(10 * time.Minute)}
	got := Match(ev)
	if got[0].ID != IDClockSkew {
		t.Errorf("skewed expiry: Match()[0] = %q, want clock-skew", got[0].ID)
	}
	ev = tokenEv(400, "invalid_grant", "Code not valid", grantCode)
	ev.ServerTime, ev.LocalTime = now, now.Add(20*time.Second)
	if got := ids(Match(ev)); len(got) != 1 {
		t.Errorf("20 s skew: Match() = %v, want no clock-skew below the threshold", got)
	}
	ev = Evidence{Step: StepRefresh, Error: "invalid_grant", ErrorDescription: "Token is not active",
		Context: Context{RefreshTokenAge: 5 * time.Second}}
	if got := ids(Match(ev)); got[0] != IDClockSkew || got[1] != IDInvalidRefreshToken {
		t.Errorf("fresh token not active: Match() = %v, want [clock-skew invalid-refresh-token]", got)
	}
}

func TestUnexpectedResponse(t *testing.T) {
	ev := Evidence{Step: StepToken, Status: 403, Header: map[string][]string{"Content-Type": {"text/html"}, "Server": {"nginx"}},
		Body: "<html><head><title>403 Forbidden</title></head><body>nginx</body></html>"}
	d := Match(ev)[0]
	if d.ID != IDUnexpectedResponse {
		t.Fatalf("ID = %q, want unexpected-response", d.ID)
	}
	if !containsText(d.Evidence, "Content-Type text/html where application/json was expected") || !containsText(d.Evidence, "server nginx") {
		t.Errorf("evidence = %q, want content type and server", d.Evidence)
	}
}

func TestServerError(t *testing.T) {
	ev := Evidence{Step: StepToken, Status: 502, Header: map[string][]string{"Content-Type": {"text/html"}}, Body: "<html>502 Bad Gateway nginx</html>"}
	if d := Match(ev)[0]; d.ID != IDServerError || !containsText(d.Causes[:1], "proxy") {
		t.Errorf("Match() = %q causes %q, want server-error with the proxy first", d.ID, d.Causes)
	}
}

func TestUnknownShowsRawEvidence(t *testing.T) {
	ev := Evidence{Step: StepToken, Status: 418, Body: `{"weird":true}`, Header: map[string][]string{"Content-Type": {"application/json"}}}
	got := Match(ev)
	if len(got) != 1 || got[0].ID != IDUnknown {
		t.Fatalf("Match() = %v, want [unknown]", ids(got))
	}
	if !containsText(got[0].Evidence, "HTTP 418") || !containsText(got[0].Evidence, `body: {"weird":true}`) {
		t.Errorf("evidence = %q, want status and body", got[0].Evidence)
	}
	if got := Match(Evidence{}); len(got) != 1 || got[0].ID != IDUnknown || len(got[0].Evidence) == 0 {
		t.Errorf("Match(empty) = %+v, want unknown with evidence", got)
	}
}

func TestUnknownHidesTokens(t *testing.T) {
	got := Match(Evidence{Status: 200, Body: `{"access_token":"eyJhbGciOi.secret.part"}`})
	if containsText(got[0].Evidence, "secret.part") {
		t.Errorf("evidence shows a token: %q", got[0].Evidence)
	}
}

// tlsRecordHeaderError returns the error crypto/tls gives when an https
// client reaches a plain-http server.
func tlsRecordHeaderError() error {
	return tls.RecordHeaderError{Msg: "first record does not look like a TLS handshake"}
}
