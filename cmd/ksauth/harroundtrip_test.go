package main

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/kseries-tools/ksauth/demo"
	"github.com/kseries-tools/ksauth/diagnose"
	"github.com/kseries-tools/ksauth/envs"
)

// harStepExceptions are the scenarios whose diagnosis a HAR shows at
// another step than the live run, with the step the HAR reader uses.
var harStepExceptions = map[string]diagnose.Step{
	// The HAR holds the consent form post whose response is the
	// access_denied error redirect, and the reader diagnoses an error
	// redirect at the entry that sent it. The live run meets the error
	// first in its callback.
	"access-denied": diagnose.StepAuthorize,
}

// harStep returns the step at which a HAR shows a scenario's diagnosis.
func harStep(id string, step diagnose.Step) diagnose.Step {
	if s, ok := harStepExceptions[id]; ok {
		return s
	}
	return step
}

// harDocument is the part of "ksauth diagnose --json" output for a HAR
// that the tests read.
type harDocument struct {
	OK        bool                 `json:"ok"`
	Input     string               `json:"input"`
	CodeAgeMS *float64             `json:"code_age_ms"`
	Diagnoses []diagnose.Diagnosis `json:"diagnoses"`
	Steps     []struct {
		Name      string   `json:"name"`
		Status    string   `json:"status"`
		Action    string   `json:"action"`
		CodeAgeMS *float64 `json:"code_age_ms"`
	} `json:"steps"`
}

func diagnoseHARFile(t *testing.T, path string) (result, harDocument) {
	t.Helper()
	r := ksauth(t, "", nil, "diagnose", "--json", path)
	var doc harDocument
	if err := json.Unmarshal([]byte(r.stdout), &doc); err != nil {
		t.Fatalf("diagnose --json output is not JSON: %v\nstdout:\n%s\nstderr:\n%s", err, r.stdout, r.stderr)
	}
	if doc.Input != "har" {
		t.Errorf("diagnose read %s as %q, want har", path, doc.Input)
	}
	return r, doc
}

// failedDiagnoses returns "id@step" for each failed diagnosis, sorted;
// warnings, such as the HAR-only findings, are left out.
func failedDiagnoses(ds []diagnose.Diagnosis, exceptions bool) []string {
	var out []string
	for _, d := range ds {
		if !d.Failed() {
			continue
		}
		step := d.Step
		if exceptions {
			step = harStep(d.ID, step)
		}
		out = append(out, d.ID+"@"+string(step))
	}
	slices.Sort(out)
	return out
}

// TestHARRoundTripScenarios writes each scenario's HAR with "ksauth demo
// --har", reads it back with "ksauth diagnose", and expects the same
// failed diagnoses as the live run of the same command, at the same steps.
func TestHARRoundTripScenarios(t *testing.T) {
	for _, sc := range demo.Scenarios() {
		t.Run(sc.ID, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), sc.ID+".har")
			live := ksauth(t, "", nil, "demo", "--scenario", sc.ID, "--json", "--har", path)
			live.wantCode(t, exitOK)
			var outcome struct {
				Diagnoses []diagnose.Diagnosis `json:"diagnoses"`
			}
			if err := json.Unmarshal([]byte(live.stdout), &outcome); err != nil {
				t.Fatalf("demo --json output is not JSON: %v\n%s", err, live.stdout)
			}

			r, doc := diagnoseHARFile(t, path)
			r.wantCode(t, exitFailed)
			if doc.OK {
				t.Errorf("diagnose reports ok for the HAR of a failed run")
			}
			want := sc.Expected + "@" + string(harStep(sc.ID, sc.Step))
			got := failedDiagnoses(doc.Diagnoses, false)
			if !slices.Contains(got, want) {
				t.Errorf("HAR diagnoses = %v, want %s among them", got, want)
			}
			if liveGot := failedDiagnoses(outcome.Diagnoses, true); !slices.Equal(got, liveGot) {
				t.Errorf("HAR diagnoses = %v, live run diagnoses = %v (HAR steps applied); want the same", got, liveGot)
			}
		})
	}
}

