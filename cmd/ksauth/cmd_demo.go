package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"

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

// scenarioDocument is the JSON output of one scenario: the outcome's
// fields plus "ok" and "command". ok is true when the scenario produced
// its expected diagnosis.
func scenarioDocument(o *demo.Outcome) map[string]any {
	doc := map[string]any{}
	if raw, err := json.Marshal(o); err == nil {
		_ = json.Unmarshal(raw, &doc)
	}
	doc["ok"] = o.Pass
	doc["command"] = "demo"
	return doc
}

// printScenario prints one scenario as a walkthrough, or as JSON. A
// scenario that did not produce its expected diagnosis exits 1.
func printScenario(w io.Writer, st style, o *demo.Outcome, asJSON bool) error {
	if asJSON {
		if err := writeJSON(w, scenarioDocument(o)); err != nil {
			return err
		}
	} else {
		printWalkthrough(w, st, o)
	}
	if !o.Pass {
		return reportedError{}
	}
	return nil
}

// printWalkthrough prints the scenario's mistake, the request, the
// server's response, the timeline, the diagnoses with their fixes, and
// whether the diagnosis was the expected one.
func printWalkthrough(w io.Writer, st style, o *demo.Outcome) {
	fmt.Fprintf(w, "%s %s: %s\n", st.bold("Scenario"), o.Scenario, o.Summary)
	fmt.Fprintf(w, "%s  %s\n", st.bold("Mistake"), o.Mistake)
	fmt.Fprintf(w, "%s     %s (environment %s)\n", st.bold("Step"), o.Step, o.Env)

	if o.Request != nil {
		fmt.Fprintf(w, "\n%s\n", st.bold("Request sent (secrets redacted)"))
		printRequest(w, o.Request)
	}
	heading := "Response"
	if r := o.Response; r.Status == 0 && r.Error == "" && r.Page == "" {
		heading = "Finding"
	}
	fmt.Fprintf(w, "\n%s\n", st.bold(heading))
	printResponse(w, o.Response)
	if len(o.Steps) > 0 {
		fmt.Fprintln(w)
		rows := [][]string{{"STEP", "STATUS", "TIME", "DETAIL"}}
		for _, s := range o.Steps {
			rows = append(rows, []string{string(s.Name), statusText(st, s.Status), durationText(s.Duration), s.Detail})
		}
		table(w, rows)
	}
	printDiagnoses(w, st, o.Diagnoses)

	fmt.Fprintln(w)
	if o.Pass {
		fmt.Fprintf(w, "%s diagnosed %s at step %s, as expected\n", st.green("PASS"), o.Got, o.GotStep)
		return
	}
	got := "no diagnosis"
	if o.Got != "" {
		got = fmt.Sprintf("%s at step %s", o.Got, o.GotStep)
	}
	fmt.Fprintf(w, "%s expected %s at step %s, got %s\n", st.red("FAIL"), o.Expected, o.Step, got)
	if o.Error != "" {
		fmt.Fprintf(w, "  %s\n", o.Error)
	}
}

// printRequest prints the request line, then the query or form parameters
// one per line, decoded, so that a redirect_uri or scope reads as sent.
func printRequest(w io.Writer, r *demo.Request) {
	target, query := r.URL, url.Values(nil)
	if u, err := url.Parse(r.URL); err == nil && u.RawQuery != "" {
		query = u.Query()
		u.RawQuery = ""
		target = u.String()
	}
	note := ""
	if r.Observed {
		note = "  (the browser's redirect, as the callback received it)"
	}
	fmt.Fprintf(w, "  %s %s%s\n", r.Method, target, note)
	for _, name := range sortedKeys(r.Header) {
		fmt.Fprintf(w, "  %s: %s\n", name, r.Header[name])
	}
	printParams(w, "    ", query)
	if len(r.Form) > 0 {
		fmt.Fprintln(w, "  form body:")
		printParams(w, "    ", r.Form)
	}
}

func printParams(w io.Writer, prefix string, v url.Values) {
	keys := make([]string, 0, len(v))
	for k := range v {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		for _, val := range v[k] {
			fmt.Fprintf(w, "%s%s=%s\n", prefix, k, val)
		}
	}
}

// printResponse prints the server's response: status, content type, the
// OAuth error fields, the page message, or the local finding.
func printResponse(w io.Writer, a demo.Response) {
	if a.Status != 0 {
		line := fmt.Sprintf("  HTTP %d %s", a.Status, http.StatusText(a.Status))
		if a.ContentType != "" {
			line += ", " + a.ContentType
		}
		if a.Server != "" {
			line += ", Server: " + a.Server
		}
		fmt.Fprintln(w, line)
	}
	if a.Redirect != "" {
		fmt.Fprintln(w, "  redirect to the client with:")
		q, _ := url.ParseQuery(a.Redirect)
		printParams(w, "    ", q)
	} else {
		if a.Error != "" {
			fmt.Fprintf(w, "  error: %s\n", a.Error)
		}
		if a.ErrorDescription != "" {
			fmt.Fprintf(w, "  error_description: %s\n", a.ErrorDescription)
		}
	}
	if a.Page != "" {
		fmt.Fprintf(w, "  page shows: %q\n", a.Page)
	}
	if a.Finding != "" {
		fmt.Fprintf(w, "  %s\n", a.Finding)
	}
}

// printAllScenarios prints one row per scenario, or one JSON document, and
// exits 1 unless every scenario produced its expected diagnosis.
func printAllScenarios(w io.Writer, st style, outcomes []demo.Outcome, asJSON bool) error {
	passed := 0
	for _, o := range outcomes {
		if o.Pass {
			passed++
		}
	}
	allPassed := passed == len(outcomes)
	if asJSON {
		docs := make([]map[string]any, 0, len(outcomes))
		for i := range outcomes {
			docs = append(docs, scenarioDocument(&outcomes[i]))
		}
		// Each scenario carries its own steps and diagnoses; the top level
		// keeps the keys every ksauth JSON document has.
		err := writeJSON(w, map[string]any{"ok": allPassed, "command": "demo", "env": "local",
			"passed": passed, "total": len(outcomes), "scenarios": docs, "steps": []any{}, "diagnoses": []any{}})
		if err != nil {
			return err
		}
	} else {
		rows := [][]string{{"SCENARIO", "STEP", "EXPECTED", "GOT", "PASS"}}
		for _, o := range outcomes {
			got, pass := o.Got, st.green("yes")
			if got == "" {
				got = "-"
			}
			if o.GotStep != "" && o.GotStep != o.Step {
				got += " (at " + string(o.GotStep) + ")"
			}
			if !o.Pass {
				pass = st.red("NO")
			}
			rows = append(rows, []string{o.Scenario, string(o.Step), o.Expected, got, pass})
		}
		table(w, rows)
		fmt.Fprintf(w, "\n%d of %d scenarios produced their expected diagnosis\n", passed, len(outcomes))
		for _, o := range outcomes {
			if o.Error != "" {
				fmt.Fprintf(w, "%s %s: %s\n", st.red("error"), o.Scenario, o.Error)
			}
		}
	}
	if !allPassed {
		return reportedError{}
	}
	return nil
}

// quietDemo reports whether the default demo runs with both output
// streams on a terminal, headless and without a trace.
func quietDemo(f demoFlags, streams stdio) bool {
	return f.scenario == "" && !f.all && !f.browser && !f.evidence.verbose &&
		isTerminal(streams.Out) && isTerminal(streams.Err)
}
