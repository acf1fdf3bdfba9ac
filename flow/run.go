package flow

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"github.com/kseries-tools/ksauth/diagnose"
	"golang.org/x/oauth2"
)

// Run signs in against cfg.Env with the authorization_code flow and PKCE
// and returns what each step found. The steps, in order:
//
//  0. preflight (Config.Preflight): offline checks of the request values.
//     The flow runs on after its findings.
//  1. discovery: fetch the realm's metadata. The issuer must match exactly.
//  2. probe (Config.Probe): send the authorization request without a
//     browser and stop on an error page or error redirect.
//  3. authorize: start the callback server, open a connection to the
//     token endpoint in advance, then open the browser or fill in the
//     login form, and wait for the callback.
//  4. callback: check state and the RFC 9207 iss, read an error.
//  5. token: exchange the code at once, inside the callback handler.
//  6. verify: verify the ID token, decode the access token, compare
//     scopes and clocks. Only then does the browser get its page.
//  7. refresh (Config.RefreshCheck): use the refresh token once.
//
// On failure Run returns the Result up to the failed step together with an
// *Error that contains the evidence and the diagnoses. A Config it cannot use
// gives a nil Result and an error wrapping ErrInvalidConfig. In paste mode,
// pasted text that is not the redirect URL gives the Result so far and an
// error wrapping ErrInvalidInput.
func Run(ctx context.Context, cfg Config) (*Result, error) {
	r, err := newRunner(cfg, true)
	if err != nil {
		return nil, err
	}
	ctx, r.cancel = context.WithCancel(ctx)

	// 0. preflight
	if r.cfg.Preflight {
		r.preflight(true)
	}

	// 1. discovery
	if e := r.discover(ctx); e != nil {
		return r.finish(e)
	}

	// 2. probe
	if r.cfg.Probe {
		if e := r.probe(ctx); e != nil {
			return r.finish(e)
		}
	} else {
		r.timeline.skip(diagnose.StepProbe, "not requested")
	}

	// 3. authorize, and 4 to 6 in the callback handler
	if e := r.authorize(ctx); e != nil {
		if errors.Is(e.Err, ErrInvalidInput) {
			res, _ := r.finish(nil)
			return res, e.Err
		}
		return r.finish(e)
	}

	// 7. refresh
	switch {
	case !r.cfg.RefreshCheck:
		r.timeline.skip(diagnose.StepRefresh, "not requested")
	case r.result.Token.RefreshToken == "":
		r.timeline.skip(diagnose.StepRefresh, "no refresh token in the token response")
	default:
		if e := r.refresh(ctx, r.result.Token.RefreshToken); e != nil {
			return r.finish(e)
		}
	}
	return r.finish(nil)
}

// runner is the state of one run. Steps 4 to 6 run on the callback
// server's goroutine, and mu guards what they share with Run.
type runner struct {
	cfg Config
	// client sends discovery, token and JWKS requests. noFollow shares its
	// transport but returns redirects instead of following them.
	client, noFollow *http.Client
	timeline         *timeline
	narrator         *narrator
	platform         platform

	provider *oidc.Provider
	metadata providerMetadata
	endpoint oauth2.Endpoint

	// The authorization request, set by the authorize step.
	oauth   *oauth2.Config
	params  authParams
	authURL string
	// urlShown is Config.Clock when the authorization URL was printed and
	// the browser opened: the earliest the code can have been issued in
	// paste mode.
	urlShown time.Time
	gate     *callbackGate
	server   *callbackServer
	warm     *warmer
	// login counts the headless login's goroutine, which close cancels
	// through cancel and waits for.
	login  sync.WaitGroup
	cancel context.CancelFunc

	mu           sync.Mutex
	reqCtx       diagnose.Context
	result       *Result
	tokenCapture *captured

	closeOnce sync.Once
}

// newRunner applies the defaults and wraps the HTTP client's transport for
// tracing. login is false for Refresh, which needs no redirect URI.
func newRunner(cfg Config, login bool) (*runner, error) {
	cfg, err := cfg.withDefaults(login)
	if err != nil {
		return nil, err
	}
	base := cfg.HTTPClient.Transport
	if base == nil {
		base = http.DefaultTransport
	}
	client := *cfg.HTTPClient
	client.Transport = &tracer{base: base, clock: cfg.Clock, onExchange: cfg.OnExchange, trace: cfg.Trace}
	noFollow := client
	noFollow.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }

	r := &runner{cfg: cfg, client: &client, noFollow: &noFollow, platform: detectPlatform(),
		narrator: &narrator{w: cfg.Narration, terminal: cfg.NarrationIsTerminal}}
	r.timeline = &timeline{narrator: r.narrator}
	if r.cfg.OpenBrowser == nil && !r.cfg.NoBrowser {
		r.cfg.OpenBrowser = browserOpener(r.platform, r.cfg.BrowserCommand, r.narrator)
	}
	r.reqCtx = diagnose.Context{Env: cfg.Env.Name, Issuer: cfg.Env.Issuer, ClientID: cfg.ClientID,
		Scope: r.scopeParam(), GrantType: "authorization_code", ClientAuth: "basic", BasicUser: cfg.ClientID}
	if login {
		r.reqCtx.RedirectURI, r.reqCtx.PKCE = cfg.RedirectURI, true
		if cfg.Login == LoginHeadless {
			r.reqCtx.Username = cfg.Username
		}
	} else {
		r.reqCtx.GrantType, r.reqCtx.Scope = "refresh_token", ""
	}
	r.result = &Result{Env: cfg.Env.Name, Issuer: cfg.Env.Issuer, ClientID: cfg.ClientID,
		Diagnoses: []diagnose.Diagnosis{}}
	return r, nil
}

// finish stops what the run started and returns the result with e, or
// with a nil error when e is nil.
func (r *runner) finish(e *Error) (*Result, error) {
	r.close()
	r.mu.Lock()
	defer r.mu.Unlock()
	r.result.Steps = r.timeline.records()
	if r.server != nil {
		r.result.IgnoredCallbacks = r.server.ignoredCallbacks()
	}
	if e != nil {
		return r.result, e
	}
	return r.result, nil
}

// close stops the callback server, the warm-up and the headless login.
func (r *runner) close() {
	r.closeOnce.Do(func() {
		if r.gate != nil {
			r.gate.take()
		}
		if r.server != nil {
			r.server.close()
		}
		if r.warm != nil {
			r.warm.closeWarming()
		}
		if r.cancel != nil {
			r.cancel()
		}
		r.login.Wait()
	})
}

// narrate writes one line of progress for people.
func (r *runner) narrate(format string, args ...any) {
	r.narrator.line(fmt.Sprintf(format, args...))
}