// TestHARRoundTripAllScenarios reads the HAR of "demo --all", in which
// every scenario's sign-in follows the previous one in a single file, and
// expects each scenario's diagnoses once, as in the live run.
func TestHARRoundTripAllScenarios(t *testing.T) {
	path := filepath.Join(t.TempDir(), "all.har")
	live := ksauth(t, "", nil, "demo", "--all", "--json", "--har", path)
	live.wantCode(t, exitOK)
	var doc struct {
		Scenarios []struct {
			Diagnoses []diagnose.Diagnosis `json:"diagnoses"`
		} `json:"scenarios"`
	}
	if err := json.Unmarshal([]byte(live.stdout), &doc); err != nil {
		t.Fatalf("demo --all --json output is not JSON: %v", err)
	}
	var liveAll []diagnose.Diagnosis
	for _, s := range doc.Scenarios {
		liveAll = append(liveAll, s.Diagnoses...)
	}
	want := failedDiagnoses(liveAll, true)

	r, har := diagnoseHARFile(t, path)
	r.wantCode(t, exitFailed)
	if got := failedDiagnoses(har.Diagnoses, false); !slices.Equal(got, want) {
		t.Errorf("HAR diagnoses:\n  %v\nlive run diagnoses:\n  %v\nwant the same", got, want)
	}
}

// TestHARRoundTripDefaultDemo reads back the HAR of a successful demo:
// diagnose exits 0, finds every step ok, and reports the code's age at
// the exchange inside the realm's code lifespan.
func TestHARRoundTripDefaultDemo(t *testing.T) {
	path := filepath.Join(t.TempDir(), "demo.har")
	ksauth(t, "", nil, "demo", "--har", path).wantCode(t, exitOK)

	r, doc := diagnoseHARFile(t, path)
	r.wantCode(t, exitOK)
	if !doc.OK {
		t.Errorf("ok = false, want true; diagnoses %v", failedDiagnoses(doc.Diagnoses, false))
	}
	var names []string
	for _, s := range doc.Steps {
		names = append(names, s.Name)
		if s.Status != "ok" {
			t.Errorf("step %s (%s) status = %s, want ok", s.Name, s.Action, s.Status)
		}
	}
	for _, want := range []diagnose.Step{diagnose.StepDiscovery, diagnose.StepProbe, diagnose.StepAuthorize,
		diagnose.StepCallback, diagnose.StepToken, diagnose.StepRefresh} {
		if !slices.Contains(names, string(want)) {
			t.Errorf("steps = %v, want a %s step", names, want)
		}
	}

	lifespanMS := float64(envs.DefaultCodeLifespan.Milliseconds())
	if doc.CodeAgeMS == nil {
		t.Fatalf("code_age_ms missing from the diagnose output")
	}
	if age := *doc.CodeAgeMS; age < 0 || age >= lifespanMS {
		t.Errorf("code_age_ms = %v, want from 0 to below %v", age, lifespanMS)
	}

	text := ksauth(t, "", nil, "diagnose", path)
	text.wantCode(t, exitOK)
	if !strings.Contains(text.stdout, "rejected as expected") {
		t.Errorf("the refresh replay check's rejection is not explained:\n%s", text.stdout)
	}
	age, err := tableCodeAge(text.stdout)
	if err != nil {
		t.Fatalf("%v\n%s", err, text.stdout)
	}
	if age < 0 || age >= lifespanMS {
		t.Errorf("CODE AGE = %vms, want from 0 to below %v", age, lifespanMS)
	}
}

// codeAgeCell is the CODE AGE cell of the step table, such as "3ms".
var codeAgeCell = regexp.MustCompile(`(\d+)ms\s*$`)

// tableCodeAge returns the CODE AGE of the authorization_code row of the
// step table that "ksauth diagnose" prints for a HAR.
func tableCodeAge(out string) (float64, error) {
	if !strings.Contains(out, "CODE AGE") {
		return 0, fmt.Errorf("the step table has no CODE AGE column")
	}
	for _, line := range strings.Split(out, "\n") {
		if !strings.Contains(line, "(authorization_code)") {
			continue
		}
		m := codeAgeCell.FindStringSubmatch(line)
		if m == nil {
			return 0, fmt.Errorf("the authorization_code row has no code age: %q", line)
		}
		return strconv.ParseFloat(m[1], 64)
	}
	return 0, fmt.Errorf("the step table has no authorization_code row")
}
