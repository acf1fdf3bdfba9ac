package flow

import (
	"context"
	"errors"
	"net"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/kseries-tools/ksauth/diagnose"
	"github.com/kseries-tools/ksauth/envs/emulator"
	"github.com/kseries-tools/ksauth/internal/localtls"
)

// flowError returns err as a *Error or fails the test.
func flowError(t *testing.T, err error) *Error {
	t.Helper()
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("err = %v (%T), want a *flow.Error", err, err)
	}
	return e
}

// firstDiagnosis returns the ID of the error's first diagnosis.
func firstDiagnosis(e *Error) string {
	if len(e.Diagnoses) == 0 {
		return ""
	}
	return e.Diagnoses[0].ID
}

func TestRunHeadlessSignsInAndRefreshes(t *testing.T) {
	rl := startRealm(t, nil, nil)
	cfg := rl.config()
	cfg.Login = LoginHeadless
	cfg.Probe, cfg.RefreshCheck, cfg.RefreshReplayCheck = true, true, true
	var log exchangeLog
	var trace lockedBuffer
	cfg.OnExchange, cfg.Trace = log.add, &trace

	res, err := Run(t.Context(), cfg)
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	want := []string{"discovery=ok", "probe=ok", "authorize=ok", "callback=ok", "token=ok", "verify=ok", "refresh=ok"}
	if got := stepStatuses(res); !slices.Equal(got, want) {
		t.Errorf("steps = %v, want %v", got, want)
	}
	if got := res.IDClaims["preferred_username"]; got != rl.seed.TrialUser.Username {
		t.Errorf("preferred_username = %v, want %s", got, rl.seed.TrialUser.Username)
	}
	if !slices.Contains(res.GrantedScopes, "orders-api") {
		t.Errorf("granted scopes %v lack orders-api", res.GrantedScopes)
	}
	if len(res.MissingScopes) != 0 {
		t.Errorf("missing scopes = %v, want none", res.MissingScopes)
	}
	if res.CodeAge <= 0 {
		t.Errorf("code age = %s, want a positive duration", res.CodeAge)
	}
	if !res.TokenConnReused {
		t.Error("token exchange opened a new connection, want the warm one")
	}
	if res.Refresh == nil || !res.Refresh.Rotated {
		t.Errorf("refresh = %+v, want a rotated refresh token", res.Refresh)
	}
	if res.Refresh != nil && (res.Refresh.OldRejected == nil || !*res.Refresh.OldRejected) {
		t.Errorf("refresh replay = %+v, want the old token rejected", res.Refresh)
	}
	if !strings.Contains(res.Tokens.AccessToken, "(redacted)") {
		t.Errorf("displayed access token %q is not redacted", res.Tokens.AccessToken)
	}
	if len(res.Diagnoses) != 0 {
		t.Errorf("diagnoses = %+v, want none", res.Diagnoses)
	}

	exchanges := log.list()
	var code string
	var tokenEx *Exchange
	for i, ex := range exchanges {
		if ex.Step == diagnose.StepCallback && ex.Observed && ex.Status == http.StatusOK {
			code = codeFrom(ex.URL)
		}
		if ex.Step == diagnose.StepToken && ex.Method == http.MethodPost && tokenEx == nil {
			tokenEx = &exchanges[i]
		}
	}
	if code == "" {
		t.Fatal("no observed callback exchange with a code")
	}
	if tokenEx == nil {
		t.Fatal("no token exchange reported")
	}
	if tokenEx.Status != http.StatusOK || tokenEx.Duration <= 0 || tokenEx.Timings.Wait <= 0 {
		t.Errorf("token exchange status %d, duration %s, wait %s; want 200 with timings",
			tokenEx.Status, tokenEx.Duration, tokenEx.Timings.Wait)
	}
	if !tokenEx.ConnReused {
		t.Error("token exchange's ConnReused = false, want the warm connection")
	}
	if got := tokenEx.RequestHeader.Get("Authorization"); !strings.HasPrefix(got, "Basic ") {
		t.Errorf("token request Authorization = %q, want HTTP Basic", got)
	}

	secrets := secretsOf(cfg, res, code)
	for _, ex := range exchanges {
		r := ex.Redacted()
		text := r.URL + string(r.RequestBody) + string(r.ResponseBody) + headerText(r.RequestHeader) + headerText(r.ResponseHeader)
		assertNoSecrets(t, "redacted "+string(ex.Step)+" exchange "+ex.Method+" "+r.URL, text, secrets)
	}
	assertNoSecrets(t, "verbose trace", trace.String(), secrets)
	if !strings.Contains(trace.String(), "first byte") {
		t.Error("verbose trace shows no first-byte timing")
	}
}

