package flow_test

import (
	"context"
	"fmt"

	"github.com/kseries-tools/ksauth/envs"
	"github.com/kseries-tools/ksauth/envs/emulator"
	"github.com/kseries-tools/ksauth/flow"
)

// ExampleRun signs in headlessly against the local emulator's trial realm
// and prints the timeline.
func ExampleRun() {
	srv, err := emulator.New(emulator.DefaultConfig())
	if err != nil {
		fmt.Println(err)
		return
	}
	if err := srv.Start("127.0.0.1:0", "127.0.0.1:0"); err != nil {
		fmt.Println(err)
		return
	}
	defer srv.Close()
	seed := emulator.DefaultSeed()

	res, err := flow.Run(context.Background(), flow.Config{
		Env:          envs.Local("local", envs.TierTrial, srv.TrialIssuer()),
		ClientID:     seed.TrialClient.ClientID,
		ClientSecret: seed.TrialClient.Secret,
		RedirectURI:  "http://127.0.0.1:0/callback",
		Scopes:       []string{"openid", "orders-api"},
		Login:        flow.LoginHeadless,
		Username:     seed.TrialUser.Username,
		Password:     seed.TrialUser.Password,
		Probe:        true,
		RefreshCheck: true,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, step := range res.Steps {
		fmt.Println(step.Name, step.Status)
	}
	fmt.Println("user:", res.IDClaims["preferred_username"])
	fmt.Println("refresh token rotated:", res.Refresh.Rotated)
	// Output:
	// discovery ok
	// probe ok
	// authorize ok
	// callback ok
	// token ok
	// verify ok
	// refresh ok
	// user: demo
	// refresh token rotated: true
}
