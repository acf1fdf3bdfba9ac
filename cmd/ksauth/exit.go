package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
)

// Exit codes. They are decided in exitCode and nowhere else.
const (
	exitOK          = 0
	exitFailed      = 1 // the flow or check failed and a diagnosis was printed
	exitUsage       = 2 // usage error or unreadable input
	exitUnexpected  = 3 // a failure that matched no diagnosis
	exitInterrupted = 130
)

// usageError is a bad flag, argument or input file: exit code 2.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

// usagef returns a usageError with a formatted message.
func usagef(format string, args ...any) error {
	return usageError{err: fmt.Errorf(format, args...)}
}

// reportedError means a command already printed its diagnoses; only the
// exit code remains to be chosen.
type reportedError struct {
	// unknown is true when nothing but the "unknown" diagnosis matched.
	unknown bool
}

func (e reportedError) Error() string { return "failed" }

// exitCode maps a command's error to its exit code and prints the error
// when the command has not printed it yet.
func exitCode(ctx context.Context, err error, stderr io.Writer) int {
	if err == nil {
		return exitOK
	}
	var rep reportedError
	var usage usageError
	switch {
	case ctx.Err() != nil || errors.Is(err, context.Canceled):
		fmt.Fprintln(stderr, "ksauth: interrupted")
		return exitInterrupted
	case errors.As(err, &rep):
		if rep.unknown {
			return exitUnexpected
		}
		return exitFailed
	case errors.As(err, &usage) || isCobraUsage(err):
		fmt.Fprintf(stderr, "ksauth: %v\n", err)
		return exitUsage
	}
	fmt.Fprintf(stderr, "ksauth: %v\n", err)
	return exitUnexpected
}

// isCobraUsage reports whether err is cobra's own argument error, which
// cobra returns without a type of its own.
func isCobraUsage(err error) bool {
	msg := err.Error()
	return strings.HasPrefix(msg, "unknown command") || strings.HasPrefix(msg, "accepts ") ||
		strings.HasPrefix(msg, "requires ") || strings.Contains(msg, "unknown flag") ||
		strings.HasPrefix(msg, "required flag")
}

func panicText(r any) string {
	return fmt.Sprint(r)
}
