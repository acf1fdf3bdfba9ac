package flow

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptrace"
	"sync"
	"time"

	"github.com/kseries-tools/ksauth/diagnose"
)

// Exchange is one HTTP request and its response, as the flow performed it
// or, for browser-side steps, as it observed it. The verbose trace and the
// HAR export are built on it.
//
// An Exchange carries everything raw: the Authorization header with the
// client secret, the login form's password, codes and tokens. Pass it
// through Redacted before showing or storing it.
type Exchange struct {
	// Step is the flow step the exchange belongs to.
	Step diagnose.Step
	// Note is the exchange's purpose when the step alone does not show it,
	// such as "warm-up" or "ignored callback".
	Note string
	// Observed is true for a browser-side step that the flow saw but did
	// not send: the authorization request opened in the browser, and each
	// request to the callback server.
	Observed bool

	Method        string
	URL           string
	RequestHeader http.Header
	RequestBody   []byte

	// Status is the response status code, 0 when no response arrived.
	Status         int
	ResponseHeader http.Header
	// ResponseBody holds at most maxTraceBody bytes of the response body.
	ResponseBody []byte

	// Start is Config.Clock at the start of the request.
	Start time.Time
	// Duration runs from the start of the request to the end of the
	// response headers, measured with the monotonic clock. For a callback
	// hit it runs until the page was written.
	Duration time.Duration
	// Timings split Duration into phases. They are zero for an observed
	// exchange.
	Timings Timings
	// Proto is the protocol of the response, such as "HTTP/1.1".
	Proto string
	// ConnReused is true when the request went over a kept-alive
	// connection.
	ConnReused bool
	// Err is the transport error, when the request failed without a
	// response.
	Err error
}

// maxTraceBody caps the response body an Exchange keeps. The body passed on
// to the flow is never cut.
const maxTraceBody = 1 << 20

type stepKey struct{}

// withStep labels the requests made under ctx with a flow step.
func withStep(ctx context.Context, step diagnose.Step) context.Context {
	return context.WithValue(ctx, stepKey{}, step)
}

func stepFrom(ctx context.Context) diagnose.Step {
	step, _ := ctx.Value(stepKey{}).(diagnose.Step)
	return step
}

type noteKey struct{}

// withNote attaches an Exchange note to the requests made under ctx.
func withNote(ctx context.Context, note string) context.Context {
	return context.WithValue(ctx, noteKey{}, note)
}

// captured is the last response seen under a context, kept as evidence for
// a failed step.
type captured struct {
	mu     sync.Mutex
	seen   bool
	status int
	header http.Header
	body   []byte
	// local is Config.Clock when the response headers arrived, for the
	// comparison with the Date header.
	local time.Time
}

type captureKey struct{}

// withCapture returns a context under which the tracing transport keeps
// the last response, and the place it keeps it.
func withCapture(ctx context.Context) (context.Context, *captured) {
	c := &captured{}
	return context.WithValue(ctx, captureKey{}, c), c
}

// response returns the captured status, headers, body prefix and arrival
// time. ok is false when no response arrived.
func (c *captured) response() (status int, header http.Header, body []byte, local time.Time, ok bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.status, c.header, c.body, c.local, c.seen
}

// tracer is the http.RoundTripper that wraps Config.HTTPClient's
// transport. It reports exchanges to Config.OnExchange, one call at a time,
// and keeps responses for evidence. With neither a hook nor a capture it
// adds nothing to a request.
type tracer struct {
	base       http.RoundTripper
	clock      func() time.Time
	onExchange func(Exchange)
	// trace receives the verbose trace, when set.
	trace io.Writer
	mu    sync.Mutex
}

// RoundTrip sends req through the base transport, recording the exchange.
func (t *tracer) RoundTrip(req *http.Request) (*http.Response, error) {
	capture, _ := req.Context().Value(captureKey{}).(*captured)
	recording := t.onExchange != nil || t.trace != nil
	if !recording && capture == nil {
		return t.base.RoundTrip(req)
	}

	ex := Exchange{Step: stepFrom(req.Context()), Method: req.Method, URL: req.URL.String(),
		RequestHeader: req.Header.Clone(), Start: t.clock()}
	ex.Note, _ = req.Context().Value(noteKey{}).(string)
	phases := newPhaseClock()
	if recording {
		req, ex.RequestBody = copyRequestBody(req)
		req = req.WithContext(httptrace.WithClientTrace(req.Context(), phases.trace()))
	}

	resp, err := t.base.RoundTrip(req)
	ex.Duration = time.Since(phases.start)
	ex.Timings, ex.ConnReused = phases.timings()
	if err != nil {
		ex.Err = err
		t.report(ex)
		return nil, err
	}

	ex.Status, ex.ResponseHeader, ex.Proto = resp.StatusCode, resp.Header.Clone(), resp.Proto
	ex.ResponseBody, resp.Body = peekBody(resp.Body, maxTraceBody)
	if capture != nil {
		capture.mu.Lock()
		capture.seen, capture.status, capture.header = true, resp.StatusCode, resp.Header.Clone()
		capture.body, capture.local = ex.ResponseBody, t.clock()
		capture.mu.Unlock()
	}
	t.report(ex)
	return resp, nil
}

// report passes an exchange to the hook and the verbose trace, one call
// at a time.
func (t *tracer) report(ex Exchange) {
	if t.onExchange == nil && t.trace == nil {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.onExchange != nil {
		t.onExchange(ex)
	}
	if t.trace != nil {
		WriteTrace(t.trace, ex.Redacted())
	}
}

// copyRequestBody returns the request to send and a copy of its body. The
// flow's own requests have GetBody set, so the body is read from a second
// copy. Any other request is cloned with its body buffered.
func copyRequestBody(req *http.Request) (*http.Request, []byte) {
	if req.Body == nil || req.Body == http.NoBody {
		return req, nil
	}
	if req.GetBody != nil {
		if rc, err := req.GetBody(); err == nil {
			defer rc.Close()
			body, _ := io.ReadAll(rc)
			return req, body
		}
	}
	body, _ := io.ReadAll(req.Body)
	req.Body.Close()
	clone := req.Clone(req.Context())
	clone.Body = io.NopCloser(bytes.NewReader(body))
	return clone, body
}

// peekBody reads up to limit bytes of body and returns them with a body
// that yields the whole content, read part first.
func peekBody(body io.ReadCloser, limit int64) ([]byte, io.ReadCloser) {
	head, _ := io.ReadAll(io.LimitReader(body, limit))
	rest := struct {
		io.Reader
		io.Closer
	}{io.MultiReader(bytes.NewReader(head), body), body}
	return head, rest
}
