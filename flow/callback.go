package flow

import (
	"bytes"
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/kseries-tools/ksauth/diagnose"
)

// IgnoredCallback is a request to the callback server that did not count:
// a later hit or reload, a favicon, a wrong path or host. The flow replies
// with plain text and never exchanges its code.
type IgnoredCallback struct {
	// Path is the request path, without the query, which may contain a code.
	Path string `json:"path"`
	// Reason is a short explanation for ignoring the request.
	Reason string `json:"reason"`
}

// callbackServer receives the authorization response (RFC 6749 §4.1.2) on
// the loopback redirect URI (RFC 8252 §7.3). It listens on exactly the
// redirect URI's host and port, or on Config.CallbackAddr, serves its own
// ServeMux, and runs handle for the first request to the redirect path
// that carries code, error or state. Every other request gets a plain-text
// response and is recorded.
type callbackServer struct {
	// redirect is the redirect URI as sent, with the real port.
	redirect *url.URL
	// addr is the listener's address, where deliver sends the redirect.
	addr   string
	useTLS bool
	ln     net.Listener
	srv    *http.Server

	// handle runs the callback, token and verify steps inside the handler,
	// so that the page shown reports the actual result of the exchange.
	handle func(q url.Values, arrival time.Time) *outcome
	report func(Exchange)
	clock  func() time.Time

	gate *callbackGate
	// authURL is the start path's redirect target, set before start.
	authURL string

	mu      sync.Mutex
	ignored []IgnoredCallback
}

// startPath is the callback server's short local URL that redirects to the
// authorization request. The browser is opened there, so the command line
// that opens it contains no long URL with & in it, and the browser's history
// shows where the sign-in began.
const startPath = "/ksauth/start"

// listenCallback opens the callback listener for cfg.RedirectURI, and start
// begins serving. handle runs for the callback that gets through gate, and
// its outcome goes to gate.done. report, if not nil, receives every request
// as an Exchange.
func listenCallback(cfg Config, gate *callbackGate, handle func(url.Values, time.Time) *outcome,
	report func(Exchange)) (*callbackServer, error) {
	redirect, err := url.Parse(cfg.RedirectURI)
	if err != nil {
		return nil, err
	}
	addr := callbackListenAddr(cfg, redirect)
	ln, err := cfg.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	if redirect.Port() == "0" {
		_, port, _ := net.SplitHostPort(ln.Addr().String())
		redirect.Host = net.JoinHostPort(redirect.Hostname(), port)
	}
	s := &callbackServer{redirect: redirect, addr: ln.Addr().String(), useTLS: cfg.CallbackTLS != nil,
		gate: gate, handle: handle, report: report, clock: cfg.Clock}
	if s.useTLS {
		ln = tls.NewListener(ln, cfg.CallbackTLS.Clone())
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/", s.serve)
	s.srv = &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second, ErrorLog: discardLog}
	s.ln = ln
	return s, nil
}

// callbackListenAddr returns the address the callback server listens on:
// Config.CallbackAddr, else the redirect URI's host and port.
func callbackListenAddr(cfg Config, redirect *url.URL) string {
	if cfg.CallbackAddr != "" {
		return cfg.CallbackAddr
	}
	return net.JoinHostPort(bindHost(redirect.Hostname()), portOf(redirect))
}

// startURL returns the start path's URL on the redirect URI's host, or ""
// when the redirect URI's own path is the start path.
func (s *callbackServer) startURL() string {
	if cleanPath(s.redirect.Path) == startPath {
		return ""
	}
	return s.redirect.Scheme + "://" + s.redirect.Host + startPath
}

// start begins serving on the listener.
func (s *callbackServer) start() {
	go s.srv.Serve(s.ln)
}

// discardLog silences the callback server's own log of connection errors,
// such as a browser's aborted TLS handshake.
var discardLog = log.New(io.Discard, "", 0)

// bindHost returns the address to listen on for a loopback host name.
// NOTE: "localhost" binds 127.0.0.1 only, so a browser that resolves
// localhost to ::1 first reaches nothing and falls back to IPv4.
func bindHost(host string) string {
	if host == "localhost" {
		return "127.0.0.1"
	}
	return host
}

func portOf(u *url.URL) string {
	_, port, _ := net.SplitHostPort(hostPort(u))
	return port
}

// redirectURI returns the redirect URI with the real port.
func (s *callbackServer) redirectURI() string { return s.redirect.String() }

