package flow

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"sync"
	"time"

	"github.com/kseries-tools/ksauth/diagnose"
)

// outcome is the result of the one callback that counts: the error of the
// step that failed, or nil, and the page the browser gets.
type outcome struct {
	err  *Error
	page pageData
}

// callbackGate lets exactly one callback through: the first valid hit on
// the callback server, a pasted redirect, or Run itself when it stops
// waiting, so that a late callback is never exchanged.
type callbackGate struct {
	mu    sync.Mutex
	taken bool
	// done receives the outcome of the callback that went through.
	done chan *outcome
}

func newCallbackGate() *callbackGate {
	return &callbackGate{done: make(chan *outcome, 1)}
}

// take claims the gate and reports whether it was still open.
func (g *callbackGate) take() bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.taken {
		return false
	}
	g.taken = true
	return true
}

// liveLineInterval is the interval between rewrites of the live waiting
// line.
const liveLineInterval = time.Second

// authorize runs the authorize step. It opens the warm connection to the
// token endpoint, starts the callback server before anything can redirect
// to it, starts the login in the configured mode and waits. The
// callback, token and verify steps run inside the callback handler, so
// authorize returns the error of whichever step failed.
func (r *runner) authorize(ctx context.Context) *Error {
	t := r.timeline.begin(diagnose.StepAuthorize)
	params, err := newAuthParams(r.cfg.Rand)
	if err != nil {
		ev := r.evidence(diagnose.StepAuthorize)
		ev.Detail = "could not create the authorization request"
		return r.failure(t, ev, err)
	}
	r.params = params
	r.gate = newCallbackGate()
	handle := func(q url.Values, arrival time.Time) *outcome {
		return r.completeCallback(ctx, q, arrival, t)
	}

	r.warm = r.startWarmUp(ctx)
	redirectURI := r.cfg.RedirectURI
	if r.cfg.Login != LoginPaste {
		if e := r.startCallbackServer(t, handle); e != nil {
			return e
		}
		redirectURI = r.server.redirectURI()
	}
	r.oauth = r.oauthConfig(redirectURI)
	r.authURL = authCodeURL(r.oauth, params)
	r.mu.Lock()
	r.reqCtx.RedirectURI = redirectURI
	r.result.RedirectURI, r.result.AuthURL = redirectURI, r.authURL
	r.mu.Unlock()

	if r.server != nil {
		r.server.authURL = r.authURL
		r.server.start()
	}
	return r.await(ctx, t, r.startLogin(ctx, handle))
}

// startCallbackServer opens the callback listener, with TLS for an https
// redirect URI. A listener that cannot bind fails the authorize step with
// the cause in one line.
func (r *runner) startCallbackServer(t *stepTimer, handle func(url.Values, time.Time) *outcome) *Error {
	redirect, _ := url.Parse(r.cfg.RedirectURI)
	cfg := r.cfg
	if redirect.Scheme == "https" && cfg.CallbackTLS == nil {
		tlsConfig, err := r.callbackTLS(redirect.Hostname())
		if err != nil {
			ev := r.evidence(diagnose.StepAuthorize)
			ev.Kind, ev.Err = diagnose.FindingListen, err
			ev.Detail = "could not get a TLS certificate for the https callback"
			return r.failure(t, ev, err)
		}
		cfg.CallbackTLS = tlsConfig
	}
	srv, err := listenCallback(cfg, r.gate, handle, r.reportObserved)
	if err != nil {
		ev := r.evidence(diagnose.StepAuthorize)
		ev.Kind, ev.Err = diagnose.FindingListen, err
		ev.Detail = describeListenError(err, callbackListenAddr(cfg, redirect), redirect.Host)
		return r.failure(t, ev, err)
	}
	r.server = srv
	if r.cfg.CallbackAddr == "" {
		r.narrate("Listening for the callback on %s", srv.redirectURI())
		return nil
	}
	r.narrate("Listening on %s for the callback to %s", srv.addr, srv.redirectURI())
	if host, _, err := net.SplitHostPort(srv.addr); err == nil {
		if ip := net.ParseIP(host); ip != nil && ip.IsUnspecified() {
			r.narrate("Warning: %s accepts connections from other machines too; the callback carries the code until it is exchanged.", srv.addr)
		}
	}
	return nil
}

// loginEvents are the reports of the login running beside the wait: a
// failure that ends the wait, or a browser that could not be opened.
type loginEvents struct {
	failed       chan *Error
	browserError chan error
}

