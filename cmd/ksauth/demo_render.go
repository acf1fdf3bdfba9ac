package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"

	"github.com/kseries-tools/ksauth/demo"
)

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
