// Package flow runs the OAuth 2.0 authorization_code flow with PKCE and
// OpenID Connect against a K-Series Keycloak realm, step by step, and
// collects evidence for every failure. It never decides what a failure
// means: it hands the evidence to diagnose.Match and returns the diagnoses
// with a timeline of the steps.
//
// Run performs the whole flow, Probe only checks the authorization request,
// and Refresh uses a refresh token once. The callback server listens on
// exactly the redirect URI's host, port and path, and serves TLS for an
// https redirect URI with a certificate from internal/localtls. The flow
// opens the browser at a short start URL on the callback server, which
// redirects to the authorization request. Every HTTP exchange, and the
// browser-side steps the flow observes, reach Config.OnExchange and the
// verbose trace in Config.Trace.
package flow

import (
	"context"
	"crypto/rand"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/kseries-tools/ksauth/envs"
)

// LoginMode selects how the user signs in during the authorize step.
type LoginMode int

// Login modes.
const (
	// LoginBrowser opens the authorization URL in a browser and waits for
	// the redirect on the local callback server.
	LoginBrowser LoginMode = iota
	// LoginHeadless fills in the realm's login form with Config.Username
	// and Config.Password, without a browser, and delivers the final
	// redirect to the local callback server.
	LoginHeadless
	// LoginPaste opens the browser like LoginBrowser but runs no callback
	// server: Config.ReadRedirect returns the URL the browser ended on,
	// pasted by the user.
	LoginPaste
)

// String returns the mode's name as used in messages.
func (m LoginMode) String() string {
	switch m {
	case LoginHeadless:
		return "headless"
	case LoginPaste:
		return "paste"
	}
	return "browser"
}

// Defaults for Config fields left zero.
const (
	DefaultCallbackTimeout = 5 * time.Minute
	defaultHTTPTimeout     = 30 * time.Second
)

// DefaultScopes are requested when Config.Scopes is empty.
var DefaultScopes = []string{"openid"}

// ErrInvalidConfig is wrapped by every error Run and Refresh return for a
// Config they cannot use, before any network I/O.
var ErrInvalidConfig = errors.New("invalid flow configuration")

