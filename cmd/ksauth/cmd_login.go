package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/kseries-tools/ksauth/flow"
	"github.com/spf13/cobra"
)

// loginFlags are the flags of "ksauth login".
type loginFlags struct {
	realm        realmFlags
	out          outputFlags
	evidence     evidenceFlags
	request      requestFlags
	username     string
	passwordFile string
	noBrowser    bool
	browserCmd   string
	paste        bool
	noProbe      bool
	refresh      bool
	timeout      time.Duration
	callbackAddr string
	tlsCert      string
	tlsKey       string
}

func newLoginCmd(io stdio, getenv func(string) string) *cobra.Command {
	var f loginFlags
	c := &cobra.Command{
		Use:   "login --client-id ID --redirect-uri URI --scope \"openid ...\"",
		Short: "Sign in for real and show every step, or diagnose the step that failed",
		Long: `login runs the authorization_code + PKCE flow against a realm: it checks the
values offline, reads the realm's metadata, probes the authorization request,
opens the browser (or fills in the login form with --username), catches the
code on the redirect URI and exchanges it at once.

The client secret comes from --client-secret-file, $KSAUTH_CLIENT_SECRET or a
prompt; a password for --username from --password-file, $KSAUTH_PASSWORD or a
prompt. Neither is ever printed.`,
		Example: `  ksauth login --client-id devp-v2-demo-acme --redirect-uri http://127.0.0.1:8765/callback --scope "openid financial-api"
  ksauth login --env local --client-id <trial client ID printed by "ksauth emulator"> --redirect-uri http://127.0.0.1:0/callback --username demo`,
		Args: noArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			return runLogin(c.Context(), f, io, getenv)
		},
	}
	f.realm.register(c)
	f.out.register(c, true)
	f.evidence.register(c)
	fl := c.Flags()
	f.request.register(c, "redirect URI registered for the client; http(s)://127.0.0.1 or localhost URIs are served by ksauth (port 0 picks a free port)", "openid")
	fl.StringVar(&f.username, "username", "", "sign in headlessly as this user by filling in the realm's login form, without a browser")
	fl.StringVar(&f.passwordFile, "password-file", "", "file holding the password for --username, - for stdin (default: $KSAUTH_PASSWORD, else a prompt)")
	fl.BoolVar(&f.noBrowser, "no-browser", false, "do not open a browser; print the URL to open")
	fl.StringVar(&f.browserCmd, "browser-command", "", `command that opens the URL, such as "firefox --private-window" (the URL is appended, or replaces %s)`)
	fl.BoolVar(&f.paste, "paste", false, "do not serve the redirect URI; read the URL the browser was redirected to from stdin and exchange its code at once")
	fl.BoolVar(&f.noProbe, "no-probe", false, "skip sending the authorization request without a browser before the login")
	fl.BoolVar(&f.refresh, "refresh-check", false, "use the refresh token once after the login and check that it rotated")
	fl.DurationVar(&f.timeout, "timeout", flow.DefaultCallbackTimeout, "how long to wait for the redirect to the callback")
	fl.StringVar(&f.callbackAddr, "callback-addr", "", "HOST:PORT the callback server listens on when it differs from the redirect URI's (behind a port forward)")
	fl.StringVar(&f.tlsCert, "tls-cert", "", "PEM certificate for an https callback (default: a localhost certificate ksauth generates once)")
	fl.StringVar(&f.tlsKey, "tls-key", "", "PEM private key for --tls-cert")
	return c
}

