package flow

import (
	"context"
	"errors"
	"fmt"

	"github.com/coreos/go-oidc/v3/oidc"
	"github.com/kseries-tools/ksauth/diagnose"
	"golang.org/x/oauth2"
)

// RefreshReport is the refresh step's finding about rotation.
type RefreshReport struct {
	// Rotated is true when the server returned a refresh token different
	// from the one sent.
	Rotated bool `json:"rotated"`
	// OldRejected is set when Config.RefreshReplayCheck ran: true when the
	// server rejected the old refresh token on its second use.
	OldRejected *bool `json:"old_rejected,omitempty"`
	// OldRejection is the server's error for the old token, such as
	// "invalid_grant: Stale token".
	OldRejection string `json:"old_rejection,omitempty"`
}

// Refresh uses refreshToken once at cfg.Env's token endpoint, after
// discovery, and returns the new tokens with the rotation check in
// Result.Refresh. With Config.Preflight it first checks the client ID and
// secret offline against the environment, as Run does, so a client of the
// other environment is named as such. Config.RedirectURI and the login
// fields are not used.
// With Config.RefreshReplayCheck it then sends the old token again. That
// field's doc describes the effect on the new token.
func Refresh(ctx context.Context, cfg Config, refreshToken string) (*Result, error) {
	if refreshToken == "" {
		return nil, fmt.Errorf("%w: missing refresh token", ErrInvalidConfig)
	}
	r, err := newRunner(cfg, false)
	if err != nil {
		return nil, err
	}
	ctx, r.cancel = context.WithCancel(ctx)
	if r.cfg.Preflight {
		r.preflight(false)
	}
	if e := r.discover(ctx); e != nil {
		return r.finish(e)
	}
	return r.finish(r.refresh(ctx, refreshToken))
}

// refresh runs the refresh step (RFC 6749 §6): one refresh_token grant
// with client authentication in the Basic header, the rotation check,
// verification of a returned ID token without the nonce, and the optional
// replay of the old token. The new token replaces Result.Token.
func (r *runner) refresh(ctx context.Context, old string) *Error {
	t := r.timeline.begin(diagnose.StepRefresh)
	r.mu.Lock()
	r.reqCtx.GrantType = "refresh_token"
	r.mu.Unlock()

	tok, capture, err := r.refreshGrant(ctx, old)
	if err != nil {
		ev := r.evidence(diagnose.StepRefresh)
		tokenEvidence(&ev, capture, err)
		return r.failure(t, ev, err)
	}
	sent, _ := tok.Extra("refresh_token").(string)
	report := &RefreshReport{Rotated: sent != "" && sent != old}
	if raw, _ := tok.Extra("id_token").(string); raw != "" {
		verifier := r.provider.VerifierContext(withStep(ctx, diagnose.StepRefresh),
			&oidc.Config{ClientID: r.cfg.ClientID, Now: r.cfg.Clock})
		if _, err := verifier.Verify(ctx, raw); err != nil {
			ev := r.evidence(diagnose.StepRefresh)
			ev.Kind, ev.Detail, ev.Err = diagnose.FindingVerify, "refreshed ID token failed verification", err
			return r.failure(t, ev, err)
		}
	}
	if r.cfg.RefreshReplayCheck {
		if e := r.replayRefresh(ctx, old, report); e != nil {
			return r.failure(t, e.Evidence, e.Err)
		}
	}

	r.mu.Lock()
	r.result.Refresh = report
	r.setToken(tok)
	r.mu.Unlock()
	t.ok("%s", describeRotation(report))
	return nil
}

// refreshGrant sends one refresh_token grant and returns the token with the
// captured response.
func (r *runner) refreshGrant(ctx context.Context, refreshToken string) (*oauth2.Token, *captured, error) {
	ctx, capture := withCapture(withStep(ctx, diagnose.StepRefresh))
	ctx = context.WithValue(ctx, oauth2.HTTPClient, r.client)
	// x/oauth2 fills in the old refresh token when the response has none,
	// so rotation is read from the raw response by the caller.
	tok, err := r.oauthConfig("").TokenSource(ctx, &oauth2.Token{RefreshToken: refreshToken}).Token()
	return tok, capture, err
}

// replayRefresh sends the old refresh token a second time and records
// whether the server rejected it. Only a failure to get any response is an
// error.
func (r *runner) replayRefresh(ctx context.Context, old string, report *RefreshReport) *Error {
	_, capture, err := r.refreshGrant(withNote(ctx, diagnose.NoteRefreshReplay), old)
	rejected := err != nil
	var retrieve *oauth2.RetrieveError
	switch {
	case errors.As(err, &retrieve):
		report.OldRejection = retrieve.ErrorCode
		if retrieve.ErrorDescription != "" {
			report.OldRejection += ": " + retrieve.ErrorDescription
		}
	case err != nil:
		ev := r.evidence(diagnose.StepRefresh)
		ev.Context.RefreshReused = true
		tokenEvidence(&ev, capture, err)
		ev.Detail = "replay check: " + ev.Detail
		return &Error{Step: diagnose.StepRefresh, Evidence: ev, Err: err}
	}
	report.OldRejected = &rejected
	return nil
}

func describeRotation(rep *RefreshReport) string {
	s := "refresh token not rotated"
	if rep.Rotated {
		s = "refresh token rotated"
	}
	switch {
	case rep.OldRejected == nil:
	case *rep.OldRejected:
		s += "; old token rejected (" + rep.OldRejection + ")"
	default:
		s += "; old token still accepted"
	}
	return s
}
