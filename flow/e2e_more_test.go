package flow

import (
	"errors"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/kseries-tools/ksauth/diagnose"
	"github.com/kseries-tools/ksauth/envs"
)

func TestRunHeadlessConsent(t *testing.T) {
	rl := startRealm(t, nil, nil)
	cfg := rl.config()
	cfg.Login = LoginHeadless
	cfg.ClientID, cfg.ClientSecret = rl.seed.TrialConsentClient.ClientID, rl.seed.TrialConsentClient.Secret

	res, err := Run(t.Context(), cfg)
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	if res.IDClaims["azp"] != cfg.ClientID {
		t.Errorf("ID token azp = %v, want %s", res.IDClaims["azp"], cfg.ClientID)
	}
}

func TestRunDiagnosesFailures(t *testing.T) {
	rl := startRealm(t, nil, nil)
	tests := []struct {
		name          string
		change        func(*Config)
		wantStep      diagnose.Step
		wantDiagnosis string
	}{
		{"disabled user", func(c *Config) {
			c.Username, c.Password = rl.seed.TrialDisabledUser.Username, rl.seed.TrialDisabledUser.Password
		}, diagnose.StepAuthorize, "account-disabled"},
		{"production client on trial", func(c *Config) {
			c.ClientID, c.ClientSecret = rl.seed.ProductionClient.ClientID, rl.seed.ProductionClient.Secret
			c.Probe = true
		}, diagnose.StepProbe, "wrong-environment"},
		{"wrong issuer", func(c *Config) {
			c.Env.Issuer += "-other"
		}, diagnose.StepDiscovery, "unexpected-response"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := rl.config()
			cfg.Login = LoginHeadless
			tt.change(&cfg)
			_, err := Run(t.Context(), cfg)
			e := flowError(t, err)
			if e.Step != tt.wantStep {
				t.Errorf("failed step = %s, want %s", e.Step, tt.wantStep)
			}
			if len(e.Diagnoses) == 0 {
				t.Fatal("no diagnoses")
			}
			if tt.wantDiagnosis != "" && e.Diagnoses[0].ID != tt.wantDiagnosis {
				t.Errorf("diagnosis = %q, want %q", e.Diagnoses[0].ID, tt.wantDiagnosis)
			}
		})
	}
}

func TestRefreshRotatesAndRejectsReuse(t *testing.T) {
	rl := startRealm(t, nil, nil)
	cfg := rl.config()
	cfg.Login = LoginHeadless
	first, err := Run(t.Context(), cfg)
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	old := first.Token.RefreshToken

	res, err := Refresh(t.Context(), cfg, old)
	if err != nil {
		t.Fatalf("Refresh: %v", err)
	}
	if res.Refresh == nil || !res.Refresh.Rotated {
		t.Errorf("refresh = %+v, want a rotated token", res.Refresh)
	}
	if res.Token.RefreshToken == old {
		t.Error("Result.Token keeps the old refresh token")
	}

	_, err = Refresh(t.Context(), cfg, old)
	e := flowError(t, err)
	if e.Step != diagnose.StepRefresh {
		t.Errorf("failed step = %s, want refresh", e.Step)
	}
	if got := firstDiagnosis(e); got != "invalid-refresh-token" {
		t.Errorf("diagnosis = %q, want invalid-refresh-token", got)
	}
}

func TestRefreshRejectsEmptyToken(t *testing.T) {
	cfg := Config{Env: envs.Local("local", envs.TierTrial, "http://127.0.0.1:1/realms/k-series"), ClientID: "c"}
	if _, err := Refresh(t.Context(), cfg, ""); !errors.Is(err, ErrInvalidConfig) {
		t.Errorf("err = %v, want ErrInvalidConfig", err)
	}
}

func TestRunPreflightFindingsDoNotStop(t *testing.T) {
	rl := startRealm(t, nil, nil)
	cfg := rl.config()
	cfg.Login, cfg.Preflight = LoginHeadless, true
	cfg.Scopes = []string{"openid", "bogus-api"}

	res, err := Run(t.Context(), cfg)
	e := flowError(t, err)
	if len(res.Steps) == 0 || res.Steps[0].Name != diagnose.StepPreflight {
		t.Fatalf("steps = %v, want preflight first", stepStatuses(res))
	}
	if res.Steps[0].Status != StatusFailed {
		t.Errorf("preflight status = %s, want failed for an unknown scope", res.Steps[0].Status)
	}
	if e.Step == diagnose.StepPreflight {
		t.Error("the flow stopped at preflight, want it to run on to the server")
	}
	var preflightIDs []string
	for _, d := range res.Diagnoses {
		if d.Step == diagnose.StepPreflight {
			preflightIDs = append(preflightIDs, d.ID)
		}
	}
	if len(preflightIDs) == 0 {
		t.Errorf("result diagnoses %+v hold no preflight finding", res.Diagnoses)
	}
}

func TestRunNoBrowserPrintsSSHForward(t *testing.T) {
	t.Setenv("SSH_CONNECTION", "203.0.113.7 51234 198.51.100.20 22")
	rl := startRealm(t, nil, nil)
	cfg := rl.config()
	cfg.NoBrowser = true
	cfg.CallbackTimeout = 50 * time.Millisecond
	var narration lockedBuffer
	cfg.Narration = &narration

	res, err := Run(t.Context(), cfg)
	flowError(t, err)
	redirect, _ := url.Parse(res.RedirectURI)
	port := redirect.Port()
	out := narration.String()
	if want := "ssh -L " + port + ":127.0.0.1:" + port + " 198.51.100.20"; !strings.Contains(out, want) {
		t.Errorf("narration lacks %q:\n%s", want, out)
	}
	if strings.Contains(out, "Opening") {
		t.Errorf("narration says a browser was opened in no-browser mode:\n%s", out)
	}
	if !strings.Contains(out, res.AuthURL) {
		t.Error("narration lacks the authorization URL")
	}
}
