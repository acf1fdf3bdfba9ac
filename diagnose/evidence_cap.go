package diagnose

import (
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"
)

// Caps on the text a diagnosis quotes, so that a huge response or paste
// cannot flood the output. Each cut text ends with "… (N bytes in all)".
const (
	// maxDescriptionRunes caps a quoted error_description.
	maxDescriptionRunes = 300
	// maxExcerptRunes caps the excerpt of a response body.
	maxExcerptRunes = 300
	// maxEvidenceBytes caps any one evidence string, summary or note.
	maxEvidenceBytes = 2 << 10
)

// cutMark starts the note capText appends to a cut text.
const cutMark = "… ("

// capText returns s when it has at most maxRunes runes, else its first
// maxRunes runes followed by "… (N bytes in all)".
func capText(s string, maxRunes int) string {
	if utf8.RuneCountInString(s) <= maxRunes {
		return s
	}
	end, n := 0, 0
	for i := range s {
		if n == maxRunes {
			end = i
			break
		}
		n++
	}
	return fmt.Sprintf("%s%s%d bytes in all)", s[:end], cutMark, len(s))
}

// capBytes returns s cut to at most maxBytes bytes, on a rune boundary,
// with the same note as capText.
func capBytes(s string, maxBytes int) string {
	if len(s) <= maxBytes {
		return s
	}
	end := maxBytes
	for end > 0 && !utf8.RuneStart(s[end]) {
		end--
	}
	return fmt.Sprintf("%s%s%d bytes in all)", s[:end], cutMark, len(s))
}

// jwsRE matches the header and payload of a JWT in compact form. Keycloak's
// client_data parameter on every login page is base64url JSON too, so it
// also starts with "eyJ", but it has no dot-separated second part.
var jwsRE = regexp.MustCompile(`eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}`)

// containsTokens reports whether text contains an OAuth token field or a JWT.
func containsTokens(text string) bool {
	for _, field := range []string{`"access_token"`, `"refresh_token"`, `"id_token"`} {
		if strings.Contains(text, field) {
			return true
		}
	}
	return jwsRE.MatchString(text)
}

// bodyExcerpt returns the start of a body for evidence, or "" for an empty
// body. An HTML body is quoted by its visible text, because its first
// bytes are markup. A body that carries tokens is not quoted.
func bodyExcerpt(body string) string {
	if strings.TrimSpace(body) == "" {
		return ""
	}
	if containsTokens(body) {
		return fmt.Sprintf("body contains an OAuth token or a JWT (%d bytes, not shown)", len(body))
	}
	label, text := "body: ", collapseSpace(body)
	if looksHTML(body) {
		label, text = "page text: ", htmlText(body[:min(len(body), MaxBody)])
		if text == "" {
			return fmt.Sprintf("HTML body without visible text (%d bytes)", len(body))
		}
	}
	return label + capText(text, maxExcerptRunes)
}

// looksHTML reports whether body starts like an HTML document.
func looksHTML(body string) bool {
	b := strings.ToLower(strings.TrimSpace(body[:min(len(body), 512)]))
	return strings.HasPrefix(b, "<!doctype html") || strings.HasPrefix(b, "<html") ||
		strings.HasPrefix(b, "<head") || strings.HasPrefix(b, "<body")
}
