package flow

import (
	"errors"

	"github.com/kseries-tools/ksauth/diagnose"
	"golang.org/x/oauth2"
)

// Error is the failure of one flow step. It keeps the raw evidence the step
// collected and the diagnoses diagnose.Match found for it. Run and Refresh
// return it together with the partial Result.
type Error struct {
	// Step is the step that failed.
	Step diagnose.Step
	// Evidence is the step's observation: the server's status, headers,
	// capped body and OAuth error fields, the page shown, or a local
	// finding, with the request context filled in.
	Evidence diagnose.Evidence
	// Diagnoses are diagnose.Match's explanations, most likely first.
	Diagnoses []diagnose.Diagnosis
	// Err is the underlying error, if any: a transport error, an
	// *oauth2.RetrieveError, a verification error, or the context's error
	// when the run was cancelled.
	Err error
}

// Error returns "step: what failed", such as "token: server returned
// invalid_grant: Code not valid (HTTP 400)".
func (e *Error) Error() string {
	msg := e.Evidence.Detail
	var retrieve *oauth2.RetrieveError
	switch {
	case e.Err == nil:
	case msg == "":
		msg = e.Err.Error()
	case !errors.As(e.Err, &retrieve):
		// A RetrieveError's text repeats the body that Detail already
		// summarises, so only other errors are appended.
		msg += ": " + e.Err.Error()
	}
	if msg == "" {
		msg = "failed"
	}
	return string(e.Step) + ": " + msg
}

// Unwrap returns the underlying error.
func (e *Error) Unwrap() error { return e.Err }
