package diagnose

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
)

// keptHeaders are the response headers a pasted response keeps. Cookies
// and the rest are dropped.
var keptHeaders = []string{"Content-Type", "Www-Authenticate", "Location", "Date", "Server"}

var statusCodeRE = regexp.MustCompile(`\b(\d{3})\b`)

// readHTTP reads a raw HTTP response: optional "# METHOD path" comments, a
// status line, headers, a blank line and a body.
func readHTTP(text string, sec *secrets) (piece, error) {
	lines := strings.Split(text, "\n")
	ev := Evidence{Header: http.Header{}}
	i := 0
	path := ""
	for ; i < len(lines) && strings.HasPrefix(lines[i], "# "); i++ {
		if path == "" {
			_, path, _ = strings.Cut(strings.TrimPrefix(lines[i], "# "), " ")
		}
	}
	if i >= len(lines) {
		return piece{}, errors.New("the HTTP response has no status line")
	}
	ev.Status = statusOf(lines[i])

	for i++; i < len(lines) && !isHeaderEnd(lines[i]); i++ {
		k, v, ok := strings.Cut(strings.TrimPrefix(strings.TrimSpace(lines[i]), "< "), ":")
		if !ok {
			continue
		}
		name := http.CanonicalHeaderKey(strings.TrimSpace(k))
		for _, h := range keptHeaders {
			if name == h {
				ev.Header.Add(name, strings.TrimSpace(v))
			}
		}
	}
	if i < len(lines) {
		if isSeparator(lines[i]) {
			i++
		}
		ev.Body = strings.Join(lines[i:], "\n")
	}

	ev.Step = stepOfPath(path)
	if loc := ev.Header.Get("Location"); loc != "" {
		if u, err := url.Parse(loc); err == nil {
			q := urlParams(u)
			sec.add(q["code"]...)
			ev.Redirect = withoutSecrets(q)
			ev.Header.Set("Location", redirectBase(u))
		}
	}
	if isTokens, _ := sec.addJSONSecrets(ev.Body); isTokens {
		return tokenResponse(ev.Status, ev.Body), nil
	}

	summary := fmt.Sprintf("HTTP response %d %s", ev.Status, http.StatusText(ev.Status))
	if ct := ev.Header.Get("Content-Type"); ct != "" {
		summary += ", " + ct
	}
	return piece{kind: KindHTTPResponse, summary: summary, response: &ev}, nil
}

