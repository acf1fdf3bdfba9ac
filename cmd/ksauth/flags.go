package main

import (
	"fmt"
	"strings"

	"github.com/kseries-tools/ksauth/envs"
	"github.com/spf13/cobra"
)

// realmFlags are the flags that name the realm and the client, shared by
// login, refresh and check.
type realmFlags struct {
	env        string
	issuer     string
	clientID   string
	secretFile string
	public     bool
}

func (f *realmFlags) register(c *cobra.Command) {
	c.Flags().StringVar(&f.env, "env", "", `environment: a name from "ksauth envs" or a JSON/TOML env file (default: chosen from the client ID's prefix)`)
	c.Flags().StringVar(&f.issuer, "issuer", "", "realm issuer URL, overriding the environment's (such as https://auth.lsk-demo.app/realms/k-series)")
	c.Flags().StringVar(&f.clientID, "client-id", "", "client ID, such as devp-v2-demo-...")
	c.Flags().StringVar(&f.secretFile, "client-secret-file", "", "file holding the client secret, - for stdin (default: $KSAUTH_CLIENT_SECRET, else a prompt on a terminal)")
	c.Flags().BoolVar(&f.public, "public-client", false, "the client has no secret (a public client); K-Series clients have one")
	_ = c.RegisterFlagCompletionFunc("env", completeEnvs)
}

// completeEnvs offers the built-in environment names, and files for an
// environment file.
func completeEnvs(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
	return envs.Names(), cobra.ShellCompDirectiveDefault
}

// resolveEnv returns the environment named by --env, or the one the
// client ID's prefix belongs to, with --issuer applied.
func (f *realmFlags) resolveEnv() (envs.Env, error) {
	var env envs.Env
	switch {
	case f.env != "":
		e, err := envs.Resolve(f.env)
		if err != nil {
			return env, usageError{err: err}
		}
		env = e
	case envs.ClassifyClientID(f.clientID) == envs.ClientV1:
		// A V1 client belongs to no V2 realm. Trial is checked, so the
		// preflight and the realm's response explain the mix-up.
		env, _ = envs.Lookup("trial")
	case f.clientID != "":
		e, ok := envs.ForClientID(f.clientID)
		if !ok {
			return env, usagef("cannot tell the environment from client ID %q: pass --env (%s) or an env file", f.clientID, strings.Join(envs.Names(), ", "))
		}
		env = e
	default:
		return env, usagef("missing --env or --client-id")
	}
	if f.issuer != "" {
		env.Issuer = strings.TrimSuffix(f.issuer, "/")
	}
	return env, nil
}

// requireClientID returns a usage error when --client-id is missing.
func (f *realmFlags) requireClientID() error {
	if strings.TrimSpace(f.clientID) == "" {
		return usagef("missing --client-id: give the client ID from the developer portal")
	}
	return nil
}

// clientSecret reads the client secret from --client-secret-file,
// KSAUTH_CLIENT_SECRET or a prompt. A public client has none.
func (f *realmFlags) clientSecret(io stdio, getenv func(string) string) (string, error) {
	if f.public {
		if f.secretFile != "" {
			return "", usagef("--public-client and --client-secret-file cannot be combined: a public client has no secret")
		}
		return "", nil
	}
	secret, err := readSecret(secretSource{name: "client secret", envVar: "KSAUTH_CLIENT_SECRET", file: f.secretFile}, io, getenv)
	if err == nil && secret == "" {
		return "", usagef("missing client secret for %s: set KSAUTH_CLIENT_SECRET, use --client-secret-file, "+
			"run on a terminal to be prompted, or pass --public-client for a client without one", f.clientID)
	}
	return secret, err
}

// requestFlags are the authorization request values that login and check
// share: the redirect URI, the registered one to compare it with, and the
// scopes.
type requestFlags struct {
	redirectURI string
	registered  string
	scope       string
}

// register adds the flags, with the redirect URI's help text and the
// scope default of the command.
func (f *requestFlags) register(c *cobra.Command, redirectHelp, scopeDefault string) {
	c.Flags().StringVar(&f.redirectURI, "redirect-uri", "", redirectHelp)
	c.Flags().StringVar(&f.registered, "registered-redirect-uri", "", "the redirect URI as registered, compared character by character with --redirect-uri")
	c.Flags().StringVar(&f.scope, "scope", scopeDefault, "scopes, separated by spaces")
}

// splitScopes splits a scope flag on whitespace. Commas stay inside the
// names, so that the preflight check can report them.
func splitScopes(raw string) []string {
	return strings.Fields(raw)
}

// outputFlags select the output form.
type outputFlags struct {
	json       bool
	showTokens bool
}

func (f *outputFlags) register(c *cobra.Command, tokens bool) {
	c.Flags().BoolVar(&f.json, "json", false, "print one JSON document on stdout")
	if tokens {
		c.Flags().BoolVar(&f.showTokens, "show-tokens", false, "print tokens in full instead of redacted")
	}
}

// noArgs rejects positional arguments with a usage error naming them.
func noArgs(c *cobra.Command, args []string) error {
	if len(args) > 0 {
		return usagef("%s takes no arguments, got %q", c.CommandPath(), args[0])
	}
	return nil
}

// describeEnv is a one-line description of an environment for narration.
func describeEnv(env envs.Env) string {
	return fmt.Sprintf("%s (%s)", env.Name, env.Issuer)
}
