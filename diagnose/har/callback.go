package har

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/kseries-tools/ksauth/diagnose"
)

// addCallback adds a request that carries code or error, when it is the
// redirect to the client of the sign-in in this HAR.
func (f *flow) addCallback(e Entry) {
	params := url.Values{}
	if u, err := url.Parse(e.URL); err == nil {
		params = u.Query()
	}
	if !f.isCallback(e, params) {
		return
	}
	s := newStep(e, diagnose.StepCallback, "callback to the redirect URI")
	if code := params.Get("code"); code != "" {
		if _, seen := f.codes[code]; !seen {
			f.codes[code] = codeIssue{step: len(f.steps), at: e.Start, auth: f.auth, atCallback: true}
		}
	}
	a := f.callbackAuth(e)
	switch {
	case params.Has("error"):
		f.callbackError(&s, e, params)
	case a != nil && a.state != "" && params.Get("state") != a.state:
		ev := diagnose.Evidence{Step: diagnose.StepCallback, Context: f.authContext(), Redirect: params,
			Kind: diagnose.FindingStateMismatch, ExpectedState: a.state,
			Detail: fmt.Sprintf("the callback's state differs from the authorization request's (entry %d)",
				f.steps[a.step].Entry)}
		s.fail(ev)
	case a != nil && a.issuer != "" && params.Has("iss") && params.Get("iss") != a.issuer:
		// RFC 9207 §2.4: the client rejects a response whose iss is not
		// the issuer it sent the authorization request to.
		ev := diagnose.Evidence{Step: diagnose.StepCallback, Context: f.authContext(), Redirect: params,
			Kind: diagnose.FindingIssuerMismatch, ExpectedIssuer: a.issuer,
			Detail: fmt.Sprintf("callback iss %q differs from the issuer %q of the authorization request (entry %d)",
				params.Get("iss"), a.issuer, f.steps[a.step].Entry)}
		s.fail(ev)
	case e.Status == 0:
		// With a redirect URI such as https://localhost/ that nothing serves,
		// users copy the code from the address bar, so a failed load is no
		// failure of the sign-in by itself.
		s.Notes = append(s.Notes, fmt.Sprintf("the browser could not load the redirect URI (%s): expected when "+
			"the code is copied from the address bar, a failure when an application should receive it", describeError(e)))
	case e.Status >= 400 && !e.Observed:
		// ksauth's own callback server, whose requests its HAR marks as
		// observed, responds to a failed sign-in with an error status too.
		// The HAR diagnoses that failure at the entry that caused it.
		f.rejectedCallback(&s, e)
	}
	f.steps = append(f.steps, s)
}

// callbackAuth returns the authorization request a callback responds to. For
// a callback that a ksauth HAR marks as observed, that is the request the
// flow runner opened for the same redirect URI. The browser may have sent
// another one since, such as a sign-in left open in an earlier tab.
// Otherwise it is the last authorization request.
func (f *flow) callbackAuth(e Entry) *authRequest {
	if e.Observed {
		if a, ok := f.opened[redirectKeyOf(e.URL)]; ok {
			return a
		}
	}
	return f.auth
}

// isCallback reports whether a request carrying code or error is the
// redirect to the client: it goes to the redirect URI of the last
// authorization request, or carries state, iss or session_state as
// Keycloak's redirects do.
func (f *flow) isCallback(e Entry, params url.Values) bool {
	if f.auth != nil && f.auth.redirectURI != "" &&
		strings.TrimSuffix(withoutQuery(e.URL), "/") == strings.TrimSuffix(withoutQuery(f.auth.redirectURI), "/") {
		return true
	}
	return params.Has("state") || params.Has("iss") || params.Has("session_state")
}

// callbackError marks a callback that carries an error failed. An error
// redirect already diagnosed at the entry that sent it is referred to, not
// diagnosed again.
func (f *flow) callbackError(s *Step, e Entry, params url.Values) {
	if i, ok := f.errorRedirects[redirectKey(e.URL, params)]; ok {
		s.Status = StatusFailed
		s.Notes = append(s.Notes, fmt.Sprintf("carries the error redirect of entry %d, diagnosed there", f.steps[i].Entry))
		return
	}
	ev := diagnose.Evidence{Step: diagnose.StepCallback, Context: f.authContext(), Redirect: params,
		Error: params.Get("error"), ErrorDescription: params.Get("error_description"), ErrorURI: params.Get("error_uri")}
	s.fail(ev)
}

func describeError(e Entry) string {
	if e.Error != "" {
		return e.Error
	}
	return "no response recorded"
}
