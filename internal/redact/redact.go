// Package redact hides secret values in output. Every output path of ksauth
// (terminal, JSON, verbose trace, HAR file, result page) goes through it.
package redact

import (
	"crypto/sha256"
	"encoding/hex"
	"unicode/utf8"
)

// keep is how many leading characters of a token stay visible: enough to
// tell a JWT ("eyJh") from an opaque value, too few to be useful.
const keep = 4

// Token returns a token shortened to its first characters and a marker,
// such as "eyJh…(redacted)". An empty value stays empty.
func Token(v string) string {
	if v == "" {
		return ""
	}
	if utf8.RuneCountInString(v) <= 2*keep {
		return "(redacted)"
	}
	r := []rune(v)
	return string(r[:keep]) + "…(redacted)"
}

// Marker returns a value replaced by a marker that keeps a short SHA-256
// prefix, such as "[redacted sha256:1a2b3c4d]", so that the same secret can
// be matched across entries of a trace without being shown.
func Marker(v string) string {
	if v == "" {
		return ""
	}
	sum := sha256.Sum256([]byte(v))
	return "[redacted sha256:" + hex.EncodeToString(sum[:4]) + "]"
}