func runLogin(ctx context.Context, f loginFlags, io stdio, getenv func(string) string) error {
	if err := f.realm.requireClientID(); err != nil {
		return err
	}
	if f.request.redirectURI == "" {
		return usagef("missing --redirect-uri: give the redirect URI registered for the client")
	}
	if f.timeout <= 0 {
		return usagef("invalid --timeout %s: give a positive duration, such as 5m", f.timeout)
	}
	if f.noBrowser && f.browserCmd != "" {
		return usagef("--no-browser and --browser-command cannot be combined: choose one")
	}
	if f.username != "" && f.paste {
		return usagef("--username and --paste cannot be combined: --username signs in without a browser")
	}

	env, err := f.realm.resolveEnv()
	if err != nil {
		return err
	}
	secret, err := f.realm.clientSecret(io, getenv)
	if err != nil {
		return err
	}
	st := newStyle(io.Out, getenv)
	cfg := flow.Config{
		Env:                   env,
		ClientID:              f.realm.clientID,
		ClientSecret:          secret,
		RedirectURI:           f.request.redirectURI,
		RegisteredRedirectURI: f.request.registered,
		Scopes:                splitScopes(f.request.scope),
		Preflight:             true,
		Probe:                 !f.noProbe,
		RefreshCheck:          f.refresh,
		ShowTokens:            f.out.showTokens,
		CallbackTimeout:       f.timeout,
		CallbackAddr:          f.callbackAddr,
		BrowserCommand:        f.browserCmd,
		NoBrowser:             f.noBrowser,
		Narration:             io.Err,
		// The live waiting line rewrites itself, so only a terminal gets it.
		NarrationIsTerminal: isTerminal(io.Err),
	}
	if err := f.configureLogin(&cfg, io, getenv); err != nil {
		return err
	}
	if err := f.configureTLS(&cfg); err != nil {
		return err
	}
	rec, err := f.evidence.attach(&cfg, io)
	if err != nil {
		return err
	}

	fmt.Fprintf(io.Err, "Signing in to %s as client %s\n", describeEnv(env), cfg.ClientID)
	res, runErr := flow.Run(ctx, cfg)
	if err := rec.close(io); err != nil {
		return err
	}
	return flowOutcome{command: "login", result: res, err: runErr}.finish(io, st, f.out.json)
}

// configureLogin selects the login mode: headless with --username, paste
// with --paste, else the browser.
func (f loginFlags) configureLogin(cfg *flow.Config, io stdio, getenv func(string) string) error {
	switch {
	case f.username != "":
		password, err := readSecret(secretSource{name: "password", envVar: "KSAUTH_PASSWORD", file: f.passwordFile}, io, getenv)
		if err != nil {
			return err
		}
		if password == "" {
			return usagef("missing password for --username %s: use --password-file, $KSAUTH_PASSWORD or a terminal prompt", f.username)
		}
		cfg.Login = flow.LoginHeadless
		cfg.Username = f.username
		cfg.Password = password
	case f.paste:
		cfg.Login = flow.LoginPaste
		cfg.ReadRedirect = pasteReader(io)
	}
	return nil
}

// configureTLS sets the callback server's certificate files for an https
// redirect URI. Without them the flow uses its generated localhost
// certificate.
func (f loginFlags) configureTLS(cfg *flow.Config) error {
	if (f.tlsCert == "") != (f.tlsKey == "") {
		return usagef("--tls-cert and --tls-key go together: give both PEM files")
	}
	cfg.CallbackCertFile, cfg.CallbackKeyFile = f.tlsCert, f.tlsKey
	return nil
}

// pasteReader returns a ReadRedirect that reads the first non-empty line
// of stdin.
func pasteReader(streams stdio) func(context.Context) (string, error) {
	return func(ctx context.Context) (string, error) {
		fmt.Fprintln(streams.Err, "Paste the full URL the browser was redirected to, then press Enter:")
		lines := make(chan string, 1)
		errs := make(chan error, 1)
		go func() {
			sc := bufio.NewScanner(streams.In)
			sc.Buffer(make([]byte, 64<<10), 64<<10)
			for sc.Scan() {
				if line := strings.TrimSpace(sc.Text()); line != "" {
					lines <- line
					return
				}
			}
			if err := sc.Err(); err != nil {
				errs <- fmt.Errorf("could not read the redirect URL from stdin: %w", err)
				return
			}
			errs <- fmt.Errorf("stdin ended before a redirect URL was pasted: %w", io.EOF)
		}()
		select {
		case line := <-lines:
			return line, nil
		case err := <-errs:
			return "", err
		case <-ctx.Done():
			return "", ctx.Err()
		}
	}
}
