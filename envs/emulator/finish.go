package emulator

import (
	"net/http"
	"slices"
	"time"
)

// needsConsent reports whether the consent page must be shown before the
// client gets the requested scopes: the client requires consent and the
// user has not yet granted every one of them, or prompt=consent requests
// consent again.
func (rl *Realm) needsConsent(c *client, u *user, req authRequest) bool {
	if !c.ConsentRequired {
		return false
	}
	if req.hasPrompt("consent") {
		return true
	}
	wanted := consentScopes(c.grantedScope(req.scope, req.scopePresent))
	rl.mu.Lock()
	granted := rl.state.consents[consentKey{u.id, c.ClientID}]
	rl.mu.Unlock()
	for _, s := range wanted {
		if !slices.Contains(granted, s) {
			return true
		}
	}
	return false
}

// finishLogin ends a successful login: it creates or reuses the user
// session, attaches the client, issues the code and sends the browser back
// to the client with the SSO cookies set. tab is the finished auth
// session, nil when an SSO session skipped the login.
func (rl *Realm) finishLogin(w http.ResponseWriter, r *http.Request, tab *authSession, c *client, req authRequest, u *user, authTime time.Time) {
	now := rl.now()
	scope := c.grantedScope(req.scope, req.scopePresent)
	sid, _, _ := rl.identityFromCookie(r, now)
	rl.mu.Lock()
	us := rl.liveSession(sid, false, now)
	if us == nil || us.userID != u.id {
		us = rl.newUserSession(tab, u, authTime, now)
	}
	us.lastRefresh = now
	cs := us.clients[c.ClientID]
	if cs == nil {
		cs = &clientSession{clientID: c.ClientID, started: now, issued: map[string]int{}}
		us.clients[c.ClientID] = cs
	}
	cs.scope = scope
	code := rl.newCode(us, c, req, scope, now)
	if tab != nil {
		delete(tab.root.tabs, tab.tabID)
	}
	rl.mu.Unlock()

	ev := eventOf(r)
	ev.succeed(eventLogin)
	ev.clientID, ev.username = c.ClientID, u.Username
	rl.setIdentityCookies(w, us, now)
	rl.deliver(w, req.resp, rl.successParams(req.resp.mode, req.state, us.id, code))
}

// newUserSession creates an online user session. Its ID is the browser's
// root auth session ID when there is one, as measured on Keycloak 26.7.1
// (session_state equals the AUTH_SESSION_ID root). The caller holds rl.mu.
func (rl *Realm) newUserSession(tab *authSession, u *user, authTime, now time.Time) *userSession {
	id := newUUID()
	if tab != nil && rl.state.sessions[tab.root.id] == nil {
		id = tab.root.id
	}
	if authTime.IsZero() {
		authTime = now
	}
	us := &userSession{
		id:          id,
		userID:      u.id,
		started:     now,
		lastRefresh: now,
		authTime:    authTime,
		clients:     map[string]*clientSession{},
	}
	rl.state.sessions[id] = us
	return us
}

// showConsent renders the consent page (Keycloak's login-oauth-grant.ftl)
// for the auth session, now waiting at the consent step.
//
// NOTE: the consent page's markup follows the keycloak.v2 theme source. No
// recording of it was available to compare with.
func (rl *Realm) showConsent(w http.ResponseWriter, tab *authSession, u *user) {
	rl.mu.Lock()
	tab.step = stepConsent
	tab.userID = u.id
	tab.sessionCode = randomToken(32)
	tab.touched = rl.now()
	code := tab.sessionCode
	action := rl.loginActionURL(tab, "consent")
	rl.mu.Unlock()

	name := tab.client.Name
	if name == "" {
		name = tab.client.ClientID
	}
	data := consentPageData{
		pageData: rl.pageData("login-login-oauth-grant", "Grant Access to "+name),
		Action:   action,
		Code:     code,
	}
	for _, s := range consentScopes(tab.client.grantedScope(tab.req.scope, tab.req.scopePresent)) {
		data.Scopes = append(data.Scopes, consentText(s))
	}
	w.Header().Set("Cache-Control", noStorePage)
	rl.renderPage(w, http.StatusOK, pageConsent, data)
}