// statusOf returns the status code on a status line such as
// "HTTP/1.1 400 Bad Request" or "400 Bad Request".
func statusOf(line string) int {
	m := statusCodeRE.FindStringSubmatch(strings.TrimPrefix(strings.TrimSpace(line), "< "))
	if m == nil {
		return 0
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

// stepOfPath returns the step of a request path, or "" when unknown.
func stepOfPath(path string) Step {
	switch {
	case strings.HasSuffix(path, "/token"):
		return ""
	case strings.Contains(path, "/.well-known/"):
		return StepDiscovery
	case strings.HasSuffix(path, "/userinfo"), strings.Contains(path, "/token/introspect"), strings.HasSuffix(path, "/revoke"):
		return StepVerify
	case strings.HasSuffix(path, "/auth"), strings.Contains(path, "/login-actions/"):
		return StepAuthorize
	}
	return ""
}

// readStatusJSON reads a bare status line followed by a JSON body.
func readStatusJSON(text string, sec *secrets) (piece, error) {
	first, rest, _ := strings.Cut(text, "\n")
	return readJSON(rest, statusOf(first), sec)
}

// readJSON reads a JSON body: an OAuth error, or a token response, whose
// tokens are not kept.
func readJSON(text string, status int, sec *secrets) (piece, error) {
	body := strings.TrimSpace(text)
	var fields map[string]any
	if err := json.Unmarshal([]byte(body), &fields); err != nil {
		return piece{}, fmt.Errorf("the JSON body is not valid JSON (%v), so paste the whole body", jsonErrorText(err))
	}
	if _, ok := fields["diagnoses"]; ok && fields["command"] != nil {
		return readKsauthOutput(body)
	}
	if isTokens, _ := sec.addJSONSecrets(body); isTokens {
		return tokenResponse(status, body), nil
	}
	ev := Evidence{Status: status, Body: body, Header: http.Header{"Content-Type": {"application/json"}}}
	summary := "JSON body"
	if status > 0 {
		summary = fmt.Sprintf("HTTP %d with a JSON body", status)
	}
	if e, ok := fields["error"].(string); ok {
		summary += fmt.Sprintf(": error=%s", e)
	}
	return piece{kind: KindJSON, summary: summary, response: &ev}, nil
}

// jsonErrorText names a JSON syntax error without quoting the input.
func jsonErrorText(err error) string {
	var syn *json.SyntaxError
	if errors.As(err, &syn) {
		return fmt.Sprintf("%s at byte %d", syn.Error(), syn.Offset)
	}
	return err.Error()
}

// addJSONSecrets records the tokens of a JSON body. It reports whether the
// body is a token response and whether it was JSON at all.
func (s *secrets) addJSONSecrets(body string) (isTokens, ok bool) {
	var fields map[string]any
	if json.Unmarshal([]byte(strings.TrimSpace(body)), &fields) != nil {
		return false, false
	}
	for _, k := range []string{"access_token", "refresh_token", "id_token", "code", "client_secret", "session_state"} {
		if v, ok := fields[k].(string); ok {
			s.add(v)
			isTokens = true
		}
	}
	_, hasError := fields["error"]
	return isTokens && !hasError, true
}

// readBasic reads an Authorization: Basic header alone.
func readBasic(text string, sec *secrets) (piece, error) {
	line := strings.TrimSpace(text)
	line = strings.TrimPrefix(line, "> ")
	line = strings.TrimPrefix(strings.TrimPrefix(line, "-H "), "--header ")
	line = unquoteHeader(line)
	p := basicPiece(line, sec)
	p.kind = KindBasicHeader
	return p, nil
}

// unquoteHeader returns the header inside the quotes of a curl -H
// argument, without a line continuation after it. An unquoted header
// loses only a trailing continuation character.
func unquoteHeader(line string) string {
	if line != "" && (line[0] == '"' || line[0] == '\'') {
		if end := strings.IndexByte(line[1:], line[0]); end >= 0 {
			return line[1 : 1+end]
		}
		return line[1:]
	}
	return strings.TrimSpace(strings.TrimRight(line, "\\^` \t"))
}

// basicPiece decodes a Basic header and checks it against the environment
// of the transcript: a client ID of the other tier, or a V1 client.
func basicPiece(header string, sec *secrets) piece {
	sec.addBasic(header)
	b := DecodeBasic(header)
	p := piece{summary: fmt.Sprintf("Authorization: Basic for client %q, secret of %d characters (not shown)", b.ClientID, b.SecretLength)}
	p.ctx = Context{ClientAuth: "basic", BasicUser: b.ClientID, BasicProblem: b.Problem()}
	p.check = func(ctx Context) []Diagnosis {
		out := basicDiagnoses(b, StepToken)
		out = append(out, clientEnvChecks(b.ClientID, ctx)...)
		return out
	}
	return p
}

// clientEnvChecks compares a client ID with the environment the transcript
// shows (hint, authorization URL or token URL).
func clientEnvChecks(clientID string, ctx Context) []Diagnosis {
	if clientID == "" {
		return nil
	}
	if env, ok := requestEnv(ctx); ok {
		return checkClientID(env, PreflightInput{ClientID: clientID})
	}
	return checkClientID(envsZero, PreflightInput{ClientID: clientID})
}

// readForm reads a form-encoded token request body.
func readForm(text string, sec *secrets) (piece, error) {
	form, err := url.ParseQuery(text)
	if err != nil {
		return piece{}, fmt.Errorf("the form body could not be parsed: %v", err)
	}
	tr := tokenRequest{form: form, contentType: "application/x-www-form-urlencoded", bodyOnly: true}
	p := tr.piece(sec)
	p.kind = KindTokenForm
	p.fragment = true
	return p, nil
}
