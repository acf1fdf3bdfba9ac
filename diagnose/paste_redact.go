package diagnose

import (
	"net/url"
	"regexp"
	"slices"
	"strings"

	"github.com/kseries-tools/ksauth/internal/redact"
)

// secrets collects the secret values found in pasted input (client
// secrets, Basic credentials, codes, verifiers, tokens, passwords) so that
// scrub can replace them in every string of the Report.
type secrets struct {
	seen   map[string]bool
	values []string
	sorted bool
}

func newSecrets() *secrets { return &secrets{seen: map[string]bool{}} }

// maxSecretsPerParam is the maximum number of values of one parameter that
// add records. A parameter sent thousands of times is a duplicated
// parameter, and its values are caught by the parameter pattern in scrub.
const maxSecretsPerParam = 16

// minSecret is the shortest value scrub replaces. Shorter values would
// replace ordinary words, and they are never copied into evidence either.
const minSecret = 4

// add records secret values, with their URL-encoded forms.
func (s *secrets) add(values ...string) {
	for _, v := range values[:min(len(values), maxSecretsPerParam)] {
		for _, form := range []string{v, strings.TrimSpace(v), url.QueryEscape(v), url.PathEscape(v)} {
			if len(form) >= minSecret && !s.seen[form] {
				s.seen[form] = true
				s.values = append(s.values, form)
				s.sorted = false
			}
		}
	}
}

// secretParams are the parameter and JSON field names whose values are
// secret.
const secretParams = `code|client_secret|code_verifier|refresh_token|access_token|id_token|password|token|session_state|client_assertion`

var (
	jwtRE         = regexp.MustCompile(`eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*\.?[A-Za-z0-9_-]*`)
	secretParamRE = regexp.MustCompile(`(?i)\b(` + secretParams + `)=([^&\s"'#]+)`)
	secretFieldRE = regexp.MustCompile(`(?i)"(` + secretParams + `)"\s*:\s*"[^"]*"`)
	authSchemeRE  = regexp.MustCompile(`(?i)\b(Basic|Bearer)(\s+)([A-Za-z0-9+/=._~-]{8,})`)
	curlUserRE    = regexp.MustCompile(`(-u\s*|--user[ =])(["']?)([^:\s"']*):[^\s"']+`)
)

// scrub replaces every recorded secret and anything shaped like a token,
// a secret parameter or credentials in text.
func (s *secrets) scrub(text string) string {
	if !s.sorted {
		// Longer values first, so a value containing another is replaced
		// whole.
		slices.SortFunc(s.values, func(a, b string) int { return len(b) - len(a) })
		s.sorted = true
	}
	for _, v := range s.values {
		if strings.Contains(text, v) {
			text = strings.ReplaceAll(text, v, redact.Marker(v))
		}
	}
	text = s.scrubCutTail(text)
	text = jwtRE.ReplaceAllStringFunc(text, redact.Token)
	text = secretParamRE.ReplaceAllString(text, "$1=(redacted)")
	text = secretFieldRE.ReplaceAllString(text, `"$1":"(redacted)"`)
	text = authSchemeRE.ReplaceAllStringFunc(text, redactCredentials)
	return curlUserRE.ReplaceAllString(text, "$1$2$3:(redacted)")
}

// scrubCutTail redacts the start of a secret that capText or capBytes cut
// off at the end of the kept text, which the whole-value replacement
// cannot find.
func (s *secrets) scrubCutTail(text string) string {
	i := strings.LastIndex(text, cutMark)
	if i < 0 {
		return text
	}
	head, tail := text[:i], text[i:]
	for _, v := range s.values {
		for n := len(v) - 1; n >= minSecret; n-- {
			if strings.HasSuffix(head, v[:n]) {
				return head[:len(head)-n] + redact.Marker(v) + tail
			}
		}
	}
	return text
}

// redactCredentials replaces the credentials of "Basic <value>" or
// "Bearer <value>". A value of lower-case letters only is an ordinary word,
// as in "Basic header", and stays.
func redactCredentials(match string) string {
	m := authSchemeRE.FindStringSubmatch(match)
	if strings.Trim(m[3], "abcdefghijklmnopqrstuvwxyz") == "" {
		return match
	}
	return m[1] + m[2] + "(redacted)"
}

// scrubPart scrubs every string of a part.
func (s *secrets) scrubPart(p Part) Part {
	p.Summary = s.scrub(p.Summary)
	if p.Context != nil {
		c := *p.Context
		for _, f := range []*string{&c.Env, &c.Issuer, &c.ClientID, &c.RedirectURI, &c.TokenRedirectURI,
			&c.RegisteredRedirectURI, &c.Scope, &c.GrantType, &c.ClientAuth, &c.BasicUser, &c.BasicProblem, &c.Username} {
			*f = s.scrub(*f)
		}
		p.Context = &c
	}
	for i := range p.Diagnoses {
		d := &p.Diagnoses[i]
		d.Evidence = s.scrubAll(d.Evidence)
		d.Causes = s.scrubAll(d.Causes)
	}
	return p
}

func (s *secrets) scrubAll(list []string) []string {
	out := make([]string, len(list))
	for i, v := range list {
		out[i] = s.scrub(v)
	}
	return out
}
