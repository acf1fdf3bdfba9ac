package demo

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/kseries-tools/ksauth/diagnose"
	"github.com/kseries-tools/ksauth/flow"
)

// secretsOf returns every secret and password of the seed, which no output
// may contain.
func secretsOf(t *testing.T) []string {
	t.Helper()
	l, err := startLab(Options{}, nil)
	if err != nil {
		t.Fatalf("startLab: %v", err)
	}
	defer l.close()
	s := l.seed
	return []string{s.client.Secret, s.consentClient.Secret, s.pkceClient.Secret, s.productionClient.Secret,
		s.user.Password, s.productionUser.Password}
}

func TestRunDefaultDemo(t *testing.T) {
	var narration, trace, hooked bytes.Buffer
	var exchanges []flow.Exchange
	res, err := Run(context.Background(), Options{Narration: &narration, Trace: &trace, OnExchange: func(ex flow.Exchange) {
		exchanges = append(exchanges, ex)
		hooked.WriteString(exchangeText(ex.Redacted()))
	}})
	if err != nil {
		t.Fatalf("Run: %v\nnarration:\n%s", err, narration.String())
	}

	want := []diagnose.Step{diagnose.StepPreflight, diagnose.StepDiscovery, diagnose.StepProbe, diagnose.StepAuthorize,
		diagnose.StepCallback, diagnose.StepToken, diagnose.StepVerify, diagnose.StepRefresh}
	var got []diagnose.Step
	for _, s := range res.Steps {
		got = append(got, s.Name)
		if s.Status != flow.StatusOK {
			t.Errorf("step %s status = %s, want ok (%s)", s.Name, s.Status, s.Detail)
		}
	}
	if strings.Join(stepNames(got), ",") != strings.Join(stepNames(want), ",") {
		t.Errorf("steps = %v, want %v", got, want)
	}
	if res.CodeAge <= 0 {
		t.Errorf("CodeAge = %v, want > 0", res.CodeAge)
	}
	if res.Tokens == nil || !strings.HasSuffix(res.Tokens.AccessToken, "(redacted)") {
		t.Errorf("access token not redacted: %+v", res.Tokens)
	}
	if res.Refresh == nil || !res.Refresh.Rotated {
		t.Errorf("refresh report = %+v, want rotated", res.Refresh)
	}
	if len(res.GrantedScopes) == 0 {
		t.Error("no granted scopes")
	}
	if len(exchanges) == 0 {
		t.Error("OnExchange received no exchange")
	}

	out, _ := json.Marshal(res)
	for _, secret := range secretsOf(t) {
		for name, text := range map[string]string{"narration": narration.String(), "trace": trace.String(),
			"redacted exchanges": hooked.String(), "result": string(out)} {
			if strings.Contains(text, secret) {
				t.Errorf("%s contains a seeded secret", name)
			}
		}
	}
}

func TestRunShowTokens(t *testing.T) {
	res, err := Run(context.Background(), Options{ShowTokens: true})
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	if res.Tokens == nil || strings.Contains(res.Tokens.AccessToken, "redacted") {
		t.Errorf("ShowTokens: access token = %q, want the raw token", res.Tokens.AccessToken)
	}
}

// exchangeText returns everything an exchange shows, as text.
func exchangeText(ex flow.Exchange) string {
	return fmt.Sprintf("%s %s %v %s\n%d %v %s\n", ex.Method, ex.URL, ex.RequestHeader, ex.RequestBody,
		ex.Status, ex.ResponseHeader, ex.ResponseBody)
}

func stepNames(steps []diagnose.Step) []string {
	var out []string
	for _, s := range steps {
		out = append(out, string(s))
	}
	return out
}

func TestScenarios(t *testing.T) {
	secrets := secretsOf(t)
	for _, s := range Scenarios() {
		t.Run(s.ID, func(t *testing.T) {
			var trace, hooked bytes.Buffer
			o, err := RunScenario(context.Background(), s.ID, Options{Trace: &trace, OnExchange: func(ex flow.Exchange) {
				hooked.WriteString(exchangeText(ex.Redacted()))
			}})
			if err != nil {
				t.Fatalf("RunScenario: %v", err)
			}
			if o.Error != "" {
				t.Fatalf("scenario error: %s", o.Error)
			}
			if o.Got != s.Expected {
				t.Errorf("diagnosis = %q, want %q (diagnoses %+v, response %+v)", o.Got, s.Expected, o.Diagnoses, o.Response)
			}
			if o.GotStep != s.Step {
				t.Errorf("step = %q, want %q", o.GotStep, s.Step)
			}
			if !o.Pass {
				t.Error("Pass = false")
			}
			if o.Request == nil {
				t.Error("no request recorded")
			}
			if o.Response == (Response{}) {
				t.Error("no response recorded")
			}
			for _, step := range o.Steps {
				if step.Detail != strings.TrimSpace(step.Detail) {
					t.Errorf("%s step detail %q has leading or trailing space", step.Name, step.Detail)
				}
				if strings.Contains(step.Detail, "signed in") && strings.Contains(step.Detail, "in the browser") {
					t.Errorf("%s step detail %q credits a browser, but the demo signed in by itself", step.Name, step.Detail)
				}
			}
			if !strings.Contains(trace.String(), "--> ") {
				t.Error("trace is empty")
			}
			out, _ := json.Marshal(o)
			for _, secret := range secrets {
				if strings.Contains(string(out), secret) {
					t.Errorf("outcome contains a seeded secret: %s", out)
				}
				if strings.Contains(trace.String(), secret) {
					t.Error("trace contains a seeded secret")
				}
				if strings.Contains(hooked.String(), secret) {
					t.Error("redacted exchanges contain a seeded secret")
				}
			}
		})
	}
}

func TestRunScenarioUnknownID(t *testing.T) {
	_, err := RunScenario(context.Background(), "no-such-scenario", Options{})
	if err == nil {
		t.Fatal("RunScenario accepted an unknown ID")
	}
	for _, id := range []string{"no-such-scenario", diagnose.IDInvalidScope, diagnose.IDServerError} {
		if !strings.Contains(err.Error(), id) {
			t.Errorf("error %q does not name %q", err, id)
		}
	}
}

func TestScenarioIDsUnique(t *testing.T) {
	seen := map[string]bool{}
	for _, s := range Scenarios() {
		if seen[s.ID] {
			t.Errorf("duplicate scenario ID %q", s.ID)
		}
		seen[s.ID] = true
		if _, ok := diagnose.Lookup(s.Expected); !ok {
			t.Errorf("scenario %s expects %q, which is not in the catalogue", s.ID, s.Expected)
		}
	}
}
