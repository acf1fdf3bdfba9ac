package diagnose

import (
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
)

// knownGrants are the grant types Keycloak 26 offers by default.
var knownGrants = []string{grantCode, grantRefresh, grantPassword, grantClient,
	"urn:ietf:params:oauth:grant-type:device_code", "urn:openid:params:grant-type:ciba",
	"urn:ietf:params:oauth:grant-type:token-exchange"}

// checks runs the offline checks of a token request: the URL, the body's
// encoding and parameters, the grant's parameters, the client
// authentication and the client's environment. own is the request's own
// context, all the transcript's.
func (tr tokenRequest) checks(own, all Context) []Diagnosis {
	var out []Diagnosis
	if tr.url != "" {
		out = append(out, checkURLHost(tr.url)...)
		if u, err := url.Parse(tr.url); err == nil && !strings.HasSuffix(u.Path, "/token") {
			out = append(out, newWarning(IDUnexpectedResponse, StepPreflight,
				fmt.Sprintf("the request goes to %s, not to the realm's /protocol/openid-connect/token endpoint", u.Path)))
		}
	}
	if tr.method == "GET" {
		out = append(out, newDiagnosis(IDUnexpectedResponse, StepToken,
			"the request uses GET; the token endpoint takes POST and responds to GET with 405"))
	}
	out = append(out, tr.bodyChecks(own, all)...)
	out = append(out, tr.authChecks(own)...)
	out = append(out, clientEnvChecks(own.ClientID, all)...)
	return out
}

// bodyChecks checks the encoding and the grant's parameters.
func (tr tokenRequest) bodyChecks(own, all Context) []Diagnosis {
	if tr.contentType != "" && !strings.HasPrefix(tr.contentType, "application/x-www-form-urlencoded") {
		return []Diagnosis{newDiagnosis(IDInvalidRequest, StepToken,
			fmt.Sprintf("the body is sent as %s; Keycloak reads only form-encoded parameters and responds with "+
				"\"Missing form parameter: grant_type\"", tr.contentType))}
	}
	grant := own.GrantType
	switch {
	case !tr.form.Has("grant_type") && tr.dataFile:
		return nil
	case !tr.form.Has("grant_type"):
		return []Diagnosis{newDiagnosis(IDInvalidRequest, StepToken, "the token request has no grant_type")}
	case !slices.Contains(knownGrants, grant):
		return []Diagnosis{newDiagnosis(IDInvalidRequest, StepToken,
			fmt.Sprintf("grant_type %q is not a grant type Keycloak offers; use authorization_code or refresh_token", grant))}
	case grant == grantPassword || grant == grantClient:
		return []Diagnosis{newWarning(IDUnauthorizedClient, StepToken,
			fmt.Sprintf("grant_type %s: K-Series clients are provisioned for authorization_code with PKCE", grant))}
	case grant == grantRefresh && !tr.form.Has("refresh_token"):
		return []Diagnosis{newDiagnosis(IDInvalidRequest, StepRefresh, "the refresh request has no refresh_token")}
	case grant == grantCode:
		return codeRequestChecks(tr.form, all)
	}
	return nil
}

// codeRequestChecks checks a code exchange: the code, the redirect_uri
// against the authorization request's, and the PKCE verifier.
func codeRequestChecks(form url.Values, all Context) []Diagnosis {
	var out []Diagnosis
	if !form.Has("code") || form.Get("code") == "" {
		out = append(out, newDiagnosis(IDInvalidRequest, StepToken, "the code exchange has no code"))
	}
	tokenURI := form.Get("redirect_uri")
	switch {
	case !form.Has("redirect_uri"):
		out = append(out, newWarning(IDTokenRedirectURIMismatch, StepToken,
			"the code exchange has no redirect_uri; Keycloak requires the authorization request's value when that request had one"))
	case all.RedirectURI != "":
		if diff, ok := CompareRedirectURI(tokenURI, all.RedirectURI); ok {
			out = append(out, newDiagnosis(IDTokenRedirectURIMismatch, StepToken,
				"authorization request redirect_uri: "+all.RedirectURI, "token request redirect_uri: "+tokenURI, diff.Detail))
		}
	}
	verifier := form.Get("code_verifier")
	switch {
	case all.PKCE && !form.Has("code_verifier"):
		out = append(out, newDiagnosis(IDPKCEFailed, StepToken,
			"the authorization request had a code_challenge but the code exchange has no code_verifier"))
	case form.Has("code_verifier") && (len(verifier) < 43 || len(verifier) > 128 || strings.Trim(verifier, pkceChars) != ""):
		out = append(out, newDiagnosis(IDPKCEFailed, StepToken,
			fmt.Sprintf("the code_verifier is %d characters; it must be 43 to 128 characters of [A-Za-z0-9-._~]", len(verifier))))
	}
	return out
}

