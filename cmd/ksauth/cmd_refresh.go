package main

import (
	"context"
	"fmt"

	"github.com/kseries-tools/ksauth/flow"
	"github.com/spf13/cobra"
)

// refreshFlags are the flags of "ksauth refresh".
type refreshFlags struct {
	realm     realmFlags
	out       outputFlags
	evidence  evidenceFlags
	tokenFile string
	replay    bool
}

func newRefreshCmd(io stdio, getenv func(string) string) *cobra.Command {
	var f refreshFlags
	c := &cobra.Command{
		Use:   "refresh --client-id ID [--refresh-token-file FILE]",
		Short: "Use a refresh token once and check that it rotated",
		Long: `refresh sends the refresh_token grant once with the client's credentials and
shows the new tokens, or diagnoses why the realm rejected the refresh token
(reused after rotation, expired, revoked, issued to another client).

The refresh token comes from --refresh-token-file, $KSAUTH_REFRESH_TOKEN or
stdin; it is never taken from the command line. A sign-in with the
offline_access scope gets a long-lived (offline) refresh token; without it
the refresh token ends with the session.`,
		Example: `  ksauth refresh --client-id devp-v2-demo-acme --refresh-token-file token.txt
  pass show acme/refresh | ksauth refresh --client-id devp-v2-demo-acme --refresh-token-file -`,
		Args: noArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			return runRefresh(c.Context(), f, io, getenv)
		},
	}
	f.realm.register(c)
	f.out.register(c, true)
	f.evidence.register(c)
	c.Flags().StringVar(&f.tokenFile, "refresh-token-file", "", "file holding the refresh token, - for stdin (default: $KSAUTH_REFRESH_TOKEN, else stdin)")
	c.Flags().BoolVar(&f.replay, "replay-check", false, "after the refresh, send the old refresh token again and report whether the realm rejected it (this can end the session)")
	return c
}

func runRefresh(ctx context.Context, f refreshFlags, io stdio, getenv func(string) string) error {
	if err := f.realm.requireClientID(); err != nil {
		return err
	}
	env, err := f.realm.resolveEnv()
	if err != nil {
		return err
	}
	secret, err := f.realm.clientSecret(io, getenv)
	if err != nil {
		return err
	}

	src := secretSource{name: "refresh token", envVar: "KSAUTH_REFRESH_TOKEN", file: f.tokenFile}
	if src.file == "" && getenv(src.envVar) == "" && !isTerminal(io.In) {
		src.file = "-"
	}
	token, err := readSecret(src, io, getenv)
	if err != nil {
		return err
	}
	if token == "" {
		return usagef("missing refresh token: use --refresh-token-file, $KSAUTH_REFRESH_TOKEN or stdin")
	}

	cfg := flow.Config{
		Env: env, ClientID: f.realm.clientID, ClientSecret: secret,
		Preflight: true, RefreshReplayCheck: f.replay, ShowTokens: f.out.showTokens, Narration: io.Err,
	}
	rec, err := f.evidence.attach(&cfg, io)
	if err != nil {
		return err
	}
	fmt.Fprintf(io.Err, "Refreshing at %s as client %s\n", describeEnv(env), cfg.ClientID)
	res, runErr := flow.Refresh(ctx, cfg, token)
	if err := rec.close(io); err != nil {
		return err
	}
	return flowOutcome{command: "refresh", result: res, err: runErr}.finish(io, newStyle(io.Out, getenv), f.out.json)
}
