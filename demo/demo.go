// Package demo runs the K-Series sign-in against the local emulator, in
// process and on loopback only: the whole flow as it should go (Run), and
// one scenario for each mistake integrators make (RunScenario, RunAll).
//
// Every scenario makes its mistake for real. The emulator responds over
// HTTP on 127.0.0.1 as Keycloak 26 would, and diagnose.Match explains the
// response. The demo only arranges the mistake and records what happened.
package demo

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/kseries-tools/ksauth/envs"
	"github.com/kseries-tools/ksauth/envs/emulator"
	"github.com/kseries-tools/ksauth/flow"
)

// Options configure the output of a demo run: narration, an exchange hook
// and token display. The zero value runs quietly with redacted tokens.
type Options struct {
	// Narration receives progress for people, such as each finished step.
	// Default io.Discard.
	Narration io.Writer
	// Trace receives the verbose trace: every HTTP exchange, redacted.
	// flow writes its own exchanges, and the demo writes those it sends
	// itself in the same layout. Default: no trace.
	Trace io.Writer
	// OnExchange receives every HTTP exchange raw, in order, for a
	// verbose trace or a HAR recorder: the flow's own and those the demo
	// sends itself, such as a scenario's hand-made token request. An
	// Exchange carries secrets: pass it through Exchange.Redacted or a
	// redacting recorder before showing or storing it.
	OnExchange func(flow.Exchange)
	// ShowTokens puts the raw tokens in the result instead of shortened
	// ones.
	ShowTokens bool

	// Browser makes Run sign in through a browser instead of filling in
	// the login form itself: the person at the browser types the seeded
	// demo user's credentials, which Run prints to Narration as the local
	// test values they are. Scenarios ignore it.
	Browser bool
	// OpenBrowser opens the sign-in URL in Browser mode. Default: flow's,
	// which is BrowserCommand, the Windows browser under WSL, or the
	// system browser.
	OpenBrowser func(url string) error
	// BrowserCommand is a command line that opens the browser in Browser
	// mode, such as "firefox --private-window".
	BrowserCommand string
	// NarrationIsTerminal shows flow's live waiting line on Narration in
	// Browser mode.
	NarrationIsTerminal bool
}

// RedirectURI is the redirect URI the demo's flows send. Port 0 makes the
// callback server pick a free port, and the seeded clients' loopback
// registration matches any port (RFC 8252 §7.3).
const RedirectURI = "http://127.0.0.1:0/callback"

// DefaultScopes are the scopes the default demo requests.
var DefaultScopes = []string{"openid", "profile", "email", "orders-api", "items"}

// callbackTimeout bounds the wait for a callback that the demo's own
// headless browser delivers. It is a safety net against a stuck run, far
// above the few milliseconds a delivery takes.
const callbackTimeout = 2 * time.Minute

// Run runs the default demo. It starts the emulator on 127.0.0.1 with its
// seeded realms and signs in to the trial realm with the seeded demo
// client and user. The steps are discovery, probe, a headless login that
// fills in the login form, the callback, the code exchange, token
// verification, and a refresh that checks that the old refresh token is
// rejected. Run stops the emulator before it returns the flow's result. A
// failure returns the partial result with a *flow.Error.
func Run(ctx context.Context, opts Options) (*flow.Result, error) {
	l, err := startLab(opts, nil)
	if err != nil {
		return nil, err
	}
	defer l.close()

	cfg := l.flowConfig(l.trial, l.seed.client)
	cfg.Scopes = DefaultScopes
	cfg.Login = flow.LoginHeadless
	cfg.Username, cfg.Password = l.seed.user.Username, l.seed.user.Password
	if opts.Browser {
		l.useBrowser(&cfg)
	}
	cfg.Preflight = true
	cfg.Probe = true
	cfg.RefreshCheck = true
	cfg.RefreshReplayCheck = true
	cfg.ShowTokens = opts.ShowTokens
	return flow.Run(ctx, cfg)
}

// flowConfig returns a flow configuration for env and client that sends
// through the lab's loopback-only HTTP client, reports exchanges to the
// lab, and never opens a system browser.
func (l *lab) flowConfig(env envs.Env, client emulator.ClientConfig) flow.Config {
	return flow.Config{
		Env:             env,
		ClientID:        client.ClientID,
		ClientSecret:    client.Secret,
		RedirectURI:     RedirectURI,
		Scopes:          []string{"openid"},
		HTTPClient:      l.flowClient,
		Narration:       l.opts.Narration,
		OnExchange:      l.record,
		Trace:           l.trace,
		CallbackTimeout: callbackTimeout,
		OpenBrowser: func(string) error {
			return fmt.Errorf("the demo opens no system browser")
		},
		ReadRedirect: func(context.Context) (string, error) {
			return "", fmt.Errorf("the demo reads no pasted redirect")
		},
	}
}

// useBrowser switches cfg to a sign-in in a browser, with flow's waiting
// time, and prints the local test credentials for the person to type.
func (l *lab) useBrowser(cfg *flow.Config) {
	cfg.Login = flow.LoginBrowser
	cfg.Username, cfg.Password = "", ""
	cfg.OpenBrowser = l.opts.OpenBrowser
	cfg.BrowserCommand = l.opts.BrowserCommand
	cfg.NarrationIsTerminal = l.opts.NarrationIsTerminal
	cfg.CallbackTimeout = flow.DefaultCallbackTimeout
	fmt.Fprintf(l.opts.Narration, "Sign in to the local trial realm as %q with password %q (local test values from the seeded emulator).\n",
		l.seed.user.Username, l.seed.user.Password)
}