func headerText(h http.Header) string {
	var b strings.Builder
	for k, vs := range h {
		b.WriteString(k + ": " + strings.Join(vs, ",") + "\n")
	}
	return b.String()
}

func TestRunHeadlessWrongPassword(t *testing.T) {
	rl := startRealm(t, nil, nil)
	cfg := rl.config()
	cfg.Login, cfg.Password = LoginHeadless, "not-the-password"

	res, err := Run(t.Context(), cfg)
	e := flowError(t, err)
	if e.Step != diagnose.StepAuthorize {
		t.Errorf("failed step = %s, want authorize", e.Step)
	}
	if got := firstDiagnosis(e); got != "invalid-user-credentials" {
		t.Errorf("diagnosis = %q, want invalid-user-credentials", got)
	}
	if res == nil || res.Token != nil {
		t.Errorf("result = %+v, want a partial result without tokens", res)
	}
	assertNoSecrets(t, "error", e.Error(), map[string]string{"password": cfg.Password})
}

func TestRunProbeCatchesWrongScope(t *testing.T) {
	rl := startRealm(t, nil, nil)
	cfg := rl.config()
	cfg.Probe = true
	cfg.Scopes = []string{"openid", "bogus-api"}
	cfg.OpenBrowser = func(string) error {
		t.Error("browser opened although the probe failed")
		return nil
	}

	res, err := Run(t.Context(), cfg)
	e := flowError(t, err)
	if e.Step != diagnose.StepProbe {
		t.Errorf("failed step = %s, want probe", e.Step)
	}
	if got := firstDiagnosis(e); got != "invalid-scope" {
		t.Errorf("diagnosis = %q, want invalid-scope", got)
	}
	if got := stepStatuses(res); !slices.Equal(got, []string{"discovery=ok", "probe=failed"}) {
		t.Errorf("steps = %v, want discovery ok then probe failed", got)
	}
}

func TestRunBrowserPageShowsResult(t *testing.T) {
	rl := startRealm(t, nil, nil)
	cfg := rl.config()
	browser := newTestBrowser(cfg.Username, cfg.Password)
	cfg.OpenBrowser = browser.open

	res, err := Run(t.Context(), cfg)
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	visit := browser.wait(t)
	if visit.err != nil {
		t.Fatalf("browser: %v", visit.err)
	}
	if visit.status != http.StatusOK {
		t.Errorf("page status %d, want 200", visit.status)
	}
	for _, want := range []string{"Signed in", rl.seed.TrialUser.Username, cfg.ClientID, "orders-api", "local", "expires in"} {
		if !strings.Contains(visit.page, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	assertNoSecrets(t, "success page", visit.page, secretsOf(cfg, res, ""))
}

func TestRunBrowserFailurePageShowsDiagnosis(t *testing.T) {
	rl := startRealm(t, nil, nil)
	cfg := rl.config()
	cfg.ClientSecret = "wrong-secret-0123456789"
	browser := newTestBrowser(cfg.Username, cfg.Password)
	cfg.OpenBrowser = browser.open

	_, err := Run(t.Context(), cfg)
	e := flowError(t, err)
	visit := browser.wait(t)
	if visit.err != nil {
		t.Fatalf("browser: %v", visit.err)
	}
	if e.Step != diagnose.StepToken {
		t.Errorf("failed step = %s, want token", e.Step)
	}
	if len(e.Diagnoses) == 0 {
		t.Fatal("no diagnoses")
	}
	d := e.Diagnoses[0]
	if visit.status != http.StatusBadRequest {
		t.Errorf("page status %d, want 400", visit.status)
	}
	if !strings.Contains(visit.page, htmlEscape(d.Title)) {
		t.Errorf("page lacks the diagnosis title %q", d.Title)
	}
	if !strings.Contains(visit.page, htmlEscape(d.Fix)) {
		t.Errorf("page lacks the fix %q", d.Fix)
	}
	assertNoSecrets(t, "failure page", visit.page, secretsOf(cfg, nil, ""))
}

// htmlEscape escapes text as html/template does for element content.
func htmlEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "'", "&#39;", "<", "&lt;", ">", "&gt;", `"`, "&#34;").Replace(s)
}

