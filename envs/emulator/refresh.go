package emulator

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
)

// Refresh grant descriptions (Keycloak 26 RefreshTokenGrantType and
// TokenManager).
const (
	descInvalidRefresh   = "Invalid refresh token"
	descNotActive        = "Token is not active"
	descClientMismatch   = "Invalid refresh token. Token client and authorized client don't match"
	descSessionNotActive = "Session not active"
	descOfflineNotFound  = "Offline user session not found"
	descOfflineInactive  = "Offline session not active"
	descNoClientSession  = "Session doesn't have required client"
	descStaleToken       = "Stale token"
	descMaxReuse         = "Maximum allowed refresh token reuse exceeded"
	// descBeforeSession keeps Keycloak's misspelling "toked".
	descBeforeSession = "Refresh toked issued before the client session started"
)

// refreshGrant serves grant_type=refresh_token (RFC 6749 §6) with
// Keycloak 26's checks: token signature and type, expiry, client, scope,
// user, session, client session, then rotation.
func (rl *Realm) refreshGrant(w http.ResponseWriter, r *http.Request, c *client, form url.Values) {
	fail := func(description string) {
		grantFailed(w, r, eventRefreshError, http.StatusBadRequest, "invalid_grant", description, "invalid_token")
	}

	raw, ok := first(form, "refresh_token")
	if !ok {
		grantFailed(w, r, eventRefreshError, http.StatusBadRequest, "invalid_request", "No refresh token", "invalid_token")
		return
	}

	var rt claims
	if rl.keys.verifyHS512(raw, &rt) != nil || (rt.Typ != typRefresh && rt.Typ != typOffline) || rt.Iss != rl.Issuer() {
		fail(descInvalidRefresh)
		return
	}

	now := rl.now()
	if rt.Exp != 0 && now.Unix() > rt.Exp {
		fail(descNotActive)
		return
	}
	if rt.Azp != c.ClientID {
		fail(descClientMismatch)
		return
	}

	scope := rt.Scope
	if requested, ok := first(form, "scope"); ok {
		if !scopeWithin(requested, rt.Scope) {
			grantFailed(w, r, eventRefreshError, http.StatusBadRequest, "invalid_scope", "Invalid scopes: "+requested, "invalid_request")
			return
		}
		scope = c.grantedScope(requested, true)
	}

	u := rl.userByID(rt.Sub)
	switch {
	case u == nil:
		fail(descInvalidRefresh)
		return
	case !u.Enabled:
		fail("User disabled")
		return
	}
	eventOf(r).username = u.Username

	us, description := rl.useRefreshToken(rt, c, now)
	if description != "" {
		fail(description)
		return
	}
	rl.respondRefreshed(w, r, issueRequest{client: c, user: u, session: us, scope: scope, authTime: us.authTime, refresh: true})
}

func (rl *Realm) respondRefreshed(w http.ResponseWriter, r *http.Request, in issueRequest) {
	resp, err := rl.issueTokens(in)
	if err != nil {
		rl.logError("could not issue tokens", err, "client_id", in.client.ClientID)
		grantFailed(w, r, eventRefreshError, http.StatusInternalServerError, "unknown_error", descServerError, "server_error")
		return
	}
	eventOf(r).succeed(eventRefresh)
	writeTokenJSON(w, resp)
}

// scopeWithin reports whether every name in requested is in granted.
func scopeWithin(requested, granted string) bool {
	have := strings.Fields(granted)
	for _, name := range splitScope(requested) {
		if !slices.Contains(have, name) {
			return false
		}
	}
	return true
}

// useRefreshToken finds the token's session and client session and applies
// the rotation rules, returning the session to issue new tokens for, or
// the invalid_grant description. When rotation rejects a reused token,
// the client session is detached, so the newest refresh token stops working
// too.
func (rl *Realm) useRefreshToken(rt claims, c *client, now time.Time) (*userSession, string) {
	offline := rt.Typ == typOffline
	rl.mu.Lock()
	defer rl.mu.Unlock()
	us := rl.liveSession(rt.SID, offline, now)
	switch {
	case us == nil && offline && rl.state.offline[rt.SID] == nil:
		return nil, descOfflineNotFound
	case us == nil && offline:
		return nil, descOfflineInactive
	case us == nil:
		return nil, descSessionNotActive
	}
	cs := us.clients[c.ClientID]
	if cs == nil {
		return nil, descNoClientSession
	}
	number, known := cs.issued[rt.JTI]
	if !known {
		return nil, descBeforeSession
	}
	if rl.cfg.RevokeRefreshToken {
		if description := rl.checkTokenReuse(cs, rt.JTI, number); description != "" {
			delete(us.clients, c.ClientID)
			return nil, description
		}
	}
	us.lastRefresh = now
	return us, ""
}

// checkTokenReuse applies refresh token rotation like Keycloak's
// TokenManager.validateTokenReuse: a token older than the last refresh
// that is not the one last used is stale, and the token last used may be
// used RefreshTokenMaxReuse more times. The caller holds rl.mu.
func (rl *Realm) checkTokenReuse(cs *clientSession, jti string, number int) string {
	if cs.currentRefreshID != "" && jti != cs.currentRefreshID && number < cs.staleBefore {
		return descStaleToken
	}
	if jti != cs.currentRefreshID {
		cs.currentRefreshID = jti
		cs.useCount = 0
	}
	if cs.useCount > rl.cfg.RefreshTokenMaxReuse {
		return descMaxReuse
	}
	cs.useCount++
	cs.staleBefore = cs.issueCount + 1
	return ""
}
