package main

import (
	"os"
	"path/filepath"

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
	return &harSink{path: path, rec: har.NewRecorder("ksauth", version)}, nil
}

// add records one raw exchange.
func (s *harSink) add(ex flow.Exchange) {
	e := har.Entry{
		Start:          ex.Start,
		Duration:       ex.Duration,
		Timings:        har.NoTimings(),
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
