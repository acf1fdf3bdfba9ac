package har

import (
	"net/http"
	"testing"
	"time"
)

func TestDiagnoseLabelsConsentPost(t *testing.T) {
	rep := diagnoseFile(t, "chrome-consent-denied.har")
	want := []string{"authorization request", "login form post", "consent form post", "callback to the redirect URI"}
	if len(rep.Steps) != len(want) {
		t.Fatalf("steps = %v, want %d", stepNames(rep), len(want))
	}
	for i, s := range rep.Steps {
		if s.Action != want[i] {
			t.Errorf("step %d action = %q, want %q", s.Entry, s.Action, want[i])
		}
	}
	if d := firstDiagnosis(rep.Steps[2]); d.ID != "access-denied" {
		t.Errorf("consent step diagnosis = %s, want access-denied", d.ID)
	}
}

func TestIsConsent(t *testing.T) {
	const realm = "https://auth.lsk-trial.app/realms/k-series"
	tests := []struct {
		name, url, body string
		want            bool
	}{
		{"consent path", realm + "/login-actions/consent?client_id=c&tab_id=t", "code=x&accept=Yes", true},
		{"consent buttons", realm + "/login-actions/action?client_id=c", "code=x&cancel=No", true},
		{"terms page", realm + "/login-actions/required-action?execution=TERMS_AND_CONDITIONS", "accept=Yes", false},
		{"login form", realm + "/login-actions/authenticate?execution=e", "username=u&password=p", false},
		{"login form with cancel", realm + "/login-actions/authenticate?execution=e", "username=u&cancel=on", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := Entry{Start: time.Unix(0, 0), Method: http.MethodPost, URL: tt.url, RequestBody: []byte(tt.body),
				RequestHeader: http.Header{"Content-Type": {"application/x-www-form-urlencoded"}}}
			if got := isConsent(e, formValues(e)); got != tt.want {
				t.Errorf("isConsent = %v, want %v", got, tt.want)
			}
		})
	}
}
