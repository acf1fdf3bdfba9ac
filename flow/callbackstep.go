package flow

import (
	"context"
	"crypto/subtle"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/kseries-tools/ksauth/diagnose"
	"github.com/kseries-tools/ksauth/internal/redact"
)

// completeCallback runs the callback, token and verify steps for the one
// callback that counts, and returns the page for the browser. It runs
// inside the callback handler, so the exchange starts the moment the code
// arrives and the page reports how it went.
func (r *runner) completeCallback(ctx context.Context, q url.Values, arrival time.Time, authorize *stepTimer) *outcome {
	r.warm.stopWarming()
	how := "browser redirected to the callback"
	switch r.cfg.Login {
	case LoginHeadless:
		how = "signed in headlessly as " + r.cfg.Username
	case LoginPaste:
		how = "redirect URL pasted"
	}
	authorize.ok("%s", how)

	// 4. callback
	if e := r.checkCallback(q); e != nil {
		return &outcome{err: e, page: failurePage(e)}
	}

	// 5. token
	tok, e := r.exchange(ctx, q.Get("code"), arrival)
	if e != nil {
		return &outcome{err: e, page: failurePage(e)}
	}
	r.mu.Lock()
	r.setToken(tok)
	r.mu.Unlock()

	// 6. verify
	if e := r.verify(ctx, tok); e != nil {
		return &outcome{err: e, page: failurePage(e)}
	}
	return &outcome{page: r.successPage()}
}

// checkCallback runs the callback step on the authorization response's
// parameters: state (RFC 6749 §10.12), then iss (RFC 9207 §2.4), then an
// error response (RFC 6749 §4.1.2.1), then the code.
func (r *runner) checkCallback(q url.Values) *Error {
	t := r.timeline.begin(diagnose.StepCallback)
	ev := r.evidence(diagnose.StepCallback)
	ev.Redirect = redactCode(q)
	ev.ExpectedState, ev.ExpectedIssuer = r.params.state, r.cfg.Env.Issuer
	iss, hasIss := q.Get("iss"), q.Has("iss")

	switch {
	case subtle.ConstantTimeCompare([]byte(q.Get("state")), []byte(r.params.state)) != 1:
		ev.Kind = diagnose.FindingStateMismatch
		ev.Detail = "callback state does not match the authorization request's"
		if !q.Has("state") {
			ev.Detail = "callback has no state parameter"
		}
	case hasIss && iss != r.cfg.Env.Issuer:
		ev.Kind = diagnose.FindingIssuerMismatch
		ev.Detail = fmt.Sprintf("callback iss %q differs from the issuer %q", iss, r.cfg.Env.Issuer)
	case q.Get("error") != "":
		ev.Error, ev.ErrorDescription, ev.ErrorURI = q.Get("error"), q.Get("error_description"), q.Get("error_uri")
		ev.Detail = "authorization server redirected with error=" + ev.Error
		if ev.ErrorDescription != "" {
			ev.Detail += ": " + ev.ErrorDescription
		}
	case q.Get("code") == "":
		ev.Detail = "callback has neither code nor error"
	}
	if ev.Detail != "" {
		return r.failure(t, ev, nil)
	}
	issNote := "iss matches"
	if !hasIss {
		// Keycloak 26 sends iss unless the client opts out. RFC 9207
		// §2.4 would reject its absence when the metadata announces it,
		// which the flow reports without failing.
		issNote = "no iss parameter"
		if r.metadata.IssParameterSupported {
			issNote += " although the server announces it"
		}
	}
	t.ok("state matches, %s", issNote)
	return nil
}

// redactCode returns a copy of the callback parameters with the code
// replaced by a marker: evidence is printed, and a code must not be.
func redactCode(q url.Values) url.Values {
	out := url.Values{}
	for k, v := range q {
		out[k] = append([]string(nil), v...)
	}
	if code := out.Get("code"); code != "" {
		out.Set("code", redact.Marker(code))
	}
	return out
}

// successPage returns the page for a callback whose tokens were verified.
func (r *runner) successPage() pageData {
	r.mu.Lock()
	defer r.mu.Unlock()
	res := r.result
	p := pageData{OK: true, Title: "Signed in", ClientID: res.ClientID, Env: res.Env,
		Scopes: strings.Join(res.GrantedScopes, " "), User: userName(res.IDClaims, res.AccessClaims)}
	if p.Env == "" {
		p.Env = res.Issuer
	}
	if res.Token != nil && res.Token.ExpiresIn > 0 {
		lifetime := time.Duration(res.Token.ExpiresIn) * time.Second
		p.Expiry = fmt.Sprintf("expires in %s, at %s", lifetime, r.cfg.Clock().Add(lifetime).Format("15:04:05 MST"))
	}
	return p
}

// userName returns the signed-in user's name from the first of the claims
// that has one: preferred_username, email, then sub.
func userName(claims ...map[string]any) string {
	for _, key := range []string{"preferred_username", "email", "sub"} {
		for _, c := range claims {
			if s, ok := c[key].(string); ok && s != "" {
				return s
			}
		}
	}
	return "(unknown)"
}