// Config is the input of Run and Refresh for one realm. Zero fields take
// the defaults stated on each.
type Config struct {
	// Env is the realm to sign in against. Env.Issuer is required.
	Env envs.Env
	// ClientID is the client's ID, such as "devp-v2-demo-...". Required.
	ClientID string
	// ClientSecret is the client's secret. It is sent only in the token
	// request's Authorization: Basic header and never appears in the
	// Result, in Evidence, in errors or in narration. Empty for a public
	// client.
	ClientSecret string
	// RedirectURI is the redirect_uri of both the authorization and the
	// token request, such as "http://127.0.0.1:8765/callback". Required.
	// Port 0 lets the callback server pick a free port, and the URI with
	// the real port is sent.
	RedirectURI string
	// Scopes are the scope values requested, sent space-delimited (RFC 6749
	// §3.3). Default DefaultScopes.
	Scopes []string

	// Login selects how the user signs in. Default LoginBrowser.
	Login LoginMode
	// OpenBrowser opens a URL in LoginBrowser and LoginPaste mode: the
	// callback server's start URL, which redirects to the authorization
	// request, or in paste mode the authorization request itself. Default:
	// BrowserCommand, else the Windows browser under WSL, else the system
	// browser through github.com/pkg/browser. The authorization URL is
	// always printed to Narration too, and a failure to open the browser
	// is reported there without stopping the flow.
	OpenBrowser func(url string) error
	// BrowserCommand is a command line that opens the browser, such as
	// "firefox --private-window". The URL replaces %s in it, or is
	// appended when it has no %s. Words may be quoted as in a shell, but no
	// other shell syntax applies.
	BrowserCommand string
	// NoBrowser opens no browser: the URL is only printed, with an ssh
	// port-forward command when the flow runs in an SSH session.
	NoBrowser bool
	// Username and Password are the credentials LoginHeadless types into
	// the login form. The password is sent only in the form's POST body.
	Username, Password string
	// ReadRedirect returns the URL the browser was redirected to, in
	// LoginPaste mode. Required in that mode. An absolute http or https
	// URL is read as is, and a bare query string ("state=...&code=..." or
	// "?state=...") as the query of the redirect URI. Anything else, and
	// an error wrapping io.EOF (the input ended before a line was read),
	// makes Run return an error wrapping ErrInvalidInput.
	ReadRedirect func(ctx context.Context) (string, error)

	// RegisteredRedirectURI is the redirect URI as registered for the
	// client, when the user has it. The preflight step compares it with
	// RedirectURI character by character.
	RegisteredRedirectURI string
	// Preflight runs diagnose.Preflight's offline checks first and records
	// them as the preflight step. Its findings go into Result.Diagnoses and
	// do not stop the flow. Refresh checks only the client ID and secret.
	Preflight bool
	// Probe sends the authorization request once without a browser before
	// the login. Keycloak checks the client, redirect URI, response type,
	// scope and PKCE parameters before it shows the login page, so their
	// errors are caught before a person is involved.
	Probe bool
	// RefreshCheck uses the refresh token once after the login and checks
	// that it rotated.
	RefreshCheck bool
	// RefreshReplayCheck, with RefreshCheck and in Refresh, sends the old
	// refresh token again after the refresh and records whether the server
	// rejected it. Keycloak 26 with refresh-token rotation detaches the
	// client session when an old token is reused, so after this check the
	// new refresh token is usually rejected too.
	RefreshReplayCheck bool
	// ShowTokens puts the raw tokens in Result.Tokens. By default they are
	// shortened by internal/redact. Result.Token always contains them raw.
	ShowTokens bool

	// CallbackTimeout is the time the authorize step waits for the
	// callback. Default DefaultCallbackTimeout.
	CallbackTimeout time.Duration
	// CallbackAddr is the host:port the callback server listens on when it
	// differs from the redirect URI's, for example behind a port forward.
	// Default: the redirect URI's port on its host, where "localhost"
	// binds 127.0.0.1. The server still requires the redirect URI's host
	// in the Host header.
	CallbackAddr string
	// CallbackTLS is the callback server's TLS configuration for an https
	// redirect URI, and must contain a certificate. Default: the certificate
	// that localtls.Load returns for CallbackCertFile and CallbackKeyFile,
	// or the generated localhost certificate in CallbackCertDir.
	CallbackTLS *tls.Config
	// CallbackCertFile and CallbackKeyFile name a PEM certificate and key
	// for the https callback server instead of the generated one.
	CallbackCertFile, CallbackKeyFile string
	// CallbackCertDir is the directory of the generated localhost
	// certificate. Default localtls.DefaultDir(), os.UserConfigDir()/ksauth.
	CallbackCertDir string
	// Listen opens the callback listener. Default net.Listen.
	Listen func(network, address string) (net.Listener, error)

	// HTTPClient sends every request of the flow. Its Transport is wrapped
	// for tracing, and the flow reads redirects itself where it must. The
	// client's connections are kept alive, so the warm-up connection to
	// the token endpoint is reused by the exchange. Default: a client with
	// dial, TLS-handshake and response-header timeouts.
	HTTPClient *http.Client
	// Clock returns the current time for ID token expiry, the clock-skew
	// check and trace timestamps. Default time.Now. Durations (step times,
	// code age) are always measured with the monotonic clock.
	Clock func() time.Time
	// Rand is the source of state, nonce and the PKCE code verifier.
	// Default crypto/rand.Reader.
	Rand io.Reader
	// Narration receives progress for people: the authorization URL, the
	// waiting time, each finished step. Default io.Discard.
	Narration io.Writer
	// NarrationIsTerminal, when true, shows a live waiting line on
	// Narration with the elapsed time and the timeout, rewritten every
	// second. Leave it false for a pipe or a log file.
	NarrationIsTerminal bool
	// Trace, when set, receives the verbose trace: every HTTP exchange of
	// the flow with its timings (DNS, connect, TLS, first byte, total) and
	// its redacted headers and bodies.
	Trace io.Writer
	// OnExchange, when set, receives every HTTP exchange the flow performs
	// and the browser-side steps it observes. See Exchange.
	OnExchange func(Exchange)
}

