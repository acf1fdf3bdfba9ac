package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

// result is one ksauth invocation's exit code and output.
type result struct {
	code           int
	stdout, stderr string
}

// ksauth runs the command line in-process with stdin and the environment
// variables env, and returns what it printed.
func ksauth(t *testing.T, stdin string, env map[string]string, args ...string) result {
	t.Helper()
	return ksauthCtx(t, context.Background(), stdin, env, args...)
}

func ksauthCtx(t *testing.T, ctx context.Context, stdin string, env map[string]string, args ...string) result {
	t.Helper()
	var out, errOut bytes.Buffer
	getenv := func(k string) string { return env[k] }
	code := runWith(ctx, args, stdio{In: strings.NewReader(stdin), Out: &out, Err: &errOut}, getenv)
	return result{code: code, stdout: out.String(), stderr: errOut.String()}
}

// wantCode fails the test when the exit code differs, showing the output.
func (r result) wantCode(t *testing.T, code int) {
	t.Helper()
	if r.code != code {
		t.Fatalf("exit code = %d, want %d\nstdout:\n%s\nstderr:\n%s", r.code, code, r.stdout, r.stderr)
	}
}
