package flow

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"io"
	"math/big"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
)

// testCallback starts a callback server for redirectURI whose handler
// records the queries it gets and responds with a success page.
func testCallback(t *testing.T, cfg Config) (*callbackServer, *callbackGate, *[]url.Values, *[]Exchange) {
	t.Helper()
	if cfg.Listen == nil {
		cfg.Listen = net.Listen
	}
	if cfg.Clock == nil {
		cfg.Clock = time.Now
	}
	var mu sync.Mutex
	var handled []url.Values
	var observed []Exchange
	gate := newCallbackGate()
	handle := func(q url.Values, arrival time.Time) *outcome {
		mu.Lock()
		defer mu.Unlock()
		handled = append(handled, q)
		return &outcome{page: pageData{OK: true, Title: "Signed in", User: "dana"}}
	}
	report := func(ex Exchange) {
		mu.Lock()
		defer mu.Unlock()
		observed = append(observed, ex)
	}
	srv, err := listenCallback(cfg, gate, handle, report)
	if err != nil {
		t.Fatalf("listenCallback: %v", err)
	}
	srv.start()
	t.Cleanup(srv.close)
	return srv, gate, &handled, &observed
}

// get sends a GET to the callback server's listener with the given Host.
func get(t *testing.T, srv *callbackServer, host, pathAndQuery string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, "http://"+srv.addr+pathAndQuery, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Host = host
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", pathAndQuery, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

func TestCallbackServerFirstValidHitOnly(t *testing.T) {
	srv, gate, handled, observed := testCallback(t, Config{RedirectURI: "http://127.0.0.1:0/callback"})
	host := srv.redirect.Host

	status, body := get(t, srv, host, "/callback?code=c1&state=s1")
	if status != http.StatusOK || !strings.Contains(body, "Signed in") {
		t.Errorf("first hit: status %d, body %q; want 200 with the success page", status, body)
	}
	status, body = get(t, srv, host, "/callback?code=c2&state=s1")
	if status != http.StatusOK || !strings.Contains(body, "already handled") {
		t.Errorf("second hit: status %d, body %q; want 200 saying already handled", status, body)
	}
	if got := len(*handled); got != 1 {
		t.Fatalf("handler ran %d times, want 1", got)
	}
	if got := (*handled)[0].Get("code"); got != "c1" {
		t.Errorf("handled code %q, want c1", got)
	}
	select {
	case out := <-gate.done:
		if !out.page.OK {
			t.Errorf("outcome page not OK")
		}
	default:
		t.Error("no outcome on the gate")
	}
	ignored := srv.ignoredCallbacks()
	if len(ignored) != 1 || ignored[0].Reason != "a callback was already handled" {
		t.Errorf("ignored = %+v, want the second hit", ignored)
	}
	if len(*observed) != 2 {
		t.Fatalf("observed %d exchanges, want 2", len(*observed))
	}
	first := (*observed)[0]
	if !first.Observed || first.Status != 200 || first.Step != "callback" {
		t.Errorf("first exchange = %+v, want an observed 200 callback", first)
	}
	if !strings.HasPrefix(first.URL, "http://"+host+"/callback?") {
		t.Errorf("exchange URL %q does not name the redirect URI", first.URL)
	}
	if !strings.HasPrefix((*observed)[1].Note, "ignored callback") {
		t.Errorf("second exchange note %q, want it marked ignored", (*observed)[1].Note)
	}
}

func TestCallbackServerIgnoresStrayRequests(t *testing.T) {
	srv, _, handled, _ := testCallback(t, Config{RedirectURI: "http://localhost:0/callback"})
	host := srv.redirect.Host
	tests := []struct {
		name       string
		host, path string
		wantStatus int
		wantReason string
	}{
		{"favicon", host, "/favicon.ico", http.StatusNotFound, "not the redirect URI's path"},
		{"other path", host, "/cb?code=x&state=y", http.StatusNotFound, "not the redirect URI's path"},
		{"trailing slash", host, "/callback/?code=x&state=y", http.StatusNotFound, "not the redirect URI's path"},
		{"other host", strings.Replace(host, "localhost", "127.0.0.1", 1), "/callback?code=x&state=y",
			http.StatusMisdirectedRequest, `host "127.0.0.1:` + srv.redirect.Port() + `" is not the redirect URI's "` + host + `"`},
		{"no parameters", host, "/callback", http.StatusBadRequest, "no code, error or state parameter"},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, _ := get(t, srv, tt.host, tt.path)
			if status != tt.wantStatus {
				t.Errorf("status %d, want %d", status, tt.wantStatus)
			}
			ignored := srv.ignoredCallbacks()
			if len(ignored) != i+1 {
				t.Fatalf("%d ignored requests, want %d", len(ignored), i+1)
			}
			if got := ignored[i].Reason; got != tt.wantReason {
				t.Errorf("reason %q, want %q", got, tt.wantReason)
			}
			if strings.Contains(ignored[i].Path, "code=") {
				t.Errorf("ignored path %q keeps the query", ignored[i].Path)
			}
		})
	}
	if len(*handled) != 0 {
		t.Errorf("handler ran %d times for stray requests, want 0", len(*handled))
	}
	// The real callback still counts after the strays.
	if status, _ := get(t, srv, host, "/callback?error=access_denied&state=s"); status != http.StatusOK {
		t.Errorf("callback after strays: status %d, want 200", status)
	}
	if len(*handled) != 1 {
		t.Errorf("handler ran %d times, want 1", len(*handled))
	}
}

