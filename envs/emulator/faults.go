package emulator

import (
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// Fault is a failure injected in place of an endpoint's normal response, to
// show how a client copes with a slow, broken or proxied server. The zero
// Fault injects nothing.
type Fault struct {
	// Latency delays the response, measured with the wall clock even when
	// the server runs on a ManualClock. A request whose client gives up
	// first gets no response.
	Latency time.Duration
	// Status, when not zero, replaces the response with this status code,
	// ContentType and Body.
	Status      int
	ContentType string
	Body        string
	// Header contains extra response headers sent with Status, such as
	// "Server: nginx".
	Header http.Header
	// Drop closes the connection without writing a response.
	Drop bool
}

// LatencyFault delays the endpoint's normal response by d.
func LatencyFault(d time.Duration) Fault {
	return Fault{Latency: d}
}

// StatusFault responds with status, contentType and body instead of the
// endpoint's normal response, for example a 503 with a JSON error body.
func StatusFault(status int, contentType, body string) Fault {
	return Fault{Status: status, ContentType: contentType, Body: body}
}

// ProxyErrorFault responds with the HTML error page nginx sends when the
// server behind it fails, for example 502 Bad Gateway or 504 Gateway
// Time-out. Clients that expect JSON get HTML instead.
func ProxyErrorFault(status int) Fault {
	title := strconv.Itoa(status) + " " + http.StatusText(status)
	if status == http.StatusGatewayTimeout {
		title = "504 Gateway Time-out" // nginx's wording
	}
	body := "<html>\r\n<head><title>" + title + "</title></head>\r\n<body>\r\n<center><h1>" + title +
		"</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"
	return Fault{
		Status:      status,
		ContentType: "text/html",
		Body:        body,
		Header:      http.Header{"Server": {"nginx"}},
	}
}

// DropFault closes the connection without a response, as a crashed server
// or a network failure would.
func DropFault() Fault {
	return Fault{Drop: true}
}

func (f Fault) isZero() bool {
	return f.Latency == 0 && f.Status == 0 && !f.Drop
}

// String describes the fault for logs.
func (f Fault) String() string {
	switch {
	case f.Drop:
		return fmt.Sprintf("drop after %s", f.Latency)
	case f.Status != 0:
		return fmt.Sprintf("status %d after %s", f.Status, f.Latency)
	}
	return fmt.Sprintf("latency %s", f.Latency)
}

// faultSet contains the faults set on one realm, by endpoint.
type faultSet struct {
	mu     sync.Mutex
	faults map[Endpoint]Fault
}

// SetFault injects f on every request to the endpoint until it is cleared.
// A zero Fault clears the endpoint's fault.
func (rl *Realm) SetFault(endpoint Endpoint, f Fault) {
	rl.faults.mu.Lock()
	defer rl.faults.mu.Unlock()
	if f.isZero() {
		delete(rl.faults.faults, endpoint)
		return
	}
	if rl.faults.faults == nil {
		rl.faults.faults = map[Endpoint]Fault{}
	}
	f.Header = f.Header.Clone()
	rl.faults.faults[endpoint] = f
}

// ClearFaults removes every fault set on the realm.
func (rl *Realm) ClearFaults() {
	rl.faults.mu.Lock()
	defer rl.faults.mu.Unlock()
	rl.faults.faults = nil
}

func (rl *Realm) faultFor(endpoint Endpoint) (Fault, bool) {
	rl.faults.mu.Lock()
	defer rl.faults.mu.Unlock()
	f, ok := rl.faults.faults[endpoint]
	return f, ok
}

// injectFault applies the endpoint's fault and reports whether the request
// is finished. A latency-only fault delays the request, which then goes on.
func (rl *Realm) injectFault(w http.ResponseWriter, r *http.Request, endpoint Endpoint) bool {
	f, ok := rl.faultFor(endpoint)
	if !ok {
		return false
	}
	if f.Latency > 0 {
		timer := time.NewTimer(f.Latency)
		defer timer.Stop()
		select {
		case <-timer.C:
		case <-r.Context().Done():
			rl.logger.Info("fault", "realm", rl.name, "endpoint", string(endpoint), "fault", f.String(), "outcome", "client gave up")
			return true
		}
	}
	rl.logger.Info("fault", "realm", rl.name, "endpoint", string(endpoint), "method", r.Method, "fault", f.String())
	switch {
	case f.Drop:
		dropConnection(w)
		return true
	case f.Status != 0:
		for k, v := range f.Header {
			w.Header()[k] = v
		}
		if f.ContentType != "" {
			w.Header().Set("Content-Type", f.ContentType)
		}
		w.WriteHeader(f.Status)
		_, _ = w.Write([]byte(f.Body))
		return true
	}
	return false
}

// dropConnection closes the client connection without writing a response.
// When the connection cannot be taken over (HTTP/2), it aborts the handler,
// which makes net/http reset the stream.
func dropConnection(w http.ResponseWriter) {
	h, ok := w.(http.Hijacker)
	if !ok {
		panic(http.ErrAbortHandler)
	}
	conn, _, err := h.Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	_ = conn.Close()
}
