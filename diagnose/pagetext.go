package diagnose

import "strings"

// pageHeadings are the headings of Keycloak pages that PageText recognises
// in copied text, with the page ID each belongs to.
var pageHeadings = func() []struct{ text, pageID string } {
	headings := []struct{ text, pageID string }{
		{"We are sorry...", "login-error"},
		{"Page has expired", "login-login-page-expired"},
		{"Sign in to your account", "login-login"},
	}
	for _, r := range requiredActionPages {
		headings = append(headings, struct{ text, pageID string }{r.heading, r.pageID})
	}
	return headings
}()

// maxPageTextMessage is how much of an unrecognised message PageText keeps.
const maxPageTextMessage = 200

// PageText reads the text of a Keycloak page copied from a browser, such
// as "We are sorry... Client not found". Matching ignores letter case,
// spacing, line breaks, a trailing period and "…" for "...". It reports
// false when the text shows neither a known heading nor a known message.
// When the heading is "We are sorry..." but the message is not a known one,
// the text after the heading becomes the message.
func PageText(text string) (Page, bool) {
	norm := normPageText(text)
	var p Page
	rest := ""
	for _, h := range pageHeadings {
		key := normMessage(h.text)
		if i := strings.Index(norm, key); i >= 0 {
			p.Heading, p.ID = h.text, h.pageID
			rest = strings.TrimLeft(collapseSpace(strings.ReplaceAll(text, "…", "...")), " ")
			rest = afterFold(rest, key)
			break
		}
	}
	for _, r := range pageRules {
		if strings.Contains(norm, normMessage(r.message)) {
			p.Message = r.message
			if p.ID == "" {
				p.ID = r.pageID
			}
			break
		}
	}
	if p.Message == "" && p.ID == "login-error" {
		p.Message = trimMessage(rest)
	}
	return p, p.Heading != "" || p.Message != ""
}

// normPageText lower-cases text, collapses whitespace and writes "…" as
// "...".
func normPageText(text string) string {
	return strings.ToLower(collapseSpace(strings.ReplaceAll(text, "…", "...")))
}

// afterFold returns what follows the first case-insensitive occurrence of
// key in s, without the dots and spaces that follow it.
func afterFold(s, key string) string {
	// ToLower can change byte lengths outside ASCII, so the index is
	// checked against s before slicing.
	i := strings.Index(strings.ToLower(s), key)
	if i < 0 || i+len(key) > len(s) {
		return ""
	}
	return strings.TrimLeft(s[i+len(key):], ". ")
}

// trimMessage shortens an unrecognised page message to its first line's
// worth, dropping the "Back to Application" link text.
func trimMessage(s string) string {
	if i := strings.Index(strings.ToLower(s), "back to application"); i >= 0 && i <= len(s) {
		s = s[:i]
	}
	s = strings.TrimRight(strings.TrimSpace(s), "« ")
	if len(s) > maxPageTextMessage {
		s = strings.ToValidUTF8(s[:maxPageTextMessage], "") + "…"
	}
	return s
}