func TestCallbackServerBindsRedirectHost(t *testing.T) {
	srv, _, _, _ := testCallback(t, Config{RedirectURI: "http://localhost:0/cb?x=1"})
	if h, _, _ := net.SplitHostPort(srv.addr); h != "127.0.0.1" {
		t.Errorf("localhost bound %s, want 127.0.0.1", h)
	}
	if srv.redirect.Port() == "0" || srv.redirect.Port() == "" {
		t.Errorf("redirect URI %s keeps port 0", srv.redirectURI())
	}
	if want := "http://localhost:" + srv.redirect.Port() + "/cb?x=1"; srv.redirectURI() != want {
		t.Errorf("redirect URI %q, want %q", srv.redirectURI(), want)
	}
}

func TestCallbackServerBusyPort(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	cfg := Config{RedirectURI: "http://127.0.0.1:" + port + "/callback", Listen: net.Listen, Clock: time.Now}
	_, err = listenCallback(cfg, newCallbackGate(), nil, nil)
	var opErr *net.OpError
	if !errors.As(err, &opErr) {
		t.Fatalf("listen on a busy port: err = %v, want a *net.OpError", err)
	}
}

func TestCallbackServerSeparateListenAddress(t *testing.T) {
	// The redirect URI names a port nothing listens on. The server listens
	// elsewhere, as behind a port forward, and still requires the
	// redirect URI's host in requests.
	srv, _, handled, _ := testCallback(t, Config{RedirectURI: "http://localhost:9/callback", CallbackAddr: "127.0.0.1:0"})
	if srv.redirectURI() != "http://localhost:9/callback" {
		t.Errorf("redirect URI changed to %q", srv.redirectURI())
	}
	if status, _ := get(t, srv, "localhost:9", "/callback?code=c&state=s"); status != http.StatusOK {
		t.Errorf("status %d, want 200", status)
	}
	if len(*handled) != 1 {
		t.Errorf("handler ran %d times, want 1", len(*handled))
	}
}

func TestCallbackServerDeliverOverTLS(t *testing.T) {
	cfg := Config{RedirectURI: "https://localhost:0/callback", CallbackTLS: selfSignedTLS(t)}
	srv, _, handled, _ := testCallback(t, cfg)
	loc, _ := url.Parse(srv.redirectURI() + "?code=c&state=s")
	if err := srv.deliver(t.Context(), loc); err != nil {
		t.Fatalf("deliver: %v", err)
	}
	if len(*handled) != 1 {
		t.Errorf("handler ran %d times, want 1", len(*handled))
	}
}

func TestCallbackPageHidesSecrets(t *testing.T) {
	e := &Error{Step: "token"}
	e.Evidence.Detail = "server returned invalid_grant: Code not valid (HTTP 400)"
	rec := &recordingWriter{ResponseWriter: discardWriter{http.Header{}}}
	writePage(rec, failurePage(e))
	body := rec.body.String()
	if rec.status != http.StatusBadRequest {
		t.Errorf("failure page status %d, want 400", rec.status)
	}
	if !strings.Contains(body, "Code not valid") {
		t.Errorf("failure page lacks the error: %s", body)
	}
}

type discardWriter struct{ h http.Header }

func (w discardWriter) Header() http.Header         { return w.h }
func (w discardWriter) Write(b []byte) (int, error) { return len(b), nil }
func (w discardWriter) WriteHeader(int)             {}

// selfSignedTLS returns a server TLS configuration with a certificate for
// localhost.
func selfSignedTLS(t *testing.T) *tls.Config {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "localhost"},
		DNSNames: []string{"localhost"}, NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}}}
}

func TestCallbackServerIPv6Loopback(t *testing.T) {
	ln, err := net.Listen("tcp", "[::1]:0")
	if err != nil {
		t.Skipf("no IPv6 loopback here: %v", err)
	}
	ln.Close()
	srv, _, handled, _ := testCallback(t, Config{RedirectURI: "http://[::1]:0/callback"})
	if h, _, _ := net.SplitHostPort(srv.addr); h != "::1" {
		t.Errorf("bound %s, want ::1", h)
	}
	if status, _ := get(t, srv, srv.redirect.Host, "/callback?code=c&state=s"); status != http.StatusOK {
		t.Errorf("status %d, want 200", status)
	}
	if len(*handled) != 1 {
		t.Errorf("handler ran %d times, want 1", len(*handled))
	}
}
