package diagnose

import (
	"bytes"
	"slices"
	"strings"

	"golang.org/x/net/html"
)

// ParsePage reads a Keycloak login-theme page: the body's data-page-id, the
// document title, the h1#kc-page-title heading and the page's message.
// The message is the first found of: the login form's field error
// (keycloak.v2 theme: the text inside div#input-error-container-username
// or #input-error-username; keycloak v1 theme: span#input-error), the
// alert (.kc-feedback-text or .pf-v5-c-alert__title), and the error page's
// p.instruction. A page without these yields an empty Page; malformed HTML
// is read as far as the HTML5 parser recovers it.
func ParsePage(doc []byte) Page {
	root, err := html.Parse(bytes.NewReader(doc))
	if err != nil {
		return Page{}
	}
	var p Page
	var fieldError, alert, instruction string
	for n := range root.Descendants() {
		if n.Type != html.ElementNode {
			continue
		}
		switch {
		case n.Data == "body" && attr(n, "data-page-id") != "":
			p.ID = attr(n, "data-page-id")
		case n.Data == "title" && p.Title == "":
			p.Title = textOf(n)
		case attr(n, "id") == "kc-page-title" && p.Heading == "":
			p.Heading = textOf(n)
		case isFieldError(n) && fieldError == "":
			fieldError = textOf(n)
		case isAlert(n) && alert == "":
			alert = textOf(n)
		case hasClass(n, "instruction") && instruction == "":
			instruction = textOf(n)
		}
	}
	p.Message = firstNonEmpty(fieldError, alert, instruction)
	return p
}

// isFieldError reports whether n holds the login form's field error for the
// username, where Keycloak puts the credentials error.
func isFieldError(n *html.Node) bool {
	switch attr(n, "id") {
	case "input-error-username", "input-error-container-username", "input-error":
		return true
	}
	return false
}

func isAlert(n *html.Node) bool {
	return hasClass(n, "kc-feedback-text") || hasClass(n, "pf-v5-c-alert__title")
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func hasClass(n *html.Node, class string) bool {
	return slices.Contains(strings.Fields(attr(n, "class")), class)
}

// textOf returns the text below n with whitespace collapsed, leaving out
// comments, scripts and screen-reader-only labels.
func textOf(n *html.Node) string {
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		switch {
		case n.Type == html.TextNode:
			b.WriteString(n.Data)
			b.WriteByte(' ')
			return
		case n.Type == html.ElementNode && (n.Data == "script" || n.Data == "style"):
			return
		case n.Type == html.ElementNode && (hasClass(n, "pf-v5-screen-reader") || hasClass(n, "pf-v5-u-screen-reader")):
			return
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return collapseSpace(b.String())
}

// collapseSpace trims s and replaces every run of whitespace with one space.
func collapseSpace(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

func firstNonEmpty(values ...string) string {
	for _, v := range values {
		if v != "" {
			return v
		}
	}
	return ""
}
