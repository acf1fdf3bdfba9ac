package demo

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"net/url"
	"time"

	"golang.org/x/oauth2"

	"github.com/kseries-tools/ksauth/diagnose"
	"github.com/kseries-tools/ksauth/envs/emulator"
	"github.com/kseries-tools/ksauth/flow"
)

// tokenScenarios are mistakes in the integrator's own token requests. The
// flow would send these requests correctly, so the demo obtains a real
// code through the browser and sends the broken request itself.
func tokenScenarios() []Scenario {
	return []Scenario{
		{
			ID:       diagnose.IDInvalidCodeGrant,
			Summary:  "the same code is exchanged twice",
			Mistake:  "the app retries the token request with the code it already redeemed",
			Step:     diagnose.StepToken,
			Expected: diagnose.IDInvalidCodeGrant,
			run:      runCodeReused,
		},
		{
			ID:          diagnose.IDInvalidCodeGrant + "-expired",
			Summary:     "the code is exchanged after its lifespan",
			Mistake:     "the app waits longer than the code's 15-second lifespan before the token request",
			Step:        diagnose.StepToken,
			Expected:    diagnose.IDInvalidCodeGrant,
			manualClock: true,
			run:         runCodeExpired,
		},
		{
			ID:       diagnose.IDInvalidClientCredentials,
			Summary:  "the Basic header encodes a trailing newline",
			Mistake:  `the app's Basic value was made with echo "client_id:client_secret" | base64, without -n`,
			Step:     diagnose.StepToken,
			Expected: diagnose.IDInvalidClientCredentials,
			run:      runBasicNewline,
		},
		{
			ID:       diagnose.IDInvalidClientCredentials + "-no-header",
			Summary:  "the token request has no client credentials",
			Mistake:  "the app sends client_id in the body and no Authorization header",
			Step:     diagnose.StepToken,
			Expected: diagnose.IDInvalidClientCredentials,
			run:      runNoAuthorization,
		},
		{
			ID:       diagnose.IDTokenRedirectURIMismatch,
			Summary:  "the token request's redirect_uri differs from the authorization request's",
			Mistake:  "the app authorizes with http://127.0.0.1:8765/callback and exchanges with http://localhost:8765/callback",
			Step:     diagnose.StepToken,
			Expected: diagnose.IDTokenRedirectURIMismatch,
			run:      runTokenRedirectMismatch,
		},
		{
			ID:       diagnose.IDInvalidRefreshToken,
			Summary:  "a refresh token is used again after rotation",
			Mistake:  "the app keeps the first refresh token and sends it again after a refresh returned a new one",
			Step:     diagnose.StepRefresh,
			Expected: diagnose.IDInvalidRefreshToken,
			run:      runRefreshReused,
		},
		{
			ID:       diagnose.IDUnauthorizedClient,
			Summary:  "the password grant is used by a client without direct access grants",
			Mistake:  "the app posts grant_type=password with the user's credentials for a client that has a service account but no direct access grants",
			Step:     diagnose.StepToken,
			Expected: diagnose.IDUnauthorizedClient,
			run: func(ctx context.Context, l *lab, o *Outcome) error {
				u := l.seed.user
				form := url.Values{"grant_type": {"password"}, "username": {u.Username}, "password": {u.Password},
					"scope": {"openid"}}
				l.grantRequest(ctx, o, l.seed.serviceAccountClient, form, diagnose.Context{Username: u.Username, Scope: "openid"})
				return nil
			},
		},
		{
			ID:       diagnose.IDUnauthorizedClient + "-service-account",
			Summary:  "the client_credentials grant is used by a client without a service account",
			Mistake:  "the app posts grant_type=client_credentials for a client that has direct access grants but no service account",
			Step:     diagnose.StepToken,
			Expected: diagnose.IDUnauthorizedClient,
			run: func(ctx context.Context, l *lab, o *Outcome) error {
				l.grantRequest(ctx, o, l.seed.directGrantClient, url.Values{"grant_type": {"client_credentials"}}, diagnose.Context{})
				return nil
			},
		},
		{
			ID:       diagnose.IDPKCEFailed,
			Summary:  "the code_verifier does not match the code_challenge",
			Mistake:  "the app lost the verifier it made for the authorization request and sends a newly generated one",
			Step:     diagnose.StepToken,
			Expected: diagnose.IDPKCEFailed,
			run: func(ctx context.Context, l *lab, o *Outcome) error {
				g, err := l.authorizeCode(ctx, l.seed.pkceClient, appRedirectURI)
				if err != nil {
					return err
				}
				form := g.codeForm()
				form.Set("code_verifier", oauth2.GenerateVerifier())
				l.exchangeCode(ctx, o, g, form, basicAuth(g.client.ClientID, g.client.Secret), g.context())
				return nil
			},
		},
	}
}

