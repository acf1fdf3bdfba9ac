package flow

import (
	"context"
	"errors"
	"fmt"
	"net/http/httptrace"
	"sync"
	"time"

	"github.com/kseries-tools/ksauth/diagnose"
	"github.com/kseries-tools/ksauth/envs"
	"golang.org/x/oauth2"
)

// exchange runs the token step: it redeems the code at the token endpoint
// (RFC 6749 §4.1.3) with the PKCE code_verifier (RFC 7636 §4.5) and the
// client's credentials in an Authorization: Basic header. It runs inside
// the callback handler the moment the code arrives, over the connection
// the warm-up opened, and records the code's age when the request was
// written. arrival is the time the callback request reached the handler.
func (r *runner) exchange(ctx context.Context, code string, arrival time.Time) (*oauth2.Token, *Error) {
	t := r.timeline.begin(diagnose.StepToken)
	conn := &connProbe{}
	ctx, capture := withCapture(withStep(ctx, diagnose.StepToken))
	ctx = httptrace.WithClientTrace(ctx, conn.trace())
	ctx = context.WithValue(ctx, oauth2.HTTPClient, r.client)

	sending := r.cfg.Clock()
	tok, err := r.oauth.Exchange(ctx, code, oauth2.VerifierOption(r.params.verifier))

	age, reused := conn.result(arrival)
	r.mu.Lock()
	r.reqCtx.CodeAge = age
	r.result.CodeAge, r.result.TokenConnReused = age, reused
	r.tokenCapture = capture
	if r.cfg.Login == LoginPaste && !r.urlShown.IsZero() {
		r.recordPasteWindow(sending.Sub(r.urlShown), err)
	}
	r.mu.Unlock()
	if err != nil {
		ev := r.evidence(diagnose.StepToken)
		tokenEvidence(&ev, capture, err)
		return nil, r.failure(t, ev, err)
	}
	connKind := "a new"
	if reused {
		connKind = "the warm"
	}
	if r.cfg.Login == LoginPaste {
		// The code's real age includes the unseen time before the paste.
		t.ok("sent %.2f ms after the paste, over %s connection", millis(age), connKind)
		return tok, nil
	}
	t.ok("code age %.2f ms, sent over %s connection", millis(age), connKind)
	return tok, nil
}

// recordPasteWindow records, in paste mode, the longest the code can have
// lived when it was sent: Config.Clock from the moment the authorization
// URL was shown. The flow cannot see when the browser was redirected, so
// this is an upper bound, and the diagnosis reads it as the code's age.
// The caller holds r.mu.
func (r *runner) recordPasteWindow(maxAge time.Duration, err error) {
	lifespan := r.cfg.Env.CodeLifespan
	if lifespan <= 0 {
		lifespan = envs.DefaultCodeLifespan
	}
	var retrieve *oauth2.RetrieveError
	rejected := errors.As(err, &retrieve) && retrieve.ErrorCode == "invalid_grant"
	r.reqCtx.CodeAge, r.reqCtx.CodeAgeIsMax = maxAge, true
	r.result.CodeAgeMax, r.result.CodeLifespan = maxAge, lifespan
	r.result.CodeWindowMissed = rejected && maxAge > lifespan
	r.narrate("The pasted code was sent at most %s after the authorization URL was shown; codes live %s.",
		maxAge.Round(time.Millisecond), lifespan)
}

// tokenEvidence fills in the evidence of a failed token request, from the
// exchange or the refresh grant. The failure is the server's error response
// (RFC 6749 §5.2) unwrapped from *oauth2.RetrieveError, a 2xx response that
// contains no token (such as a proxy's HTML page), or a transport failure.
func tokenEvidence(ev *diagnose.Evidence, capture *captured, err error) {
	var retrieve *oauth2.RetrieveError
	responded := addResponse(ev, capture)
	switch {
	case errors.As(err, &retrieve):
		if !responded && retrieve.Response != nil {
			ev.Status, ev.Header = retrieve.Response.StatusCode, retrieve.Response.Header
			ev.Body = string(retrieve.Body[:min(len(retrieve.Body), diagnose.MaxBody)])
		}
		// x/oauth2 also reads a form-encoded error body, which
		// addResponse leaves alone.
		if ev.Error == "" {
			ev.Error, ev.ErrorDescription, ev.ErrorURI = retrieve.ErrorCode, retrieve.ErrorDescription, retrieve.ErrorURI
		}
		ev.Detail = describeResponse(*ev)
	case responded:
		ev.Err = err
		ev.Detail = fmt.Sprintf("token endpoint returned HTTP %d without a token (%s)",
			ev.Status, firstOf(ev.Header.Get("Content-Type"), "no content type"))
	default:
		ev.Kind, ev.Err = diagnose.FindingTransport, err
		ev.Detail = "could not reach the token endpoint"
	}
}

// connProbe watches one token request through net/http/httptrace: which
// connection it got and when it was written. The hooks run on the
// transport's goroutines, hence the mutex.
type connProbe struct {
	mu      sync.Mutex
	getConn time.Time
	wrote   time.Time
	reused  bool
}

func (p *connProbe) trace() *httptrace.ClientTrace {
	return &httptrace.ClientTrace{
		GetConn: func(string) {
			p.mu.Lock()
			if p.getConn.IsZero() {
				p.getConn = time.Now()
			}
			p.mu.Unlock()
		},
		// The transport retries a request whose kept-alive connection the
		// server had closed, so the last connection and write count.
		GotConn: func(info httptrace.GotConnInfo) {
			p.mu.Lock()
			p.reused = info.Reused
			p.mu.Unlock()
		},
		WroteRequest: func(info httptrace.WroteRequestInfo) {
			if info.Err != nil {
				return
			}
			p.mu.Lock()
			p.wrote = time.Now()
			p.mu.Unlock()
		},
	}
}

// result returns the code's age when the request was fully written, or
// when the transport requested a connection if the write was not seen,
// and whether the connection was a kept-alive one.
func (p *connProbe) result(arrival time.Time) (time.Duration, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	sent := p.wrote
	if sent.IsZero() {
		sent = p.getConn
	}
	if sent.IsZero() {
		return 0, false
	}
	return sent.Sub(arrival), p.reused
}
