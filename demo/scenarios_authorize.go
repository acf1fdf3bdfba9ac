package demo

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/kseries-tools/ksauth/diagnose"
	"github.com/kseries-tools/ksauth/envs/emulator"
	"github.com/kseries-tools/ksauth/flow"
)

// registeredHTTPSRedirect is the https redirect URI the seeded clients
// registered, with a trailing slash.
var registeredHTTPSRedirect = emulator.DefaultSeed().HTTPSRedirectURI

// v1ClientID is a client ID in the V1 form: "devp-" without "v2".
const v1ClientID = "devp-8c41e7a2d9f05b36"

// authorizeScenarios are mistakes the realm catches before the login page:
// the probe step sends the authorization request and reads the error page
// or error redirect. invalid-user-credentials fails at the login itself.
func authorizeScenarios() []Scenario {
	return []Scenario{
		{
			ID:       diagnose.IDWrongEnvironment,
			Summary:  "a trial client signs in at the production realm",
			Mistake:  "the app sends its trial client ID (devp-v2-demo-…) to the production host",
			Step:     diagnose.StepProbe,
			Expected: diagnose.IDWrongEnvironment,
			run: func(ctx context.Context, l *lab, o *Outcome) error {
				cfg := l.flowConfig(l.production, l.seed.client)
				cfg.Probe, cfg.Login = true, flow.LoginPaste
				res, err := flow.Run(ctx, cfg)
				l.flowFailure(o, res, err)
				return nil
			},
		},
		{
			ID:      diagnose.IDRedirectURIMismatch,
			Summary: "the redirect URI lacks the registered trailing slash",
			Mistake: fmt.Sprintf("the client registered %s and the app sends %s",
				registeredHTTPSRedirect, strings.TrimSuffix(registeredHTTPSRedirect, "/")),
			Step:     diagnose.StepProbe,
			Expected: diagnose.IDRedirectURIMismatch,
			run:      redirectScenario(strings.TrimSuffix(registeredHTTPSRedirect, "/")),
		},
		{
			ID:      diagnose.IDRedirectURIMismatch + "-http",
			Summary: "the redirect URI uses http where https is registered",
			Mistake: fmt.Sprintf("the client registered %s and the app sends %s",
				registeredHTTPSRedirect, httpVariant(registeredHTTPSRedirect)),
			Step:     diagnose.StepProbe,
			Expected: diagnose.IDRedirectURIMismatch,
			run:      redirectScenario(httpVariant(registeredHTTPSRedirect)),
		},
		{
			ID:       diagnose.IDInvalidScope,
			Summary:  "the scope names are misspelt",
			Mistake:  "the app requests financial_api and items-api; the K-Series names are financial-api and items",
			Step:     diagnose.StepProbe,
			Expected: diagnose.IDInvalidScope,
			run: func(ctx context.Context, l *lab, o *Outcome) error {
				cfg := l.flowConfig(l.trial, l.seed.client)
				cfg.Scopes = []string{"openid", "financial_api", "items-api"}
				cfg.Probe, cfg.Login = true, flow.LoginPaste
				res, err := flow.Run(ctx, cfg)
				l.flowFailure(o, res, err)
				return nil
			},
		},
		{
			ID:       diagnose.IDInvalidUserCredentials,
			Summary:  "the production user's password is typed on the trial realm",
			Mistake:  "the user signs in to trial with the password of their production account",
			Step:     diagnose.StepAuthorize,
			Expected: diagnose.IDInvalidUserCredentials,
			run: func(ctx context.Context, l *lab, o *Outcome) error {
				cfg := l.flowConfig(l.trial, l.seed.client)
				cfg.Probe, cfg.Login = true, flow.LoginHeadless
				cfg.Username, cfg.Password = l.seed.productionUser.Username, l.seed.productionUser.Password
				res, err := flow.Run(ctx, cfg)
				l.flowFailure(o, res, err)
				return nil
			},
		},
		{
			ID:       diagnose.IDV1Client,
			Summary:  "a V1 client ID is used on the V2 realm",
			Mistake:  "the app still sends its V1 client ID (devp-… without v2), which the V2 realm does not know",
			Step:     diagnose.StepProbe,
			Expected: diagnose.IDV1Client,
			run: func(ctx context.Context, l *lab, o *Outcome) error {
				client := l.seed.client
				client.ClientID = v1ClientID
				cfg := l.flowConfig(l.trial, client)
				cfg.Probe, cfg.Login = true, flow.LoginPaste
				res, err := flow.Run(ctx, cfg)
				l.flowFailure(o, res, err)
				return nil
			},
		},
	}
}

// httpVariant returns an https URI with the http scheme.
func httpVariant(uri string) string {
	return "http://" + strings.TrimPrefix(uri, "https://")
}

// redirectScenario probes with redirectURI against the seeded client,
// which registered registeredHTTPSRedirect. The registered URI is known
// here, so it goes into the request context and diagnose compares the
// two.
func redirectScenario(redirectURI string) func(context.Context, *lab, *Outcome) error {
	return func(ctx context.Context, l *lab, o *Outcome) error {
		cfg := l.flowConfig(l.trial, l.seed.client)
		cfg.RedirectURI = redirectURI
		cfg.Probe, cfg.Login = true, flow.LoginPaste
		res, err := flow.Run(ctx, cfg)
		l.flowFailure(o, res, err)
		l.rematch(o, err, func(c *diagnose.Context) { c.RegisteredRedirectURI = registeredHTTPSRedirect })
		return nil
	}
}

// rematch runs diagnose.Match again with facts that the demo has and the
// flow lacks, such as the registered redirect URI or that a refresh token
// was used before. It changes nothing when err is not a *flow.Error.
func (l *lab) rematch(o *Outcome, err error, add func(*diagnose.Context)) {
	var fe *flow.Error
	if !errors.As(err, &fe) {
		return
	}
	ev := fe.Evidence
	add(&ev.Context)
	o.setEvidence(ev, diagnose.Match(ev))
}
