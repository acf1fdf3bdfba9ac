package har

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/kseries-tools/ksauth/diagnose"
)

// relayedNote is the step note of an application's response that relays
// the token endpoint's error.
const relayedNote = "the code exchange ran on the application's server, so the HAR shows only the answer " +
	"the application relayed, not the token request itself"

// addRelayed adds an application's error response that relays an OAuth
// error, as the token step (or the refresh step) the application ran on
// its server.
func (f *flow) addRelayed(e Entry) {
	relayed, ok := relayedTokenError(e)
	if !ok {
		return
	}
	fields := requestFields(e)
	name := diagnose.StepToken
	if relayGrant(fields, f) == grantRefreshToken {
		name = diagnose.StepRefresh
	}
	s := newStep(e, name, "token exchange on the application's server")
	s.GrantType = relayGrant(fields, f)
	f.failRelayed(&s, e, name, relayed, fields)
	f.steps = append(f.steps, s)
}

// failRelayed marks s failed with the diagnoses of a relayed OAuth error,
// matched at step name.
func (f *flow) failRelayed(s *Step, e Entry, name diagnose.Step, relayed relayedError, fields url.Values) {
	f.relayed = true
	ev := responseEvidence(e, name)
	// The application's status is not the token endpoint's, and a 500
	// here is no Keycloak server error. Only a status the application
	// reports beside the error is passed on.
	ev.Status = relayed.status
	ev.Error, ev.ErrorDescription, ev.ErrorURI = relayed.code, relayed.description, relayed.uri
	ev.Context = f.relayContext(fields)
	s.fail(ev)

	s.Notes = append(s.Notes, relayedNote)
	answered := fmt.Sprintf("the application responded to %s with HTTP %d %s and relayed the token endpoint's error",
		withoutQuery(e.URL), e.Status, http.StatusText(e.Status))
	if relayed.status > 0 {
		answered += fmt.Sprintf(", which it reports came with HTTP %d", relayed.status)
	}
	for i := range s.Diagnoses {
		addEvidence(&s.Diagnoses[i], []string{answered})
	}
}

// relayContext returns the request context of a relayed exchange: that of
// the authorization request its code came from, with the grant type.
func (f *flow) relayContext(fields url.Values) diagnose.Context {
	ctx := f.authContext()
	ctx.GrantType = relayGrant(fields, f)
	if code := fields.Get("code"); code != "" {
		if a := f.authFor(code); a != nil {
			ctx.Env, ctx.Issuer, ctx.ClientID = a.env, a.issuer, a.clientID
			ctx.RedirectURI, ctx.Scope, ctx.PKCE = a.redirectURI, a.scope, a.pkce
		}
	}
	return ctx
}

// relayGrant returns the grant type of a relayed exchange: the one the
// browser's request names, refresh_token for a request that carries a
// refresh token, and otherwise authorization_code when the request carries
// a code or the HAR shows one being issued. It is "" when none applies.
func relayGrant(fields url.Values, f *flow) string {
	switch {
	case fields.Get("grant_type") != "":
		return fields.Get("grant_type")
	case fields.Get("refresh_token") != "":
		return grantRefreshToken
	case fields.Get("code") != "" || len(f.codes) > 0:
		return grantAuthorizationCode
	}
	return ""
}

// requestFields returns the parameters the browser sent to the
// application: the query, the form body, and the string fields at the top
// of a JSON body.
func requestFields(e Entry) url.Values {
	fields := requestParams(e)
	body := strings.TrimSpace(string(e.RequestBody))
	if !strings.HasPrefix(body, "{") {
		return fields
	}
	var obj map[string]any
	if json.Unmarshal([]byte(body), &obj) != nil {
		return fields
	}
	for k, v := range obj {
		if s, ok := v.(string); ok {
			fields.Add(k, s)
		}
	}
	return fields
}
