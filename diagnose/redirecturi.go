package diagnose

import (
	"fmt"
	"net/url"
	"strings"
	"unicode/utf8"
)

// RedirectDifference is how a redirect URI in use differs from another one,
// the registered URI or the authorization request's.
type RedirectDifference struct {
	// Position is the 1-based character position where the two strings
	// first differ.
	Position int `json:"position"`
	// Part names what differs: "whitespace", "trailing slash", "scheme",
	// "host", "port", "path case", "percent-encoding", "path", "query",
	// "fragment" or "characters".
	Part string `json:"part"`
	// Detail is one sentence for a person.
	Detail string `json:"detail"`
}

// CompareRedirectURI compares the redirect URI in use with the expected
// one as strings, because Keycloak requires an exact match. It reports
// false when they are identical.
func CompareRedirectURI(used, expected string) (RedirectDifference, bool) {
	if used == expected {
		return RedirectDifference{}, false
	}
	pos := firstDifference(used, expected)
	part, what := classifyDifference(used, expected)
	detail := fmt.Sprintf("%q differs from %q at character %d: %s", used, expected, pos, what)
	return RedirectDifference{Position: pos, Part: part, Detail: detail}, true
}

// firstDifference returns the 1-based rune position of the first
// difference between a and b.
func firstDifference(a, b string) int {
	pos := 1
	for a != "" && b != "" {
		ra, na := utf8.DecodeRuneInString(a)
		rb, nb := utf8.DecodeRuneInString(b)
		if ra != rb {
			return pos
		}
		a, b = a[na:], b[nb:]
		pos++
	}
	return pos
}

// classifyDifference names the first URI component that differs, checking
// them in the order a person would: whole-string slips first, then scheme,
// host, port, path, query and fragment.
func classifyDifference(used, expected string) (part, what string) {
	switch {
	case strings.TrimSpace(used) == strings.TrimSpace(expected):
		return "whitespace", "one of them has leading or trailing whitespace"
	case used+"/" == expected:
		return "trailing slash", "the trailing slash is missing"
	case used == expected+"/":
		return "trailing slash", "a trailing slash was added"
	}
	u, errU := url.Parse(strings.TrimSpace(used))
	e, errE := url.Parse(strings.TrimSpace(expected))
	if errU != nil || errE != nil {
		return "characters", "the characters differ"
	}
	if !strings.EqualFold(u.Scheme, e.Scheme) {
		return "scheme", fmt.Sprintf("the scheme is %q where %q is expected", u.Scheme, e.Scheme)
	}
	if u.Hostname() != e.Hostname() {
		return hostDifference(u.Hostname(), e.Hostname())
	}
	if u.Port() != e.Port() {
		return "port", fmt.Sprintf("the port is %s where %s is expected", portName(u.Port()), portName(e.Port()))
	}
	if u.Scheme != e.Scheme {
		return "scheme", fmt.Sprintf("the scheme's letter case differs (%q, %q)", u.Scheme, e.Scheme)
	}
	return pathDifference(u, e, rawPath(used), rawPath(expected))
}

// rawPath returns the path of a URI as written, before any decoding, so
// that "caf%C3%A9" and "café" stay different.
func rawPath(uri string) string {
	s := strings.TrimSpace(uri)
	if _, rest, ok := strings.Cut(s, "://"); ok {
		s = rest
		if i := strings.IndexByte(s, '/'); i >= 0 {
			s = s[i:]
		} else {
			s = ""
		}
	}
	if i := strings.IndexAny(s, "?#"); i >= 0 {
		s = s[:i]
	}
	return s
}

func hostDifference(used, expected string) (part, what string) {
	if strings.EqualFold(used, expected) {
		return "host", fmt.Sprintf("the host's letter case differs (%q, %q)", used, expected)
	}
	if isLoopback(used) && isLoopback(expected) {
		return "host", fmt.Sprintf("the host is %s where %s is expected; loopback names are not interchangeable", used, expected)
	}
	return "host", fmt.Sprintf("the host is %q where %q is expected", used, expected)
}

func pathDifference(u, e *url.URL, up, ep string) (part, what string) {
	switch {
	case up != ep && strings.TrimSuffix(up, "/") == strings.TrimSuffix(ep, "/"):
		if len(up) < len(ep) {
			return "trailing slash", "the path's trailing slash is missing"
		}
		return "trailing slash", "the path has a trailing slash that is not expected"
	case up != ep && strings.EqualFold(up, ep):
		return "path case", fmt.Sprintf("the path's letter case differs (%q, %q)", up, ep)
	case up != ep && u.Path == e.Path:
		return "percent-encoding", fmt.Sprintf("the path is percent-encoded differently (%q, %q)", up, ep)
	case up != ep:
		return "path", fmt.Sprintf("the path is %q where %q is expected", up, ep)
	case u.RawQuery != e.RawQuery:
		return "query", fmt.Sprintf("the query is %q where %q is expected", u.RawQuery, e.RawQuery)
	case u.Fragment != e.Fragment || u.RawFragment != e.RawFragment:
		return "fragment", "the fragment differs"
	}
	return "characters", "the characters differ"
}

func portName(p string) string {
	if p == "" {
		return "the scheme's default"
	}
	return p
}

// isLoopback reports whether host names the local machine.
func isLoopback(host string) bool {
	h := strings.Trim(strings.ToLower(host), "[]")
	return h == "localhost" || strings.HasPrefix(h, "127.") || h == "::1"
}
