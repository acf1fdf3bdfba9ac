package har

import (
	"encoding/json"
	"net/url"

	"github.com/kseries-tools/ksauth/diagnose"
)

// Grant types (RFC 6749 §4) a token request can name.
const (
	grantAuthorizationCode = "authorization_code"
	grantRefreshToken      = "refresh_token"
)

// tokenAuth is the client authentication of a token request, read from
// the raw entry before redaction.
type tokenAuth struct {
	method, basicUser, basicProblem string
}

// addToken adds a token request of any grant type. The refresh grant is
// the refresh step, and the others are the token step.
func (f *flow) addToken(e Entry, issuer string, auth tokenAuth) {
	form := formValues(e)
	grant := form.Get("grant_type")
	name := diagnose.StepToken
	if grant == grantRefreshToken {
		name = diagnose.StepRefresh
	}
	action := "token request"
	if grant != "" {
		action += " (" + grant + ")"
	}
	s := newStep(e, name, action)
	s.GrantType = grant

	// Keycloak reads a missing Authorization header as no client
	// authentication, but a sanitized export may only have removed it.
	hiddenAuth := f.authMayBeHidden(auth)
	if hiddenAuth {
		auth.method = ""
	}
	ctx := f.tokenContext(e, issuer, form, auth)
	ev := responseEvidence(e, name)
	if e.Note == diagnose.NoteRefreshReplay && ev.Error == "invalid_grant" {
		s.Notes = append(s.Notes, "rejected as expected: ksauth sent the used refresh token again "+
			"to check that the server rotates refresh tokens")
		f.noteSent(form)
		f.steps = append(f.steps, s)
		return
	}
	findings := f.tokenFindings(&s, e, form, &ctx)
	ev.Context = ctx
	if failedResponse(e, ev) || notJSON(ev) {
		s.fail(ev)
	}
	s.apply(findings)
	if hiddenAuth {
		noteHiddenAuth(&s)
	}

	f.noteSent(form)
	f.noteRefreshIssued(e)
	f.steps = append(f.steps, s)
}

// tokenContext returns the request context of a token request, completed
// with the authorization request the code came from.
func (f *flow) tokenContext(e Entry, issuer string, form url.Values, auth tokenAuth) diagnose.Context {
	env, _ := envOf(e.URL)
	ctx := diagnose.Context{
		Env: env, Issuer: issuer, ClientID: form.Get("client_id"), Scope: form.Get("scope"),
		GrantType: form.Get("grant_type"), ClientAuth: auth.method, BasicUser: auth.basicUser,
		BasicProblem: auth.basicProblem, Username: form.Get("username"),
	}
	if ctx.ClientID == "" {
		ctx.ClientID = auth.basicUser
	}
	if ctx.GrantType != grantAuthorizationCode {
		return ctx
	}
	if a := f.authFor(form.Get("code")); a != nil {
		ctx.RedirectURI, ctx.PKCE = a.redirectURI, a.pkce
		if ctx.Scope == "" {
			ctx.Scope = a.scope
		}
	}
	if tokenURI := form.Get("redirect_uri"); tokenURI != ctx.RedirectURI {
		ctx.TokenRedirectURI = tokenURI
	}
	return ctx
}

// authFor returns the authorization request a code came from: the one
// before the redirect that carried it, or the last one when the HAR does
// not show the code being issued.
func (f *flow) authFor(code string) *authRequest {
	if issue, ok := f.codes[code]; ok && issue.auth != nil {
		return issue.auth
	}
	return f.auth
}

// noteSent records the code and refresh token a token request sent, so
// that a second use is found.
func (f *flow) noteSent(form url.Values) {
	i := len(f.steps)
	if code := form.Get("code"); code != "" && form.Get("grant_type") == grantAuthorizationCode {
		if _, seen := f.codeSent[code]; !seen {
			f.codeSent[code] = i
		}
	}
	if rt := form.Get("refresh_token"); rt != "" && form.Get("grant_type") == grantRefreshToken {
		if _, seen := f.refreshSent[rt]; !seen {
			f.refreshSent[rt] = i
		}
	}
}

// noteRefreshIssued records the refresh token of a successful token
// response, by its redaction marker.
func (f *flow) noteRefreshIssued(e Entry) {
	var body struct {
		RefreshToken string `json:"refresh_token"`
	}
	if e.Status != 200 || json.Unmarshal(e.ResponseBody, &body) != nil || body.RefreshToken == "" {
		return
	}
	f.refreshIssued[body.RefreshToken] = codeIssue{step: len(f.steps), at: responseTime(e), auth: f.auth}
	f.latestRefresh = body.RefreshToken
}
