package demo

import (
	"context"
	"fmt"
	"net"
	"net/http"

	"github.com/kseries-tools/ksauth/diagnose"
	"github.com/kseries-tools/ksauth/envs"
	"github.com/kseries-tools/ksauth/envs/emulator"
	"github.com/kseries-tools/ksauth/flow"
)

// proxyPage is the page a corporate web proxy shows in place of the
// server it blocks, with status 200, as such proxies do.
const proxyPage = `<!DOCTYPE html>
<html><head><title>Access to this site is restricted</title></head>
<body><h1>Access to this site is restricted</h1>
<p>The web filter blocked a request to an uncategorised site. Sign in to the proxy or ask IT to allow the site.</p>
<hr><address>squid</address></body></html>
`

// transportScenarios are failures between ksauth and the realm: nothing
// listening, and responses from something other than Keycloak. The
// emulator's fault injection plays the proxy.
func transportScenarios() []Scenario {
	return []Scenario{
		{
			ID:       diagnose.IDEndpointUnreachable,
			Summary:  "nothing listens at the issuer",
			Mistake:  "the issuer names a local realm that is not running",
			Step:     diagnose.StepDiscovery,
			Expected: diagnose.IDEndpointUnreachable,
			run:      runUnreachable,
		},
		{
			ID:       diagnose.IDUnexpectedResponse,
			Summary:  "a proxy returns an HTML page for the token request",
			Mistake:  "the token request goes through a web proxy that returns its own page with status 200",
			Step:     diagnose.StepToken,
			Expected: diagnose.IDUnexpectedResponse,
			run: faultScenario(emulator.Fault{Status: http.StatusOK, ContentType: "text/html; charset=utf-8",
				Body: proxyPage, Header: http.Header{"Server": {"squid"}}}),
		},
		{
			ID:       diagnose.IDServerError,
			Summary:  "the token endpoint returns 503",
			Mistake:  "the load balancer in front of the realm has no healthy server and returns 503",
			Step:     diagnose.StepToken,
			Expected: diagnose.IDServerError,
			run:      faultScenario(emulator.ProxyErrorFault(http.StatusServiceUnavailable)),
		},
	}
}

// runUnreachable runs the flow against a loopback port that was just
// closed, so the connection is refused.
func runUnreachable(ctx context.Context, l *lab, o *Outcome) error {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return fmt.Errorf("could not find a free loopback port: %w", err)
	}
	addr := ln.Addr().String()
	if err := ln.Close(); err != nil {
		return fmt.Errorf("could not close the loopback port: %w", err)
	}
	env := envs.Local(envTrial, envs.TierTrial, "http://"+addr+"/realms/k-series")
	cfg := l.flowConfig(env, l.seed.client)
	cfg.Probe, cfg.Login = true, flow.LoginHeadless
	cfg.Username, cfg.Password = l.seed.user.Username, l.seed.user.Password
	res, err := flow.Run(ctx, cfg)
	l.flowFailure(o, res, err)
	return nil
}

// faultScenario sets f on the trial realm's token endpoint and runs the
// whole flow, which fails at the code exchange.
func faultScenario(f emulator.Fault) func(context.Context, *lab, *Outcome) error {
	return func(ctx context.Context, l *lab, o *Outcome) error {
		l.server.Realm(emulator.RealmTrial).SetFault(emulator.EndpointToken, f)
		cfg := l.flowConfig(l.trial, l.seed.client)
		cfg.Probe, cfg.Login = true, flow.LoginHeadless
		cfg.Username, cfg.Password = l.seed.user.Username, l.seed.user.Password
		res, err := flow.Run(ctx, cfg)
		l.flowFailure(o, res, err)
		return nil
	}
}
