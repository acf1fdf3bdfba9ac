package demo

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"sync"
	"time"

	"github.com/kseries-tools/ksauth/diagnose"
	"github.com/kseries-tools/ksauth/flow"
)

// maxRecordedBody caps the response body a recorded exchange keeps.
const maxRecordedBody = 1 << 20

type stepKey struct{}

// withStep labels the demo's own requests under ctx with a flow step, so
// that recorded exchanges carry it as flow's own do.
func withStep(ctx context.Context, step diagnose.Step) context.Context {
	return context.WithValue(ctx, stepKey{}, step)
}

// recorder is the transport of the lab's own HTTP client. It records
// every exchange as a flow.Exchange, in the form flow reports its own.
type recorder struct {
	base http.RoundTripper
	lab  *lab
}

// RoundTrip sends req and records the exchange with its request and
// response bodies.
func (t *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	step, _ := req.Context().Value(stepKey{}).(diagnose.Step)
	ex := flow.Exchange{Step: step, Method: req.Method, URL: req.URL.String(),
		RequestHeader: req.Header.Clone(), Start: time.Now()}
	if req.Body != nil && req.Body != http.NoBody {
		body, err := io.ReadAll(req.Body)
		req.Body.Close()
		if err != nil {
			return nil, fmt.Errorf("could not read the request body: %w", err)
		}
		ex.RequestBody = body
		req = req.Clone(req.Context())
		req.Body = io.NopCloser(bytes.NewReader(body))
	}

	began := time.Now()
	resp, err := t.base.RoundTrip(req)
	ex.Duration = time.Since(began)
	if err != nil {
		ex.Err = err
		t.lab.recordOwn(ex)
		return nil, err
	}

	head, err := io.ReadAll(io.LimitReader(resp.Body, maxRecordedBody))
	if err != nil {
		resp.Body.Close()
		return nil, fmt.Errorf("could not read the response from %s: %w", req.URL.Redacted(), err)
	}
	resp.Body = struct {
		io.Reader
		io.Closer
	}{io.MultiReader(bytes.NewReader(head), resp.Body), resp.Body}
	ex.Status, ex.ResponseHeader, ex.ResponseBody = resp.StatusCode, resp.Header.Clone(), head
	t.lab.recordOwn(ex)
	return resp, nil
}

// lockedWriter serialises writes from the flow's trace and the demo's own,
// which happen on different goroutines.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

func millis(d time.Duration) float64 {
	return float64(d) / float64(time.Millisecond)
}
