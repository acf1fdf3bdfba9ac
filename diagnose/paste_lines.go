package diagnose

import (
	"regexp"
	"strings"
)

var formLineRE = regexp.MustCompile(`^[A-Za-z_]+=[^\s]*(?:&[A-Za-z_]+=[^\s]*)*$`)

// matchJSONLines takes a JSON object that starts at line i, up to the line
// where its braces balance. An object that never closes runs to the next
// blank line or the end, so broken JSON stays one part.
func matchJSONLines(lines []string, i int) int {
	if !strings.HasPrefix(strings.TrimSpace(lines[i]), "{") {
		return 0
	}
	depth, inString, escaped := 0, false, false
	for j := i; j < len(lines); j++ {
		if j > i && strings.TrimSpace(lines[j]) == "" {
			// JSON strings contain no raw line breaks, so an object still open
			// at a blank line is broken and ends there.
			return j - i
		}
		for _, c := range lines[j] {
			switch {
			case escaped:
				escaped = false
			case inString && c == '\\':
				escaped = true
			case c == '"':
				inString = !inString
			case !inString && c == '{':
				depth++
			case !inString && c == '}':
				depth--
			}
		}
		if depth <= 0 {
			return j - i + 1
		}
	}
	return len(lines) - i
}

// matchHTMLLines takes an HTML document or fragment starting at line i.
func matchHTMLLines(lines []string, i int) int {
	if !htmlStartRE.MatchString(strings.TrimSpace(lines[i])) {
		return 0
	}
	return htmlLines(lines, i)
}

// htmlLines takes a whole document up to </html>, or a fragment up to the
// next blank line.
func htmlLines(lines []string, i int) int {
	first := strings.ToLower(strings.TrimSpace(lines[i]))
	if strings.HasPrefix(first, "<!doctype") || strings.HasPrefix(first, "<html") {
		for j := i; j < len(lines); j++ {
			if strings.Contains(strings.ToLower(lines[j]), "</html>") {
				return j - i + 1
			}
		}
		return len(lines) - i
	}
	n := 0
	for i+n < len(lines) && strings.TrimSpace(lines[i+n]) != "" {
		n++
	}
	return n
}

// matchBasicLines takes one Authorization: Basic header line.
func matchBasicLines(lines []string, i int) int {
	t := strings.TrimLeft(strings.TrimSpace(lines[i]), "> ")
	if basicRE.MatchString(t) {
		return 1
	}
	return 0
}

// matchFormLines takes one form-encoded token request body line, such as
// "grant_type=authorization_code&code=...".
func matchFormLines(lines []string, i int) int {
	t := strings.TrimSpace(lines[i])
	if strings.Contains(t, "grant_type=") && formLineRE.MatchString(t) {
		return 1
	}
	return 0
}

// matchURLLines takes a line with a URL, or one starting with an error
// query, and the lines after it that continue its query: lines starting
// with "?", "&" or "#", as the error guide prints long URLs.
func matchURLLines(lines []string, i int) int {
	t := strings.TrimSpace(lines[i])
	if !urlRE.MatchString(t) && !isErrorQuery(t) {
		return 0
	}
	n := 1
	wrapped := urlEndsLine(t)
	for i+n < len(lines) {
		switch {
		case isQueryContinuation(lines[i+n]):
		case wrapped && isWrappedURLPiece(lines[i+n-1], lines[i+n]) && !startsOtherPart(lines, i+n):
		default:
			return n
		}
		n++
	}
	return n
}

// minWrapWidth is the shortest line length at which a break may be an
// email client's wrap. Clients wrap at 72 to 78 columns, and quoting
// ("> ") takes a few of them.
const minWrapWidth = 60

// startsOtherPart reports whether line j starts a part of another kind,
// such as a form body after a token endpoint URL, which is no URL piece.
func startsOtherPart(lines []string, j int) bool {
	for _, match := range []func([]string, int) int{matchHTTPLines, matchStatusJSONLines, matchDevToolsLines,
		matchCurlLines, matchJSONLines, matchHTMLLines, matchBasicLines, matchFormLines} {
		if match(lines, j) > 0 {
			return true
		}
	}
	return false
}

// urlEndsLine reports whether the line's last URL runs to the end of the
// line, so that a break there may be inside it.
func urlEndsLine(line string) bool {
	locs := urlRE.FindAllStringIndex(line, -1)
	return len(locs) > 0 && locs[len(locs)-1][1] == len(line)
}

// isWrappedURLPiece reports whether next continues a URL that an email
// client broke at the end of prev. Then prev is as long as a wrapped line,
// and next is one word that looks like the middle of a URL. Such a word
// contains URL punctuation or starts with a lower-case letter or digit,
// because a new sentence starts with a capital.
//
// NOTE: a one-word reply in lower case, such as "thanks", after a URL line
// of wrapped length is joined to the URL too.
func isWrappedURLPiece(prev, next string) bool {
	t := unquoteEmailLine(next)
	if len(strings.TrimSpace(prev)) < minWrapWidth || t == "" || strings.ContainsAny(t, " \t") ||
		strings.HasPrefix(t, "http://") || strings.HasPrefix(t, "https://") {
		return false
	}
	c := t[0]
	return strings.ContainsAny(t, "=&%/?#+") || c >= 'a' && c <= 'z' || c >= '0' && c <= '9'
}

func isErrorQuery(s string) bool {
	s = strings.TrimLeft(s, "?#")
	return strings.HasPrefix(s, "error=")
}

func isQueryContinuation(line string) bool {
	t := unquoteEmailLine(line)
	return t != "" && strings.ContainsAny(t[:1], "?&#") && strings.Contains(t, "=")
}

// joinURL joins a URL broken over lines into one string, dropping the
// whitespace around each piece and the email quote marks ("> ") before
// each continuation.
func joinURL(text string) string {
	var b strings.Builder
	for i, line := range strings.Split(text, "\n") {
		if i == 0 {
			b.WriteString(strings.TrimSpace(line))
		} else {
			b.WriteString(unquoteEmailLine(line))
		}
	}
	return b.String()
}

// unquoteEmailLine returns line without the "> " marks that quote it in a
// reply, and without surrounding whitespace.
func unquoteEmailLine(line string) string {
	t := strings.TrimSpace(line)
	for strings.HasPrefix(t, ">") {
		t = strings.TrimSpace(t[1:])
	}
	return t
}