// serve handles every request to the callback server.
func (s *callbackServer) serve(w http.ResponseWriter, req *http.Request) {
	arrival := time.Now()
	ex := Exchange{Step: diagnose.StepCallback, Observed: true, Method: req.Method,
		URL: s.redirect.Scheme + "://" + req.Host + req.URL.RequestURI(), RequestHeader: req.Header.Clone(),
		Start: s.clock()}
	rec := &recordingWriter{ResponseWriter: w}
	defer func() {
		ex.Status, ex.ResponseHeader, ex.ResponseBody = rec.status, w.Header().Clone(), rec.body.Bytes()
		ex.Duration = time.Since(arrival)
		if s.report != nil {
			s.report(ex)
		}
	}()

	q := req.URL.Query()
	switch {
	case !strings.EqualFold(hostPort(&url.URL{Scheme: s.redirect.Scheme, Host: req.Host}), hostPort(s.redirect)):
		ex.Note = s.ignore(req, fmt.Sprintf("host %q is not the redirect URI's %q", req.Host, s.redirect.Host))
		plain(rec, http.StatusMisdirectedRequest, "This server only serves requests for "+s.redirect.Host+".")
	case req.URL.Path == startPath && s.startURL() != "":
		ex.Note = s.redirectToAuthorization(rec, req)
	case cleanPath(req.URL.Path) != cleanPath(s.redirect.Path):
		ex.Note = s.ignore(req, "not the redirect URI's path")
		plain(rec, http.StatusNotFound, "Not found. The sign-in callback is "+cleanPath(s.redirect.Path)+".")
	case !q.Has("code") && !q.Has("error") && !q.Has("state"):
		ex.Note = s.ignore(req, "no code, error or state parameter")
		plain(rec, http.StatusBadRequest, "This is the ksauth sign-in callback. It expects the authorization server's redirect.")
	case !s.gate.take():
		ex.Note = s.ignore(req, "a callback was already handled")
		plain(rec, http.StatusOK, "ksauth already handled this sign-in. You can close this tab.")
	default:
		out := s.handle(q, arrival)
		writePage(rec, out.page)
		s.gate.done <- out
	}
}

// redirectToAuthorization responds to the start path with a redirect to the
// authorization request while the flow still waits for the callback, and
// returns the note for its Exchange.
func (s *callbackServer) redirectToAuthorization(w http.ResponseWriter, req *http.Request) string {
	s.gate.mu.Lock()
	taken := s.gate.taken
	s.gate.mu.Unlock()
	if taken || s.authURL == "" {
		plain(w, http.StatusGone, "This sign-in has ended. Run ksauth again to start a new one.")
		return "start URL after the sign-in ended"
	}
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Referrer-Policy", "no-referrer")
	http.Redirect(w, req, s.authURL, http.StatusFound)
	return "start URL redirected to the authorization request"
}

// ignore records a request that did not count and returns the note for its
// Exchange.
func (s *callbackServer) ignore(req *http.Request, reason string) string {
	s.mu.Lock()
	s.ignored = append(s.ignored, IgnoredCallback{Path: req.URL.Path, Reason: reason})
	s.mu.Unlock()
	return "ignored callback: " + reason
}

// ignoredCallbacks returns a copy of the ignored requests.
func (s *callbackServer) ignoredCallbacks() []IgnoredCallback {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]IgnoredCallback(nil), s.ignored...)
}

// deliver sends the redirect the headless login stopped at to the callback
// server with a real HTTP GET, so that both login modes share one handler.
// The request goes to the listener's address with the redirect URI's Host.
func (s *callbackServer) deliver(ctx context.Context, loc *url.URL) error {
	target := *loc
	target.Scheme, target.Host = s.redirect.Scheme, s.addr
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, target.String(), nil)
	if err != nil {
		return err
	}
	req.Host = loc.Host
	client := &http.Client{Transport: &http.Transport{
		// The listener was opened by this run a moment ago, so its
		// certificate proves nothing the flow does not know already.
		TLSClientConfig: &tls.Config{InsecureSkipVerify: true},
	}}
	defer client.CloseIdleConnections()
	resp, err := client.Do(req)
	if err != nil {
		return fmt.Errorf("could not deliver the redirect to the callback server: %w", err)
	}
	io.Copy(io.Discard, resp.Body)
	return resp.Body.Close()
}

// close stops the server, letting a running handler finish its page. It
// also closes a listener that never started serving.
func (s *callbackServer) close() {
	s.ln.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if s.srv.Shutdown(ctx) != nil {
		s.srv.Close()
	}
}

// plain writes a short text/plain response.
func plain(w http.ResponseWriter, status int, text string) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	io.WriteString(w, text+"\n")
}

// recordingWriter keeps the status and body written, for the callback
// hit's Exchange.
type recordingWriter struct {
	http.ResponseWriter
	status int
	body   bytes.Buffer
}

func (w *recordingWriter) WriteHeader(status int) {
	if w.status == 0 {
		w.status = status
	}
	w.ResponseWriter.WriteHeader(status)
}

func (w *recordingWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	w.body.Write(b)
	return w.ResponseWriter.Write(b)
}