func TestRunHTTPSCallback(t *testing.T) {
	certDir := t.TempDir()
	cert, err := localtls.Load(localtls.Options{Dir: certDir})
	if err != nil {
		t.Fatal(err)
	}
	port := freePort(t)
	redirectURI := "https://localhost:" + port + "/callback/"
	rl := startRealm(t, func(c *emulator.Config) {
		for i := range c.Trial.Clients {
			c.Trial.Clients[i].RedirectURIs = append(c.Trial.Clients[i].RedirectURIs, redirectURI)
		}
	}, nil)
	cfg := rl.config()
	cfg.RedirectURI, cfg.CallbackCertDir = redirectURI, certDir
	browser := newTestBrowser(cfg.Username, cfg.Password)
	browser.roots = cert.CertPool()
	cfg.OpenBrowser = browser.open
	var narration lockedBuffer
	cfg.Narration = &narration

	res, err := Run(t.Context(), cfg)
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	visit := browser.wait(t)
	if visit.err != nil {
		t.Fatalf("browser: %v", visit.err)
	}
	if !strings.Contains(visit.page, "Signed in") {
		t.Errorf("page over https does not show the sign-in: %.300s", visit.page)
	}
	if res.RedirectURI != redirectURI {
		t.Errorf("redirect URI = %s, want %s", res.RedirectURI, redirectURI)
	}
	if !strings.Contains(narration.String(), cert.CertPath) {
		t.Errorf("narration does not name the certificate %s", cert.CertPath)
	}
}

// freePort returns a loopback port that was free a moment ago.
func freePort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	return port
}

func TestRunPasteMode(t *testing.T) {
	clock := emulator.NewManualClock(time.Now())
	rl := startRealm(t, nil, clock)
	tests := []struct {
		name string
		// wait is the clock's advance before the paste.
		wait          time.Duration
		editState     bool
		wantStep      diagnose.Step
		wantDiagnosis string
		wantMissed    bool
	}{
		{name: "in time", wait: 2 * time.Second},
		{name: "too late", wait: 20 * time.Second, wantStep: diagnose.StepToken,
			wantDiagnosis: "invalid-code-grant", wantMissed: true},
		{name: "state changed", editState: true, wantStep: diagnose.StepCallback, wantDiagnosis: "state-mismatch"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := rl.config()
			cfg.Login, cfg.Clock = LoginPaste, clock.Now
			cfg.RedirectURI = "http://127.0.0.1:8765/callback"
			browser := newTestBrowser(cfg.Username, cfg.Password)
			browser.stopAt = cfg.RedirectURI
			cfg.OpenBrowser = browser.open
			cfg.ReadRedirect = func(ctx context.Context) (string, error) {
				visit := browser.wait(t)
				if visit.err != nil {
					return "", visit.err
				}
				clock.Advance(tt.wait)
				if tt.editState {
					return strings.Replace(visit.redirect, "state=", "state=x", 1), nil
				}
				return visit.redirect, nil
			}

			res, err := Run(t.Context(), cfg)
			if tt.wantStep == "" {
				if err != nil {
					t.Fatalf("Run: %v", err)
				}
			} else {
				e := flowError(t, err)
				if e.Step != tt.wantStep {
					t.Errorf("failed step = %s, want %s", e.Step, tt.wantStep)
				}
				if got := firstDiagnosis(e); got != tt.wantDiagnosis {
					t.Errorf("diagnosis = %q, want %q", got, tt.wantDiagnosis)
				}
			}
			if res.CodeWindowMissed != tt.wantMissed {
				t.Errorf("CodeWindowMissed = %v, want %v", res.CodeWindowMissed, tt.wantMissed)
			}
			if tt.editState {
				return
			}
			if res.CodeAgeMax < tt.wait {
				t.Errorf("CodeAgeMax = %s, want at least the %s the clock moved", res.CodeAgeMax, tt.wait)
			}
			if res.CodeLifespan != rl.env.CodeLifespan {
				t.Errorf("CodeLifespan = %s, want %s", res.CodeLifespan, rl.env.CodeLifespan)
			}
		})
	}
}

func TestRunNoCallback(t *testing.T) {
	rl := startRealm(t, nil, nil)
	cfg := rl.config()
	cfg.CallbackTimeout = 50 * time.Millisecond
	cfg.OpenBrowser = func(string) error { return nil }
	var narration lockedBuffer
	cfg.Narration = &narration

	res, err := Run(t.Context(), cfg)
	e := flowError(t, err)
	if e.Evidence.Kind != diagnose.FindingNoCallback {
		t.Errorf("evidence kind = %q, want no-callback", e.Evidence.Kind)
	}
	if got := firstDiagnosis(e); got != "no-callback" {
		t.Errorf("diagnosis = %q, want no-callback", got)
	}
	if n := strings.Count(narration.String(), res.AuthURL); n != 2 {
		t.Errorf("authorization URL printed %d times, want 2 (at the start and after the timeout)", n)
	}
}

