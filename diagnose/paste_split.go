package diagnose

import (
	"regexp"
	"strings"
)

// segment is a run of input lines that one reader handles.
type segment struct {
	kind segmentKind
	// start and end are 0-based line indexes, end exclusive.
	start, end int
	text       string
}

type segmentKind int

const (
	segText segmentKind = iota
	segHTTP
	segStatusJSON
	segJSON
	segHTML
	segCurl
	segURL
	segBasic
	segForm
	segDevTools
)

var (
	statusLineRE = regexp.MustCompile(`^(?:< )?HTTP/\d(?:\.\d)?\s+\d{3}\b`)
	bareStatusRE = regexp.MustCompile(`^(?:HTTP\s+|Status:?\s*)?\d{3}(?:\s+[A-Za-z][A-Za-z ]*)?$`)
	curlRE       = regexp.MustCompile(shellPrompt + `curl(?:\.exe)?\s`)
	urlRE        = regexp.MustCompile(`https?://[^\s"'<>]+`)
	basicRE      = regexp.MustCompile(`(?i)^(?:-H\s+)?["']?(?:authorization:\s*)?basic\s+\S`)
	htmlStartRE  = regexp.MustCompile(`(?i)^<(?:!doctype|html|head|body|div|p|span|h1|form|main)\b`)
)

// shellPrompt matches a shell prompt copied with a command: "$ ", "% ",
// cmd.exe's "C:\Users\dev> ", PowerShell's "PS> " or "PS C:\dev> ".
const shellPrompt = `^(?:(?:PS(?: [^>\n]*)?|[A-Za-z]:\\[^>\n]*)>\s*|[$%]\s*)?`

// recogniser is a segment kind and its match function, which returns the
// number of lines from i that form a part of that kind, or 0.
type recogniser struct {
	kind  segmentKind
	match func(lines []string, i int) int
}

// recognisers are tried in order at each line.
var recognisers = []recogniser{
	{segHTTP, matchHTTPLines},
	{segStatusJSON, matchStatusJSONLines},
	{segDevTools, matchDevToolsLines},
	{segCurl, matchCurlLines},
	{segJSON, matchJSONLines},
	{segHTML, matchHTMLLines},
	{segBasic, matchBasicLines},
	{segForm, matchFormLines},
	{segURL, matchURLLines},
}

// splitParts splits pasted text into segments. Lines no recogniser takes
// are grouped into text segments, which may contain copied page text.
func splitParts(text string) []segment {
	lines := strings.Split(text, "\n")
	var out []segment
	textStart := -1
	flush := func(end int) {
		if textStart >= 0 {
			// Blank lines after the text belong to no part.
			for end > textStart+1 && strings.TrimSpace(lines[end-1]) == "" {
				end--
			}
			out = append(out, newSegment(segText, lines, textStart, end))
			textStart = -1
		}
	}
	for i := 0; i < len(lines); {
		n, kind := recognise(lines, i)
		if n == 0 {
			if textStart < 0 && strings.TrimSpace(lines[i]) != "" {
				textStart = i
			}
			i++
			continue
		}
		flush(i)
		out = append(out, newSegment(kind, lines, i, i+n))
		i += n
	}
	flush(len(lines))
	return out
}

func recognise(lines []string, i int) (int, segmentKind) {
	for _, r := range recognisers {
		if n := r.match(lines, i); n > 0 {
			return min(n, len(lines)-i), r.kind
		}
	}
	return 0, segText
}

func newSegment(kind segmentKind, lines []string, start, end int) segment {
	return segment{kind: kind, start: start, end: end, text: strings.Join(lines[start:end], "\n")}
}

// maxCommentLines is the maximum number of "# " comment lines before a
// status line. The bound keeps splitting linear in the input's length.
const maxCommentLines = 8

// matchHTTPLines takes leading "# " comment lines, a status line, headers,
// and a body: a JSON object, an HTML document or text up to a blank line.
func matchHTTPLines(lines []string, i int) int {
	j := i
	for j < len(lines) && j < i+maxCommentLines && strings.HasPrefix(lines[j], "# ") {
		j++
	}
	if j >= len(lines) || !statusLineRE.MatchString(strings.TrimSpace(lines[j])) {
		return 0
	}
	j++
	for j < len(lines) && !isHeaderEnd(lines[j]) {
		j++
	}
	if j >= len(lines) {
		return j - i
	}
	if isSeparator(lines[j]) {
		j++
	}
	return j - i + bodyLines(lines, j)
}

// isHeaderEnd reports whether line ends a header block: a separator, or
// the first line of a JSON or HTML body pasted without one. No header
// name starts with "{" or "<".
func isHeaderEnd(line string) bool {
	t := strings.TrimSpace(line)
	return isSeparator(line) || strings.HasPrefix(t, "{") || strings.HasPrefix(t, "<") && !strings.HasPrefix(t, "< ")
}

// isSeparator reports whether line separates headers from body: a blank
// line, or the "<" line that curl -v prints there.
func isSeparator(line string) bool {
	t := strings.TrimSpace(line)
	return t == "" || t == "<"
}

// bodyLines returns how many lines from j form a response body.
func bodyLines(lines []string, j int) int {
	if j >= len(lines) {
		return 0
	}
	first := strings.TrimSpace(lines[j])
	switch {
	case strings.HasPrefix(first, "{"):
		return matchJSONLines(lines, j)
	case strings.HasPrefix(first, "<"):
		return htmlLines(lines, j)
	}
	n := 0
	for j+n < len(lines) && strings.TrimSpace(lines[j+n]) != "" {
		n++
	}
	return n
}

// matchStatusJSONLines takes a bare status line ("400 Bad Request",
// "HTTP 401") directly followed by a JSON object.
func matchStatusJSONLines(lines []string, i int) int {
	if !bareStatusRE.MatchString(strings.TrimSpace(lines[i])) || i+1 >= len(lines) {
		return 0
	}
	n := matchJSONLines(lines, i+1)
	if n == 0 {
		return 0
	}
	return n + 1
}

// matchCurlLines takes a curl command and its continuation lines.
func matchCurlLines(lines []string, i int) int {
	if !curlRE.MatchString(strings.TrimSpace(lines[i])) {
		return 0
	}
	j := i
	for j < len(lines)-1 && endsWithContinuation(lines[j]) {
		j++
	}
	return j - i + 1
}

func endsWithContinuation(line string) bool {
	t := strings.TrimRight(line, " \t")
	return strings.HasSuffix(t, `\`) || strings.HasSuffix(t, "^") || strings.HasSuffix(t, "`")
}
