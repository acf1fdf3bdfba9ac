package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/kseries-tools/ksauth/diagnose"
	"github.com/kseries-tools/ksauth/diagnose/har"
	"github.com/kseries-tools/ksauth/envs"
	"github.com/spf13/cobra"
)

// diagnoseFlags are the flags of "ksauth diagnose".
type diagnoseFlags struct {
	json        bool
	env         string
	clientID    string
	redirectURI string
	registered  string
	grantType   string
}

func newDiagnoseCmd(io stdio, getenv func(string) string) *cobra.Command {
	var f diagnoseFlags
	c := &cobra.Command{
		Use:   "diagnose [FILE | -]",
		Short: "Explain a failure from pasted evidence or a HAR file, offline",
		Long: `diagnose reads what a customer pasted and explains each failure in it,
without contacting any server. It recognises, in any mix:
  - an error redirect URL (https://localhost/?error=invalid_scope&...)
  - an authorization request URL, checked against the environments
  - a JSON error body, with or without an HTTP status line, or a raw response
  - a Keycloak page, as HTML or just its text ("We are sorry... Client not found")
  - a curl command for the token endpoint (its -u or Basic header is decoded)
  - an "Authorization: Basic ..." header alone
  - a HAR file exported from a browser's developer tools, or written by
    "ksauth login --har": each OAuth step is rebuilt and the code's age checked

The input comes from FILE, or from stdin when FILE is - or absent. Secrets in
the input (client secrets, codes, tokens) never appear in the output.`,
		Example: `  ksauth diagnose customer-paste.txt
  pbpaste | ksauth diagnose --client-id devp-v2-demo-acme
  ksauth diagnose --json failed-login.har`,
		Args: func(c *cobra.Command, args []string) error {
			if len(args) > 1 {
				return usagef("diagnose reads one input, got %d: give one FILE, or - for stdin (concatenate several files with cat)", len(args))
			}
			return nil
		},
		RunE: func(c *cobra.Command, args []string) error {
			name := "-"
			if len(args) == 1 {
				name = args[0]
			}
			return runDiagnose(f, name, io, getenv)
		},
	}
	fl := c.Flags()
	fl.BoolVar(&f.json, "json", false, "print one JSON document on stdout")
	fl.StringVar(&f.env, "env", "", `environment the evidence comes from: a name from "ksauth envs" or an env file`)
	fl.StringVar(&f.clientID, "client-id", "", "client ID the evidence belongs to, when the evidence does not show it")
	fl.StringVar(&f.redirectURI, "redirect-uri", "", "redirect URI the application sent, when the evidence does not show it")
	fl.StringVar(&f.registered, "registered-redirect-uri", "", "redirect URI as registered, compared character by character with the one in the evidence")
	fl.StringVar(&f.grantType, "grant-type", "", "grant type of the failed token request, such as authorization_code or refresh_token")
	_ = c.RegisterFlagCompletionFunc("env", completeEnvs)
	_ = c.RegisterFlagCompletionFunc("grant-type", func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return grantTypes, cobra.ShellCompDirectiveNoFileComp
	})
	return c
}

// grantTypes are the grant types a K-Series client can send to the token
// endpoint.
var grantTypes = []string{"authorization_code", "refresh_token", "client_credentials", "password"}

// hint is the context the flags add to the evidence.
func (f diagnoseFlags) hint() (diagnose.Context, error) {
	hint := diagnose.Context{
		ClientID: f.clientID, RedirectURI: f.redirectURI,
		RegisteredRedirectURI: f.registered, GrantType: f.grantType,
	}
	if f.grantType != "" && !slices.Contains(grantTypes, f.grantType) {
		return hint, usagef("unknown --grant-type %q: use one of %s", f.grantType, strings.Join(grantTypes, ", "))
	}
	if f.env != "" {
		env, err := envs.Resolve(f.env)
		if err != nil {
			return hint, usageError{err: err}
		}
		hint.Env, hint.Issuer = env.Name, env.Issuer
	}
	return hint, nil
}

// harSniffLen is how many bytes are read to tell a HAR file from pasted
// text; browsers start a HAR with its log's version or creator.
const harSniffLen = 512

