package main

import (
	"context"
	"io"
	"os"
	"runtime/debug"

	"github.com/spf13/cobra"
)

// stdio holds the streams a command uses. Results go to Out; narration,
// progress and prompts go to Err.
type stdio struct {
	In  io.Reader
	Out io.Writer
	Err io.Writer
}

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

// buildVersion returns version, or the module version that "go install
// ...@vX.Y.Z" records in the binary when version was not set.
func buildVersion() string {
	if version != "dev" {
		return version
	}
	if info, ok := debug.ReadBuildInfo(); ok && info.Main.Version != "" && info.Main.Version != "(devel)" {
		return info.Main.Version
	}
	return version
}

// run executes one ksauth command line and returns its exit code. It is
// the only place that turns errors into exit codes.
func run(ctx context.Context, args []string, io stdio) int {
	return runWith(ctx, args, io, os.Getenv)
}

// runWith is run with the environment read through getenv.
func runWith(ctx context.Context, args []string, io stdio, getenv func(string) string) (code int) {
	defer func() {
		if r := recover(); r != nil {
			io.Err.Write([]byte("ksauth: internal error: " + panicText(r) + "\n"))
			code = exitUnexpected
		}
	}()
	out := &countingWriter{w: io.Out}
	io.Out = out
	root := newRoot(io, getenv)
	root.SetArgs(args)
	root.SetIn(io.In)
	root.SetOut(io.Out)
	root.SetErr(io.Err)
	err := root.ExecuteContext(ctx)
	code = exitCode(ctx, err, io.Err)
	if err != nil && out.n == 0 && wantsJSON(args) {
		// A script that asked for JSON gets one document even when the
		// command failed before it could print its own.
		name := "ksauth"
		if c, _, ferr := root.Find(args); ferr == nil && c != root {
			name = c.Name()
		}
		_ = writeJSON(out, map[string]any{"ok": false, "command": name, "error": err.Error(),
			"exit_code": code, "diagnoses": []any{}})
	}
	return code
}

// wantsJSON reports whether the command line requests JSON output.
func wantsJSON(args []string) bool {
	for _, a := range args {
		if a == "--" {
			return false
		}
		if a == "--json" || a == "--json=true" {
			return true
		}
	}
	return false
}

// countingWriter counts the bytes written through it.
type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// newRoot builds the command tree. getenv reads the environment, so tests
// can supply their own.
func newRoot(io stdio, getenv func(string) string) *cobra.Command {
	root := &cobra.Command{
		Use:   "ksauth",
		Short: "Run and debug the K-Series OAuth 2.0 / OpenID Connect sign-in",
		Long: `ksauth runs the real authorization_code + PKCE sign-in of the K-Series API
platform against its Keycloak realm, catches the code on a localhost callback,
exchanges it at once, and explains every failure at every step.

Start with "ksauth demo": it runs the whole flow on an embedded local realm.`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return usageError{err: err}
	})
	root.AddCommand(
		newDemoCmd(io, getenv),
		newLoginCmd(io, getenv),
		newRefreshCmd(io, getenv),
		newCheckCmd(io, getenv),
		newDiagnoseCmd(io, getenv),
		newEmulatorCmd(io),
		newEnvsCmd(io),
		newVersionCmd(io),
	)
	return root
}
