package examples_test

import (
	"bytes"
	"context"
	"fmt"
	"log"

	"github.com/kseries-tools/ksauth/diagnose/har"
	"github.com/kseries-tools/ksauth/envs"
	"github.com/kseries-tools/ksauth/envs/emulator"
	"github.com/kseries-tools/ksauth/flow"
)

// Example signs in against the embedded realm headlessly, records every
// exchange of the flow in a redacted HAR file, and reads the file back as
// a support engineer would read one from a customer. Against a real realm,
// set Env from envs.Lookup("trial") and use the client's own values.
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

	// The Recorder redacts secrets, codes and tokens as each exchange is
	// added, so the file is safe to share.
	recorder := har.NewRecorder("example", "1.0")
	_, err = flow.Run(context.Background(), flow.Config{
		Env:          envs.Local("local", envs.TierTrial, srv.TrialIssuer()),
		ClientID:     seed.TrialClient.ClientID,
		ClientSecret: seed.TrialClient.Secret,
		// Port 0: the callback server picks a free port, which the seeded
		// client's loopback registration accepts.
		RedirectURI: "http://127.0.0.1:0/callback",
		Login:       flow.LoginHeadless,
		Username:    seed.TrialUser.Username,
		Password:    seed.TrialUser.Password,
		OnExchange: func(ex flow.Exchange) {
			recorder.AddEntry(har.Entry{Start: ex.Start, Duration: ex.Duration, Timings: har.NoTimings(),
				Method: ex.Method, URL: ex.URL, RequestHeader: ex.RequestHeader, RequestBody: ex.RequestBody,
				Status: ex.Status, ResponseHeader: ex.ResponseHeader, ResponseBody: ex.ResponseBody,
				Step: ex.Step, Observed: ex.Observed, Note: ex.Note})
		},
	})
	if err != nil {
		log.Fatal(err)
	}

	var file bytes.Buffer
	if _, err := recorder.WriteTo(&file); err != nil {
		log.Fatal(err)
	}
	report, err := har.Diagnose(&file)
	if err != nil {
		log.Fatal(err)
	}
	age, _ := report.CodeAgeMS()
	fmt.Println("sign-in ok:", report.OK)
	fmt.Println("code exchanged within 15 s:", age < 15000)
	// Output:
	// sign-in ok: true
	// code exchanged within 15 s: true
}