// exchangeCode sends a hand-built token request for g and records its
// failure, after the browser sign-in that obtained the code.
func (l *lab) exchangeCode(ctx context.Context, o *Outcome, g codeGrant, form url.Values, authorization string, rc diagnose.Context) {
	if rc.CodeAge == 0 {
		rc.CodeAge = g.age(l)
	}
	ev := l.send(ctx, tokenRequest{env: g.env, step: diagnose.StepToken, form: form, authorization: authorization, context: rc})
	l.manualFailure(o, ev,
		stepRecord(diagnose.StepAuthorize, false, g.duration, "signed in as "+l.seed.user.Username+" with the demo's scripted browser"),
		l.tokenStep(diagnose.StepToken, ev))
}

// tokenStep returns the timeline entry of the demo's last request at step.
func (l *lab) tokenStep(step diagnose.Step, ev diagnose.Evidence) flow.StepRecord {
	var d time.Duration
	if ex, ok := l.lastExchange(step); ok {
		d = ex.Duration
	}
	failed := ev.Err != nil || ev.Status >= 300 || ev.Error != ""
	return stepRecord(step, failed, d, ev.Detail)
}

// grantRequest sends a token request of another grant type for client,
// authenticated correctly with Basic, and records its failure.
func (l *lab) grantRequest(ctx context.Context, o *Outcome, c emulator.ClientConfig, form url.Values, rc diagnose.Context) {
	rc.ClientID, rc.GrantType, rc.ClientAuth, rc.BasicUser = c.ClientID, form.Get("grant_type"), "basic", c.ClientID
	ev := l.send(ctx, tokenRequest{env: l.trial, step: diagnose.StepToken, form: form,
		authorization: basicAuth(c.ClientID, c.Secret), context: rc})
	l.manualFailure(o, ev, l.tokenStep(diagnose.StepToken, ev))
}

// runCodeReused signs in with the flow, which redeems the code, then sends
// the flow's own token request again: same code, verifier, redirect_uri
// and credentials.
func runCodeReused(ctx context.Context, l *lab, o *Outcome) error {
	cfg := l.flowConfig(l.trial, l.seed.client)
	cfg.Login = flow.LoginHeadless
	cfg.Username, cfg.Password = l.seed.user.Username, l.seed.user.Password
	res, err := flow.Run(ctx, cfg)
	if err != nil {
		return fmt.Errorf("the first exchange failed: %w", err)
	}
	first, ok := l.lastExchange(diagnose.StepToken)
	if !ok {
		return errors.New("the flow's token request was not recorded")
	}
	form, err := url.ParseQuery(string(first.RequestBody))
	if err != nil {
		return fmt.Errorf("could not read the flow's token request: %w", err)
	}
	rc := diagnose.Context{ClientID: res.ClientID, RedirectURI: res.RedirectURI, Scope: "openid",
		GrantType: "authorization_code", ClientAuth: "basic", BasicUser: res.ClientID, PKCE: true,
		CodeReused: true, CodeAge: res.CodeAge + time.Since(first.Start)}
	ev := l.send(ctx, tokenRequest{env: l.trial, step: diagnose.StepToken, form: form,
		authorization: first.RequestHeader.Get("Authorization"), context: rc})
	o.Steps = res.Steps
	l.manualFailure(o, ev, l.tokenStep(diagnose.StepToken, ev))
	return nil
}

