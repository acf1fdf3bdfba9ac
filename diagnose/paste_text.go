package diagnose

import (
	"fmt"
	"regexp"
	"strings"

	"golang.org/x/net/html"
)

// oauthCodeRE finds an OAuth error code (RFC 6749 §4.1.2.1, §5.2, RFC 6750
// §3.1) in free text.
var oauthCodeRE = regexp.MustCompile(`\b(invalid_grant|invalid_client|unauthorized_client|invalid_scope|` +
	`invalid_request|unsupported_grant_type|unsupported_response_type|access_denied|login_required|` +
	`interaction_required|consent_required|server_error|temporarily_unavailable|unknown_error|invalid_token|` +
	`insufficient_scope)\b`)

// minDescription is the shortest Keycloak description readErrorText finds
// without an error code next to it. Shorter ones, such as "Stale token",
// occur in ordinary sentences.
const minDescription = 12

// readErrorText reads an OAuth error written as text, such as a log line
// "token request failed: invalid_grant (Code not valid)". It finds the
// error code and the longest Keycloak description in the text. A
// description alone gives the code of its rule.
func readErrorText(text string) (piece, error) {
	code := oauthCodeRE.FindString(text)
	desc, descCode := findDescription(text, code)
	if code == "" && len(desc) >= minDescription {
		code = descCode
	}
	if code == "" {
		return piece{}, errNotRecognised
	}
	ev := Evidence{Error: code, ErrorDescription: desc}
	summary := "error text: " + code
	if desc != "" {
		summary += fmt.Sprintf(" %q", desc)
	}
	p := piece{kind: KindErrorText, summary: summary, response: &ev}
	p.ctx.ClientID = clientIDRE.FindString(text)
	return p, nil
}

// findDescription returns the longest rule description in text, ignoring
// letter case, with its rule's code. With code given, only rules of that
// code count.
func findDescription(text, code string) (desc, descCode string) {
	lower := strings.ToLower(text)
	for _, r := range allRules {
		if r.desc == "" || code != "" && r.code != code || len(r.desc) <= len(desc) {
			continue
		}
		i := strings.Index(lower, strings.ToLower(r.desc))
		if i < 0 {
			continue
		}
		desc, descCode = r.desc, r.code
		// ToLower can change byte lengths outside ASCII, so the index is
		// checked against text before slicing.
		if r.prefix && i+len(r.desc) <= len(text) && strings.EqualFold(text[i:i+len(r.desc)], r.desc) {
			desc = r.desc + firstLine(text[i+len(r.desc):])
		}
	}
	return desc, descCode
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}

// htmlText returns the text of an HTML document or fragment, without
// scripts and styles.
func htmlText(doc string) string {
	root, err := html.Parse(strings.NewReader(doc))
	if err != nil {
		return ""
	}
	return textOf(root)
}