// startLogin starts the login in the configured mode on its own goroutine.
func (r *runner) startLogin(ctx context.Context, handle func(url.Values, time.Time) *outcome) loginEvents {
	ev := loginEvents{failed: make(chan *Error, 1), browserError: make(chan error, 1)}
	if r.cfg.Login == LoginHeadless {
		r.narrate("Signing in headlessly as %s", r.cfg.Username)
		r.login.Add(1)
		go func() {
			defer r.login.Done()
			if e := r.loginHeadless(ctx); e != nil {
				ev.failed <- e
			}
		}()
		return ev
	}

	r.reportObserved(Exchange{Step: diagnose.StepAuthorize, Observed: true, Method: "GET", URL: r.authURL,
		Start: r.cfg.Clock(), Note: "authorization request opened in the browser"})
	r.narrate("Open this URL in your browser to sign in:\n\n  %s\n", r.authURL)
	r.urlShown = r.cfg.Clock()
	if r.server != nil {
		redirect, _ := url.Parse(r.server.redirectURI())
		if hint := sshForwardHint(r.platform, redirect.Port(), r.server.addr); hint != "" {
			r.narrate("%s", hint)
		}
	}
	if r.cfg.OpenBrowser == nil && r.server != nil && r.server.startURL() != "" {
		r.narrate("Or open the short URL %s, which redirects to the URL above.", r.server.startURL())
	}
	if r.cfg.OpenBrowser != nil {
		target := r.authURL
		if r.server != nil && r.server.startURL() != "" {
			target = r.server.startURL()
			r.narrate("Opening %s in the browser, which redirects to the URL above.", target)
		}
		go func() { ev.browserError <- r.cfg.OpenBrowser(target) }()
	}
	if r.cfg.Login == LoginPaste {
		// Not counted in r.login: ReadRedirect may ignore ctx and block on
		// a terminal, and the gate keeps a late paste from being used.
		go r.readPasted(ctx, handle, ev.failed)
	}
	return ev
}

// await waits for the callback's outcome, a login failure, the callback
// timeout or the end of ctx, whichever comes first. Once a callback went
// through the gate, its outcome is awaited whatever else happens.
func (r *runner) await(ctx context.Context, t *stepTimer, login loginEvents) *Error {
	timeout := time.NewTimer(r.cfg.CallbackTimeout)
	defer timeout.Stop()
	var live <-chan time.Time
	if r.cfg.Login != LoginHeadless && r.cfg.NarrationIsTerminal {
		ticker := time.NewTicker(liveLineInterval)
		defer ticker.Stop()
		live = ticker.C
	}
	defer r.narrator.clearLive()
	started := time.Now()
	for {
		select {
		case out := <-r.gate.done:
			return out.err
		case e := <-login.failed:
			if !r.gate.take() {
				return (<-r.gate.done).err
			}
			if errors.Is(e.Err, ErrInvalidInput) {
				// Invalid input is a usage error with nothing to diagnose.
				t.fail(e.Err.Error())
				return e
			}
			return r.failure(t, e.Evidence, e.Err)
		case err := <-login.browserError:
			if err != nil {
				r.narrate("Could not open the browser (%v). Open the URL above yourself.", err)
			}
		case <-live:
			r.narrator.setLive(fmt.Sprintf("Waiting for the callback: %s elapsed, timeout %s (Ctrl-C to stop)",
				time.Since(started).Round(time.Second), r.cfg.CallbackTimeout))
		case <-timeout.C:
			if !r.gate.take() {
				return (<-r.gate.done).err
			}
			return r.noCallback(t)
		case <-ctx.Done():
			if !r.gate.take() {
				return (<-r.gate.done).err
			}
			ev := r.evidence(diagnose.StepAuthorize)
			ev.Detail = "interrupted while waiting for the callback"
			return r.failure(t, ev, ctx.Err())
		}
	}
}

// noCallback fails the authorize step after CallbackTimeout and prints the
// URL again, since the first one may have scrolled away.
func (r *runner) noCallback(t *stepTimer) *Error {
	ev := r.evidence(diagnose.StepAuthorize)
	ev.Kind = diagnose.FindingNoCallback
	ev.Detail = fmt.Sprintf("no callback arrived within %s", r.cfg.CallbackTimeout)
	if r.server != nil {
		ev.Detail += " on " + r.server.redirectURI()
	}
	r.narrate("No callback arrived. The authorization URL was:\n\n  %s\n", r.authURL)
	return r.failure(t, ev, nil)
}

// readPasted runs the paste login: it reads the redirect URL the user
// pasted and runs the callback steps on its query, as the callback server
// would.
func (r *runner) readPasted(ctx context.Context, handle func(url.Values, time.Time) *outcome, failed chan<- *Error) {
	raw, err := r.cfg.ReadRedirect(ctx)
	arrival := time.Now()
	if errors.Is(err, io.EOF) {
		err = fmt.Errorf("%w: the input ended before a URL was pasted: %s", ErrInvalidInput, pasteHint)
	}
	if err != nil && !errors.Is(err, ErrInvalidInput) {
		ev := r.evidence(diagnose.StepAuthorize)
		ev.Detail, ev.Err = "could not read the pasted redirect URL", err
		failed <- &Error{Step: diagnose.StepAuthorize, Evidence: ev, Err: err}
		return
	}
	var u *url.URL
	if err == nil {
		u, err = parsePastedRedirect(raw, r.oauth.RedirectURL)
	}
	if err != nil {
		ev := r.evidence(diagnose.StepAuthorize)
		ev.Detail = "the pasted text is not the redirect URL"
		failed <- &Error{Step: diagnose.StepAuthorize, Evidence: ev, Err: err}
		return
	}
	if r.gate.take() {
		r.gate.done <- handle(u.Query(), arrival)
	}
}

// reportObserved passes a browser-side exchange to Config.OnExchange.
func (r *runner) reportObserved(ex Exchange) {
	if tr, ok := r.client.Transport.(*tracer); ok {
		tr.report(ex)
	}
}
