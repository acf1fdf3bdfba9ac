package emulator

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"
)

// testStart is the ManualClock's start in every test.
var testStart = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

// seed is DefaultSeed, the credentials the tests sign in with.
var seed = DefaultSeed()

// env is a running emulator with its clock, on loopback listeners.
type env struct {
	srv   *Server
	clock *ManualClock
}

// startEmulator starts the emulator on cfg (DefaultConfig when nil) with a
// ManualClock, on two free loopback ports.
func startEmulator(t *testing.T, cfg *Config) *env {
	t.Helper()
	c := DefaultConfig()
	if cfg != nil {
		c = *cfg
	}
	clock := NewManualClock(testStart)
	srv, err := New(c, WithClock(clock))
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	if err := srv.Start("127.0.0.1:0", "127.0.0.1:0"); err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	return &env{srv: srv, clock: clock}
}

func (e *env) trial() string { return e.srv.TrialIssuer() }

// browser is an HTTP client with a cookie jar that does not follow
// redirects, so each step's response can be read.
type browser struct {
	t      *testing.T
	client *http.Client
}

func newBrowser(t *testing.T) *browser {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &browser{t: t, client: &http.Client{
		Jar:           jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}

// response is an HTTP response with its body read.
type response struct {
	status int
	header http.Header
	body   string
}

func (b *browser) do(req *http.Request) response {
	b.t.Helper()
	resp, err := b.client.Do(req)
	if err != nil {
		b.t.Fatalf("%s %s: %v", req.Method, req.URL.Path, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		b.t.Fatalf("reading %s: %v", req.URL.Path, err)
	}
	return response{status: resp.StatusCode, header: resp.Header, body: string(body)}
}

func (b *browser) get(rawURL string, header ...string) response {
	b.t.Helper()
	req, err := http.NewRequest(http.MethodGet, rawURL, nil)
	if err != nil {
		b.t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	return b.do(req)
}

func (b *browser) postForm(rawURL string, form url.Values) response {
	b.t.Helper()
	req, err := http.NewRequest(http.MethodPost, rawURL, strings.NewReader(form.Encode()))
	if err != nil {
		b.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return b.do(req)
}

// authRequestFor returns a valid authorization request for client with the
// given changes. A value of "-" removes the parameter.
func authRequestFor(clientID, redirectURI string, changes ...string) url.Values {
	v := url.Values{
		"client_id":     {clientID},
		"redirect_uri":  {redirectURI},
		"response_type": {"code"},
		"scope":         {"openid profile email"},
		"state":         {"xyz123"},
		"nonce":         {"n-0S6_WzA2Mj"},
	}
	for i := 0; i+1 < len(changes); i += 2 {
		if changes[i+1] == "-" {
			v.Del(changes[i])
		} else {
			v.Set(changes[i], changes[i+1])
		}
	}
	return v
}

func authURL(issuer string, params url.Values) string {
	return issuer + "/protocol/openid-connect/auth?" + params.Encode()
}

// loopbackRedirect is the seeded loopback redirect URI with a port.
const loopbackRedirect = "http://127.0.0.1:53117/callback"

var (
	formActionPattern  = regexp.MustCompile(`<form id="kc-form-login"[^>]* action="([^"]+)"`)
	consentFormPattern = regexp.MustCompile(`<form class="form-actions" action="([^"]+)"`)
	consentCodePattern = regexp.MustCompile(`name="code" value="([^"]+)"`)
	instructionPattern = regexp.MustCompile(`<p class="instruction">([^<]*)</p>`)
	fieldErrorPattern  = regexp.MustCompile(`<span class="pf-v5-c-helper-text__item-text">([^<]*)</span>`)
	alertPattern       = regexp.MustCompile(`<span class="pf-v5-c-alert__title kc-feedback-text">([^<]*)</span>`)
)

// submatch returns the first group of pattern in body, unescaped.
func submatch(t *testing.T, pattern *regexp.Regexp, body string) string {
	t.Helper()
	m := pattern.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no match for %s in page:\n%s", pattern, body)
	}
	return html.UnescapeString(m[1])
}

// openLogin sends the authorization request and returns the login form's
// action URL.
func (b *browser) openLogin(issuer string, params url.Values) string {
	b.t.Helper()
	resp := b.get(authURL(issuer, params))
	if resp.status != http.StatusOK {
		b.t.Fatalf("authorization request: status %d, want 200; Location %q", resp.status, resp.header.Get("Location"))
	}
	return submatch(b.t, formActionPattern, resp.body)
}

// signIn runs the browser login and returns the redirect to the client.
func (b *browser) signIn(issuer string, params url.Values, user SeedUser) *url.URL {
	b.t.Helper()
	action := b.openLogin(issuer, params)
	resp := b.postForm(action, url.Values{"username": {user.Username}, "password": {user.Password}})
	return b.location(resp)
}

// location returns the Location of a 302 response.
func (b *browser) location(resp response) *url.URL {
	b.t.Helper()
	if resp.status != http.StatusFound {
		b.t.Fatalf("status %d, want 302; body:\n%s", resp.status, resp.body)
	}
	u, err := url.Parse(resp.header.Get("Location"))
	if err != nil {
		b.t.Fatalf("Location: %v", err)
	}
	return u
}

// code signs in with the trial user and returns the authorization code.
func (b *browser) code(issuer string, params url.Values, user SeedUser) string {
	b.t.Helper()
	loc := b.signIn(issuer, params, user)
	code := loc.Query().Get("code")
	if code == "" {
		b.t.Fatalf("no code in redirect %s", loc.Redacted())
	}
	return code
}

// tokenRequest posts a token request. With basic set, the client
// authenticates with HTTP Basic, else with form parameters.
func tokenRequest(t *testing.T, issuer string, c SeedClient, basic bool, form url.Values) response {
	t.Helper()
	if !basic {
		form.Set("client_id", c.ClientID)
		form.Set("client_secret", c.Secret)
	}
	req, err := http.NewRequest(http.MethodPost, issuer+"/protocol/openid-connect/token", strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if basic {
		req.SetBasicAuth(url.QueryEscape(c.ClientID), url.QueryEscape(c.Secret))
	}
	return newBrowser(t).do(req)
}

// exchange redeems a code for the trial client with Basic auth.
func exchange(t *testing.T, issuer string, c SeedClient, code, redirectURI string, extra ...string) response {
	t.Helper()
	form := url.Values{"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {redirectURI}}
	for i := 0; i+1 < len(extra); i += 2 {
		form.Set(extra[i], extra[i+1])
	}
	return tokenRequest(t, issuer, c, true, form)
}

// jsonBody decodes a JSON object body.
func jsonBody(t *testing.T, resp response) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(resp.body), &m); err != nil {
		t.Fatalf("body is not a JSON object: %v\n%s", err, resp.body)
	}
	return m
}

// wantOAuthError checks a JSON error response's status, error and
// error_description.
func wantOAuthError(t *testing.T, resp response, status int, code, description string) {
	t.Helper()
	if resp.status != status {
		t.Errorf("status = %d, want %d; body %s", resp.status, status, resp.body)
	}
	if ct := resp.header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type = %q, want application/json", ct)
	}
	m := jsonBody(t, resp)
	if m["error"] != code {
		t.Errorf("error = %v, want %q", m["error"], code)
	}
	if m["error_description"] != description {
		t.Errorf("error_description = %v, want %q", m["error_description"], description)
	}
}

// wantErrorPage checks a "We are sorry..." page's status and message.
func wantErrorPage(t *testing.T, resp response, status int, message string) {
	t.Helper()
	if resp.status != status {
		t.Errorf("status = %d, want %d", resp.status, status)
	}
	if ct := resp.header.Get("Content-Type"); ct != "text/html;charset=utf-8" {
		t.Errorf("Content-Type = %q, want text/html;charset=utf-8", ct)
	}
	if !strings.Contains(resp.body, `data-page-id="login-error"`) || !strings.Contains(resp.body, "We are sorry...") {
		t.Errorf("page is not the error page:\n%s", resp.body)
	}
	if got := submatch(t, instructionPattern, resp.body); got != message {
		t.Errorf("page message = %q, want %q", got, message)
	}
}

// wantErrorRedirect checks an error redirect's error, error_description,
// state and iss, and that they come in Keycloak's order.
func wantErrorRedirect(t *testing.T, b *browser, resp response, issuer, code, description string) *url.URL {
	t.Helper()
	loc := b.location(resp)
	q := loc.Query()
	if got := q.Get("error"); got != code {
		t.Errorf("error = %q, want %q", got, code)
	}
	if got, ok := q["error_description"]; description == "" && ok {
		t.Errorf("error_description = %q, want none", got)
	} else if description != "" && q.Get("error_description") != description {
		t.Errorf("error_description = %q, want %q", q.Get("error_description"), description)
	}
	if got := q.Get("state"); got != "xyz123" {
		t.Errorf("state = %q, want xyz123", got)
	}
	if got := q.Get("iss"); got != issuer {
		t.Errorf("iss = %q, want %q", got, issuer)
	}

	var names []string
	for _, kv := range strings.Split(loc.RawQuery, "&") {
		name, _, _ := strings.Cut(kv, "=")
		names = append(names, name)
	}
	want := "error,error_description,state,iss"
	if description == "" {
		want = "error,state,iss"
	}
	if strings.Join(names, ",") != want {
		t.Errorf("parameter order = %s, want %s", strings.Join(names, ","), want)
	}
	return loc
}

// verifierPair returns a PKCE verifier and its S256 challenge.
func verifierPair(seedText string) (verifier, challenge string) {
	verifier = base64.RawURLEncoding.EncodeToString([]byte(strings.Repeat(seedText, 48)[:48]))
	sum := sha256.Sum256([]byte(verifier))
	return verifier, base64.RawURLEncoding.EncodeToString(sum[:])
}
