package main

import (
	"context"
	"fmt"

	"github.com/kseries-tools/ksauth/diagnose"
	"github.com/kseries-tools/ksauth/flow"
	"github.com/spf13/cobra"
)

// checkFlags are the flags of "ksauth check".
type checkFlags struct {
	realm    realmFlags
	out      outputFlags
	evidence evidenceFlags
	request  requestFlags
	probe    bool
}

func newCheckCmd(io stdio, getenv func(string) string) *cobra.Command {
	var f checkFlags
	c := &cobra.Command{
		Use:   "check --client-id ID --redirect-uri URI --scope \"...\" [--probe]",
		Short: "Check a client's values offline, and with --probe against the realm",
		Long: `check compares the client ID, scopes, redirect URI and client secret with
the environment without contacting any server: a trial client on the
production host, a V1 client, misspelt scopes, a redirect URI that differs
from the registered one, a secret with stray whitespace.

With --probe it also reads the realm's metadata and sends the authorization
request without a browser, which catches an unknown client, a redirect URI
mismatch and an invalid scope before anybody signs in.`,
		Example: `  ksauth check --client-id devp-v2-demo-acme --redirect-uri https://localhost/ --scope "openid financial_api"
  ksauth check --client-id devp-v2-demo-acme --redirect-uri https://localhost --registered-redirect-uri https://localhost/`,
		Args: noArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			return runCheck(c.Context(), f, io, getenv)
		},
	}
	f.realm.register(c)
	f.out.register(c, false)
	f.evidence.register(c)
	fl := c.Flags()
	f.request.register(c, "redirect URI the application sends", "")
	fl.BoolVar(&f.probe, "probe", false, "also send the authorization request to the realm, without a browser, and diagnose its response")
	return c
}

func runCheck(ctx context.Context, f checkFlags, io stdio, getenv func(string) string) error {
	if err := f.realm.requireClientID(); err != nil {
		return err
	}
	if !f.probe && (f.evidence.har != "" || f.evidence.verbose) {
		return usagef("--har and --verbose record the probe's requests: add --probe, or drop them for the offline check")
	}
	if f.probe && f.request.redirectURI == "" {
		return usagef("--probe needs --redirect-uri: the realm checks it before anything else")
	}
	env, err := f.realm.resolveEnv()
	if err != nil {
		return err
	}
	secret := ""
	if f.realm.secretFile != "" || getenv("KSAUTH_CLIENT_SECRET") != "" {
		if secret, err = f.realm.clientSecret(io, getenv); err != nil {
			return err
		}
	}

	pre := diagnose.Preflight(env, diagnose.PreflightInput{
		ClientID: f.realm.clientID, ClientSecret: secret, RedirectURI: f.request.redirectURI,
		RegisteredRedirectURI: f.request.registered, Scope: f.request.scope,
	})

	res := &flow.Result{Env: env.Name, Issuer: env.Issuer, ClientID: f.realm.clientID, RedirectURI: f.request.redirectURI,
		Steps: []flow.StepRecord{preflightRecord(pre)}}
	var runErr error
	if f.probe {
		cfg := flow.Config{
			Env: env, ClientID: f.realm.clientID, RedirectURI: f.request.redirectURI,
			Scopes: splitScopes(f.request.scope), Narration: io.Err,
		}
		rec, err := f.evidence.attach(&cfg, io)
		if err != nil {
			return err
		}
		var probed *flow.Result
		probed, runErr = flow.Probe(ctx, cfg)
		if err := rec.close(io); err != nil {
			return err
		}
		if probed != nil {
			probed.Steps = append([]flow.StepRecord{preflightRecord(pre)}, probed.Steps...)
			res = probed
		}
	}

	res.Diagnoses = append(pre, res.Diagnoses...)
	out := flowOutcome{command: "check", result: res, err: runErr}
	if runErr == nil && hasProblem(pre) {
		out.err = reportedError{}
	}
	if runErr == nil && !f.out.json {
		printCheckSummary(io, newStyle(io.Out, getenv), pre, f.probe)
	}
	return out.finish(io, newStyle(io.Out, getenv), f.out.json)
}

// hasProblem reports whether a diagnosis is more than a warning.
func hasProblem(ds []diagnose.Diagnosis) bool {
	for _, d := range ds {
		if d.Severity != diagnose.SeverityWarning {
			return true
		}
	}
	return false
}

func printCheckSummary(io stdio, st style, pre []diagnose.Diagnosis, probed bool) {
	switch {
	case len(pre) == 0 && probed:
		fmt.Fprintln(io.Err, st.green("No problem found offline, and the realm accepted the authorization request."))
	case len(pre) == 0:
		fmt.Fprintln(io.Err, st.green("No problem found offline.")+" Add --probe to send the authorization request to the realm.")
	}
}

// preflightRecord is the timeline entry of the offline checks.
func preflightRecord(pre []diagnose.Diagnosis) flow.StepRecord {
	rec := flow.StepRecord{Name: diagnose.StepPreflight, Status: flow.StatusOK, Detail: "no findings"}
	if hasProblem(pre) {
		rec.Status, rec.Detail = flow.StatusFailed, countOf(len(pre), "finding")
	} else if len(pre) > 0 {
		rec.Detail = countOf(len(pre), "warning")
	}
	return rec
}

// countOf returns "1 finding" or "3 findings".
func countOf(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