// authChecks checks the client authentication: a Basic header, curl's -u,
// a posted secret, or none.
func (tr tokenRequest) authChecks(own Context) []Diagnosis {
	var out []Diagnosis
	switch {
	case tr.basic != "":
		out = append(out, basicDiagnoses(DecodeBasic(tr.basic), StepToken)...)
	case tr.user != "":
		_, pass, ok := strings.Cut(tr.user, ":")
		if !ok {
			out = append(out, newWarning(IDInvalidClientCredentials, StepToken,
				"-u gives no password, so curl prompts for the client secret"))
		}
		out = append(out, secretChecks(pass, StepToken)...)
	case tr.form.Has("client_secret"):
		out = append(out, secretChecks(tr.form.Get("client_secret"), StepToken)...)
	case tr.dataFile, tr.bodyOnly:
		// The credentials may be in the body file, or in headers the
		// paste does not show.
	default:
		out = append(out, newDiagnosis(IDInvalidClientCredentials, StepToken,
			"the request has no Authorization: Basic header, no -u and no client_secret"))
	}
	if id := tr.form.Get("client_id"); id != "" && own.BasicUser != "" && id != own.BasicUser {
		out = append(out, newDiagnosis(IDInvalidClientCredentials, StepToken,
			fmt.Sprintf("the Basic credentials name client %q but the form names %q", own.BasicUser, id)))
	}
	return out
}

// secretChecks runs the preflight secret checks at step.
func secretChecks(secret string, step Step) []Diagnosis {
	ds := checkSecret(secret)
	for i := range ds {
		ds[i].Step = step
	}
	return ds
}

// shellWords splits a shell command into words the way a POSIX shell
// would for quoting: single quotes, double quotes with backslash escapes,
// and line continuations (backslash, caret or backtick before a newline).
func shellWords(s string) ([]string, error) {
	s = strings.TrimSpace(s)
	s = strings.TrimPrefix(s, "$ ")
	var words []string
	var cur strings.Builder
	inWord := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case (c == '\\' || c == '^' || c == '`') && i+1 < len(s) && s[i+1] == '\n':
			i++
		case c == ' ' || c == '\t' || c == '\n':
			if inWord {
				words = append(words, cur.String())
				cur.Reset()
				inWord = false
			}
		case c == '\'':
			end := strings.IndexByte(s[i+1:], '\'')
			if end < 0 {
				return nil, errors.New("the curl command has an unclosed single quote")
			}
			cur.WriteString(s[i+1 : i+1+end])
			i += end + 1
			inWord = true
		case c == '"':
			j := i + 1
			for ; j < len(s) && s[j] != '"'; j++ {
				if s[j] == '\\' && j+1 < len(s) && s[j+1] == '\n' {
					j++
					continue
				}
				if s[j] == '\\' && j+1 < len(s) && strings.IndexByte("\"\\$`", s[j+1]) >= 0 {
					j++
				}
				cur.WriteByte(s[j])
			}
			if j >= len(s) {
				return nil, errors.New("the curl command has an unclosed double quote")
			}
			i = j
			inWord = true
		case c == '\\' && i+1 < len(s):
			i++
			cur.WriteByte(s[i])
			inWord = true
		default:
			cur.WriteByte(c)
			inWord = true
		}
	}
	if inWord {
		words = append(words, cur.String())
	}
	return words, nil
}