// withDefaults returns a copy of c with defaults filled in, or an error
// wrapping ErrInvalidConfig. login is false for Refresh, which needs no
// redirect URI and no login fields.
func (c Config) withDefaults(login bool) (Config, error) {
	if err := c.validate(login); err != nil {
		return c, fmt.Errorf("%w: %w", ErrInvalidConfig, err)
	}
	c.Env.Issuer = strings.TrimSuffix(c.Env.Issuer, "/")
	if len(c.Scopes) == 0 {
		c.Scopes = DefaultScopes
	}
	if c.CallbackTimeout <= 0 {
		c.CallbackTimeout = DefaultCallbackTimeout
	}
	if c.Listen == nil {
		c.Listen = net.Listen
	}
	if c.HTTPClient == nil {
		c.HTTPClient = defaultHTTPClient()
	}
	if c.Clock == nil {
		c.Clock = time.Now
	}
	if c.Rand == nil {
		c.Rand = rand.Reader
	}
	if c.Narration == nil {
		c.Narration = io.Discard
	}
	return c, nil
}

// validate checks the fields that have no default.
func (c Config) validate(login bool) error {
	issuer, err := url.Parse(c.Env.Issuer)
	switch {
	case c.Env.Issuer == "":
		return errors.New("missing issuer: set Env to a realm")
	case err != nil || issuer.Host == "" || (issuer.Scheme != "https" && issuer.Scheme != "http"):
		return fmt.Errorf("invalid issuer %q: use the realm URL, such as %s", c.Env.Issuer, envs.TrialIssuer)
	case strings.TrimSpace(c.ClientID) == "":
		return errors.New("missing client ID")
	case !login:
		return nil
	case c.Login == LoginHeadless && c.Username == "":
		return errors.New("missing username for the headless login")
	case c.Login == LoginPaste && c.ReadRedirect == nil:
		return errors.New("missing ReadRedirect for the paste login")
	}
	for _, s := range c.Scopes {
		if s == "" || strings.ContainsAny(s, " \t\n") {
			return fmt.Errorf("invalid scope %q: give one scope per element, without spaces", s)
		}
	}
	return c.validateRedirect()
}

// validateRedirect checks that the callback server can listen for the
// redirect URI, or that paste mode needs no server.
func (c Config) validateRedirect() error {
	if c.RedirectURI == "" {
		return errors.New("missing redirect URI")
	}
	u, err := url.Parse(c.RedirectURI)
	if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return fmt.Errorf("invalid redirect URI %q: use an absolute http or https URL", c.RedirectURI)
	}
	if u.Fragment != "" {
		// RFC 6749 §3.1.2: the redirection endpoint URI MUST NOT include a
		// fragment component.
		return fmt.Errorf("invalid redirect URI %q: remove the fragment", c.RedirectURI)
	}
	if err := checkPort("redirect URI "+strconv.Quote(c.RedirectURI), u.Port()); err != nil {
		return err
	}
	if c.Login == LoginPaste {
		return nil
	}
	if c.CallbackAddr == "" && !isLoopback(u.Hostname()) {
		return fmt.Errorf("redirect URI host %q is not a loopback address: set Config.CallbackAddr "+
			"(--callback-addr HOST:PORT) to a local address to listen on, or use the paste login (--paste)", u.Hostname())
	}
	if c.CallbackAddr != "" {
		_, port, err := net.SplitHostPort(c.CallbackAddr)
		if err != nil {
			return fmt.Errorf("invalid callback address %q: use HOST:PORT, such as 127.0.0.1:8765", c.CallbackAddr)
		}
		if err := checkPort("callback address "+strconv.Quote(c.CallbackAddr), port); err != nil {
			return err
		}
	}
	return nil
}

// checkPort checks a TCP port number from a URL or address. An empty port
// is the scheme's default, and 0 lets the callback server pick a free port.
func checkPort(what, port string) error {
	if port == "" {
		return nil
	}
	n, err := strconv.Atoi(port)
	if err != nil || n < 0 || n > 65535 {
		return fmt.Errorf("invalid %s: port %s is out of range: use a port from 1 to 65535, or 0 to pick a free port",
			what, port)
	}
	return nil
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// defaultHTTPClient returns a client whose transport keeps connections
// alive, so that the warm-up connection is there for the code exchange.
func defaultHTTPClient() *http.Client {
	dialer := &net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}
	return &http.Client{
		Timeout: defaultHTTPTimeout,
		Transport: &http.Transport{
			Proxy:                 http.ProxyFromEnvironment,
			DialContext:           dialer.DialContext,
			ForceAttemptHTTP2:     true,
			TLSHandshakeTimeout:   10 * time.Second,
			ResponseHeaderTimeout: defaultHTTPTimeout,
			IdleConnTimeout:       90 * time.Second,
			MaxIdleConnsPerHost:   4,
		},
	}
}
