package emulator

import (
	"net/http"
	"net/url"
	"time"
)

// codeGrant exchanges an authorization code (RFC 6749 §4.1.3). Its checks
// and texts are Keycloak 26's AuthorizationCodeGrantType, in order. The
// code is spent by the lookup, so every later failure spends it too.
func (rl *Realm) codeGrant(w http.ResponseWriter, r *http.Request, c *client, form url.Values) {
	fail := func(description, eventError string) {
		grantFailed(w, r, eventCodeToTokenError, http.StatusBadRequest, "invalid_grant", description, eventError)
	}

	code, ok := first(form, "code")
	if !ok {
		grantFailed(w, r, eventCodeToTokenError, http.StatusBadRequest, "invalid_request", "Missing parameter: code", "invalid_code")
		return
	}

	now := rl.now()
	entry := rl.takeCode(code, now)
	us := rl.codeSession(entry, now)
	if us == nil {
		fail("Code not valid", "invalid_code")
		return
	}

	u := rl.userByID(entry.userID)
	switch {
	case u == nil:
		fail("User not found", "user_not_found")
		return
	case !u.Enabled:
		fail("User disabled", "user_disabled")
		return
	}
	eventOf(r).username = u.Username
	if description, eventError := checkCodeRequest(entry, c, form); description != "" {
		fail(description, eventError)
		return
	}

	session := us
	if hasScope(entry.scope, scopeOfflineAccess) {
		session = rl.offlineSession(us, c, entry.scope, now)
	}

	resp, err := rl.issueTokens(issueRequest{
		client: c, user: u, session: session, scope: entry.scope,
		nonce: entry.nonce, authTime: entry.authTime, refresh: true,
	})
	if err != nil {
		rl.logError("could not issue tokens", err, "client_id", c.ClientID)
		grantFailed(w, r, eventCodeToTokenError, http.StatusInternalServerError, "unknown_error", descServerError, "server_error")
		return
	}
	eventOf(r).succeed(eventCodeToToken)
	writeTokenJSON(w, resp)
}

// codeSession returns the active user session a code belongs to, or nil
// when the code is unknown or its session or client session is gone. All
// of these give "Code not valid".
func (rl *Realm) codeSession(entry *codeEntry, now time.Time) *userSession {
	if entry == nil {
		return nil
	}
	rl.mu.Lock()
	defer rl.mu.Unlock()
	us := rl.liveSession(entry.sessionID, false, now)
	if us == nil || us.clients[entry.clientID] == nil {
		return nil
	}
	return us
}

// checkCodeRequest runs the code grant's request checks after the code
// lookup: redirect_uri identical to the authorization request's raw
// parameter (RFC 6749 §4.1.3), the same client, the standard flow on, then
// PKCE (RFC 7636 §4.6). It returns the invalid_grant description and event
// error of the first failure.
func checkCodeRequest(entry *codeEntry, c *client, form url.Values) (description, eventError string) {
	if entry.rawRedirectURI != nil {
		got, ok := first(form, "redirect_uri")
		if !ok || got != *entry.rawRedirectURI {
			return "Incorrect redirect_uri", "invalid_redirect_uri"
		}
	}
	if entry.clientID != c.ClientID {
		return "Auth error: Found different client_id in clientSession", "invalid_code"
	}
	if !c.StandardFlowEnabled {
		return "Client not allowed to exchange code", "not_allowed"
	}
	return verifyPKCE(entry.pkceChallenge, entry.pkceMethod, firstPtr(form, "code_verifier"))
}

// offlineSession returns the offline session for an online one, creating
// it on first use, with the client attached. Offline sessions outlive the
// online session and its idle timeout (they use
// OfflineSessionIdleTimeout instead).
func (rl *Realm) offlineSession(us *userSession, c *client, scope string, now time.Time) *userSession {
	rl.mu.Lock()
	defer rl.mu.Unlock()
	off := rl.liveSession(us.id, true, now)
	if off == nil {
		off = &userSession{
			id: us.id, userID: us.userID, offline: true, started: now, lastRefresh: now,
			authTime: us.authTime, clients: map[string]*clientSession{},
		}
		rl.state.offline[off.id] = off
	}
	off.lastRefresh = now
	cs := off.clients[c.ClientID]
	if cs == nil {
		cs = &clientSession{clientID: c.ClientID, started: now, issued: map[string]int{}}
		off.clients[c.ClientID] = cs
	}
	cs.scope = scope
	return off
}
