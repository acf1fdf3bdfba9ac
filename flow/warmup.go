package flow

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"sync"
	"time"

	"github.com/kseries-tools/ksauth/diagnose"
)

// warmInterval is the interval between warm-up requests while the flow
// waits for the callback. Proxies in front of Keycloak close idle
// connections after a minute or so (nginx's keepalive_timeout default is
// 75 s, an AWS load balancer's idle timeout 60 s), so a request every 20 s
// keeps the connection open.
const warmInterval = 20 * time.Second

// warmer keeps a connection to the token endpoint open while the user signs
// in, so that the code exchange skips the TCP and TLS handshakes. It sends
// a HEAD request to the token endpoint on the flow's own transport, whose
// keep-alive pool then keeps the connection for the exchange. Keycloak
// responds to HEAD on its token endpoint with an error status, which is
// harmless because only the connection matters. Whether the exchange reused it
// is measured there, through httptrace.
type warmer struct {
	stopOnce sync.Once
	stop     chan struct{}
	cancel   context.CancelFunc
	done     chan struct{}
}

// startWarmUp sends the first warm-up request at once and repeats it every
// warmInterval until stopWarming or closeWarming.
func (r *runner) startWarmUp(ctx context.Context) *warmer {
	ctx, cancel := context.WithCancel(withNote(withStep(ctx, diagnose.StepToken), diagnose.NoteWarmUp))
	w := &warmer{stop: make(chan struct{}), cancel: cancel, done: make(chan struct{})}
	go func() {
		defer close(w.done)
		ticker := time.NewTicker(warmInterval)
		defer ticker.Stop()
		for reported := false; ; {
			if err := r.warmOnce(ctx); err != nil && !reported && ctx.Err() == nil {
				r.narrate("could not open a connection to the token endpoint in advance (%v); the exchange will open its own", err)
				reported = true
			}
			select {
			case <-w.stop:
				return
			case <-ctx.Done():
				return
			case <-ticker.C:
			}
		}
	}()
	return w
}

// warmOnce sends one HEAD request to the token endpoint and drains the
// response, so that the connection goes back to the idle pool.
func (r *runner) warmOnce(ctx context.Context) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodHead, r.endpoint.TokenURL, nil)
	if err != nil {
		return err
	}
	resp, err := r.noFollow.Do(req)
	if err != nil {
		return err
	}
	_, err = io.Copy(io.Discard, resp.Body)
	if cerr := resp.Body.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("could not read the warm-up response: %w", err)
	}
	return nil
}

// stopWarming ends the repetition without cancelling a request in flight:
// cancelling it would close the very connection the exchange is about to
// use. It is called when the callback arrives.
func (w *warmer) stopWarming() {
	w.stopOnce.Do(func() { close(w.stop) })
}

// closeWarming cancels any request in flight and waits for the warmer to
// end. It is called when the run ends.
func (w *warmer) closeWarming() {
	w.stopWarming()
	w.cancel()
	<-w.done
}