func TestRunCancelClosesCallbackServer(t *testing.T) {
	rl := startRealm(t, nil, nil)
	cfg := rl.config()
	ctx, cancel := context.WithCancel(t.Context())
	cfg.OpenBrowser = func(string) error {
		cancel()
		return nil
	}

	res, err := Run(ctx, cfg)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if e := flowError(t, err); len(e.Diagnoses) != 0 {
		t.Errorf("diagnoses = %+v, want none for an interruption", e.Diagnoses)
	}
	resp, err := http.Get(res.RedirectURI + "?code=late&state=x")
	if err == nil {
		resp.Body.Close()
		t.Errorf("callback server still responds after cancellation: HTTP %d", resp.StatusCode)
	}
}

func TestRunBusyCallbackPort(t *testing.T) {
	rl := startRealm(t, nil, nil)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	cfg := rl.config()
	cfg.Login = LoginHeadless
	cfg.RedirectURI = "http://" + ln.Addr().String() + "/callback"

	_, err = Run(t.Context(), cfg)
	e := flowError(t, err)
	if e.Evidence.Kind != diagnose.FindingListen {
		t.Errorf("evidence kind = %q, want listen", e.Evidence.Kind)
	}
	if got := firstDiagnosis(e); got != "callback-unavailable" {
		t.Errorf("diagnosis = %q, want callback-unavailable", got)
	}
	if !strings.Contains(e.Error(), "already in use") {
		t.Errorf("error %q does not say the address is in use", e.Error())
	}
}

func TestProbeAlone(t *testing.T) {
	rl := startRealm(t, nil, nil)
	tests := []struct {
		name          string
		scopes        []string
		redirectURI   string
		wantDiagnosis string
	}{
		{name: "registered client", scopes: []string{"openid", "orders-api"}, redirectURI: "http://127.0.0.1:8765/callback"},
		{name: "unknown scope", scopes: []string{"openid", "bogus-api"}, redirectURI: "http://127.0.0.1:8765/callback",
			wantDiagnosis: "invalid-scope"},
		{name: "unregistered redirect URI", scopes: []string{"openid"}, redirectURI: "https://app.example/callback",
			wantDiagnosis: "redirect-uri-mismatch"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := rl.config()
			cfg.Scopes, cfg.RedirectURI = tt.scopes, tt.redirectURI
			res, err := Probe(t.Context(), cfg)
			if tt.wantDiagnosis == "" {
				if err != nil {
					t.Fatalf("Probe: %v", err)
				}
				want := []string{"discovery=ok", "probe=ok", "authorize=skipped"}
				if got := stepStatuses(res); !slices.Equal(got, want) {
					t.Errorf("steps = %v, want %v", got, want)
				}
				return
			}
			e := flowError(t, err)
			if e.Step != diagnose.StepProbe {
				t.Errorf("failed step = %s, want probe", e.Step)
			}
			if got := firstDiagnosis(e); got != tt.wantDiagnosis {
				t.Errorf("diagnosis = %q, want %q", got, tt.wantDiagnosis)
			}
		})
	}
}

func TestRunReportsClockSkew(t *testing.T) {
	rl := startRealm(t, nil, nil)
	cfg := rl.config()
	cfg.Login = LoginHeadless
	cfg.Clock = func() time.Time { return time.Now().Add(2 * time.Minute) }

	res, err := Run(t.Context(), cfg)
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	if res.ClockSkew < 119*time.Second || res.ClockSkew > 122*time.Second {
		t.Errorf("clock skew = %s, want about 2m", res.ClockSkew)
	}
	if len(res.Diagnoses) != 1 {
		t.Fatalf("diagnoses = %+v, want one clock-skew warning", res.Diagnoses)
	}
	if d := res.Diagnoses[0]; d.ID != "clock-skew" || d.Failed() {
		t.Errorf("diagnosis %s with severity %q, want a clock-skew warning", d.ID, d.Severity)
	}
}

func TestRunLiveWaitingLine(t *testing.T) {
	rl := startRealm(t, nil, nil)
	cfg := rl.config()
	cfg.CallbackTimeout = 1100 * time.Millisecond
	cfg.OpenBrowser = func(string) error { return nil }
	var narration lockedBuffer
	cfg.Narration, cfg.NarrationIsTerminal = &narration, true

	_, err := Run(t.Context(), cfg)
	if e := flowError(t, err); e.Evidence.Kind != diagnose.FindingNoCallback {
		t.Fatalf("evidence kind = %q, want no-callback", e.Evidence.Kind)
	}
	out := narration.String()
	live := eraseLine + "Waiting for the callback: 1s elapsed, timeout 1.1s"
	if !strings.Contains(out, live) {
		t.Errorf("narration lacks the live line %q:\n%q", live, out)
	}
	if !strings.Contains(out, eraseLine+"No callback arrived") {
		t.Errorf("live line not erased before the next line:\n%q", out)
	}
}
