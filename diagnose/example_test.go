package diagnose_test

import (
	"fmt"

	"github.com/kseries-tools/ksauth/diagnose"
	"github.com/kseries-tools/ksauth/envs"
)

func ExampleReadPasted() {
	pasted := `We are sorry... Client not found.
https://auth.lsk-prod.app/realms/k-series/protocol/openid-connect/auth?response_type=code&client_id=devp-v2-demo-abc&scope=financial-api&redirect_uri=https%3A%2F%2Flocalhost%2F`
	rep, err := diagnose.ReadPasted([]byte(pasted), diagnose.Context{})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, p := range rep.Parts {
		fmt.Println(p.Kind, p.Diagnoses[0].ID)
	}
	// Output:
	// page-text wrong-environment
	// authorization-url wrong-environment
}

func ExamplePreflight() {
	env, _ := envs.Lookup("trial")
	ds := diagnose.Preflight(env, diagnose.PreflightInput{
		ClientID:              "devp-v2-demo-abc",
		Scope:                 "financial_api items",
		RedirectURI:           "https://localhost",
		RegisteredRedirectURI: "https://localhost/",
	})
	for _, d := range ds {
		fmt.Println(d.ID, d.Evidence[len(d.Evidence)-1])
	}
	// Output:
	// invalid-scope "financial_api" is not a K-Series scope; did you mean "financial-api"?
	// redirect-uri-mismatch "https://localhost" differs from "https://localhost/" at character 18: the trailing slash is missing
}
