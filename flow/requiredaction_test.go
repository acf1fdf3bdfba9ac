package flow

import (
	"strings"
	"testing"

	"github.com/kseries-tools/ksauth/diagnose"
)

func TestHeadlessRequiredActionNotSetUp(t *testing.T) {
	rl := startRealm(t, nil, nil)
	cfg := rl.config()
	cfg.Login = LoginHeadless
	cfg.Username, cfg.Password = rl.seed.TrialSetupUser.Username, rl.seed.TrialSetupUser.Password

	_, err := Run(t.Context(), cfg)
	e := flowError(t, err)
	if e.Step != diagnose.StepAuthorize {
		t.Errorf("failed step = %s, want authorize", e.Step)
	}
	if got := firstDiagnosis(e); got != diagnose.IDAccountNotSetUp {
		t.Fatalf("diagnosis = %q, want %s", got, diagnose.IDAccountNotSetUp)
	}
	if !strings.Contains(e.Error(), "login-login-update-password") {
		t.Errorf("error %q does not name the page the login stopped at", e.Error())
	}
	d := e.Diagnoses[0]
	evidence := strings.Join(d.Evidence, "\n")
	if !strings.Contains(evidence, "login-login-update-password") {
		t.Errorf("evidence %q does not name the page", evidence)
	}
	if strings.Contains(evidence, "token") {
		t.Errorf("evidence %q mentions tokens for an HTML page", evidence)
	}
	if !strings.Contains(d.Causes[0], "UPDATE_PASSWORD") {
		t.Errorf("first cause %q does not name UPDATE_PASSWORD", d.Causes[0])
	}
}
