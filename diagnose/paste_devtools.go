package diagnose

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"
)

// devToolsStartRE matches the first line of a request copied from a
// browser's network panel, such as Chrome's "Request URL: https://..." or
// "Status Code: 401 Unauthorized".
var devToolsStartRE = regexp.MustCompile(`(?i)^(?:Request URL:\s*https?://|Status Code:\s*\d{3}\b)`)

// matchDevToolsLines takes a network panel block: its "Name: value" lines
// up to a blank line, and the JSON or HTML body after it.
func matchDevToolsLines(lines []string, i int) int {
	if !devToolsStartRE.MatchString(strings.TrimSpace(lines[i])) {
		return 0
	}
	j := i
	for j < len(lines) && strings.TrimSpace(lines[j]) != "" && !isHeaderEnd(lines[j]) {
		j++
	}
	if j < len(lines) && isSeparator(lines[j]) && j+1 < len(lines) && isHeaderEnd(lines[j+1]) {
		j++
	}
	if j < len(lines) && isHeaderEnd(lines[j]) && !isSeparator(lines[j]) {
		j += bodyLines(lines, j)
	}
	return j - i
}

// readDevTools reads a network panel block as an HTTP response: the
// status from "Status Code", the path from "Request URL", the headers and
// the body. Without a status it reads the request URL alone.
func readDevTools(text string, sec *secrets) (piece, error) {
	lines := strings.Split(text, "\n")
	var reqURL, method, status string
	var headers []string
	i := 0
	for ; i < len(lines) && strings.TrimSpace(lines[i]) != "" && !isHeaderEnd(lines[i]); i++ {
		name, value, ok := strings.Cut(strings.TrimSpace(lines[i]), ":")
		if !ok {
			continue
		}
		value = strings.TrimSpace(value)
		switch strings.ToLower(strings.TrimSpace(name)) {
		case "request url":
			reqURL = value
		case "request method":
			method = value
		case "status code":
			status = value
		case "authorization", "cookie":
			// Request headers copied with the block are not kept. Only
			// their secrets are recorded, for redaction.
			sec.addBasic(value)
			sec.add(value)
		default:
			headers = append(headers, lines[i])
		}
	}
	u, err := url.Parse(reqURL)
	if status == "" || err == nil && urlParams(u).Get("error") != "" {
		// The request URL itself is the evidence: an error redirect, or a
		// request whose response was not copied.
		return readURLLine(reqURL, sec)
	}

	path := "/"
	if err == nil && reqURL != "" {
		path = u.Path
		q := urlParams(u)
		for _, k := range []string{"code", "code_verifier", "access_token", "id_token"} {
			sec.add(q[k]...)
		}
	}

	http := fmt.Sprintf("# %s %s\nHTTP/1.1 %s\n%s\n\n%s", firstNonEmpty(method, "GET"), path, status,
		strings.Join(headers, "\n"), strings.TrimSpace(strings.Join(lines[i:], "\n")))
	p, err := readHTTP(http, sec)
	if err != nil {
		return p, err
	}
	if u != nil {
		p.ctx.Issuer = issuerOf(u)
	}
	if p.kind == KindHTTPResponse {
		p.summary = "network panel: " + p.summary
	}
	return p, nil
}
