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
	switch {
	case params.Has("error"):
		f.callbackError(&s, e, params)
	case f.auth != nil && f.auth.state != "" && params.Get("state") != f.auth.state:
		ev := diagnose.Evidence{Step: diagnose.StepCallback, Context: f.authContext(), Redirect: params,
			Kind: diagnose.FindingStateMismatch, ExpectedState: f.auth.state,
			Detail: fmt.Sprintf("the callback's state differs from the authorization request's (entry %d)",
				f.steps[f.auth.step].Entry)}
		s.fail(ev)
	case e.Status == 0:
		// With a redirect URI such as https://localhost/ that nothing serves,
		// users copy the code from the address bar, so a failed load is no
		// failure of the sign-in by itself.
		s.Notes = append(s.Notes, fmt.Sprintf("the browser could not load the redirect URI (%s): expected when "+
			"the code is copied from the address bar, a failure when an application should receive it", describeError(e)))
	}
	f.steps = append(f.steps, s)
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
