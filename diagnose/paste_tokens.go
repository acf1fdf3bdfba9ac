package diagnose

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// tokenResponse is a successful token response: no failure to diagnose.
// Its summary shows the access token's non-secret claims, or the ID
// token's when the access token is not a JWT. The tokens are left out.
func tokenResponse(status int, body string) piece {
	summary := "token response (tokens redacted)"
	if status > 0 {
		summary = fmt.Sprintf("HTTP %d token response (tokens redacted)", status)
	}
	var fields struct {
		AccessToken string `json:"access_token"`
		IDToken     string `json:"id_token"`
		Scope       string `json:"scope"`
	}
	_ = json.Unmarshal([]byte(strings.TrimSpace(body)), &fields)
	switch {
	case tokenClaims(fields.AccessToken) != "":
		summary += "; access token " + tokenClaims(fields.AccessToken)
	case tokenClaims(fields.IDToken) != "":
		summary += "; ID token " + tokenClaims(fields.IDToken)
	case fields.Scope != "":
		summary += fmt.Sprintf("; scope %q", fields.Scope)
	}
	return piece{kind: KindJSON, summary: summary, tokensIssued: true}
}

// tokenClaims returns the non-secret claims of a JWT's payload, decoded
// without verifying the signature: iss, aud, azp, scope and exp as a UTC
// time. It returns "" for a value that is not a JWT.
func tokenClaims(token string) string {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return ""
	}
	payload, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(parts[1], "="))
	if err != nil {
		return ""
	}
	var c struct {
		Iss   string          `json:"iss"`
		Aud   json.RawMessage `json:"aud"`
		Azp   string          `json:"azp"`
		Scope string          `json:"scope"`
		Exp   json.Number     `json:"exp"`
	}
	if json.Unmarshal(payload, &c) != nil {
		return ""
	}

	var out []string
	if c.Iss != "" {
		out = append(out, "iss "+c.Iss)
	}
	if aud := audience(c.Aud); aud != "" {
		out = append(out, "aud "+aud)
	}
	if c.Azp != "" {
		out = append(out, "azp "+c.Azp)
	}
	if c.Scope != "" {
		out = append(out, fmt.Sprintf("scope %q", c.Scope))
	}
	if exp, err := c.Exp.Int64(); err == nil && exp > 0 {
		out = append(out, "exp "+time.Unix(exp, 0).UTC().Format(time.RFC3339))
	}
	if len(out) == 0 {
		return ""
	}
	return "claims: " + strings.Join(out, ", ")
}

// audience reads the aud claim, a string or an array of strings
// (RFC 7519 §4.1.3).
func audience(raw json.RawMessage) string {
	var one string
	if json.Unmarshal(raw, &one) == nil {
		return one
	}
	var many []string
	if json.Unmarshal(raw, &many) == nil {
		return strings.Join(many, " ")
	}
	return ""
}

// readKsauthOutput reads the JSON document of a ksauth command run with
// --json: it reports that document's diagnoses as they are.
func readKsauthOutput(body string) (piece, error) {
	var out struct {
		Command   string      `json:"command"`
		OK        *bool       `json:"ok"`
		Diagnoses []Diagnosis `json:"diagnoses"`
	}
	if err := json.Unmarshal([]byte(body), &out); err != nil {
		return piece{}, fmt.Errorf("the ksauth JSON output could not be read (%v), so paste the whole document", jsonErrorText(err))
	}
	summary := fmt.Sprintf("ksauth %s --json output with %d diagnoses", out.Command, len(out.Diagnoses))
	if out.OK != nil {
		summary += fmt.Sprintf(", ok %v", *out.OK)
	}
	ds := out.Diagnoses
	p := piece{kind: KindJSON, summary: summary, reported: true}
	p.check = func(Context) []Diagnosis { return ds }
	return p, nil
}
