package main

import (
	"os"
	"path/filepath"
	"time"

	"github.com/kseries-tools/ksauth/diagnose/har"
	"github.com/kseries-tools/ksauth/flow"
)

// harSink collects the flow's exchanges for a HAR file. The har.Recorder
// redacts each exchange as it is added, so the sink never keeps a secret.
type harSink struct {
	path string
	rec  *har.Recorder
}

// newHARSink checks that path can be written before the flow starts, so
// that a typo does not cost a sign-in.
func newHARSink(path string) (*harSink, error) {
	dir := filepath.Dir(path)
	info, err := os.Stat(dir)
	if err != nil || !info.IsDir() {
		return nil, usagef("cannot write --har %s: directory %s does not exist", path, dir)
	}
	if info, err := os.Stat(path); err == nil && info.IsDir() {
		return nil, usagef("cannot write --har %s: it is a directory", path)
	}
	return &harSink{path: path, rec: har.NewRecorder("ksauth", buildVersion())}, nil
}

// add records one raw exchange.
func (s *harSink) add(ex flow.Exchange) {
	e := har.Entry{
		Start:          ex.Start,
		Duration:       ex.Duration,
		Timings:        harTimings(ex.Timings),
		HTTPVersion:    ex.Proto,
		Method:         ex.Method,
		URL:            ex.URL,
		RequestHeader:  ex.RequestHeader,
		RequestBody:    ex.RequestBody,
		Status:         ex.Status,
		ResponseHeader: ex.ResponseHeader,
		ResponseBody:   ex.ResponseBody,
		Step:           ex.Step,
		Observed:       ex.Observed,
		Note:           ex.Note,
	}
	if ex.Err != nil {
		e.Error = ex.Err.Error()
	}
	s.rec.AddEntry(e)
}

func (s *harSink) write() error {
	return s.rec.WriteFile(s.path)
}

// harTimings converts the flow's phases to HAR's, in milliseconds. A phase
// that did not happen is -1, as HAR 1.2 has it. HAR counts the TLS
// handshake in both ssl and connect, so connect is TCP plus TLS.
func harTimings(t flow.Timings) har.Timings {
	out := har.NoTimings()
	if t.Wait == 0 && t.Send == 0 {
		return out
	}
	phase := func(d time.Duration) float64 {
		if d <= 0 {
			return -1
		}
		return float64(d) / float64(time.Millisecond)
	}
	out.Blocked = phase(t.Blocked)
	out.DNS = phase(t.DNS)
	out.SSL = phase(t.TLS)
	out.Connect = phase(t.Connect + t.TLS)
	out.Send = max(phase(t.Send), 0)
	out.Wait = max(phase(t.Wait), 0)
	out.Receive = 0
	return out
}