// runCodeExpired obtains a code, moves the emulator's clock past the
// code's lifespan, and redeems it. No real time passes.
func runCodeExpired(ctx context.Context, l *lab, o *Outcome) error {
	g, err := l.authorizeCode(ctx, l.seed.client, appRedirectURI)
	if err != nil {
		return err
	}
	l.clock.Advance(l.seed.codeLifespan + time.Second)
	l.exchangeCode(ctx, o, g, g.codeForm(), basicAuth(g.client.ClientID, g.client.Secret), g.context())
	return nil
}

// runBasicNewline redeems a code with the Basic value that
// `echo "id:secret" | base64` prints: the newline echo adds is encoded
// into the secret.
func runBasicNewline(ctx context.Context, l *lab, o *Outcome) error {
	g, err := l.authorizeCode(ctx, l.seed.client, appRedirectURI)
	if err != nil {
		return err
	}
	header := "Basic " + base64.StdEncoding.EncodeToString([]byte(g.client.ClientID+":"+g.client.Secret+"\n"))
	basic := diagnose.DecodeBasic(header)
	rc := g.context()
	rc.ClientAuth, rc.BasicUser, rc.BasicProblem = "basic", basic.ClientID, basic.Problem()
	l.exchangeCode(ctx, o, g, g.codeForm(), header, rc)
	return nil
}

// runNoAuthorization redeems a code with client_id in the body and no
// client secret anywhere.
func runNoAuthorization(ctx context.Context, l *lab, o *Outcome) error {
	g, err := l.authorizeCode(ctx, l.seed.client, appRedirectURI)
	if err != nil {
		return err
	}
	form := g.codeForm()
	form.Set("client_id", g.client.ClientID)
	rc := g.context()
	rc.ClientAuth = "none"
	l.exchangeCode(ctx, o, g, form, "", rc)
	return nil
}

// runTokenRedirectMismatch authorizes with one loopback redirect URI and
// redeems the code with another that is registered too.
func runTokenRedirectMismatch(ctx context.Context, l *lab, o *Outcome) error {
	g, err := l.authorizeCode(ctx, l.seed.client, appRedirectURI)
	if err != nil {
		return err
	}
	const other = "http://localhost:8765/callback"
	form := g.codeForm()
	form.Set("redirect_uri", other)
	rc := g.context()
	rc.ClientAuth, rc.BasicUser, rc.TokenRedirectURI = "basic", g.client.ClientID, other
	l.exchangeCode(ctx, o, g, form, basicAuth(g.client.ClientID, g.client.Secret), rc)
	return nil
}

// runRefreshReused signs in with the flow, refreshes once with
// flow.Refresh, which rotates the refresh token, then refreshes again with
// the first token.
func runRefreshReused(ctx context.Context, l *lab, o *Outcome) error {
	cfg := l.flowConfig(l.trial, l.seed.client)
	cfg.Login = flow.LoginHeadless
	cfg.Username, cfg.Password = l.seed.user.Username, l.seed.user.Password
	res, err := flow.Run(ctx, cfg)
	if err != nil {
		return fmt.Errorf("the sign-in failed: %w", err)
	}
	first := res.Token.RefreshToken
	refreshed, err := flow.Refresh(ctx, cfg, first)
	if err != nil {
		return fmt.Errorf("the first refresh failed: %w", err)
	}
	again, err := flow.Refresh(ctx, cfg, first)
	l.flowFailure(o, again, err)
	o.Steps = append(append(append([]flow.StepRecord{}, res.Steps...), refreshed.Steps...), o.Steps...)
	l.rematch(o, err, func(c *diagnose.Context) { c.RefreshReused = true })
	return nil
}
