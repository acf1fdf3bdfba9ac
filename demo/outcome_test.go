package demo

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/kseries-tools/ksauth/diagnose"
	"github.com/kseries-tools/ksauth/flow"
)

func TestOutcomeJudge(t *testing.T) {
	failure := func(id string, step diagnose.Step) diagnose.Diagnosis {
		return diagnose.Diagnosis{ID: id, Step: step, Severity: diagnose.SeverityError}
	}
	warning := diagnose.Diagnosis{ID: diagnose.IDClockSkew, Step: diagnose.StepToken, Severity: diagnose.SeverityWarning}
	tests := []struct {
		name      string
		diagnoses []diagnose.Diagnosis
		err       string
		wantGot   string
		wantPass  bool
	}{
		{"expected first", []diagnose.Diagnosis{failure(diagnose.IDInvalidScope, diagnose.StepProbe)}, "", diagnose.IDInvalidScope, true},
		{"warning skipped", []diagnose.Diagnosis{warning, failure(diagnose.IDInvalidScope, diagnose.StepProbe)}, "", diagnose.IDInvalidScope, true},
		{"other diagnosis", []diagnose.Diagnosis{failure(diagnose.IDUnknown, diagnose.StepProbe)}, "", diagnose.IDUnknown, false},
		{"other step", []diagnose.Diagnosis{failure(diagnose.IDInvalidScope, diagnose.StepCallback)}, "", diagnose.IDInvalidScope, false},
		{"nothing diagnosed", nil, "", "", false},
		{"staging error", []diagnose.Diagnosis{failure(diagnose.IDInvalidScope, diagnose.StepProbe)}, "the flow succeeded", diagnose.IDInvalidScope, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := Outcome{Expected: diagnose.IDInvalidScope, Step: diagnose.StepProbe, Diagnoses: tt.diagnoses, Error: tt.err}
			o.judge()
			if o.Got != tt.wantGot {
				t.Errorf("Got = %q, want %q", o.Got, tt.wantGot)
			}
			if o.Pass != tt.wantPass {
				t.Errorf("Pass = %t, want %t", o.Pass, tt.wantPass)
			}
		})
	}
}

func TestRequestOfRedactsSecrets(t *testing.T) {
	ex := exchangeWithSecrets()
	r := requestOf(ex)
	for _, name := range []string{"code", "code_verifier", "password", "client_secret"} {
		if got := r.Form.Get(name); got == "" || got == "secret-value" {
			t.Errorf("form %s = %q, want a redaction marker", name, got)
		}
	}
	if got := r.Header["Authorization"]; got == "" || got == "Basic c2VjcmV0LXZhbHVl" {
		t.Errorf("Authorization = %q, want a redaction marker", got)
	}
	if got := r.Form.Get("grant_type"); got != "authorization_code" {
		t.Errorf("grant_type = %q, want it kept", got)
	}
}

func exchangeWithSecrets() flow.Exchange {
	body := url.Values{"grant_type": {"authorization_code"}, "code": {"secret-value"}, "code_verifier": {"secret-value"},
		"password": {"secret-value"}, "client_secret": {"secret-value"}}
	return flow.Exchange{Step: diagnose.StepToken, Method: http.MethodPost, URL: "http://127.0.0.1:1/token",
		RequestHeader: http.Header{"Authorization": {"Basic c2VjcmV0LXZhbHVl"},
			"Content-Type": {"application/x-www-form-urlencoded"}},
		RequestBody: []byte(body.Encode())}
}
