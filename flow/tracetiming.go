package flow

import (
	"crypto/tls"
	"net/http/httptrace"
	"sync"
	"time"
)

// Timings are the phases of one request, measured with net/http/httptrace
// and the monotonic clock. A phase that did not happen is zero, such as
// DNS, Connect and TLS on a kept-alive connection.
type Timings struct {
	// Blocked is the wait for a connection beyond DNS, Connect and TLS,
	// such as for a free slot in the connection pool.
	Blocked time.Duration
	DNS     time.Duration
	// Connect is the TCP connect, without the TLS handshake.
	Connect time.Duration
	TLS     time.Duration
	// Send runs from getting the connection to the request being written.
	Send time.Duration
	// Wait runs from the written request to the first response byte.
	Wait time.Duration
}

// phaseClock collects the httptrace events of one request. The hooks run
// on the transport's goroutines, hence the mutex.
type phaseClock struct {
	mu                               sync.Mutex
	start                            time.Time
	dnsStart, dnsDone                time.Time
	connectStart, connectDone        time.Time
	tlsStart, tlsDone                time.Time
	gotConn, wroteRequest, firstByte time.Time
	reused                           bool
}

func newPhaseClock() *phaseClock {
	return &phaseClock{start: time.Now()}
}

// mark stores the current time in *at under the lock.
func (c *phaseClock) mark(at *time.Time) {
	c.mu.Lock()
	*at = time.Now()
	c.mu.Unlock()
}

func (c *phaseClock) trace() *httptrace.ClientTrace {
	return &httptrace.ClientTrace{
		DNSStart:          func(httptrace.DNSStartInfo) { c.mark(&c.dnsStart) },
		DNSDone:           func(httptrace.DNSDoneInfo) { c.mark(&c.dnsDone) },
		ConnectStart:      func(string, string) { c.mark(&c.connectStart) },
		ConnectDone:       func(string, string, error) { c.mark(&c.connectDone) },
		TLSHandshakeStart: func() { c.mark(&c.tlsStart) },
		TLSHandshakeDone:  func(tls.ConnectionState, error) { c.mark(&c.tlsDone) },
		GotConn: func(info httptrace.GotConnInfo) {
			c.mu.Lock()
			c.gotConn, c.reused = time.Now(), info.Reused
			c.mu.Unlock()
		},
		WroteRequest:         func(httptrace.WroteRequestInfo) { c.mark(&c.wroteRequest) },
		GotFirstResponseByte: func() { c.mark(&c.firstByte) },
	}
}

// timings returns the measured phases and whether the connection was a
// kept-alive one.
func (c *phaseClock) timings() (Timings, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	t := Timings{
		DNS:     span(c.dnsStart, c.dnsDone),
		Connect: span(c.connectStart, c.connectDone),
		TLS:     span(c.tlsStart, c.tlsDone),
		Send:    span(c.gotConn, c.wroteRequest),
		Wait:    span(c.wroteRequest, c.firstByte),
	}
	t.Blocked = max(span(c.start, c.gotConn)-t.DNS-t.Connect-t.TLS, 0)
	return t, c.reused
}

// span returns end minus start, or zero when either is missing.
func span(start, end time.Time) time.Duration {
	if start.IsZero() || end.IsZero() || end.Before(start) {
		return 0
	}
	return end.Sub(start)
}
