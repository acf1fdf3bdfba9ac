package demo

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"

	"golang.org/x/oauth2"

	"github.com/kseries-tools/ksauth/diagnose"
	"github.com/kseries-tools/ksauth/envs"
	"github.com/kseries-tools/ksauth/flow"
)

// callbackScenarios are mistakes the flow's callback catches: the browser
// brings back a response that does not belong to the request the flow
// sent. The demo's browser plays the person at the browser.
func callbackScenarios() []Scenario {
	return []Scenario{
		{
			ID:       diagnose.IDStateMismatch,
			Summary:  "the callback carries the state of another sign-in",
			Mistake:  "the browser finishes a sign-in started in an earlier tab, whose state the app no longer expects",
			Step:     diagnose.StepCallback,
			Expected: diagnose.IDStateMismatch,
			run: func(ctx context.Context, l *lab, o *Outcome) error {
				cfg := l.flowConfig(l.trial, l.seed.client)
				return l.runWithBrowser(ctx, o, cfg, func(ctx context.Context, authURL string) (*url.URL, error) {
					earlier, err := withParams(authURL, url.Values{"state": {oauth2.GenerateVerifier()}})
					if err != nil {
						return nil, err
					}
					u := l.seed.user
					return l.newBrowser().signIn(ctx, earlier, u.Username, u.Password, consentAccept)
				})
			},
		},
		{
			ID:       diagnose.IDIssuerMismatch,
			Summary:  "the callback comes from the other realm",
			Mistake:  "the app expects trial, but the browser signed in at the production realm with the same redirect URI (RFC 9207 mix-up)",
			Step:     diagnose.StepCallback,
			Expected: diagnose.IDIssuerMismatch,
			run: func(ctx context.Context, l *lab, o *Outcome) error {
				cfg := l.flowConfig(l.trial, l.seed.client)
				return l.runWithBrowser(ctx, o, cfg, func(ctx context.Context, authURL string) (*url.URL, error) {
					prod, err := url.Parse(l.production.Endpoints().Authorization)
					if err != nil {
						return nil, err
					}
					other, err := withParams(authURL, url.Values{"client_id": {l.seed.productionClient.ClientID}})
					if err != nil {
						return nil, err
					}
					u, _ := url.Parse(other)
					u.Scheme, u.Host, u.Path = prod.Scheme, prod.Host, prod.Path
					pu := l.seed.productionUser
					return l.newBrowser().signIn(ctx, u.String(), pu.Username, pu.Password, consentAccept)
				})
			},
		},
		{
			ID:       diagnose.IDAccessDenied,
			Summary:  "the user declines the consent page",
			Mistake:  "the user presses No on the consent page of a client that requires consent",
			Step:     diagnose.StepCallback,
			Expected: diagnose.IDAccessDenied,
			run: func(ctx context.Context, l *lab, o *Outcome) error {
				cfg := l.flowConfig(l.trial, l.seed.consentClient)
				return l.runWithBrowser(ctx, o, cfg, func(ctx context.Context, authURL string) (*url.URL, error) {
					u := l.seed.user
					return l.newBrowser().signIn(ctx, authURL, u.Username, u.Password, consentCancel)
				})
			},
		},
	}
}

// browserAction signs in for the flow's authorization URL and returns the
// redirect to deliver to the callback.
type browserAction func(ctx context.Context, authURL string) (*url.URL, error)

// runWithBrowser runs the flow in browser mode with act in place of the
// system browser: act signs in, and the redirect it returns is delivered
// to the flow's callback server with a real GET. A failure of act stops
// the flow and is returned, since the scenario could not be staged.
func (l *lab) runWithBrowser(ctx context.Context, o *Outcome, cfg flow.Config, act browserAction) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	type delivery struct {
		loc *url.URL
		err error
	}
	var once sync.Once
	done := make(chan delivery, 1)
	cfg.Login = flow.LoginBrowser
	cfg.OpenBrowser = func(authURL string) error {
		var d delivery
		once.Do(func() {
			authURL, d.err = l.resolveStart(ctx, authURL)
			if d.err == nil {
				d.loc, d.err = act(ctx, authURL)
			}
			if d.err == nil {
				d.err = deliver(ctx, d.loc)
			}
			done <- d
			if d.err != nil {
				cancel()
			}
		})
		return d.err
	}
	res, err := flow.Run(ctx, cfg)
	if res != nil && res.AuthURL != "" {
		d := <-done
		if d.err != nil {
			return d.err
		}
		l.flowFailure(o, res, err)
		// The request is the redirect itself, so its parameters are not
		// repeated in the response.
		o.Request = callbackRequest(d.loc.String())
		o.Response.Redirect = ""
		return nil
	}
	l.flowFailure(o, res, err)
	return nil
}

// resolveStart returns the authorization request the flow opened. The
// flow may open a short URL on its callback server that redirects to the
// request, so the browser follows that redirect once.
func (l *lab) resolveStart(ctx context.Context, opened string) (string, error) {
	u, err := url.Parse(opened)
	if err != nil {
		return "", fmt.Errorf("invalid URL opened by the flow: %w", err)
	}
	for _, env := range []envs.Env{l.trial, l.production} {
		if strings.EqualFold(u.Host, env.Host()) {
			return opened, nil
		}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, opened, nil)
	if err != nil {
		return "", err
	}
	client := &http.Client{Transport: newTransport(), Timeout: httpTimeout,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	defer client.CloseIdleConnections()
	resp, err := client.Do(req)
	if err != nil {
		return "", fmt.Errorf("browser could not open %s: %w", u.Redacted(), err)
	}
	resp.Body.Close()
	loc, err := resp.Location()
	if err != nil {
		return "", fmt.Errorf("%s responded with HTTP %d instead of a redirect to the authorization request", u.Redacted(), resp.StatusCode)
	}
	return loc.String(), nil
}

// withParams returns rawURL with the given query parameters replaced.
func withParams(rawURL string, params url.Values) (string, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return "", fmt.Errorf("invalid authorization URL: %w", err)
	}
	q := u.Query()
	for k, v := range params {
		q[k] = v
	}
	u.RawQuery = q.Encode()
	return u.String(), nil
}
