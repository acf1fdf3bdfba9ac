package examples_test

import (
	"context"
	"fmt"
	"log"

	"github.com/kseries-tools/ksauth/envs"
	"github.com/kseries-tools/ksauth/envs/emulator"
	"github.com/kseries-tools/ksauth/flow"
)

// Example runs the whole sign-in against the embedded realm, headlessly,
// and prints the timeline. Against a real realm, set Env to
// envs.Lookup("trial") and the client's own values instead.
func Example() {
	srv, err := emulator.New(emulator.DefaultConfig())
	if err != nil {
		log.Fatal(err)
	}
	if err := srv.Start("127.0.0.1:0", "127.0.0.1:0"); err != nil {
		log.Fatal(err)
	}
	defer srv.Close()

	seed := emulator.DefaultSeed()
	res, err := flow.Run(context.Background(), flow.Config{
		Env:          envs.Local("local", envs.TierTrial, srv.TrialIssuer()),
		ClientID:     seed.TrialClient.ClientID,
		ClientSecret: seed.TrialClient.Secret,
		// Port 0: the callback server picks a free port. The seeded client
		// registers the redirect URI without a port, which Keycloak's
		// loopback rule accepts with any port.
		RedirectURI: "http://127.0.0.1:0/callback",
		Scopes:      []string{"openid", "offline_access"},
		Login:       flow.LoginHeadless,
		Username:    seed.TrialUser.Username,
		Password:    seed.TrialUser.Password,
		Probe:       true,
	})
	if err != nil {
		log.Fatal(err)
	}
	for _, s := range res.Steps {
		fmt.Println(s.Name, s.Status)
	}
	fmt.Println("user:", res.IDClaims["preferred_username"])
	// Output:
	// discovery ok
	// probe ok
	// authorize ok
	// callback ok
	// token ok
	// verify ok
	// refresh skipped
	// user: demo
}
