package diagnose

import (
	"testing"

	"github.com/kseries-tools/ksauth/envs"
)

func TestInvalidClientNamesWrongEnvironment(t *testing.T) {
	for _, grant := range []string{grantCode, "refresh_token"} {
		ev := tokenEv(401, "invalid_client", "Invalid client or Invalid client credentials", grant)
		ev.Context.ClientID, ev.Context.Issuer = trialClient, envs.ProductionIssuer
		ds := Match(ev)
		if ds[0].ID != IDWrongEnvironment {
			t.Errorf("%s: first diagnosis = %q, want %s", grant, ds[0].ID, IDWrongEnvironment)
		}
		if len(ds) < 2 || ds[1].ID != IDInvalidClientCredentials {
			t.Errorf("%s: diagnoses = %v, want invalid-client-credentials second", grant, ds)
		}
	}
}

func TestInvalidClientSameEnvironment(t *testing.T) {
	ev := tokenEv(401, "invalid_client", "Invalid client or Invalid client credentials", grantCode)
	ev.Context.ClientID, ev.Context.Issuer = trialClient, envs.TrialIssuer
	if ds := Match(ev); ds[0].ID != IDInvalidClientCredentials {
		t.Errorf("first diagnosis = %q, want %s", ds[0].ID, IDInvalidClientCredentials)
	}
}
