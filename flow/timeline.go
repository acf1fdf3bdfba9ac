package flow

import (
	"encoding/json"
	"fmt"
	"sync"
	"time"

	"github.com/kseries-tools/ksauth/diagnose"
)

// Status is the outcome of one step.
type Status string

// Step statuses, as they appear in JSON.
const (
	StatusOK      Status = "ok"
	StatusFailed  Status = "failed"
	StatusSkipped Status = "skipped"
)

// StepRecord is one entry of the timeline: a step, how it ended and how
// long it took.
type StepRecord struct {
	Name   diagnose.Step `json:"name"`
	Status Status        `json:"status"`
	// Duration is measured with the monotonic clock. JSON carries it as
	// duration_ms, a float in milliseconds.
	Duration time.Duration `json:"-"`
	// Detail is one short line on what the step found.
	Detail string `json:"detail,omitempty"`
}

// MarshalJSON writes the record with its duration in milliseconds.
func (s StepRecord) MarshalJSON() ([]byte, error) {
	type plain StepRecord
	return json.Marshal(struct {
		plain
		DurationMS float64 `json:"duration_ms"`
	}{plain(s), millis(s.Duration)})
}

// millis converts a duration to float milliseconds, keeping sub-millisecond
// precision.
func millis(d time.Duration) float64 {
	return float64(d) / float64(time.Millisecond)
}

// timeline records the steps of one run in the order they end. Steps may
// end on the callback server's goroutine, so it is safe for concurrent use.
type timeline struct {
	mu       sync.Mutex
	steps    []StepRecord
	narrator *narrator
}

// stepTimer measures one step from begin to its end.
type stepTimer struct {
	t     *timeline
	name  diagnose.Step
	start time.Time
}

// begin starts measuring a step.
func (t *timeline) begin(name diagnose.Step) *stepTimer {
	return &stepTimer{t: t, name: name, start: time.Now()}
}

// ok ends the step as successful.
func (s *stepTimer) ok(format string, args ...any) {
	s.t.add(StepRecord{Name: s.name, Status: StatusOK, Duration: time.Since(s.start),
		Detail: fmt.Sprintf(format, args...)})
}

// fail ends the step as failed, with the failure's one-line summary.
func (s *stepTimer) fail(detail string) {
	s.t.add(StepRecord{Name: s.name, Status: StatusFailed, Duration: time.Since(s.start), Detail: detail})
}

// skip records a step that did not run.
func (t *timeline) skip(name diagnose.Step, reason string) {
	t.add(StepRecord{Name: name, Status: StatusSkipped, Detail: reason})
}

func (t *timeline) add(rec StepRecord) {
	t.mu.Lock()
	t.steps = append(t.steps, rec)
	t.mu.Unlock()

	line := fmt.Sprintf("%-9s %-7s %8.1f ms", rec.Name, rec.Status, millis(rec.Duration))
	if rec.Detail != "" {
		line += "  " + rec.Detail
	}
	t.narrator.line(line)
}

// records returns a copy of the steps recorded so far.
func (t *timeline) records() []StepRecord {
	t.mu.Lock()
	defer t.mu.Unlock()
	return append([]StepRecord(nil), t.steps...)
}
