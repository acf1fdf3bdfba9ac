package diagnose

import (
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/kseries-tools/ksauth/envs"
)

// readURLLine reads a line containing a URL, possibly broken over lines and
// preceded by a label such as "Registered on server". It distinguishes an
// error redirect, a callback with a code, an authorization request and a
// plain redirect URI.
func readURLLine(text string, sec *secrets) (piece, error) {
	joined := joinURL(text)
	label, raw := splitLabel(joined)
	if isCutOff(joined, raw) {
		return piece{}, errors.New(`the URL is cut off with "...", so paste it whole`)
	}
	// A URL copied from HTML source or an HTML email keeps its escaped
	// "&amp;" separators.
	raw = strings.ReplaceAll(raw, "&amp;", "&")
	if isErrorQuery(raw) {
		raw = "https://redirect.invalid/" + ensureQueryMark(raw)
	}
	u, err := url.Parse(raw)
	if err != nil {
		return piece{}, fmt.Errorf("the URL could not be parsed: %v", unwrapURLError(err))
	}
	q := urlParams(u)
	sec.add(q["code"]...)
	sec.add(q["code_verifier"]...)
	sec.add(q["access_token"]...)
	sec.add(q["id_token"]...)
	switch {
	case q.Get("error") != "":
		return readErrorRedirect(u, q), nil
	case q.Has("code"):
		return readCallback(u, q), nil
	case isAuthorizeURL(u, q):
		return readAuthorizeURL(u, q), nil
	}
	return readPlainURL(label, u)
}

// splitLabel separates a leading label ("Used in request") from the URL
// and returns the URL as far as it reaches in the line (urlExtent).
func splitLabel(line string) (label, raw string) {
	line = strings.TrimSpace(line)
	i := strings.Index(line, "https://")
	if j := strings.Index(line, "http://"); j >= 0 && (i < 0 || j < i) {
		i = j
	}
	if i < 0 {
		return "", urlExtent(strings.TrimLeft(line, "`\"'<([> "), 0)
	}
	return strings.Trim(line[:i], "`\"'<([> \t"), urlExtent(line, i)
}

// isCutOff reports whether the URL raw ends the line with an ellipsis, as
// PowerShell's error position and shortened log lines print a long URL.
func isCutOff(line, raw string) bool {
	i := strings.Index(line, raw)
	if raw == "" || i < 0 {
		return false
	}
	rest := strings.TrimSpace(line[i+len(raw):])
	return rest == "..." || rest == "…" || strings.HasSuffix(raw, "…")
}

// urlClosers maps a character that opens a URL's enclosure to the
// characters that close it: Slack writes <url|text>, Markdown [text](url).
var urlClosers = map[byte]string{'<': ">|", '(': ")", '[': "]", '"': `"`, '\'': "'", '`': "`"}

// urlExtent returns the URL starting at line[i]. It ends at whitespace,
// at the closer of an enclosure opened just before it, and without the
// punctuation or closing bracket that ends a sentence around it.
func urlExtent(line string, i int) string {
	end := len(line)
	if j := strings.IndexAny(line[i:], " \t\n"); j >= 0 {
		end = i + j
	}
	if i > 0 {
		if stop, ok := urlClosers[line[i-1]]; ok {
			if j := strings.IndexAny(line[i:end], stop); j >= 0 {
				end = i + j
			}
		}
	}
	raw := line[i:end]
	for {
		trimmed := strings.TrimRight(raw, ".,;:!?\"'`>")
		if strings.HasSuffix(trimmed, ")") && strings.Count(trimmed, "(") < strings.Count(trimmed, ")") {
			trimmed = trimmed[:len(trimmed)-1]
		}
		if strings.HasSuffix(trimmed, "]") && strings.Count(trimmed, "[") < strings.Count(trimmed, "]") {
			trimmed = trimmed[:len(trimmed)-1]
		}
		if trimmed == raw {
			return raw
		}
		raw = trimmed
	}
}

func ensureQueryMark(s string) string {
	if strings.HasPrefix(s, "?") || strings.HasPrefix(s, "#") {
		return s
	}
	return "?" + s
}

// urlParams returns the query parameters, or the fragment's when the query
// has none (response_mode=fragment).
func urlParams(u *url.URL) url.Values {
	q := u.Query()
	if len(q) == 0 && u.Fragment != "" {
		if f, err := url.ParseQuery(u.Fragment); err == nil {
			return f
		}
	}
	return q
}

func isAuthorizeURL(u *url.URL, q url.Values) bool {
	return strings.HasSuffix(u.Path, "/protocol/openid-connect/auth") || strings.HasSuffix(u.Path, "/oauth/authorize") ||
		q.Has("response_type") || q.Has("client_id") && q.Has("redirect_uri")
}

