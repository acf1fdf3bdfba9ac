package demo

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/kseries-tools/ksauth/diagnose"
	"github.com/kseries-tools/ksauth/envs/emulator"
	"github.com/kseries-tools/ksauth/flow"
)

// Scenario is one mistake integrators make, staged against the emulator.
type Scenario struct {
	// ID names the scenario on the command line. The first scenario for a
	// diagnosis has the diagnosis's ID; variants add a suffix.
	ID string `json:"id"`
	// Summary is one line on what goes wrong.
	Summary string `json:"summary"`
	// Mistake describes what the integrator did.
	Mistake string `json:"mistake"`
	// Step is the flow step where the failure shows.
	Step diagnose.Step `json:"step"`
	// Expected is the diagnosis ID the failure must produce.
	Expected string `json:"expected"`

	// manualClock runs the scenario's emulator on a ManualClock.
	manualClock bool
	run         func(ctx context.Context, l *lab, o *Outcome) error
}

// Scenarios returns every scenario in listing order: the error guide's
// failures first, then the others by step.
func Scenarios() []Scenario {
	var out []Scenario
	for _, s := range scenarioTable {
		s.run = nil
		out = append(out, s)
	}
	return out
}

// Lookup returns the scenario with the given ID, or an error listing the
// valid IDs.
func Lookup(id string) (Scenario, error) {
	for _, s := range scenarioTable {
		if s.ID == id {
			return s, nil
		}
	}
	var ids []string
	for _, s := range scenarioTable {
		ids = append(ids, s.ID)
	}
	return Scenario{}, fmt.Errorf("unknown scenario %q: use one of %s", id, strings.Join(ids, ", "))
}

// scenarioTable is filled in init from the scenario files, in listing
// order.
var scenarioTable []Scenario

func init() {
	scenarioTable = append(scenarioTable, authorizeScenarios()...)
	scenarioTable = append(scenarioTable, tokenScenarios()...)
	scenarioTable = append(scenarioTable, callbackScenarios()...)
	scenarioTable = append(scenarioTable, transportScenarios()...)
}

// RunScenario stages one scenario on a fresh emulator and returns what
// happened. The error is for a scenario that could not be staged, such as
// an emulator that did not start or an unknown ID; a scenario whose
// mistake went unnoticed or was misdiagnosed returns an Outcome with Pass
// false.
func RunScenario(ctx context.Context, id string, opts Options) (*Outcome, error) {
	s, err := Lookup(id)
	if err != nil {
		return nil, err
	}
	var clock *emulator.ManualClock
	if s.manualClock {
		clock = emulator.NewManualClock(time.Now())
	}
	l, err := startLab(opts, clock)
	if err != nil {
		return nil, err
	}
	defer l.close()

	o := &Outcome{Scenario: s.ID, Summary: s.Summary, Mistake: s.Mistake, Step: s.Step,
		Expected: s.Expected, Env: envTrial, Diagnoses: []diagnose.Diagnosis{}}
	fmt.Fprintf(l.opts.Narration, "Scenario %s: %s\n", s.ID, s.Summary)
	if err := s.run(ctx, l, o); err != nil {
		return nil, fmt.Errorf("could not run scenario %s: %w", s.ID, err)
	}
	o.judge()
	return o, nil
}

// RunAll runs every scenario in listing order. A scenario that could not
// be staged gets an Outcome with Pass false and the error in Error, and
// the others still run. Only a cancelled ctx stops RunAll early, returning
// the outcomes so far with ctx's error.
func RunAll(ctx context.Context, opts Options) ([]Outcome, error) {
	var out []Outcome
	for _, s := range scenarioTable {
		if err := ctx.Err(); err != nil {
			return out, err
		}
		o, err := RunScenario(ctx, s.ID, opts)
		if err != nil {
			if errors.Is(err, context.Canceled) || ctx.Err() != nil {
				return out, err
			}
			o = &Outcome{Scenario: s.ID, Summary: s.Summary, Mistake: s.Mistake, Step: s.Step,
				Expected: s.Expected, Env: envTrial, Diagnoses: []diagnose.Diagnosis{}, Error: err.Error()}
		}
		out = append(out, *o)
	}
	return out, nil
}

// flowFailure records a flow run that was meant to fail: its timeline, its
// error's evidence and diagnoses, and the request of the failed step. A
// run that succeeded or failed without a *flow.Error is recorded as
// undiagnosed, and judge marks it failed.
func (l *lab) flowFailure(o *Outcome, res *flow.Result, err error) {
	if res != nil {
		o.Steps = res.Steps
		o.Env = res.Env
	}
	var fe *flow.Error
	if !errors.As(err, &fe) {
		if err != nil {
			o.Error = err.Error()
		} else {
			o.Error = "the flow succeeded: the mistake was not caught"
		}
		return
	}
	o.setEvidence(fe.Evidence, fe.Diagnoses)
	if ex, ok := l.lastExchange(fe.Step); ok {
		o.Request = requestOf(ex)
	}
}

// manualFailure records the failure of a request the demo sent itself,
// explained by diagnose.Match.
func (l *lab) manualFailure(o *Outcome, ev diagnose.Evidence, steps ...flow.StepRecord) {
	o.Steps = append(o.Steps, steps...)
	o.Env = ev.Context.Env
	if ev.Status >= 200 && ev.Status < 300 && ev.Error == "" && ev.Page == nil && ev.Err == nil {
		o.Error = fmt.Sprintf("the server accepted the request (HTTP %d): the mistake was not caught", ev.Status)
		return
	}
	o.setEvidence(ev, diagnose.Match(ev))
	if ex, ok := l.lastExchange(ev.Step); ok {
		o.Request = requestOf(ex)
	}
}
