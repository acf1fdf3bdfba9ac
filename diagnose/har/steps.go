package har

import (
	"mime"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/kseries-tools/ksauth/diagnose"
	"github.com/kseries-tools/ksauth/envs"
)

// Step is one OAuth step found in a HAR: one entry, its action in the
// sign-in and its diagnoses.
type Step struct {
	// Name is the flow step the entry belongs to: discovery, authorize
	// (the authorization request and the login form), callback, token,
	// refresh or verify (JWKS and userinfo).
	Name diagnose.Step `json:"name"`
	// Status is StatusOK or StatusFailed.
	Status string `json:"status"`
	// Action describes the request, such as "authorization request" or
	// "token request (authorization_code)".
	Action string `json:"action"`
	// Entry is the entry's position in log.entries, counting from 1.
	Entry      int       `json:"entry"`
	Time       time.Time `json:"time"`
	DurationMS float64   `json:"duration_ms"`
	Method     string    `json:"method"`
	// URL is the request URL with codes and tokens redacted.
	URL string `json:"url"`
	// HTTPStatus is the response status, 0 when no response was recorded.
	HTTPStatus int `json:"http_status"`
	// Env is the environment of the request's host, such as "trial", or
	// empty when the host is not a known K-Series host.
	Env       string `json:"env,omitempty"`
	GrantType string `json:"grant_type,omitempty"`
	// CodeAgeMS is the age in milliseconds of the authorization code a
	// token request sent, when the HAR shows the code being issued.
	CodeAgeMS *float64 `json:"code_age_ms,omitempty"`
	// Notes are facts the HAR shows about the step that belong to none of
	// its diagnoses.
	Notes     []string             `json:"notes,omitempty"`
	Diagnoses []diagnose.Diagnosis `json:"diagnoses,omitempty"`
	// Evidence is the input a failed step passed to diagnose.Match.
	Evidence *diagnose.Evidence `json:"-"`
}

// Step statuses, as in the JSON output of every ksauth command.
const (
	StatusOK     = "ok"
	StatusFailed = "failed"
)

// flow rebuilds a sign-in from its entries, taken in time order. It keeps
// what later steps are checked against: the last authorization request,
// the codes and refresh tokens issued, and those already sent.
type flow struct {
	steps          []Step
	auth           *authRequest
	codes          map[string]codeIssue
	codeSent       map[string]int
	refreshIssued  map[string]codeIssue
	refreshSent    map[string]int
	latestRefresh  string
	errorRedirects map[string]int
	username       string
	// mayBeSanitized is true for a browser's HAR that carries no
	// Authorization, Cookie or Set-Cookie header at all.
	mayBeSanitized bool
	// relayed is true once an application's response relayed the token
	// endpoint's error from an exchange it ran on its server.
	relayed bool
	// opened maps each redirect URI to the last authorization request a
	// ksauth HAR marks as observed. That is the request the flow runner
	// opened in the browser, whose state and issuer its callback must carry.
	opened map[string]*authRequest
}

// authRequest is the parameters and target of an authorization request.
type authRequest struct {
	step                                        int
	clientID, redirectURI, scope, state, issuer string
	env, host                                   string
	pkce                                        bool
}

// codeIssue is the origin of a code or refresh token: the step that
// issued it and the time its response arrived. atCallback is true when the HAR shows the
// code only at the callback, later than it was issued.
type codeIssue struct {
	step       int
	at         time.Time
	auth       *authRequest
	atCallback bool
}

func newFlow() *flow {
	return &flow{codes: map[string]codeIssue{}, codeSent: map[string]int{}, refreshIssued: map[string]codeIssue{},
		refreshSent: map[string]int{}, errorRedirects: map[string]int{}, opened: map[string]*authRequest{}}
}

// add handles one entry, in time order. Client authentication is read
// from the raw entry, because redaction hides the Basic header's client
// ID. Everything else is read from the redacted entry.
func (f *flow) add(raw Entry) {
	k, issuer := classify(raw)
	method, basicUser, basicProblem := clientAuth(raw.RequestHeader, formValues(raw))
	e := RedactEntry(raw, Policy{})
	switch k {
	case kindAuthorize:
		f.addAuthorize(e, issuer)
	case kindLogin:
		f.addLogin(e)
	case kindCallback:
		f.addCallback(e)
	case kindToken:
		if !sendsGrant(e) {
			return
		}
		f.addToken(e, issuer, tokenAuth{method, basicUser, basicProblem})
	case kindDiscovery:
		f.addOther(e, diagnose.StepDiscovery, "discovery", issuer)
	case kindJWKS:
		f.addOther(e, diagnose.StepVerify, "JWKS request", issuer)
	case kindUserInfo:
		f.addOther(e, diagnose.StepVerify, "userinfo request", issuer)
	case kindRelayed:
		f.addRelayed(e)
	}
}

func newStep(e Entry, name diagnose.Step, action string) Step {
	env, _ := envOf(e.URL)
	s := Step{Name: name, Status: StatusOK, Action: action, Entry: e.Index + 1, Time: e.Start,
		DurationMS: milliseconds(e.Duration), Method: e.Method, URL: e.URL, HTTPStatus: e.Status, Env: env}
	if e.Note != "" {
		s.Notes = append(s.Notes, e.Note)
	}
	return s
}

// fail marks the step failed and diagnoses it from ev.
func (s *Step) fail(ev diagnose.Evidence) {
	s.Status = StatusFailed
	s.Evidence = &ev
	s.Diagnoses = diagnose.Match(ev)
}

