package diagnose

import (
	"encoding/base64"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"

	"github.com/kseries-tools/ksauth/envs"
)

// envsZero is the empty environment: checks that need none still run.
var envsZero envs.Env

// tokenRequest is the token request of a pasted curl command or form body.
type tokenRequest struct {
	url         string
	form        url.Values
	basic       string // the Authorization header value, when sent
	user        string // curl's -u value, user:password
	contentType string
	method      string
	// dataFile is true when curl reads the body from a file (-d @file),
	// which the paste does not include.
	dataFile bool
	// bodyOnly is true for a form body pasted without the request's
	// headers, whose client authentication is then unknown.
	bodyOnly bool
}

// readCurl reads a curl command: -u, -H, -d/--data/--data-urlencode/
// --data-raw/--data-binary, --json, -X and the URL.
func readCurl(text string, sec *secrets) (piece, error) {
	words, err := shellWords(curlCommandText(text))
	if err != nil {
		return piece{}, err
	}
	tr, err := parseCurl(words)
	if err != nil {
		return piece{}, err
	}
	p := tr.piece(sec)
	p.kind = KindCurl
	return p, nil
}

// curlCommandText prepares a pasted curl command for shellWords. It drops
// the shell prompt before curl, PowerShell's ">>" prompt on continuation
// lines, and blanks after a continuation character. Then cmd.exe's "^"
// and PowerShell's backtick join lines as a POSIX backslash does.
func curlCommandText(text string) string {
	lines := strings.Split(strings.TrimSpace(text), "\n")
	if loc := curlRE.FindStringIndex(lines[0]); loc != nil {
		first := lines[0]
		lines[0] = first[strings.LastIndex(first[:loc[1]], "curl"):]
	}
	for i := range lines {
		lines[i] = strings.TrimRight(lines[i], " \t")
		if i > 0 {
			t := strings.TrimLeft(lines[i], " \t")
			if rest, ok := strings.CutPrefix(t, ">>"); ok {
				lines[i] = rest
			}
		}
	}
	return strings.Join(lines, "\n")
}

// parseCurl reads curl's options from its words.
func parseCurl(words []string) (tokenRequest, error) {
	tr := tokenRequest{form: url.Values{}}
	var data []string
	for i := 1; i < len(words); i++ {
		w := words[i]
		next := func() string {
			if i+1 < len(words) {
				i++
				return words[i]
			}
			return ""
		}
		name, inline, hasInline := strings.Cut(w, "=")
		if !strings.HasPrefix(w, "--") || !hasInline {
			name, inline = w, ""
		}
		arg := func() string {
			if hasInline && strings.HasPrefix(w, "--") {
				return inline
			}
			if len(w) > 2 && w[0] == '-' && w[1] != '-' {
				return w[2:]
			}
			return next()
		}
		switch {
		case name == "-u" || name == "--user" || strings.HasPrefix(w, "-u") && len(w) > 2:
			tr.user = arg()
		case name == "-H" || name == "--header" || strings.HasPrefix(w, "-H") && len(w) > 2:
			tr.header(arg())
		case name == "-d" || name == "--data" || name == "--data-raw" || name == "--data-binary" || name == "--data-ascii" ||
			strings.HasPrefix(w, "-d") && len(w) > 2:
			if d := arg(); strings.HasPrefix(d, "@") && name != "--data-raw" {
				tr.dataFile = true
			} else {
				data = append(data, d)
			}
		case name == "--data-urlencode":
			data = append(data, encodeDataURLEncode(arg()))
		case name == "--json":
			tr.contentType = "application/json"
			data = append(data, arg())
		case name == "-X" || name == "--request" || strings.HasPrefix(w, "-X") && len(w) > 2:
			tr.method = strings.ToUpper(arg())
		case name == "--url":
			tr.url = arg()
		case strings.HasPrefix(w, "http://") || strings.HasPrefix(w, "https://"):
			tr.url = w
		case slices.Contains(curlArgOptions, name):
			next()
		}
	}
	body := strings.Join(data, "&")
	if tr.contentType == "" {
		tr.contentType = "application/x-www-form-urlencoded"
	}
	if strings.HasPrefix(strings.TrimSpace(body), "{") {
		tr.contentType = "application/json"
	} else if body != "" {
		form, err := url.ParseQuery(body)
		if err != nil {
			return tr, fmt.Errorf("the curl command's form data could not be parsed: %v", err)
		}
		tr.form = form
	}
	if tr.url == "" && len(data) == 0 && !tr.dataFile && tr.basic == "" && tr.user == "" {
		return tr, errors.New("the curl command has no URL, data or credentials")
	}
	return tr, nil
}

