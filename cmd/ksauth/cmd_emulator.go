package main

import (
	"context"
	"fmt"
	"log/slog"
	"strings"

	"github.com/kseries-tools/ksauth/envs"
	"github.com/kseries-tools/ksauth/envs/emulator"
	"github.com/spf13/cobra"
)

// emulatorFlags are the flags of "ksauth emulator".
type emulatorFlags struct {
	addr           string
	productionAddr string
	config         string
	json           bool
}

func newEmulatorCmd(io stdio) *cobra.Command {
	var f emulatorFlags
	c := &cobra.Command{
		Use:   "emulator [--addr 127.0.0.1:PORT] [--config realm.json]",
		Short: "Serve a local K-Series realm (trial and production) on loopback",
		Long: `emulator serves two local Keycloak-like realms on loopback: one standing for
trial, one for production, each with its own issuer, signing key, clients and
users. It answers every request as Keycloak 26 does, so that login, check and
refresh can run against it with --env local (trial) or --env local-production.

Clients, users and lifespans come from --config (see
examples/emulator-realm.json); without it the seeded default is served and
its local test credentials are printed. Stop it with Ctrl-C.`,
		Args: noArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			return runEmulator(c.Context(), f, io)
		},
	}
	c.Flags().StringVar(&f.addr, "addr", envs.LocalTrialAddr, "loopback HOST:PORT of the realm standing for trial (port 0 picks a free port)")
	c.Flags().StringVar(&f.productionAddr, "production-addr", envs.LocalProductionAddr, "loopback HOST:PORT of the realm standing for production")
	c.Flags().StringVar(&f.config, "config", "", "realm config file (JSON) with clients, users and lifespans (default: the seeded realms)")
	c.Flags().BoolVar(&f.json, "json", false, "print the endpoints, clients and users as one JSON document")
	return c
}

func runEmulator(ctx context.Context, f emulatorFlags, io stdio) error {
	cfg := emulator.DefaultConfig()
	seeded := f.config == ""
	if !seeded {
		var err error
		if cfg, err = emulator.LoadConfig(f.config); err != nil {
			return usageError{err: err}
		}
	}
	logger := slog.New(slog.NewTextHandler(io.Err, &slog.HandlerOptions{Level: slog.LevelInfo}))
	srv, err := emulator.New(cfg, emulator.WithLogger(logger))
	if err != nil {
		return usageError{err: err}
	}
	if err := srv.Start(f.addr, f.productionAddr); err != nil {
		return usagef("%v: pass free loopback addresses with --addr and --production-addr", err)
	}
	defer srv.Close()
	info := describeEmulator(srv, seeded)
	if f.json {
		if err := writeJSON(io.Out, info); err != nil {
			return err
		}
	} else {
		printEmulator(io, info)
	}
	<-ctx.Done()
	// Ctrl-C is how the emulator is meant to stop, so it exits 0.
	fmt.Fprintln(io.Err, "emulator stopped")
	return nil
}

// emulatorInfo is the emulator's start-up listing: realms, clients and users.
type emulatorInfo struct {
	OK        bool        `json:"ok"`
	Command   string      `json:"command"`
	Realms    []realmInfo `json:"realms"`
	Diagnoses []any       `json:"diagnoses"`
}

type realmInfo struct {
	Env string `json:"env"`
	// Flags are the flags that point login, check and refresh at this
	// realm: --env, plus --issuer when it listens elsewhere than the
	// environment's default address.
	Flags     string       `json:"flags"`
	Issuer    string       `json:"issuer"`
	Discovery string       `json:"discovery"`
	Clients   []clientInfo `json:"clients"`
	Users     []userInfo   `json:"users"`
}

type clientInfo struct {
	ClientID     string   `json:"client_id"`
	Secret       string   `json:"secret,omitempty"`
	RedirectURIs []string `json:"redirect_uris"`
	Flags        []string `json:"flags"`
}

