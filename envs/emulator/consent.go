package emulator

import (
	"crypto/subtle"
	"net/http"
	"slices"
)

// handleConsent serves /login-actions/consent, where the consent page
// posts. "accept" grants the scopes and finishes the login. "cancel" sends
// the browser back with error=access_denied (OpenID Connect Core
// §3.1.2.6), without a description, as Keycloak 26's
// OIDCLoginProtocol.sendError does for a denied consent.
func (rl *Realm) handleConsent(w http.ResponseWriter, r *http.Request) {
	setPageHeaders(w.Header())
	w.Header().Set("Cache-Control", noStorePage)

	r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	if err := r.ParseForm(); err != nil {
		eventOf(r).fail(eventLoginError, "invalid_request")
		writeJSON(w, http.StatusInternalServerError, oauthError{Error: "unknown_error", Description: "For more on this error consult the server log."})
		return
	}

	tab, ok := rl.resumeLogin(w, r, r.URL.Query(), stepConsent)
	if !ok {
		return
	}

	ev := eventOf(r)
	rl.mu.Lock()
	current := tab.sessionCode
	rl.mu.Unlock()
	if subtle.ConstantTimeCompare([]byte(r.PostForm.Get("code")), []byte(current)) != 1 {
		ev.fail(eventLoginError, "invalid_code")
		rl.pageExpired(w, tab)
		return
	}

	u := rl.userByID(tab.userID)
	if u == nil {
		ev.fail(eventLoginError, "user_not_found")
		rl.errorPage(w, r, http.StatusBadRequest, msgInvalidCode, nil)
		return
	}
	ev.username = u.Username
	rl.mu.Lock()
	delete(tab.root.tabs, tab.tabID)
	rl.mu.Unlock()

	if _, cancel := r.PostForm["cancel"]; cancel || r.PostForm["accept"] == nil {
		ev.fail(eventLoginError, "rejected_by_user")
		rl.deliver(w, tab.req.resp, rl.errorParams("access_denied", "", tab.req.state))
		return
	}

	rl.grantConsent(u, tab)
	rl.finishLogin(w, r, tab, tab.client, tab.req, u, rl.now())
}

// grantConsent records that the user granted the auth session's scopes to
// its client, so later logins skip the consent page.
func (rl *Realm) grantConsent(u *user, tab *authSession) {
	key := consentKey{u.id, tab.client.ClientID}
	rl.mu.Lock()
	defer rl.mu.Unlock()
	granted := rl.state.consents[key]
	for _, s := range consentScopes(tab.client.grantedScope(tab.req.scope, tab.req.scopePresent)) {
		if !slices.Contains(granted, s) {
			granted = append(granted, s)
		}
	}
	rl.state.consents[key] = granted
}