func readErrorRedirect(u *url.URL, q url.Values) piece {
	ev := Evidence{Step: StepAuthorize, Redirect: withoutSecrets(q)}
	summary := fmt.Sprintf("error redirect: error=%s", q.Get("error"))
	if d := q.Get("error_description"); d != "" {
		summary += fmt.Sprintf(" error_description=%q", d)
	}
	p := piece{kind: KindErrorRedirect, summary: summary, response: &ev}
	if u.Host != "redirect.invalid" {
		p.ctx.RedirectURI = redirectBase(u)
	}
	return p
}

// readCallback reads a successful callback. It reports an issuer that
// differs from the authorization request's (RFC 9207 §2.4).
func readCallback(u *url.URL, q url.Values) piece {
	p := piece{kind: KindCallback, summary: "callback with an authorization code (redacted)"}
	if q.Has("state") {
		p.summary += " and state"
	}
	iss := q.Get("iss")
	p.check = func(ctx Context) []Diagnosis {
		if iss == "" || ctx.Issuer == "" || iss == ctx.Issuer {
			return nil
		}
		return Match(Evidence{Step: StepCallback, Kind: FindingIssuerMismatch, Redirect: withoutSecrets(q),
			ExpectedIssuer: ctx.Issuer, Detail: "the callback's iss differs from the authorization request's issuer"})
	}
	p.ctx.RedirectURI = redirectBase(u)
	return p
}

// withoutSecrets returns q without the code, tokens and session state.
func withoutSecrets(q url.Values) url.Values {
	out := url.Values{}
	for k, v := range q {
		switch k {
		case "code", "access_token", "id_token", "session_state", "code_verifier":
			continue
		}
		out[k] = v
	}
	return out
}

// redirectBase returns the URL without query and fragment: the redirect
// URI the server redirected to.
func redirectBase(u *url.URL) string {
	c := *u
	c.RawQuery, c.Fragment, c.RawFragment = "", "", ""
	return c.String()
}

// readPlainURL reads a URL with no OAuth parameters: a redirect URI, named
// registered or used by its label, or an endpoint. A label that names a
// redirect URI wins over the path, because a client's own callback may be
// /oauth/callback on any host.
func readPlainURL(label string, u *url.URL) (piece, error) {
	if u.Scheme == "" || u.Host == "" {
		return piece{}, errNotRecognised
	}
	l := strings.ToLower(label)
	p := piece{kind: KindRedirectURI}
	switch {
	case strings.Contains(l, "registered") || strings.Contains(l, "expected"):
		p.ctx.RegisteredRedirectURI = u.String()
		p.summary = "registered redirect URI " + u.String()
	case strings.Contains(l, "redirect") || strings.Contains(l, "callback"):
		p.ctx.RedirectURI = u.String()
		p.summary = "redirect URI in use " + u.String()
	case isAuthServerURL(u):
		p = piece{kind: KindEndpointURL, summary: "endpoint URL " + redirectBase(u)}
		p.ctx.Issuer = issuerOf(u)
		raw := u.String()
		p.check = func(Context) []Diagnosis { return checkURLHost(raw) }
	case endsWithMethod(l):
		p = piece{kind: KindEndpointURL, summary: "endpoint URL " + redirectBase(u)}
	case l != "":
		p.ctx.RedirectURI = u.String()
		p.summary = "redirect URI in use " + u.String()
	default:
		return piece{}, errNotRecognised
	}
	return p, nil
}

// isAuthServerURL reports whether u points at a sign-in server: a
// Keycloak realm path, a K-Series host, or a host used by mistake for the
// sign-in, such as a V1 API host.
func isAuthServerURL(u *url.URL) bool {
	if strings.Contains(u.Path, "/realms/") {
		return true
	}
	if _, known := wrongHosts[strings.ToLower(u.Hostname())]; known {
		return true
	}
	env, ok := envs.ForHost(u.Host)
	return ok && !env.Local
}

// endsWithMethod reports whether a label ends with an HTTP method, as in a
// browser console's "POST https://...": the URL is a request's target.
func endsWithMethod(label string) bool {
	f := strings.Fields(label)
	if len(f) == 0 {
		return false
	}
	switch strings.ToUpper(f[len(f)-1]) {
	case "GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS":
		return true
	}
	return false
}

// issuerOf returns the realm URL of a Keycloak endpoint URL.
func issuerOf(u *url.URL) string {
	before, rest, ok := strings.Cut(u.Path, "/realms/")
	if !ok {
		return ""
	}
	realm, _, _ := strings.Cut(rest, "/")
	return u.Scheme + "://" + u.Host + before + "/realms/" + realm
}

