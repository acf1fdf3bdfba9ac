package main

import (
	"fmt"
	"io"
	"reflect"
	"sync"
	"sync/atomic"

	"github.com/kseries-tools/ksauth/flow"
	"github.com/spf13/cobra"
)

// evidenceFlags are --verbose and --har, which record the flow's HTTP
// exchanges, redacted.
type evidenceFlags struct {
	verbose bool
	har     string
}

func (f *evidenceFlags) register(c *cobra.Command) {
	c.Flags().BoolVarP(&f.verbose, "verbose", "v", false, "print every HTTP request and response of the flow on stderr, redacted, with timings")
	c.Flags().StringVar(&f.har, "har", "", "write the flow as a redacted HAR 1.2 file (mode 0600) to this path")
}

// evidenceRecorder receives the flow's exchanges for the HAR file. The
// verbose trace is the flow's own, written to Config.Trace.
type evidenceRecorder struct {
	mu  sync.Mutex
	har *harSink
}

// exchangeTap, when set, receives every raw exchange of a run, secrets
// included, before any redaction. Only tests set it: they learn the codes
// and tokens a run was issued and check that no output shows them.
var exchangeTap atomic.Pointer[func(flow.Exchange)]

// attach sets cfg.Trace for --verbose, and cfg.OnExchange for --har and
// for exchangeTap, keeping any hook already set.
func (f evidenceFlags) attach(cfg *flow.Config, io stdio) (*evidenceRecorder, error) {
	rec := &evidenceRecorder{}
	if f.verbose {
		// The trace is written from the callback server's goroutine while
		// the narration is written from the flow's, so both share one lock
		// when they go to the same stream.
		w := &syncWriter{w: io.Err}
		cfg.Trace = w
		if sameWriter(cfg.Narration, io.Err) {
			cfg.Narration = w
		}
	}
	if f.har != "" {
		sink, err := newHARSink(f.har)
		if err != nil {
			return nil, err
		}
		rec.har = sink
	}
	tap := exchangeTap.Load()
	if rec.har == nil && tap == nil {
		return rec, nil
	}
	prev := cfg.OnExchange
	cfg.OnExchange = func(ex flow.Exchange) {
		if prev != nil {
			prev(ex)
		}
		if tap != nil {
			(*tap)(ex)
		}
		if rec.har != nil {
			rec.record(ex)
		}
	}
	return rec, nil
}

// record hands the raw exchange to the HAR recorder, which redacts it with
// markers whose hashes match across entries.
func (r *evidenceRecorder) record(ex flow.Exchange) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.har.add(ex)
}

// close writes the HAR file, when --har was given, and prints its path.
func (r *evidenceRecorder) close(io stdio) error {
	if r == nil || r.har == nil {
		return nil
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if err := r.har.write(); err != nil {
		return fmt.Errorf("could not write the HAR file %s: %w", r.har.path, err)
	}
	fmt.Fprintf(io.Err, "HAR file written to %s (redacted, mode 0600)\n", r.har.path)
	return nil
}

// syncWriter serialises writes from several goroutines to one writer, so
// that each write stays whole.
type syncWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (s *syncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(p)
}

// sameWriter reports whether a and b are the same writer. Writers of a
// type that cannot be compared are never the same.
func sameWriter(a, b io.Writer) bool {
	t := reflect.TypeOf(a)
	return t != nil && t == reflect.TypeOf(b) && t.Comparable() && a == b
}
