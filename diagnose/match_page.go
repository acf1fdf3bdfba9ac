package diagnose

import (
	"strings"
)

// pageRule maps one message of a Keycloak page to a diagnosis.
type pageRule struct {
	// message is the text as Keycloak renders it; matching ignores letter
	// case, runs of whitespace and a trailing period.
	message string
	// prefix matches messages that start with message.
	prefix bool
	// pageID is the page the message appears on: "login-error" for the
	// "We are sorry..." page, "login-login" for the login form.
	pageID string
	id     string
	// cause is put first in the diagnosis's causes.
	cause string
	// refines are the catalogue causes that cause replaces.
	refines []causeKey
	// keycloak names the Keycloak version the message was observed in.
	keycloak string
}

// pageRules are the page messages ksauth recognises. "Client not found." is
// handled by matchClientNotFound, because its meaning depends on the client
// ID and host. Messages are from Keycloak's messages_en.properties.
var pageRules = []pageRule{
	{message: "Client not found.", pageID: "login-error", id: IDUnknownClient, keycloak: "26.7.1"},
	{message: "Invalid parameter: redirect_uri", pageID: "login-error", id: IDRedirectURIMismatch, keycloak: "26.7.1"},
	{message: "Invalid Request", pageID: "login-error", id: IDInvalidRequest, keycloak: "26.7.1",
		cause: "client_id is missing or sent twice, or a parameter such as max_age or client_data is malformed"},
	{message: "Restart login cookie not found.", prefix: true, pageID: "login-error", id: IDCookieNotFound, keycloak: "26.7.1",
		cause: "the browser did not send Keycloak's KC_RESTART cookie: cookies blocked, expired or deleted", refines: []causeKey{causeCookiesBlocked}},
	{message: "Page has expired", pageID: "login-login-page-expired", id: IDCookieNotFound, keycloak: "26.7.1",
		cause: "the login page was reloaded or reached with the Back button, so its step is stale", refines: []causeKey{causePageStale}},
	{message: "Cookie not found. Please make sure cookies are enabled in your browser.", pageID: "login-error",
		id: IDCookieNotFound, keycloak: "before 26 (older cookieNotFoundMessage)"},
	{message: "An error occurred, please login again through your application.", pageID: "login-error",
		id: IDCookieNotFound, keycloak: "26.x",
		cause: "the login session could not be restored, or the login form URL was used with another client or session"},
	{message: "Login timeout. Please sign in again.", pageID: "login-error", id: IDCookieNotFound, keycloak: "26.x",
		cause: "the login page stayed open too long", refines: []causeKey{causePageStale}},
	{message: "Your login attempt timed out. Login will start from the beginning.", pageID: "login-login",
		id: IDCookieNotFound, keycloak: "26.x", cause: "the login page stayed open too long", refines: []causeKey{causePageStale}},
	{message: "Invalid username or password.", pageID: "login-login", id: IDInvalidUserCredentials, keycloak: "26.x"},
	{message: "Invalid password.", pageID: "login-login", id: IDInvalidUserCredentials, keycloak: "26.x"},
	{message: "Account is disabled, contact your administrator.", pageID: "login-login", id: IDAccountDisabled, keycloak: "26.x"},
	{message: "Account is temporarily disabled; contact your administrator or retry later.", pageID: "login-login",
		id: IDAccountDisabled, keycloak: "25.x and older (26.x shows \"Invalid username or password.\" instead)",
		cause: "the account is temporarily locked after failed sign-ins", refines: []causeKey{causeAccountLocked}},
	{message: "Client disabled.", pageID: "login-error", id: IDUnknownClient, keycloak: "26.x",
		cause: "the client was disabled", refines: []causeKey{causeClientDisabled}},
	{message: "Bearer-only applications are not allowed to initiate browser login", pageID: "login-error",
		id: IDUnauthorizedClient, keycloak: "26.x", cause: "the client is bearer-only and cannot start a browser sign-in"},
	{message: "HTTPS required", pageID: "login-error", id: IDInvalidRequest, keycloak: "26.x",
		cause: "the request used http where the realm requires https"},
	{message: "Registration not allowed", pageID: "login-error", id: IDInvalidRequest, keycloak: "26.7.1",
		cause: "the request used prompt=create, but the realm does not let users register"},
}

// findPageRule returns the rule whose message the page shows, checking the
// message and then the heading.
func findPageRule(p Page) (pageRule, bool) {
	for _, text := range []string{p.Message, p.Heading} {
		if text == "" {
			continue
		}
		for _, r := range pageRules {
			if r.matches(text) {
				return r, true
			}
		}
	}
	return pageRule{}, false
}

func (r pageRule) matches(text string) bool {
	got, want := normMessage(text), normMessage(r.message)
	if r.prefix {
		return strings.HasPrefix(got, want)
	}
	return got == want
}

// normMessage lower-cases s, collapses whitespace and drops trailing
// periods and ellipses, so copied text matches the rendered message.
func normMessage(s string) string {
	s = strings.ToLower(collapseSpace(s))
	return strings.TrimRight(s, ".… ")
}

// pageEvidence quotes what the page shows.
func pageEvidence(p Page) []string {
	var out []string
	if p.Heading != "" {
		out = append(out, "page heading \""+p.Heading+"\"")
	}
	if p.Message != "" {
		out = append(out, "page message \""+p.Message+"\"")
	}
	return out
}

// matchPage matches a Keycloak page's message.
func matchPage(ev Evidence) []Diagnosis {
	if ev.Page == nil {
		return nil
	}
	r, ok := findPageRule(*ev.Page)
	if !ok {
		return matchRequiredAction(ev)
	}
	ev.Step = stepOr(ev.Step, StepAuthorize)
	facts := append(statusEvidence(ev), pageEvidence(*ev.Page)...)
	if r.message == "Client not found." {
		return matchClientNotFound(ev, facts)
	}
	d := newDiagnosis(r.id, ev.Step, facts...)
	d.refine(r.cause, r.refines...)
	enrich(&d, ev)
	return []Diagnosis{d}
}
