package har

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/kseries-tools/ksauth/diagnose"
	"github.com/kseries-tools/ksauth/envs/emulator"
)

// recordingTransport sends requests to the emulator and records each
// exchange as an Entry, the way the flow runner's exchange hook does. Start
// times come from the emulator's manual clock, so code ages are exact.
type recordingTransport struct {
	clock   *emulator.ManualClock
	entries []Entry
}

func (rt *recordingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	e := Entry{Start: rt.clock.Now(), Timings: NoTimings(), Method: req.Method, URL: req.URL.String(),
		RequestHeader: req.Header.Clone()}
	if req.Body != nil {
		body, err := io.ReadAll(req.Body)
		if err != nil {
			return nil, err
		}
		e.RequestBody = body
		req.Body = io.NopCloser(bytes.NewReader(body))
	}
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		e.Error = err.Error()
		rt.entries = append(rt.entries, e)
		return nil, err
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
	e.Status, e.ResponseHeader, e.ResponseBody = resp.StatusCode, resp.Header.Clone(), body
	e.Duration = 3 * time.Millisecond
	rt.entries = append(rt.entries, e)
	return resp, nil
}

// signIn is one sign-in against the emulator's trial realm by a client
// that does not follow redirects, as the flow runner's headless login does.
type signIn struct {
	t        *testing.T
	client   *http.Client
	issuer   string
	seed     emulator.Seed
	redirect string
}

