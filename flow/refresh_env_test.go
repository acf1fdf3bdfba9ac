package flow

import (
	"testing"

	"github.com/kseries-tools/ksauth/diagnose"
	"github.com/kseries-tools/ksauth/envs"
)

func TestRefreshTrialClientOnProduction(t *testing.T) {
	rl := startRealm(t, nil, nil)
	for _, preflight := range []bool{false, true} {
		name := "without preflight"
		if preflight {
			name = "with preflight"
		}
		t.Run(name, func(t *testing.T) {
			cfg := rl.config()
			cfg.Env = envs.Local("local-production", envs.TierProduction, rl.server.ProductionIssuer())
			cfg.Preflight = preflight

			res, err := Refresh(t.Context(), cfg, "not-a-real-refresh-token")
			e := flowError(t, err)
			if e.Step != diagnose.StepRefresh {
				t.Errorf("failed step = %s, want refresh", e.Step)
			}
			if got := firstDiagnosis(e); got != diagnose.IDWrongEnvironment {
				t.Errorf("refresh diagnosis = %q, want %s", got, diagnose.IDWrongEnvironment)
			}
			if len(e.Diagnoses) < 2 || e.Diagnoses[1].ID != diagnose.IDInvalidClientCredentials {
				t.Errorf("diagnoses = %v, want invalid-client-credentials second", diagnoseIDs(e.Diagnoses))
			}

			ranPreflight := len(res.Steps) > 0 && res.Steps[0].Name == diagnose.StepPreflight
			if ranPreflight != preflight {
				t.Errorf("preflight step ran = %v, want %v", ranPreflight, preflight)
			}
			if !preflight {
				return
			}
			if len(res.Diagnoses) == 0 || res.Diagnoses[0].Step != diagnose.StepPreflight ||
				res.Diagnoses[0].ID != diagnose.IDWrongEnvironment {
				t.Errorf("result diagnoses = %v, want wrong-environment from the preflight first", diagnoseIDs(res.Diagnoses))
			}
			for _, d := range res.Diagnoses {
				if d.Step == diagnose.StepPreflight && d.ID == diagnose.IDRedirectURIMismatch {
					t.Errorf("refresh preflight checked the redirect URI: %v", d.Evidence)
				}
			}
		})
	}
}

func diagnoseIDs(ds []diagnose.Diagnosis) []string {
	var ids []string
	for _, d := range ds {
		ids = append(ids, string(d.Step)+"/"+d.ID)
	}
	return ids
}
