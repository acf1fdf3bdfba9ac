package flow

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"github.com/kseries-tools/ksauth/diagnose"
	"golang.org/x/oauth2"
)

// clockSkewTolerance is the difference between the local clock and the
// token response's Date header above which the flow reports clock skew.
// It is diagnose's threshold, so that every reported skew gets diagnose's
// explanation.
const clockSkewTolerance = diagnose.ClockSkewThreshold

// verify runs the verify step on a token response. It verifies the ID token
// with go-oidc (signature against the realm's JWKS, issuer, audience,
// expiry), then its nonce and at_hash. It then decodes the access token's
// claims, compares the granted scopes with the requested ones, and
// compares the local clock with the token response's Date header. Missing
// scopes fail the step, but clock skew alone adds diagnoses without
// failing it.
func (r *runner) verify(ctx context.Context, tok *oauth2.Token) *Error {
	t := r.timeline.begin(diagnose.StepVerify)
	ev := r.evidence(diagnose.StepVerify)
	ev.ExpectedIssuer = r.cfg.Env.Issuer
	r.addClock(&ev)

	idClaims, err := r.verifyIDToken(ctx, tok, &ev)
	if err != nil {
		return r.failure(t, ev, err)
	}
	if ev.Detail != "" {
		return r.failure(t, ev, nil)
	}
	accessClaims := decodeClaims(tok.AccessToken)
	granted, missing := compareScopes(r.cfg.Scopes, tok.Extra("scope"))

	r.mu.Lock()
	r.result.IDClaims, r.result.AccessClaims = idClaims, accessClaims
	r.result.GrantedScopes, r.result.MissingScopes = granted, missing
	r.mu.Unlock()

	if len(missing) > 0 {
		ev.Kind = diagnose.FindingScopesMissing
		ev.Detail = "requested scopes not granted: " + strings.Join(missing, " ")
		return r.failure(t, ev, nil)
	}
	r.checkClock(ev)
	detail := "no ID token (openid not requested)"
	if idClaims != nil {
		detail = "ID token verified"
	}
	t.ok("%s; access token claims decoded without verification; granted %q", detail, strings.Join(granted, " "))
	return nil
}

// verifyIDToken verifies the ID token and returns its claims, or nil when
// the response has none and openid was not requested. A failed check sets
// ev.Kind and ev.Detail, and err is go-oidc's error, when it has one.
func (r *runner) verifyIDToken(ctx context.Context, tok *oauth2.Token, ev *diagnose.Evidence) (map[string]any, error) {
	raw, _ := tok.Extra("id_token").(string)
	if raw == "" {
		if slices.Contains(r.cfg.Scopes, "openid") {
			ev.Kind, ev.Detail = diagnose.FindingVerify, "token response has no id_token although openid was requested"
		}
		return nil, nil
	}

	verifier := r.provider.VerifierContext(withStep(ctx, diagnose.StepVerify),
		&oidc.Config{ClientID: r.cfg.ClientID, Now: r.cfg.Clock})
	idToken, err := verifier.Verify(ctx, raw)
	if err != nil {
		ev.Kind, ev.Detail = diagnose.FindingVerify, "ID token failed verification"
		if iss, _ := decodeClaims(raw)["iss"].(string); iss != "" && iss != r.cfg.Env.Issuer {
			ev.Kind = diagnose.FindingIssuerMismatch
			ev.Detail = fmt.Sprintf("ID token issuer %q differs from the configured issuer %q", iss, r.cfg.Env.Issuer)
		}
		ev.Err = err
		return nil, err
	}

	// OpenID Connect Core §3.1.3.7: the nonce must equal the request's.
	if idToken.Nonce != r.params.nonce {
		ev.Kind, ev.Detail = diagnose.FindingVerify, "ID token nonce differs from the authorization request's"
		return nil, nil
	}

	// §3.1.3.8: at_hash, when present, must match the access token.
	if idToken.AccessTokenHash != "" {
		if err := idToken.VerifyAccessToken(tok.AccessToken); err != nil {
			ev.Kind, ev.Detail, ev.Err = diagnose.FindingVerify, "ID token at_hash does not match the access token", err
			return nil, err
		}
	}

	var claims map[string]any
	if err := idToken.Claims(&claims); err != nil {
		ev.Kind, ev.Detail, ev.Err = diagnose.FindingVerify, "could not decode the ID token's claims", err
		return nil, err
	}
	return claims, nil
}

// addClock copies the token response's Date and the local time it arrived
// into the evidence.
func (r *runner) addClock(ev *diagnose.Evidence) {
	r.mu.Lock()
	capture := r.tokenCapture
	r.mu.Unlock()
	if capture == nil {
		return
	}
	var scratch diagnose.Evidence
	if addResponse(&scratch, capture) {
		ev.ServerTime, ev.LocalTime = scratch.ServerTime, scratch.LocalTime
	}
}

// checkClock records the local clock's offset from the server's and, above
// clockSkewTolerance, adds diagnose's explanation to the Result without
// failing the step.
func (r *runner) checkClock(ev diagnose.Evidence) {
	if ev.ServerTime.IsZero() {
		return
	}
	skew := ev.LocalTime.Sub(ev.ServerTime)
	r.mu.Lock()
	r.result.ClockSkew = skew
	r.mu.Unlock()
	if skew.Abs() <= clockSkewTolerance {
		return
	}
	ev.Detail = fmt.Sprintf("local clock differs from the server's Date header by %s", skew.Round(time.Second))
	// The step succeeded, so only the clock-skew explanation applies, as a
	// warning. Anything else Match returns would explain a failure.
	for _, d := range matchEvidence(ev) {
		if d.ID == diagnose.IDClockSkew {
			d.Severity = diagnose.SeverityWarning
			r.addDiagnoses([]diagnose.Diagnosis{d})
		}
	}
	r.narrate("warning: %s", ev.Detail)
}

// decodeClaims returns the claims of a JWT's payload without verifying its
// signature, or nil for an opaque token.
func decodeClaims(jwt string) map[string]any {
	parts := strings.Split(jwt, ".")
	if len(parts) != 3 {
		return nil
	}
	payload, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(parts[1], "="))
	if err != nil {
		return nil
	}
	var claims map[string]any
	if json.Unmarshal(payload, &claims) != nil {
		return nil
	}
	return claims
}

// compareScopes returns the granted scopes and the requested ones missing
// from them. A token response without scope grants what was requested
// (RFC 6749 §5.1).
func compareScopes(requested []string, scope any) (granted, missing []string) {
	s, ok := scope.(string)
	if !ok {
		return slices.Clone(requested), nil
	}
	granted = strings.Fields(s)
	for _, want := range requested {
		if !slices.Contains(granted, want) {
			missing = append(missing, want)
		}
	}
	return granted, missing
}
