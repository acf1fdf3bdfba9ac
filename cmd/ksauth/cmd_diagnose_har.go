package main

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/kseries-tools/ksauth/diagnose"
	"github.com/kseries-tools/ksauth/diagnose/har"
)

// diagnoseHAR reads a HAR file as a stream and prints its OAuth steps.
func diagnoseHAR(r io.Reader, asJSON bool, io stdio, st style) error {
	rep, err := har.Diagnose(r)
	switch {
	case errors.Is(err, har.ErrNoSignIn):
		return usagef("%v", err)
	case err != nil:
		return usagef("cannot read the HAR file: %v", err)
	}
	ds := rep.Diagnoses()
	if ds == nil {
		ds = []diagnose.Diagnosis{}
	}
	if asJSON {
		doc := map[string]any{
			"ok": rep.OK && !rep.Partial, "command": "diagnose", "input": "har", "env": harEnv(rep), "har": rep.Info,
			"sign_in_entries": rep.SignInEntries, "steps": rep.Steps, "diagnoses": ds,
		}
		if age, ok := rep.CodeAgeMS(); ok {
			doc["code_age_ms"] = age
		}
		if len(rep.Notes) > 0 {
			doc["notes"] = rep.Notes
		}
		if rep.Partial {
			doc["partial"], doc["stopped"] = true, rep.Stopped
		}
		if err := writeJSON(io.Out, doc); err != nil {
			return err
		}
	} else {
		printHAR(io.Out, st, rep)
	}
	if err := diagnosisResult(ds); err != nil {
		return err
	}
	if rep.Partial {
		// A clean result from half a file is no clean result: the failure
		// may sit in the part that could not be read.
		return usagef("the HAR file is incomplete, so the steps above are only those before the break: %s", rep.Stopped)
	}
	return nil
}

func printHAR(w io.Writer, st style, rep har.Report) {
	fmt.Fprintf(w, "%s %d entries, %d in the sign-in\n\n", st.bold("HAR"), rep.Info.Entries, rep.SignInEntries)
	rows := [][]string{{"#", "TIME", "STEP", "STATUS", "HTTP", "WHAT", "CODE AGE"}}
	for _, s := range rep.Steps {
		age := ""
		if s.CodeAgeMS != nil {
			age = fmt.Sprintf("%.0fms", *s.CodeAgeMS)
		}
		rows = append(rows, []string{fmt.Sprint(s.Entry), s.Time.Format("15:04:05.000"), string(s.Name),
			s.Status, fmt.Sprint(s.HTTPStatus), s.Action, age})
	}
	table(w, rows)
	for _, s := range rep.Steps {
		if len(s.Notes) > 0 {
			fmt.Fprintf(w, "%s %s\n", st.dim(fmt.Sprintf("#%d %s:", s.Entry, s.Name)), strings.Join(s.Notes, "; "))
		}
	}
	for _, s := range rep.Steps {
		printDiagnoses(w, st, s.Diagnoses)
	}
	fmt.Fprintln(w)
	for _, n := range rep.Notes {
		fmt.Fprintf(w, "%s %s\n", st.dim("note:"), n)
	}
	for _, u := range rep.Info.Unread {
		fmt.Fprintf(w, "%s %s\n", st.dim("not read:"), u)
	}
	if rep.Partial {
		fmt.Fprintf(w, "%s the file is incomplete; reading stopped: %s\n", st.red("partial:"), rep.Stopped)
	}
	if rep.OK && !rep.Partial {
		fmt.Fprintln(w, st.green("No failed step in the HAR file."))
	}
}

// harEnv names the environment of the HAR's first sign-in step, or "".
func harEnv(rep har.Report) string {
	for _, s := range rep.Steps {
		if s.Env != "" {
			return s.Env
		}
	}
	return ""
}