func (f *flow) addAuthorize(e Entry, issuer string) {
	params := requestParams(e)
	env, host := envOf(e.URL)
	f.auth = &authRequest{step: len(f.steps), clientID: params.Get("client_id"),
		redirectURI: params.Get("redirect_uri"), scope: params.Get("scope"), state: params.Get("state"),
		issuer: issuer, env: env, host: host, pkce: params.Get("code_challenge") != ""}
	name := diagnose.StepAuthorize
	if e.Step == diagnose.StepProbe {
		// ksauth sends the authorization request once without a browser
		// first, and its HAR comment names that request the probe.
		name = diagnose.StepProbe
	}
	if e.Observed {
		f.opened[redirectKeyOf(f.auth.redirectURI)] = f.auth
	}
	s := newStep(e, name, "authorization request")
	if e.Observed && e.Status == 0 {
		s.Notes = append(s.Notes, "opened in the browser; the authorization server's answer is not in the recording")
		f.steps = append(f.steps, s)
		return
	}
	ev := responseEvidence(e, name)
	ev.Context = f.authContext()
	f.noteRedirect(e)
	if failedResponse(e, ev) || pageMessage(ev) {
		s.fail(ev)
	}
	f.steps = append(f.steps, s)
}

func (f *flow) addLogin(e Entry) {
	s := newStep(e, diagnose.StepAuthorize, "login page")
	if strings.EqualFold(e.Method, http.MethodPost) {
		form := formValues(e)
		s.Action = "login form post"
		if isConsent(e, form) {
			s.Action = "consent form post"
		} else if user := form.Get("username"); user != "" {
			f.username = user
		}
	}
	ev := responseEvidence(e, diagnose.StepAuthorize)
	ev.Context = f.authContext()
	f.noteRedirect(e)
	if failedResponse(e, ev) || pageMessage(ev) {
		s.fail(ev)
	}
	f.steps = append(f.steps, s)
}

// isConsent reports whether a POST to login-actions submits Keycloak's
// consent page: it goes to login-actions/consent, or sends the page's
// accept or cancel button (Keycloak 26 login theme). The terms page has
// the same buttons but posts to login-actions/required-action.
func isConsent(e Entry, form url.Values) bool {
	u, err := url.Parse(e.URL)
	if err != nil {
		return false
	}
	if strings.Contains(u.Path, loginPath+"consent") {
		return true
	}
	if strings.Contains(u.Path, loginPath+"required-action") || form.Has("username") {
		return false
	}
	return form.Has("accept") || form.Has("cancel")
}

// failedResponse reports whether a response shows a failure: no response,
// an error status, an OAuth error, or Keycloak's error page.
func failedResponse(e Entry, ev diagnose.Evidence) bool {
	return e.Status == 0 || e.Status >= 400 || ev.Error != "" ||
		(ev.Page != nil && (ev.Page.ID == "login-error" || ev.Page.ID == "login-login-page-expired"))
}

// notJSON reports whether a successful response of an endpoint that
// returns JSON, such as the token endpoint or discovery, came with another
// content type: a proxy's or captive portal's page returned with 200.
func notJSON(ev diagnose.Evidence) bool {
	if ev.Status < 200 || ev.Status > 299 {
		return false
	}
	media, _, err := mime.ParseMediaType(ev.Header.Get("Content-Type"))
	if err != nil {
		return ev.Header.Get("Content-Type") != ""
	}
	return media != "application/json" && !strings.HasSuffix(media, "+json")
}

// pageMessage reports whether a login page came back with a message, as
// Keycloak 26 re-renders the form with "Invalid username or password.".
func pageMessage(ev diagnose.Evidence) bool {
	return ev.Page != nil && ev.Page.Message != "" && ev.Status == http.StatusOK
}

// noteRedirect records what a redirect to the client carries: a code, to
// time the token request against, or an error, so that the callback that
// follows is not diagnosed a second time.
func (f *flow) noteRedirect(e Entry) {
	loc := e.Location()
	if loc == "" {
		return
	}
	params := locationParams(loc)
	if code := params.Get("code"); code != "" {
		f.codes[code] = codeIssue{step: len(f.steps), at: responseTime(e), auth: f.auth}
	}
	if params.Has("error") {
		f.errorRedirects[redirectKey(loc, params)] = len(f.steps)
	}
}

func redirectKey(target string, params url.Values) string {
	return strings.TrimSuffix(withoutQuery(target), "/") + " " + params.Get("error") + " " + params.Get("state")
}

// authContext returns the request context of the last authorization
// request.
func (f *flow) authContext() diagnose.Context {
	ctx := diagnose.Context{Username: f.username}
	if a := f.auth; a != nil {
		ctx.Env, ctx.Issuer, ctx.ClientID = a.env, a.issuer, a.clientID
		ctx.RedirectURI, ctx.Scope, ctx.PKCE = a.redirectURI, a.scope, a.pkce
	}
	return ctx
}

// addOther adds a discovery, JWKS or userinfo request.
func (f *flow) addOther(e Entry, name diagnose.Step, action, issuer string) {
	s := newStep(e, name, action)
	ev := responseEvidence(e, name)
	ev.Context = f.authContext()
	ev.Context.Issuer = issuer
	if failedResponse(e, ev) || (name == diagnose.StepDiscovery && notJSON(ev)) {
		s.fail(ev)
	}
	f.steps = append(f.steps, s)
}

// envOf returns the environment name and the host of a URL's host.
func envOf(rawURL string) (env, host string) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return "", ""
	}
	if e, ok := envs.ForHost(u.Host); ok {
		return e.Name, u.Host
	}
	return "", u.Host
}

func milliseconds(d time.Duration) float64 {
	return float64(d) / float64(time.Millisecond)
}
