package diagnose

import (
	"encoding/base64"
	"fmt"
	"net/url"
	"strings"
	"unicode/utf8"
)

// BasicCredentials are the facts of a decoded Authorization: Basic header
// (RFC 7617, with the form-encoding of RFC 6749 §2.3.1). The secret itself
// is never kept, only its length.
type BasicCredentials struct {
	// ClientID is the decoded user part, or "" when none could be read.
	ClientID string `json:"client_id,omitempty"`
	// SecretLength is the length in bytes of the decoded secret part.
	SecretLength int `json:"secret_length"`
	// Problems are mistakes that make Keycloak reject the header.
	Problems []string `json:"problems,omitempty"`
	// Warnings are oddities that may make it reject the header.
	Warnings []string `json:"warnings,omitempty"`
}

// Problem returns the problems joined for Context.BasicProblem.
func (b BasicCredentials) Problem() string {
	return strings.Join(b.Problems, "; ")
}

// DecodeBasic reads an Authorization header value such as "Basic ZGV2c...",
// with or without the leading "Authorization:". It checks, in order: the
// scheme, the base64 encoding, the decoded text (UTF-8, a trailing newline
// from echo without -n, whitespace), the colon between client ID and
// secret, and characters that Keycloak 20 and later form-decode in the
// secret.
func DecodeBasic(header string) BasicCredentials {
	var b BasicCredentials
	value := strings.TrimSpace(header)
	if rest, ok := cutPrefixFold(value, "Authorization:"); ok {
		value = strings.TrimSpace(rest)
	}
	scheme, token, _ := strings.Cut(value, " ")
	switch {
	case strings.EqualFold(scheme, "Bearer"):
		b.Problems = append(b.Problems, "the header carries a Bearer token; the token endpoint needs Basic client credentials")
		return b
	case !strings.EqualFold(scheme, "Basic"):
		b.Problems = append(b.Problems, `the header does not start with the "Basic" scheme`)
		token = value
	}
	token = strings.TrimSpace(token)
	decoded, ok := b.decodeToken(token)
	if !ok {
		return b
	}
	b.readDecoded(decoded)
	return b
}

// decodeToken decodes the base64 part, recording why it cannot be read.
// Keycloak decodes with Java's basic decoder, which accepts missing padding
// but not the base64url alphabet.
func (b *BasicCredentials) decodeToken(token string) ([]byte, bool) {
	switch {
	case token == "":
		b.Problems = append(b.Problems, "the header has no credentials after Basic")
		return nil, false
	case strings.ContainsAny(token, "<>"):
		b.Problems = append(b.Problems, "the header still holds a placeholder such as <base64_value>")
		return nil, false
	case strings.ContainsAny(token, " \t"):
		b.Problems = append(b.Problems, "the base64 value contains spaces")
		return nil, false
	}
	if d, err := base64.StdEncoding.DecodeString(token); err == nil {
		return d, true
	}
	if d, err := base64.RawStdEncoding.DecodeString(strings.TrimRight(token, "=")); err == nil {
		return d, true
	}
	if _, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(token, "=")); err == nil {
		b.Problems = append(b.Problems, "the value is base64url (- or _); use standard base64, as the base64 command prints")
		return nil, false
	}
	if strings.Contains(token, ":") {
		b.Problems = append(b.Problems, "the credentials are not Base64-encoded: client_id:client_secret was sent as plain text")
		return nil, false
	}
	b.Problems = append(b.Problems, "the value is not valid base64")
	return nil, false
}

// readDecoded checks the decoded "client_id:client_secret" text.
func (b *BasicCredentials) readDecoded(decoded []byte) {
	if !utf8.Valid(decoded) {
		b.Problems = append(b.Problems, "the decoded value is not text: the base64 value is damaged or encodes something else")
		return
	}
	text := string(decoded)
	if strings.HasSuffix(text, "\n") {
		b.Problems = append(b.Problems, `the decoded value ends with a newline: it was built with echo without -n; use echo -n "client_id:client_secret" | base64`)
		text = strings.TrimRight(text, "\r\n")
	}
	if text != strings.TrimSpace(text) {
		b.Problems = append(b.Problems, "the decoded value has leading or trailing whitespace")
	}
	user, secret, found := strings.Cut(text, ":")
	if !found {
		b.Problems = append(b.Problems, "the decoded value has no colon between client ID and secret")
		b.ClientID = formDecode(strings.TrimSpace(text))
		return
	}
	b.ClientID = formDecode(user)
	b.SecretLength = len(secret)
	switch {
	case user == "":
		b.Problems = append(b.Problems, "the client ID before the colon is empty")
	case secret == "":
		b.Problems = append(b.Problems, "the secret after the colon is empty")
	}
	if strings.ContainsAny(secret, "+%") {
		b.Warnings = append(b.Warnings, "the secret contains '+' or '%', which Keycloak 20 and later form-decode; "+
			"URL-encode the secret before base64 (+ as %2B, % as %25)")
	}
}

// formDecode decodes a form-encoded Basic user part, keeping the raw text
// when it is not valid form encoding.
func formDecode(s string) string {
	if d, err := url.QueryUnescape(s); err == nil {
		return d
	}
	return s
}

// basicDiagnoses turns Basic header problems into diagnoses at step.
func basicDiagnoses(b BasicCredentials, step Step) []Diagnosis {
	var out []Diagnosis
	facts := []string{fmt.Sprintf("Basic header for client %q, secret of %d characters (not shown)", b.ClientID, b.SecretLength)}
	if len(b.Problems) > 0 {
		d := newDiagnosis(IDInvalidClientCredentials, step, append(facts, b.Problems...)...)
		d.lead(causeHeaderMalformed)
		out = append(out, d)
	}
	if len(b.Warnings) > 0 {
		out = append(out, newWarning(IDInvalidClientCredentials, step, append(facts, b.Warnings...)...))
	}
	return out
}