// curlArgOptions are curl options that take an argument ksauth ignores.
var curlArgOptions = []string{"-o", "--output", "-A", "--user-agent", "-e", "--referer", "-b", "--cookie",
	"-c", "--cookie-jar", "-w", "--write-out", "--connect-timeout", "-m", "--max-time", "--cacert", "-E", "--cert",
	"--key", "-x", "--proxy", "-F", "--form", "--resolve", "--retry"}

// encodeDataURLEncode applies curl's --data-urlencode rule: "name=value"
// sends name and the encoded value. Without "=", the whole is encoded.
func encodeDataURLEncode(s string) string {
	name, value, ok := strings.Cut(s, "=")
	if !ok {
		return url.QueryEscape(s)
	}
	if name == "" {
		return url.QueryEscape(value)
	}
	return name + "=" + url.QueryEscape(value)
}

func (tr *tokenRequest) header(h string) {
	name, value, ok := strings.Cut(h, ":")
	if !ok {
		return
	}
	switch strings.ToLower(strings.TrimSpace(name)) {
	case "authorization":
		tr.basic = strings.TrimSpace(value)
	case "content-type":
		tr.contentType = strings.ToLower(strings.TrimSpace(value))
	}
}

// piece records the request's secrets and context, and its offline checks.
func (tr tokenRequest) piece(sec *secrets) piece {
	for _, k := range []string{"client_secret", "code", "code_verifier", "refresh_token", "password", "client_assertion"} {
		sec.add(tr.form[k]...)
	}
	if _, pass, ok := strings.Cut(tr.user, ":"); ok {
		sec.add(pass, base64.StdEncoding.EncodeToString([]byte(tr.user)))
	}
	if tr.basic != "" {
		sec.addBasic(tr.basic)
	}
	ctx := tr.context()
	p := piece{ctx: ctx, summary: tr.summary(ctx)}
	p.check = func(all Context) []Diagnosis {
		all.Issuer = firstNonEmpty(ctx.Issuer, all.Issuer)
		return dedupe(tr.checks(ctx, all))
	}
	return p
}

// context returns the request facts, never the secrets.
func (tr tokenRequest) context() Context {
	ctx := Context{GrantType: tr.form.Get("grant_type"), TokenRedirectURI: tr.form.Get("redirect_uri"),
		Username: tr.form.Get("username")}
	if u, err := url.Parse(tr.url); err == nil && tr.url != "" {
		ctx.Issuer = issuerOf(u)
	}
	switch {
	case tr.basic != "":
		b := DecodeBasic(tr.basic)
		ctx.ClientAuth, ctx.BasicUser, ctx.BasicProblem = "basic", b.ClientID, b.Problem()
	case tr.user != "":
		user, _, _ := strings.Cut(tr.user, ":")
		ctx.ClientAuth, ctx.BasicUser = "basic", user
	case tr.form.Has("client_secret"):
		ctx.ClientAuth = "post"
	case tr.form.Has("client_id") && !tr.bodyOnly:
		ctx.ClientAuth = "none"
	}
	ctx.ClientID = firstNonEmpty(tr.form.Get("client_id"), ctx.BasicUser)
	return ctx
}

func (tr tokenRequest) summary(ctx Context) string {
	s := "token request"
	if ctx.GrantType != "" {
		s += " with grant_type " + ctx.GrantType
	}
	if ctx.ClientID != "" {
		s += fmt.Sprintf(" for client %q", ctx.ClientID)
	}
	if tr.url != "" {
		s += " to " + redactURL(tr.url)
	}
	return s
}

// redactURL drops the query of a URL for a summary.
func redactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(unparsable URL)"
	}
	return redirectBase(u)
}

// addBasic records the credentials of an Authorization: Basic value: the
// base64 text and the decoded secret.
func (s *secrets) addBasic(header string) {
	value := strings.TrimSpace(header)
	if rest, ok := cutPrefixFold(value, "Authorization:"); ok {
		value = strings.TrimSpace(rest)
	}
	_, token, found := strings.Cut(value, " ")
	if !found {
		token = value
	}
	token = strings.TrimSpace(token)
	s.add(token)
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if d, err := enc.DecodeString(strings.TrimRight(token, "=")); err == nil || len(d) > 0 {
			if _, secret, ok := strings.Cut(string(d), ":"); ok {
				s.add(secret, strings.TrimRight(secret, "\r\n"))
			}
		}
	}
	if _, secret, ok := strings.Cut(token, ":"); ok {
		s.add(secret)
	}
}
