package envs

import "testing"

func TestExampleEnvFileLoads(t *testing.T) {
	e, err := Load("../examples/custom-env.json")
	if err != nil {
		t.Fatal(err)
	}
	if e.Name != "staging" || e.Tier != TierTrial {
		t.Errorf("got name %q tier %q, want staging trial", e.Name, e.Tier)
	}
}