// readAuthorizeURL reads an authorization request and checks it offline:
// the host, client ID, scopes and redirect URI against the environment of
// the host, and the response type and PKCE parameters.
func readAuthorizeURL(u *url.URL, q url.Values) piece {
	p := piece{kind: KindAuthorizeURL}
	p.ctx = Context{Issuer: issuerOf(u), ClientID: q.Get("client_id"), RedirectURI: q.Get("redirect_uri"),
		Scope: q.Get("scope"), PKCE: q.Has("code_challenge")}
	p.summary = fmt.Sprintf("authorization request to %s for client %q", u.Host, q.Get("client_id"))
	raw := u.String()
	p.check = func(ctx Context) []Diagnosis {
		env, _ := envs.ForHost(u.Host)
		in := PreflightInput{ClientID: q.Get("client_id"), RedirectURI: q.Get("redirect_uri"),
			Scope: q.Get("scope"), RegisteredRedirectURI: ctx.RegisteredRedirectURI, URL: raw}
		out := Preflight(env, in)
		if !q.Has("client_id") {
			out = append(out, newDiagnosis(IDInvalidRequest, StepPreflight,
				"the authorization request has no client_id; Keycloak shows an \"Invalid Request\" page"))
		}
		if env.Issuer == "" && u.Host != "" && !isLoopback(u.Hostname()) {
			if _, known := wrongHosts[strings.ToLower(u.Hostname())]; !known {
				out = append(out, newWarning(IDWrongEnvironment, StepPreflight,
					fmt.Sprintf("%s is not a K-Series sign-in host (auth.lsk-trial.app, auth.lsk-demo.app or auth.lsk-prod.app)", u.Host)))
			}
		}
		out = append(out, authorizeParamChecks(q)...)
		return dedupe(out)
	}
	return p
}

// authorizeParamChecks checks response_type, duplicated parameters and the
// PKCE parameters as Keycloak 26 does (RFC 7636 §4.2, §4.3).
func authorizeParamChecks(q url.Values) []Diagnosis {
	var out []Diagnosis
	switch rt := q.Get("response_type"); {
	case !q.Has("response_type"):
		out = append(out, newDiagnosis(IDInvalidRequest, StepPreflight,
			"the authorization request has no response_type; send response_type=code"))
	case rt != "code":
		out = append(out, newDiagnosis(IDUnauthorizedClient, StepPreflight,
			fmt.Sprintf("response_type %q is not code; K-Series clients use the authorization_code flow", rt)))
	}
	for k, v := range q {
		if len(v) > 1 && k != "client_id" {
			out = append(out, newDiagnosis(IDInvalidRequest, StepPreflight,
				fmt.Sprintf("parameter %s is sent %d times; Keycloak rejects it as a duplicated parameter", k, len(v))))
		}
	}
	if err := checkChallenge(q); err != nil {
		out = append(out, newDiagnosis(IDPKCEFailed, StepPreflight, err.Error()))
	}
	return out
}

// checkChallenge checks the code_challenge and its method.
func checkChallenge(q url.Values) error {
	ch, method := q.Get("code_challenge"), q.Get("code_challenge_method")
	switch {
	case !q.Has("code_challenge") && q.Has("code_challenge_method"):
		return errors.New("code_challenge_method is sent without code_challenge")
	case !q.Has("code_challenge"):
		return nil
	case method != "" && method != "S256" && method != "plain":
		return fmt.Errorf("code_challenge_method %q is neither S256 nor plain", method)
	case len(ch) < 43 || len(ch) > 128 || strings.Trim(ch, pkceChars) != "":
		return fmt.Errorf("code_challenge is %d characters, but it must be 43 to 128 characters of [A-Za-z0-9-._~]", len(ch))
	}
	return nil
}

const pkceChars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~"

// proseAroundURL reads the text around a URL on its line, as in
// `Opened https://... and got "Client not found."`: a Keycloak page
// message or an OAuth error named there is read as its own piece.
func proseAroundURL(s segment) (piece, bool) {
	if s.kind != segURL || s.end-s.start != 1 {
		return piece{}, false
	}
	line := strings.TrimSpace(s.text)
	_, raw := splitLabel(line)
	i := strings.Index(line, raw)
	if raw == "" || i < 0 {
		return piece{}, false
	}
	// Other URLs on the line, such as Slack's copy of the link text, are
	// not prose.
	prose := strings.TrimSpace(urlRE.ReplaceAllString(line[:i]+" "+line[i+len(raw):], " "))
	if prose == "" {
		return piece{}, false
	}
	p, err := readText(prose)
	if err != nil {
		return piece{}, false
	}
	p.seg = s
	return p, true
}