func runDiagnose(f diagnoseFlags, name string, io stdio, getenv func(string) string) error {
	hint, err := f.hint()
	if err != nil {
		return err
	}
	in, closeIn, err := openInput(name, io)
	if err != nil {
		return err
	}
	defer closeIn()

	br := bufio.NewReaderSize(in, harSniffLen)
	prefix, _ := br.Peek(harSniffLen)
	st := newStyle(io.Out, getenv)
	if har.LooksLikeHAR(prefix) {
		return diagnoseHAR(br, f.json, io, st)
	}
	rep, err := diagnose.ReadPastedFrom(br, hint)
	switch {
	case errors.Is(err, diagnose.ErrHAR):
		return usagef("%s looks like a HAR file but does not start as one: export it again from the browser's developer tools", inputName(name))
	case errors.Is(err, diagnose.ErrEmpty), errors.Is(err, diagnose.ErrBinary), errors.Is(err, diagnose.ErrUnrecognised):
		return usagef("cannot diagnose %s: %v", inputName(name), err)
	case err != nil:
		return usagef("cannot read %s: %v", inputName(name), err)
	}

	ds := pastedDiagnoses(rep)
	if f.json {
		if err := writeJSON(io.Out, pastedDocument(rep, ds, hint)); err != nil {
			return err
		}
	} else {
		printPasted(io.Out, st, rep)
	}
	return diagnosisResult(ds)
}

// openInput opens FILE, or stdin for "-".
func openInput(name string, io stdio) (io.Reader, func(), error) {
	if name == "-" {
		return io.In, func() {}, nil
	}
	f, err := os.Open(name)
	if err != nil {
		return nil, nil, usagef("cannot open %s: %v", name, err)
	}
	if info, err := f.Stat(); err == nil && info.IsDir() {
		f.Close()
		return nil, nil, usagef("cannot diagnose %s: it is a directory, give a file", name)
	}
	return f, func() { f.Close() }, nil
}

func inputName(name string) string {
	if name == "-" {
		return "stdin"
	}
	return name
}

// diagnosisResult selects the exit code from what was found: 0 when
// nothing failed, 1 when a diagnosis explains a failure, 3 when only the
// unknown diagnosis matched.
func diagnosisResult(ds []diagnose.Diagnosis) error {
	failed := false
	for _, d := range ds {
		failed = failed || d.Failed()
	}
	if !failed {
		return nil
	}
	return reportedError{unknown: onlyUnknown(ds)}
}

// pastedDiagnoses lists the diagnoses of every part once: a warning that
// another part reports as a failure is left out; the parts keep it.
func pastedDiagnoses(rep diagnose.Report) []diagnose.Diagnosis {
	ds := rep.Diagnoses()
	if ds == nil {
		ds = []diagnose.Diagnosis{}
	}
	return ds
}

// pastedDocument is the JSON output for pasted evidence.
func pastedDocument(rep diagnose.Report, ds []diagnose.Diagnosis, hint diagnose.Context) map[string]any {
	doc := map[string]any{
		"ok":        !hasFailure(ds),
		"command":   "diagnose",
		"input":     "paste",
		"env":       hint.Env,
		"steps":     []any{},
		"kinds":     rep.Kinds,
		"parts":     rep.Parts,
		"diagnoses": ds,
	}
	if len(rep.Notes) > 0 {
		doc["notes"] = rep.Notes
	}
	if rep.Truncated {
		doc["truncated"] = true
	}
	return doc
}

func hasFailure(ds []diagnose.Diagnosis) bool {
	for _, d := range ds {
		if d.Failed() {
			return true
		}
	}
	return false
}

func printPasted(w io.Writer, st style, rep diagnose.Report) {
	for _, p := range rep.Parts {
		fmt.Fprintf(w, "%s %s, %s: %s\n", st.bold(fmt.Sprintf("[%d]", p.Index)), lineLabel(p.Lines), p.Kind, p.Summary)
		if len(p.Diagnoses) == 0 {
			fmt.Fprintln(w, st.dim("    no failure in this part"))
		}
		printDiagnoses(w, st, p.Diagnoses)
		fmt.Fprintln(w)
	}
	for _, n := range rep.Notes {
		fmt.Fprintf(w, "%s %s\n", st.dim("note:"), n)
	}
	if !hasFailure(pastedDiagnoses(rep)) {
		fmt.Fprintln(w, st.green("No failure found in the input."))
	}
}

// lineLabel names a part's line range: "line 3" or "lines 3-7".
func lineLabel(lines string) string {
	if strings.Contains(lines, "-") {
		return "lines " + lines
	}
	return "line " + lines
}
