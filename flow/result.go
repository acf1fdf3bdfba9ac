package flow

import (
	"encoding/json"
	"time"

	"github.com/kseries-tools/ksauth/diagnose"
	"github.com/kseries-tools/ksauth/internal/redact"
	"golang.org/x/oauth2"
)

// Result is the outcome of a run, step by step. Run and Refresh return it on
// success and, up to the failed step, on failure. Its JSON form is the
// shape of the command's --json output, to which the command adds "ok" and
// "command".
type Result struct {
	// Env is the environment's name, such as "trial".
	Env string `json:"env"`
	// Issuer is the realm's issuer URL.
	Issuer   string `json:"issuer"`
	ClientID string `json:"client_id"`
	// RedirectURI is the redirect_uri sent, with the callback server's
	// real port.
	RedirectURI string `json:"redirect_uri,omitempty"`
	// AuthURL is the authorization request opened in the browser or the
	// headless login. It contains the state, nonce and PKCE challenge of a
	// finished run, no secret.
	AuthURL string `json:"authorization_url,omitempty"`

	// Steps is the timeline, in the order the steps ended.
	Steps []StepRecord `json:"steps"`
	// Diagnoses are the explanations of the failure, and warnings such as
	// clock skew on a run that succeeded.
	Diagnoses []diagnose.Diagnosis `json:"diagnoses"`

	// CodeAge is the authorization code's age when the token request was
	// written, from the callback's arrival at the handler. JSON carries it
	// as code_age_ms, a float in milliseconds.
	CodeAge time.Duration `json:"-"`
	// CodeAgeMax is set in paste mode: the longest the code can have lived
	// when the token request was sent, counted from the moment the
	// authorization URL was shown, because the flow cannot see the
	// browser's redirect. JSON carries it as code_age_max_ms.
	CodeAgeMax time.Duration `json:"-"`
	// CodeLifespan is the environment's code lifetime that CodeAgeMax is
	// compared with, set in paste mode. JSON carries it as
	// code_lifespan_ms.
	CodeLifespan time.Duration `json:"-"`
	// CodeWindowMissed is true in paste mode when the server rejected the
	// code with invalid_grant and CodeAgeMax exceeds CodeLifespan: the
	// paste most likely came too late.
	CodeWindowMissed bool `json:"code_window_missed,omitempty"`
	// TokenConnReused is true when the exchange went over a kept-alive
	// connection, normally the one the warm-up opened.
	TokenConnReused bool `json:"token_conn_reused"`
	// ClockSkew is the local clock minus the token response's Date header.
	// JSON carries it as clock_skew_ms.
	ClockSkew time.Duration `json:"-"`

	// Tokens are the tokens for display: redacted unless
	// Config.ShowTokens.
	Tokens *Tokens `json:"tokens,omitempty"`
	// Token is the raw token response for the library caller, never
	// printed. After a refresh it is the refreshed token.
	Token *oauth2.Token `json:"-"`

	// IDClaims are the claims of the verified ID token.
	IDClaims map[string]any `json:"claims,omitempty"`
	// AccessClaims are the access token's claims, decoded without
	// verifying its signature: the access token is meant for the
	// resource server.
	AccessClaims  map[string]any `json:"access_claims,omitempty"`
	GrantedScopes []string       `json:"granted_scopes,omitempty"`
	MissingScopes []string       `json:"missing_scopes,omitempty"`

	// Refresh is the refresh step's finding, when it ran.
	Refresh *RefreshReport `json:"refresh,omitempty"`
	// IgnoredCallbacks are the requests to the callback server that did
	// not count: reloads, a favicon, wrong paths.
	IgnoredCallbacks []IgnoredCallback `json:"ignored_callbacks,omitempty"`
}

// MarshalJSON writes the result with its durations in milliseconds.
func (r Result) MarshalJSON() ([]byte, error) {
	type plain Result
	out := struct {
		plain
		CodeAgeMS      *float64 `json:"code_age_ms,omitempty"`
		CodeAgeMaxMS   *float64 `json:"code_age_max_ms,omitempty"`
		CodeLifespanMS *float64 `json:"code_lifespan_ms,omitempty"`
		ClockSkewMS    *float64 `json:"clock_skew_ms,omitempty"`
	}{plain: plain(r)}
	if r.CodeAgeMax != 0 {
		ms := millis(r.CodeAgeMax)
		out.CodeAgeMaxMS = &ms
	}
	if r.CodeLifespan != 0 {
		ms := millis(r.CodeLifespan)
		out.CodeLifespanMS = &ms
	}
	if r.CodeAge != 0 {
		ms := millis(r.CodeAge)
		out.CodeAgeMS = &ms
	}
	if r.ClockSkew != 0 {
		ms := millis(r.ClockSkew)
		out.ClockSkewMS = &ms
	}
	return json.Marshal(out)
}

// Tokens are the token response's fields for display.
type Tokens struct {
	AccessToken  string `json:"access_token,omitempty"`
	IDToken      string `json:"id_token,omitempty"`
	RefreshToken string `json:"refresh_token,omitempty"`
	TokenType    string `json:"token_type,omitempty"`
	// ExpiresIn is the access token's lifetime in seconds.
	ExpiresIn int64 `json:"expires_in,omitempty"`
	// RefreshExpiresIn is Keycloak's refresh-token lifetime in seconds: 0
	// for an offline token, nil when the response had none.
	RefreshExpiresIn *int64 `json:"refresh_expires_in,omitempty"`
	// Scope is the granted scope as the server sent it.
	Scope string `json:"scope,omitempty"`
}

// newTokens returns the display form of a token response, with the tokens
// shortened by redact.Token unless show is set.
func newTokens(tok *oauth2.Token, show bool) *Tokens {
	hide := redact.Token
	if show {
		hide = func(s string) string { return s }
	}
	// x/oauth2 copies the sent refresh token into tok.RefreshToken when a
	// refresh response has none, so only the raw response is displayed.
	raw, _ := tok.Extra("refresh_token").(string)
	t := &Tokens{
		AccessToken:  hide(tok.AccessToken),
		RefreshToken: hide(raw),
		TokenType:    tok.TokenType,
		ExpiresIn:    tok.ExpiresIn,
	}
	if id, ok := tok.Extra("id_token").(string); ok {
		t.IDToken = hide(id)
	}
	if s, ok := tok.Extra("scope").(string); ok {
		t.Scope = s
	}
	if n, ok := tok.Extra("refresh_expires_in").(float64); ok {
		v := int64(n)
		t.RefreshExpiresIn = &v
	}
	return t
}

// setToken stores a token response in the result. The caller holds r.mu.
func (r *runner) setToken(tok *oauth2.Token) {
	r.result.Token = tok
	r.result.Tokens = newTokens(tok, r.cfg.ShowTokens)
}

// addDiagnoses appends diagnoses to the result.
func (r *runner) addDiagnoses(ds []diagnose.Diagnosis) {
	r.mu.Lock()
	r.result.Diagnoses = append(r.result.Diagnoses, ds...)
	r.mu.Unlock()
}
