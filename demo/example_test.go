package demo_test

import (
	"context"
	"fmt"

	"github.com/kseries-tools/ksauth/demo"
)

func ExampleRunScenario() {
	o, err := demo.RunScenario(context.Background(), "invalid-scope", demo.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(o.Response.Error, o.Response.ErrorDescription)
	fmt.Println(o.Got, o.GotStep, o.Pass)
	// Output:
	// invalid_scope Invalid scopes: openid financial_api items-api
	// invalid-scope probe true
}

func ExampleScenarios() {
	for _, s := range demo.Scenarios()[:4] {
		fmt.Printf("%-27s %-9s %s\n", s.ID, s.Step, s.Expected)
	}
	// Output:
	// wrong-environment           probe     wrong-environment
	// redirect-uri-mismatch       probe     redirect-uri-mismatch
	// redirect-uri-mismatch-http  probe     redirect-uri-mismatch
	// invalid-scope               probe     invalid-scope
}