func newSignIn(t *testing.T, clock *emulator.ManualClock, rt *recordingTransport) *signIn {
	t.Helper()
	srv, err := emulator.New(emulator.DefaultConfig(), emulator.WithClock(clock))
	if err != nil {
		t.Fatalf("emulator.New: %v", err)
	}
	if err := srv.Start("127.0.0.1:0", "127.0.0.1:0"); err != nil {
		t.Fatalf("emulator Start: %v", err)
	}
	t.Cleanup(func() { srv.Close() })
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	client := &http.Client{Transport: rt, Jar: jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	seed := emulator.DefaultSeed()
	return &signIn{t: t, client: client, issuer: srv.TrialIssuer(), seed: seed, redirect: seed.LoopbackRedirectURI}
}

var formAction = regexp.MustCompile(`id="kc-form-login"[^>]*action="([^"]+)"`)

// code runs the authorization request and the login form and returns the
// code from the redirect.
func (s *signIn) code() string {
	t := s.t
	t.Helper()
	q := url.Values{"response_type": {"code"}, "client_id": {s.seed.TrialClient.ClientID}, "redirect_uri": {s.redirect},
		"scope": {"openid orders-api"}, "state": {"state-1"}}
	resp, err := s.client.Get(s.issuer + "/protocol/openid-connect/auth?" + q.Encode())
	if err != nil {
		t.Fatalf("authorization request: %v", err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if loc, err := url.Parse(resp.Header.Get("Location")); err == nil && loc.Query().Get("code") != "" {
		return loc.Query().Get("code") // the SSO session cookie skips the login form
	}
	m := formAction.FindSubmatch(page)
	if m == nil {
		t.Fatalf("authorization request: no login form in the %d response", resp.StatusCode)
	}
	form := url.Values{"username": {s.seed.TrialUser.Username}, "password": {s.seed.TrialUser.Password}}
	resp, err = s.client.PostForm(html.UnescapeString(string(m[1])), form)
	if err != nil {
		t.Fatalf("login form post: %v", err)
	}
	resp.Body.Close()
	loc, err := url.Parse(resp.Header.Get("Location"))
	if err != nil || loc.Query().Get("code") == "" {
		t.Fatalf("login form post: status %d, Location %q carries no code", resp.StatusCode, resp.Header.Get("Location"))
	}
	return loc.Query().Get("code")
}

// exchange sends an authorization_code token request with Basic client
// authentication and returns the status.
func (s *signIn) exchange(code, redirectURI string) int {
	s.t.Helper()
	form := url.Values{"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {redirectURI}}
	req, err := http.NewRequest(http.MethodPost, s.issuer+"/protocol/openid-connect/token", strings.NewReader(form.Encode()))
	if err != nil {
		s.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(url.QueryEscape(s.seed.TrialClient.ClientID), url.QueryEscape(s.seed.TrialClient.Secret))
	resp, err := s.client.Do(req)
	if err != nil {
		s.t.Fatalf("token request: %v", err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// recordAndRead writes the entries with a Recorder to a file, checks its
// mode, and diagnoses it.
func recordAndRead(t *testing.T, entries []Entry) (Report, []byte) {
	t.Helper()
	rec := NewRecorder("ksauth", "test")
	for _, e := range entries {
		rec.AddEntry(e)
	}
	path := filepath.Join(t.TempDir(), "flow.har")
	if err := rec.WriteFile(path); err != nil {
		t.Fatalf("WriteFile: %v", err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := Diagnose(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("Diagnose of the recorded HAR: %v", err)
	}
	return rep, data
}

func TestRoundTripEmulatorSuccess(t *testing.T) {
	clock := emulator.NewManualClock(time.Date(2026, 12, 4, 10, 0, 0, 0, time.UTC))
	rt := &recordingTransport{clock: clock}
	s := newSignIn(t, clock, rt)

	code := s.code()
	clock.Advance(1200 * time.Millisecond)
	if got := s.exchange(code, s.redirect); got != http.StatusOK {
		t.Fatalf("token request status = %d, want 200", got)
	}
	rep, data := recordAndRead(t, rt.entries)

	if !rep.OK {
		t.Errorf("Report.OK = false, want true; diagnoses: %v", ids(rep.Diagnoses()))
	}
	token := findStep(rep, diagnose.StepToken)
	if token == nil {
		t.Fatalf("no token step in %v", stepNames(rep))
	}
	// The code's age counts from the redirect's arrival, which the
	// recorded duration of 3 ms puts after the login post's start.
	if token.CodeAgeMS == nil || *token.CodeAgeMS != 1197 {
		t.Errorf("CodeAgeMS = %v, want 1197", deref(token.CodeAgeMS))
	}
	if age, ok := rep.CodeAgeMS(); !ok || age != 1197 {
		t.Errorf("Report.CodeAgeMS() = %v, %v, want 1197, true", age, ok)
	}
	assertNoSecrets(t, data, s.seed.TrialClient.Secret, s.seed.TrialUser.Password, code)
}

func TestRoundTripEmulatorExpiredAndReused(t *testing.T) {
	clock := emulator.NewManualClock(time.Date(2026, 12, 4, 10, 0, 0, 0, time.UTC))
	rt := &recordingTransport{clock: clock}
	s := newSignIn(t, clock, rt)

	expired := s.code()
	clock.Advance(20 * time.Second)
	if got := s.exchange(expired, s.redirect); got != http.StatusBadRequest {
		t.Fatalf("expired code: token status = %d, want 400", got)
	}
	fresh := s.code()
	if got := s.exchange(fresh, s.redirect); got != http.StatusOK {
		t.Fatalf("fresh code: token status = %d, want 200", got)
	}
	if got := s.exchange(fresh, s.redirect); got != http.StatusBadRequest {
		t.Fatalf("reused code: token status = %d, want 400", got)
	}
	rep, data := recordAndRead(t, rt.entries)

	var tokens []Step
	for _, st := range rep.Steps {
		if st.Name == diagnose.StepToken {
			tokens = append(tokens, st)
		}
	}
	if len(tokens) != 3 {
		t.Fatalf("token steps = %d, want 3 (%v)", len(tokens), stepNames(rep))
	}
	if got := deref(tokens[0].CodeAgeMS); got != 19997 {
		t.Errorf("expired code age = %v ms, want 19997", got)
	}
	if d := firstDiagnosis(tokens[0]); d.ID != diagnose.IDInvalidCodeGrant || !strings.HasPrefix(d.Causes[0], "the code expired") {
		t.Errorf("expired code diagnosis = %s %q, want invalid-code-grant led by expiry", d.ID, d.Causes)
	}
	if tokens[1].Status != StatusOK {
		t.Errorf("fresh code step status = %s, want ok", tokens[1].Status)
	}
	d := firstDiagnosis(tokens[2])
	if d.ID != diagnose.IDInvalidCodeGrant {
		t.Errorf("reused code diagnosis = %s, want invalid-code-grant", d.ID)
	}
	if !containsText(d.Evidence, "the same code was sent in entry") {
		t.Errorf("reused code evidence %q does not name the first use", d.Evidence)
	}
	assertNoSecrets(t, data, s.seed.TrialClient.Secret, s.seed.TrialUser.Password, expired, fresh)
}

func TestRoundTripKeepsStepNoteObserved(t *testing.T) {
	start := time.Date(2026, 12, 4, 10, 0, 0, 0, time.UTC)
	in := []Entry{
		{Start: start, Method: "GET", Observed: true, Step: diagnose.StepAuthorize, Note: "opened in the browser; then closed",
			URL: "https://auth.lsk-trial.app/realms/k-series/protocol/openid-connect/auth?client_id=devp-v2-demo-x&redirect_uri=http%3A%2F%2F127.0.0.1%2Fcallback&state=s1&response_type=code"},
		{Start: start.Add(time.Second), Method: "GET", Observed: true, Step: diagnose.StepCallback, Status: 200,
			URL: "http://127.0.0.1/callback?code=abc.def.ghi&state=s1"},
	}
	rec := NewRecorder("ksauth", "test")
	for _, e := range in {
		rec.AddEntry(e)
	}
	var buf bytes.Buffer
	if _, err := rec.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}

	var got []Entry
	if _, err := Read(bytes.NewReader(buf.Bytes()), func(e Entry) error { got = append(got, e); return nil }); err != nil {
		t.Fatalf("Read: %v", err)
	}
	if len(got) != 2 {
		t.Fatalf("entries read = %d, want 2", len(got))
	}
	for i := range in {
		if got[i].Step != in[i].Step || got[i].Observed != in[i].Observed || got[i].Note != in[i].Note {
			t.Errorf("entry %d: step %q observed %v note %q, want %q %v %q", i,
				got[i].Step, got[i].Observed, got[i].Note, in[i].Step, in[i].Observed, in[i].Note)
		}
	}

	rep, err := Diagnose(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatalf("Diagnose: %v", err)
	}
	if rep.Steps[0].Status != StatusOK {
		t.Errorf("observed authorization request without response: status %s, want ok", rep.Steps[0].Status)
	}
}

func TestWriteFileMode0600(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"new.har", "existing.har"} {
		path := filepath.Join(dir, name)
		if name == "existing.har" {
			if err := os.WriteFile(path, []byte("old"), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		rec := NewRecorder("ksauth", "test")
		rec.AddEntry(Entry{Start: time.Unix(0, 0), Method: "GET", URL: "http://127.0.0.1/", Status: 204})
		if err := rec.WriteFile(path); err != nil {
			t.Fatalf("%s: WriteFile: %v", name, err)
		}
		info, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if mode := info.Mode().Perm(); mode != 0o600 {
			t.Errorf("%s: mode = %o, want 600", name, mode)
		}
	}
}

func TestRecorderRedactsEverySecret(t *testing.T) {
	const (
		secret   = "client-secret-Value-91ab"
		password = "user-Passw0rd-77cd"
		code     = "code-3c1d.4f2e.9a8b"
		verifier = "verifier-dBjftJeZ4CVPmB92K27uhbUJU1p1r"
		access   = "eyJhbGciOiJSUzI1NiJ9.access-payload.sig1"
		idToken  = "eyJhbGciOiJSUzI1NiJ9.id-payload.sig2"
		refresh  = "eyJhbGciOiJIUzUxMiJ9.refresh-payload.sig3"
		cookie   = "identity-cookie-value-5e6f"
		setCk    = "new-session-cookie-7a8b"
	)
	basic := "Basic " + base64.StdEncoding.EncodeToString([]byte("devp-v2-demo-x:"+secret))
	start := time.Date(2026, 12, 4, 10, 0, 0, 0, time.UTC)
	tokens, _ := json.Marshal(map[string]any{"access_token": access, "id_token": idToken, "refresh_token": refresh,
		"token_type": "Bearer"})
	issuer := "https://auth.lsk-trial.app/realms/k-series"
	entries := []Entry{
		{Start: start, Method: "POST", URL: issuer + "/login-actions/authenticate?session_code=x",
			RequestHeader: http.Header{"Content-Type": {"application/x-www-form-urlencoded"}, "Cookie": {"KEYCLOAK_IDENTITY=" + cookie}},
			RequestBody:   []byte(url.Values{"username": {"demo"}, "password": {password}}.Encode()),
			Status:        302, ResponseHeader: http.Header{
				"Location":   {"http://127.0.0.1/callback?state=s&code=" + url.QueryEscape(code)},
				"Set-Cookie": {"KEYCLOAK_SESSION=" + setCk + "; Path=/realms/k-series/; HttpOnly"}}},
		{Start: start.Add(time.Second), Method: "GET", URL: "http://127.0.0.1/callback?state=s&code=" + url.QueryEscape(code),
			Observed: true, Status: 200},
		{Start: start.Add(2 * time.Second), Method: "POST", URL: issuer + "/protocol/openid-connect/token",
			RequestHeader: http.Header{"Content-Type": {"application/x-www-form-urlencoded"}, "Authorization": {basic}},
			RequestBody: []byte(url.Values{"grant_type": {"authorization_code"}, "code": {code}, "code_verifier": {verifier},
				"client_secret": {secret}, "redirect_uri": {"http://127.0.0.1/callback"}}.Encode()),
			Status: 200, ResponseHeader: http.Header{"Content-Type": {"application/json"}}, ResponseBody: tokens},
		{Start: start.Add(3 * time.Second), Method: "POST", URL: issuer + "/protocol/openid-connect/token",
			RequestHeader: http.Header{"Content-Type": {"application/json"}},
			RequestBody:   []byte(`{"grant_type":"refresh_token","refresh_token":"` + refresh + `","client_secret":"` + secret + `"}`),
			Status:        400, ResponseHeader: http.Header{"Content-Type": {"application/json"}},
			ResponseBody: []byte(`{"error":"invalid_request"}`)},
		{Start: start.Add(4 * time.Second), Method: "GET", URL: issuer + "/protocol/openid-connect/userinfo?access_token=" + access,
			RequestHeader: http.Header{"Authorization": {"Bearer " + access}}, Status: 200},
	}
	rec := NewRecorder("ksauth", "test")
	for _, e := range entries {
		rec.AddEntry(e)
	}
	var buf bytes.Buffer
	if _, err := rec.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	data := buf.Bytes()
	assertNoSecrets(t, data, secret, password, code, url.QueryEscape(code), verifier, access, idToken, refresh,
		cookie, setCk, strings.TrimPrefix(basic, "Basic "))

	// The same code keeps the same marker in the Location header, the
	// callback URL and the token request body.
	marker := markerPrefix
	if n := bytes.Count(data, []byte(url.QueryEscape(mark(code)))) + bytes.Count(data, []byte(mark(code))); n < 4 {
		t.Errorf("code marker %s appears %d times, want at least 4 (Location, callback, body, params)", mark(code), n)
	}
	if !bytes.Contains(data, []byte(marker)) {
		t.Errorf("written HAR has no redaction marker")
	}
	if !json.Valid(data) {
		t.Errorf("written HAR is not valid JSON")
	}
}

func assertNoSecrets(t *testing.T, data []byte, secrets ...string) {
	t.Helper()
	for _, s := range secrets {
		if s != "" && bytes.Contains(data, []byte(s)) {
			t.Errorf("written HAR contains the secret %.6s…", s)
		}
	}
}

func findStep(rep Report, name diagnose.Step) *Step {
	for i := range rep.Steps {
		if rep.Steps[i].Name == name {
			return &rep.Steps[i]
		}
	}
	return nil
}

func firstDiagnosis(s Step) diagnose.Diagnosis {
	if len(s.Diagnoses) == 0 {
		return diagnose.Diagnosis{ID: "(none)", Causes: []string{""}}
	}
	return s.Diagnoses[0]
}

func ids(ds []diagnose.Diagnosis) []string {
	var out []string
	for _, d := range ds {
		out = append(out, d.ID)
	}
	return out
}

func stepNames(rep Report) []string {
	var out []string
	for _, s := range rep.Steps {
		out = append(out, string(s.Name)+"/"+s.Status)
	}
	return out
}

func deref(p *float64) float64 {
	if p == nil {
		return -1
	}
	return *p
}

func containsText(list []string, part string) bool {
	for _, s := range list {
		if strings.Contains(s, part) {
			return true
		}
	}
	return false
}

func TestRecorderConcurrentAdd(t *testing.T) {
	rec := NewRecorder("ksauth", "test")
	done := make(chan struct{})
	for g := range 8 {
		go func() {
			defer func() { done <- struct{}{} }()
			for i := range 50 {
				rec.AddEntry(Entry{Start: time.Unix(int64(g*100+i), 0), Method: "GET",
					URL: "http://127.0.0.1/callback?code=c", Status: 200})
			}
		}()
	}
	for range 8 {
		<-done
	}
	if got := rec.Len(); got != 400 {
		t.Errorf("Len = %d, want 400", got)
	}
	if got := len(rec.Archive().Log.Entries); got != 400 {
		t.Errorf("Archive entries = %d, want 400", got)
	}
}