type userInfo struct {
	Username        string   `json:"username"`
	Password        string   `json:"password,omitempty"`
	Enabled         bool     `json:"enabled"`
	RequiredActions []string `json:"required_actions,omitempty"`
}

// describeEmulator lists both realms. Secrets and passwords are shown only
// for the seeded default, whose values are published local test values; a
// config file's are never printed.
func describeEmulator(srv *emulator.Server, seeded bool) emulatorInfo {
	info := emulatorInfo{OK: true, Command: "emulator", Diagnoses: []any{}}
	for _, r := range []struct{ env, issuer, name string }{
		{"local", srv.TrialIssuer(), emulator.RealmTrial},
		{"local-production", srv.ProductionIssuer(), emulator.RealmProduction},
	} {
		rc := srv.Realm(r.name).Config()
		ri := realmInfo{Env: r.env, Issuer: r.issuer, Flags: envFlags(r.env, r.issuer),
			Discovery: r.issuer + "/.well-known/openid-configuration"}
		for _, c := range rc.Clients {
			ci := clientInfo{ClientID: c.ClientID, RedirectURIs: c.RedirectURIs, Flags: clientFlags(c)}
			if seeded {
				ci.Secret = c.Secret
			}
			ri.Clients = append(ri.Clients, ci)
		}
		for _, u := range rc.Users {
			ui := userInfo{Username: u.Username, Enabled: u.Enabled, RequiredActions: u.RequiredActions}
			if seeded {
				ui.Password = u.Password
			}
			ri.Users = append(ri.Users, ui)
		}
		info.Realms = append(info.Realms, ri)
	}
	return info
}

// envFlags returns the flags that select a local realm: "--env NAME" when
// it listens on the environment's default address, else with --issuer.
func envFlags(name, issuer string) string {
	if env, err := envs.Lookup(name); err == nil && env.Issuer == issuer {
		return "--env " + name
	}
	return "--env " + name + " --issuer " + issuer
}

func clientFlags(c emulator.ClientConfig) []string {
	var flags []string
	add := func(on bool, name string) {
		if on {
			flags = append(flags, name)
		}
	}
	add(!c.Enabled, "disabled")
	add(c.PublicClient, "public")
	add(c.StandardFlowEnabled, "standard-flow")
	add(c.DirectAccessGrantsEnabled, "direct-access-grants")
	add(c.ServiceAccountsEnabled, "service-accounts")
	add(c.ConsentRequired, "consent")
	add(c.PKCEMethod != "", "pkce-"+strings.ToLower(c.PKCEMethod))
	return flags
}

func printEmulator(io stdio, info emulatorInfo) {
	for _, r := range info.Realms {
		fmt.Fprintf(io.Out, "Realm %s (select it with %s)\n", r.Issuer, r.Flags)
		fmt.Fprintf(io.Out, "  discovery  %s\n", r.Discovery)
		fmt.Fprintln(io.Out, "  clients:")
		for _, c := range r.Clients {
			fmt.Fprintf(io.Out, "    %s  [%s]\n", c.ClientID, strings.Join(c.Flags, ", "))
			if c.Secret != "" {
				fmt.Fprintf(io.Out, "      secret (local test value): %s\n", c.Secret)
			}
			fmt.Fprintf(io.Out, "      redirect URIs: %s\n", strings.Join(c.RedirectURIs, " "))
		}
		fmt.Fprintln(io.Out, "  users:")
		for _, u := range r.Users {
			line := "    " + u.Username
			if u.Password != "" {
				line += "  password (local test value): " + u.Password
			}
			if !u.Enabled {
				line += "  (disabled)"
			}
			if len(u.RequiredActions) > 0 {
				line += "  (required action pending: " + strings.Join(u.RequiredActions, ", ") + ")"
			}
			fmt.Fprintln(io.Out, line)
		}
		fmt.Fprintln(io.Out)
	}
	fmt.Fprintln(io.Err, "Serving; press Ctrl-C to stop.")
}
