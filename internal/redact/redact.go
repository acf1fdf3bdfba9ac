// Package redact hides secret values in output. Every output path of ksauth
// (terminal, JSON, verbose trace, HAR file, result page) goes through it.
package redact

import (
	"crypto/hmac"
	"crypto/rand"
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

// MarkerPrefix starts every value Marker returns.
const MarkerPrefix = "[redacted hmac:"

// markerKey keys the markers of one process. It is random and never
// stored, so a marker in a shared file cannot be checked against guessed
// passwords or secrets, while the same value still gets the same marker
// everywhere in one run's output.
var markerKey = newMarkerKey()

func newMarkerKey() []byte {
	key := make([]byte, 32)
	// crypto/rand.Read never returns an error on the platforms Go
	// supports, and panics itself if the system's source fails.
	_, _ = rand.Read(key)
	return key
}

// Marker returns a value replaced by a marker that keeps a short keyed
// hash, such as "[redacted hmac:1a2b3c4d]": the first 4 bytes of
// HMAC-SHA256 under a key made for this process. The same secret can
// then be matched across the entries of one trace or HAR file without
// being shown or guessable.
func Marker(v string) string {
	if v == "" {
		return ""
	}
	mac := hmac.New(sha256.New, markerKey)
	mac.Write([]byte(v))
	return MarkerPrefix + hex.EncodeToString(mac.Sum(nil)[:4]) + "]"
}
