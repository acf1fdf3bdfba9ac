package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/kseries-tools/ksauth/diagnose"
	"github.com/kseries-tools/ksauth/flow"
)

// flowOutcome is a finished flow command: its result, possibly partial,
// and the error Run or Refresh returned.
type flowOutcome struct {
	command string
	result  *flow.Result
	err     error
}

// failure returns the flow step error, or nil when the run succeeded or
// failed before any step ran.
func (o flowOutcome) failure() *flow.Error {
	var fe *flow.Error
	if errors.As(o.err, &fe) {
		return fe
	}
	return nil
}

// diagnoses returns the diagnoses of the result and of the failed step,
// without repeating one ID for the same step. A preflight finding that a
// later step confirms with the same ID is folded into that step's
// diagnosis, whose evidence gains the offline facts, so the causes and
// fix are printed once.
func (o flowOutcome) diagnoses() []diagnose.Diagnosis {
	var all []diagnose.Diagnosis
	if o.result != nil {
		all = append(all, o.result.Diagnoses...)
	}
	if fe := o.failure(); fe != nil {
		all = append(all, fe.Diagnoses...)
	}
	seen := map[string]bool{}
	var out []diagnose.Diagnosis
	for _, d := range all {
		key := string(d.Step) + "/" + d.ID
		if seen[key] {
			continue
		}
		seen[key] = true
		out = append(out, d)
	}
	return foldPreflight(out)
}

// foldPreflight moves preflight diagnoses whose ID a later step reports
// into that later diagnosis.
func foldPreflight(ds []diagnose.Diagnosis) []diagnose.Diagnosis {
	later := map[string]int{}
	for i, d := range ds {
		if d.Step != diagnose.StepPreflight {
			if _, ok := later[d.ID]; !ok {
				later[d.ID] = i
			}
		}
	}
	var out []diagnose.Diagnosis
	for _, d := range ds {
		i, confirmed := later[d.ID]
		if d.Step != diagnose.StepPreflight || !confirmed {
			continue
		}
		target := &ds[i]
		target.Evidence = append(slices.Clone(target.Evidence), prefixAll("offline check: ", d.Evidence)...)
	}
	for _, d := range ds {
		if _, confirmed := later[d.ID]; d.Step == diagnose.StepPreflight && confirmed {
			continue
		}
		out = append(out, d)
	}
	return out
}

func prefixAll(prefix string, lines []string) []string {
	out := make([]string, len(lines))
	for i, l := range lines {
		out[i] = prefix + l
	}
	return out
}

// finish prints the outcome, as JSON or for people, and returns the error
// that selects the exit code.
func (o flowOutcome) finish(io stdio, st style, asJSON bool) error {
	var printed reportedError
	if o.err != nil && o.failure() == nil && !errors.As(o.err, &printed) {
		if errors.Is(o.err, flow.ErrInvalidConfig) || errors.Is(o.err, flow.ErrInvalidInput) {
			return usageError{err: o.err}
		}
		return o.err
	}
	ds := o.diagnoses()
	if asJSON {
		if err := writeJSON(io.Out, o.document(ds)); err != nil {
			return err
		}
	} else {
		printResult(io.Out, st, o.result)
		if fe := o.failure(); fe != nil {
			fmt.Fprintf(io.Out, "\n%s %s\n", st.red("FAILED"), fe.Error())
		}
		printDiagnoses(io.Out, st, ds)
	}
	if o.err == nil {
		return nil
	}
	return reportedError{unknown: onlyUnknown(ds)}
}

// document is the JSON output: the result's fields plus "ok", "command"
// and the merged diagnoses.
func (o flowOutcome) document(ds []diagnose.Diagnosis) map[string]any {
	doc := map[string]any{}
	if o.result != nil {
		raw, err := json.Marshal(o.result)
		if err == nil {
			_ = json.Unmarshal(raw, &doc)
		}
	}
	doc["ok"] = o.err == nil
	doc["command"] = o.command
	if ds == nil {
		ds = []diagnose.Diagnosis{}
	}
	doc["diagnoses"] = ds
	if fe := o.failure(); fe != nil {
		doc["failed_step"] = fe.Step
		doc["error"] = fe.Error()
	}
	return doc
}

// onlyUnknown reports whether nothing but the "unknown" diagnosis matched,
// which selects exit code 3.
func onlyUnknown(ds []diagnose.Diagnosis) bool {
	for _, d := range ds {
		if d.ID != "unknown" && d.Severity != "warning" {
			return false
		}
	}
	return true
}

