package main

import (
	"context"
	"io"

	"github.com/spf13/cobra"

	"github.com/kseries-tools/ksauth/demo"
	"github.com/kseries-tools/ksauth/flow"
)

// demoFlags are the flags of "ksauth demo".
type demoFlags struct {
	out            outputFlags
	evidence       evidenceFlags
	scenario       string
	all            bool
	list           bool
	browser        bool
	browserCommand string
}

func newDemoCmd(io stdio, getenv func(string) string) *cobra.Command {
	var f demoFlags
	c := &cobra.Command{
		Use:   "demo [--scenario ID | --all | --list]",
		Short: "Run the sign-in on a local realm, or stage one mistake and show its diagnosis",
		Long: `demo starts the local emulator in-process on 127.0.0.1 and runs the whole
sign-in against its trial realm with the seeded demo client and user: discovery,
probe, a headless login, the callback, the code exchange, token verification
and a refresh. It prints the timeline, the code's age at the exchange, the
granted scopes and the tokens, redacted unless --show-tokens.

--scenario ID makes one mistake integrators make, for real, against the
emulator and walks through it: the step, the request (redacted), the server's
exact response, the diagnosis and the fix. --all runs every scenario and prints
one row each; it exits 0 only when every scenario produced its expected
diagnosis. --list names the scenarios.

--browser runs the default demo with a real browser: it opens the sign-in
page, you type the demo user's credentials that it prints, and the callback
page shows the result.`,
		Example: `  ksauth demo
  ksauth demo --list
  ksauth demo --browser
  ksauth demo --scenario invalid-scope
  ksauth demo --all --json`,
		Args: noArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			return runDemo(c.Context(), f, io, getenv)
		},
	}
	f.out.register(c, true)
	f.evidence.register(c)
	c.Flags().StringVar(&f.scenario, "scenario", "", "stage one mistake, by ID (see --list), and show its diagnosis")
	c.Flags().BoolVar(&f.all, "all", false, "run every scenario and print one row each")
	_ = c.RegisterFlagCompletionFunc("scenario", func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		var ids []string
		for _, sc := range demo.Scenarios() {
			ids = append(ids, sc.ID+"\t"+sc.Summary)
		}
		return ids, cobra.ShellCompDirectiveNoFileComp
	})
	c.Flags().BoolVar(&f.list, "list", false, "list the scenarios")
	c.Flags().BoolVar(&f.browser, "browser", false, "sign in yourself in a browser instead of the headless login; the local demo credentials are printed")
	c.Flags().StringVar(&f.browserCommand, "browser-command", "", `with --browser, the command that opens the URL, such as "firefox --private-window" (the URL is appended, or replaces %s)`)
	return c
}

func runDemo(ctx context.Context, f demoFlags, io stdio, getenv func(string) string) error {
	chosen := 0
	for _, set := range []bool{f.scenario != "", f.all, f.list} {
		if set {
			chosen++
		}
	}
	if chosen > 1 {
		return usagef("--scenario, --all and --list cannot be combined: choose one")
	}
	if f.browser && (f.scenario != "" || f.all || f.list) {
		return usagef("--browser runs the default demo only: drop --scenario, --all or --list")
	}
	if f.browserCommand != "" && !f.browser {
		return usagef("--browser-command needs --browser")
	}
	if f.list {
		return listScenarios(io.Out, f.out.json)
	}
	if f.scenario != "" {
		if _, err := demo.Lookup(f.scenario); err != nil {
			return usageError{err: err}
		}
	}

	// A flow configuration's Trace and OnExchange carry --verbose and --har.
	hook := flow.Config{Narration: io.Err}
	if quietDemo(f, io) {
		// The default demo takes milliseconds, and its result table
		// repeats every step, so on one terminal the progress lines would
		// only print the timeline twice.
		hook.Narration = nil
	}
	rec, err := f.evidence.attach(&hook, io)
	if err != nil {
		return err
	}
	opts := demo.Options{Narration: hook.Narration, Trace: hook.Trace, OnExchange: hook.OnExchange,
		ShowTokens: f.out.showTokens, Browser: f.browser, BrowserCommand: f.browserCommand,
		NarrationIsTerminal: isTerminal(io.Err)}
	st := newStyle(io.Out, getenv)

	switch {
	case f.all:
		outcomes, runErr := demo.RunAll(ctx, opts)
		if err := rec.close(io); err != nil {
			return err
		}
		if runErr != nil {
			return runErr
		}
		return printAllScenarios(io.Out, st, outcomes, f.out.json)
	case f.scenario != "":
		o, runErr := demo.RunScenario(ctx, f.scenario, opts)
		if err := rec.close(io); err != nil {
			return err
		}
		if runErr != nil {
			return runErr
		}
		return printScenario(io.Out, st, o, f.out.json)
	}
	res, runErr := demo.Run(ctx, opts)
	if err := rec.close(io); err != nil {
		return err
	}
	return flowOutcome{command: "demo", result: res, err: runErr}.finish(io, st, f.out.json)
}

// listScenarios prints one line per scenario: ID, step, expected
// diagnosis and summary.
func listScenarios(w io.Writer, asJSON bool) error {
	list := demo.Scenarios()
	if asJSON {
		return writeJSON(w, map[string]any{"ok": true, "command": "demo", "scenarios": list,
			"steps": []any{}, "diagnoses": []any{}})
	}
	var rows [][]string
	for _, s := range list {
		rows = append(rows, []string{s.ID, string(s.Step), s.Summary})
	}
	table(w, rows)
	return nil
}

// quietDemo reports whether the default demo runs with both output
// streams on a terminal, headless and without a trace.
func quietDemo(f demoFlags, streams stdio) bool {
	return f.scenario == "" && !f.all && !f.browser && !f.evidence.verbose &&
		isTerminal(streams.Out) && isTerminal(streams.Err)
}
