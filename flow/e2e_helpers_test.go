package flow

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"github.com/kseries-tools/ksauth/internal/kcform"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/kseries-tools/ksauth/envs"
	"github.com/kseries-tools/ksauth/envs/emulator"
)

// realm is a running emulator with its trial environment and seed.
type realm struct {
	server *emulator.Server
	env    envs.Env
	seed   emulator.Seed
}

// startRealm starts the emulator's seeded realms on loopback. change, if
// not nil, edits the config first, and clock, if not nil, replaces the
// emulator's clock.
func startRealm(t testing.TB, change func(*emulator.Config), clock emulator.Clock) realm {
	t.Helper()
	cfg := emulator.DefaultConfig()
	if change != nil {
		change(&cfg)
	}
	var opts []emulator.Option
	if clock != nil {
		opts = append(opts, emulator.WithClock(clock))
	}
	srv, err := emulator.New(cfg, opts...)
	if err != nil {
		t.Fatalf("emulator.New: %v", err)
	}
	if err := srv.Start("127.0.0.1:0", "127.0.0.1:0"); err != nil {
		t.Fatalf("emulator Start: %v", err)
	}
	t.Cleanup(func() { srv.Close() })
	return realm{server: srv, env: envs.Local("local", envs.TierTrial, srv.TrialIssuer()), seed: emulator.DefaultSeed()}
}

// config returns a Config for the trial client and user with a loopback
// redirect URI on a free port.
func (r realm) config() Config {
	return Config{
		Env:          r.env,
		ClientID:     r.seed.TrialClient.ClientID,
		ClientSecret: r.seed.TrialClient.Secret,
		RedirectURI:  "http://127.0.0.1:0/callback",
		Scopes:       []string{"openid", "orders-api"},
		Username:     r.seed.TrialUser.Username,
		Password:     r.seed.TrialUser.Password,
	}
}

// testBrowser plays a person's browser: it opens a URL, signs in on the
// realm's login form and follows the redirect to the callback, keeping the
// page it ends on. With stopAt set it stops at the redirect to that prefix
// instead and keeps its URL, as a person copying it for the paste login.
type testBrowser struct {
	username, password string
	// roots are the certificates the browser trusts. Nil means the system
	// roots.
	roots  *x509.CertPool
	stopAt string

	done chan browserVisit
}

// browserVisit is the result at the end of a testBrowser visit.
type browserVisit struct {
	status   int
	page     string
	redirect string
	err      error
}

func newTestBrowser(username, password string) *testBrowser {
	return &testBrowser{username: username, password: password, done: make(chan browserVisit, 1)}
}

// open is a Config.OpenBrowser: it visits target on its own goroutine.
func (b *testBrowser) open(target string) error {
	go func() { b.done <- b.visit(target) }()
	return nil
}

func (b *testBrowser) visit(target string) browserVisit {
	jar, _ := cookiejar.New(nil)
	var mu sync.Mutex
	var stopped string
	client := &http.Client{
		Jar:       jar,
		Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: b.roots}},
		CheckRedirect: func(req *http.Request, _ []*http.Request) error {
			if b.stopAt != "" && strings.HasPrefix(req.URL.String(), b.stopAt) {
				mu.Lock()
				stopped = req.URL.String()
				mu.Unlock()
				return http.ErrUseLastResponse
			}
			return nil
		},
	}
	defer client.CloseIdleConnections()

	resp, err := client.Get(target)
	if err != nil {
		return browserVisit{err: err}
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	form, ok := kcform.Login(kcform.Read(page))
	if !ok {
		return browserVisit{status: resp.StatusCode, page: string(page), err: fmt.Errorf("no login form at %s", resp.Request.URL)}
	}
	action, err := resp.Request.URL.Parse(form.Action)
	if err != nil {
		return browserVisit{err: err}
	}
	values := form.Submission("login")
	values.Set("username", b.username)
	values.Set("password", b.password)
	resp, err = client.PostForm(action.String(), values)
	if err != nil {
		return browserVisit{err: err}
	}
	page, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	mu.Lock()
	defer mu.Unlock()
	return browserVisit{status: resp.StatusCode, page: string(page), redirect: stopped}
}

// wait returns where the browser ended.
func (b *testBrowser) wait(t *testing.T) browserVisit {
	t.Helper()
	select {
	case v := <-b.done:
		return v
	case <-t.Context().Done():
		t.Fatal("test ended before the browser finished")
	}
	return browserVisit{}
}

// stepStatuses returns the timeline as "name=status" strings.
func stepStatuses(res *Result) []string {
	var out []string
	for _, s := range res.Steps {
		out = append(out, string(s.Name)+"="+string(s.Status))
	}
	return out
}

// secretsOf returns the secret values of a run that must never be shown:
// the client secret, the password, the raw tokens and the code.
func secretsOf(cfg Config, res *Result, code string) map[string]string {
	s := map[string]string{"client secret": cfg.ClientSecret, "password": cfg.Password, "code": code}
	if res != nil && res.Token != nil {
		s["access token"] = res.Token.AccessToken
		s["refresh token"] = res.Token.RefreshToken
		if id, ok := res.Token.Extra("id_token").(string); ok {
			s["ID token"] = id
		}
	}
	for k, v := range s {
		if v == "" {
			delete(s, k)
		}
	}
	return s
}

// assertNoSecrets fails the test for every secret found in text.
func assertNoSecrets(t *testing.T, where, text string, secrets map[string]string) {
	t.Helper()
	for name, v := range secrets {
		if strings.Contains(text, v) {
			t.Errorf("%s contains the %s", where, name)
		}
	}
}

// codeFrom returns the code parameter of a URL.
func codeFrom(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	return u.Query().Get("code")
}

// exchangeLog collects the exchanges reported to Config.OnExchange.
type exchangeLog struct {
	mu  sync.Mutex
	all []Exchange
}

func (l *exchangeLog) add(ex Exchange) {
	l.mu.Lock()
	l.all = append(l.all, ex)
	l.mu.Unlock()
}

func (l *exchangeLog) list() []Exchange {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]Exchange(nil), l.all...)
}

// lockedBuffer is a strings.Builder safe for the flow's goroutines.
type lockedBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (w *lockedBuffer) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.Write(p)
}

func (w *lockedBuffer) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.String()
}