// printResult prints the timeline and what the flow obtained.
func printResult(w io.Writer, st style, res *flow.Result) {
	if res == nil {
		return
	}
	fmt.Fprintf(w, "%s %s (%s)\n", st.bold("Environment"), res.Env, res.Issuer)
	fmt.Fprintf(w, "%s      %s\n", st.bold("Client"), res.ClientID)
	if res.RedirectURI != "" {
		fmt.Fprintf(w, "%s    %s\n", st.bold("Redirect"), res.RedirectURI)
	}
	if len(res.Steps) > 0 {
		fmt.Fprintln(w)
		rows := [][]string{{"STEP", "STATUS", "TIME", "DETAIL"}}
		for _, s := range res.Steps {
			rows = append(rows, []string{string(s.Name), statusText(st, s.Status), durationText(s.Duration), s.Detail})
		}
		table(w, rows)
	}
	printTokens(w, st, res)
	if res.Refresh != nil {
		fmt.Fprintf(w, "%s     rotated=%t", st.bold("Refresh"), res.Refresh.Rotated)
		if res.Refresh.OldRejected != nil {
			fmt.Fprintf(w, ", old token rejected=%t", *res.Refresh.OldRejected)
		}
		if res.Refresh.OldRejection != "" {
			fmt.Fprintf(w, " (%s)", res.Refresh.OldRejection)
		}
		fmt.Fprintln(w)
	}
	for _, ic := range res.IgnoredCallbacks {
		fmt.Fprintf(w, "%s ignored callback request %s: %s\n", st.dim("note:"), ic.Path, ic.Reason)
	}
}

// printTokens prints the code age, the user, the scopes and the tokens as
// the result holds them (redacted unless --show-tokens).
func printTokens(w io.Writer, st style, res *flow.Result) {
	if res.CodeAge == 0 && res.CodeAgeMax == 0 && res.Tokens == nil {
		return
	}
	fmt.Fprintln(w)
	reuse := "new connection"
	if res.TokenConnReused {
		reuse = "pre-opened connection"
	}
	switch {
	case res.CodeAgeMax != 0:
		// In paste mode the redirect is invisible, so only an upper bound
		// of the code's age is known.
		fmt.Fprintf(w, "%s    at most %s at exchange, counted from when the URL was shown; codes live %s (sent %s after the paste, %s)\n",
			st.bold("Code age"), durationText(res.CodeAgeMax), res.CodeLifespan, durationText(res.CodeAge), reuse)
	case res.CodeAge != 0:
		fmt.Fprintf(w, "%s    %s at exchange (%s)\n", st.bold("Code age"), durationText(res.CodeAge), reuse)
	}
	if user := claimText(res.IDClaims, "preferred_username"); user != "" {
		fmt.Fprintf(w, "%s        %s\n", st.bold("User"), user)
	}
	if len(res.GrantedScopes) > 0 {
		fmt.Fprintf(w, "%s      %s\n", st.bold("Scopes"), strings.Join(res.GrantedScopes, " "))
	}
	if len(res.MissingScopes) > 0 {
		fmt.Fprintf(w, "%s %s\n", st.red("Not granted"), strings.Join(res.MissingScopes, " "))
	}

	t := res.Tokens
	if t == nil {
		return
	}
	if t.ExpiresIn > 0 {
		fmt.Fprintf(w, "%s     %ds\n", st.bold("Expires"), t.ExpiresIn)
	}
	for _, kv := range [][2]string{{"Access token", t.AccessToken}, {"ID token", t.IDToken}, {"Refresh token", t.RefreshToken}} {
		if kv[1] != "" {
			fmt.Fprintf(w, "%-13s %s\n", kv[0], kv[1])
		}
	}
}

// printDiagnoses prints each diagnosis with its evidence, causes and fix.
func printDiagnoses(w io.Writer, st style, ds []diagnose.Diagnosis) {
	for _, d := range ds {
		label := "Diagnosis:"
		if d.Severity == diagnose.SeverityWarning {
			label = "Warning:"
		}
		fmt.Fprintf(w, "\n%s %s [%s, step %s]\n", st.bold(label), d.Title, d.ID, d.Step)
		if len(d.Evidence) > 0 {
			fmt.Fprintln(w, "  Evidence:")
			for _, e := range d.Evidence {
				fmt.Fprintln(w, indent("    ", e))
			}
		}
		if len(d.Causes) > 0 {
			fmt.Fprintln(w, "  Likely causes:")
			for i, c := range d.Causes {
				fmt.Fprintf(w, "    %d. %s\n", i+1, c)
			}
		}
		if d.Fix != "" {
			fmt.Fprintf(w, "  Fix:\n%s\n", indent("    ", d.Fix))
		}
		if d.Guide != "" {
			fmt.Fprintf(w, "  Guide: %s\n", d.Guide)
		}
	}
}

func statusText(st style, s flow.Status) string {
	switch s {
	case flow.StatusOK:
		return st.green(string(s))
	case flow.StatusFailed:
		return st.red(string(s))
	}
	return st.dim(string(s))
}

// durationText prints a duration in milliseconds with one decimal below a
// second and in seconds above.
func durationText(d time.Duration) string {
	if d >= time.Second {
		return fmt.Sprintf("%.2fs", d.Seconds())
	}
	return fmt.Sprintf("%.1fms", float64(d)/float64(time.Millisecond))
}

func claimText(claims map[string]any, name string) string {
	if v, ok := claims[name].(string); ok {
		return v
	}
	return ""
}

// sortedKeys returns the keys of m in order.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
