package emulator

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/url"
	"time"
)

// Login form texts (Keycloak 26 messages_en).
const (
	headingLogin       = "Sign in to your account"
	msgLoginTimeout    = "Your login attempt timed out. Login will start from the beginning."
	msgActionExpired   = "Action expired. Please continue with login now."
	msgInvalidUser     = "Invalid username or password."
	msgAccountDisabled = "Account is disabled, contact your administrator."
)

// startLogin continues a validated authorization request: straight to the
// client when the browser has a usable SSO session, else to the login
// form. prompt=none without a session gets the error login_required
// (OpenID Connect Core §3.1.2.6).
func (rl *Realm) startLogin(w http.ResponseWriter, r *http.Request, c *client, req authRequest, notice *alert) {
	ev := eventOf(r)
	now := rl.now()
	if us, u := rl.ssoSession(r, req, now); us != nil {
		ev.username = u.Username
		if !rl.needsConsent(c, u, req) {
			rl.finishLogin(w, r, nil, c, req, u, us.authTime)
			return
		}
		if req.hasPrompt("none") {
			ev.fail(eventLoginError, "consent_required")
			rl.deliver(w, req.resp, rl.errorParams("interaction_required", "", req.state))
			return
		}
		tab := rl.newAuthSession(r, c, req, now)
		rl.setAuthSessionCookies(w, tab.root.id, rl.restartCookieValue(req))
		rl.showConsent(w, tab, u)
		return
	}
	tab := rl.newAuthSession(r, c, req, now)
	restart := rl.restartCookieValue(req)
	switch {
	case req.hasPrompt("none"):
		// Keycloak has created the auth session by now, so the cookies
		// come with the error (measured on 26.7.1).
		rl.setAuthSessionCookies(w, tab.root.id, "")
		ev.fail(eventLoginError, "login_required")
		rl.deliver(w, req.resp, rl.errorParams("login_required", "", req.state))
	case req.hasPrompt("create"):
		rl.setAuthSessionCookies(w, tab.root.id, "")
		ev.fail(eventLoginError, "registration_disabled")
		w.Header().Set("Cache-Control", noStorePage) // as recorded: the auth session exists now
		rl.errorPage(w, r, http.StatusBadRequest, msgRegistrationBlocked, c)
	default:
		rl.setAuthSessionCookies(w, tab.root.id, restart)
		rl.renderLogin(w, tab, "", "", notice)
	}
}

// ssoSession returns the browser's SSO session and user when the login can
// be skipped: a valid KEYCLOAK_IDENTITY cookie, an active session, an
// enabled user, no prompt=login, and max_age not exceeded.
func (rl *Realm) ssoSession(r *http.Request, req authRequest, now time.Time) (*userSession, *user) {
	if req.hasPrompt("login") {
		return nil, nil
	}
	sid, uid, ok := rl.identityFromCookie(r, now)
	if !ok {
		return nil, nil
	}
	rl.mu.Lock()
	us := rl.liveSession(sid, false, now)
	var authTime time.Time
	if us != nil {
		authTime = us.authTime
	}
	rl.mu.Unlock()
	u := rl.userByID(uid)
	if us == nil || u == nil || !u.Enabled || us.userID != uid {
		return nil, nil
	}
	if req.maxAge >= 0 && now.Sub(authTime) > seconds(req.maxAge) {
		return nil, nil
	}
	return us, u
}

// newAuthSession starts a login for one browser tab, reusing the browser's
// root auth session when its AUTH_SESSION_ID cookie is still valid.
func (rl *Realm) newAuthSession(r *http.Request, c *client, req authRequest, now time.Time) *authSession {
	rootID := rl.rootIDFromCookie(r)
	rl.mu.Lock()
	defer rl.mu.Unlock()
	rl.sweep(now)
	root := rl.state.roots[rootID]
	if root == nil {
		root = &rootAuthSession{id: randomToken(24), tabs: map[string]*authSession{}}
		rl.state.roots[root.id] = root
	}
	tab := &authSession{
		root:    root,
		tabID:   randomToken(8),
		client:  c,
		req:     req,
		step:    stepLogin,
		touched: now,
	}
	root.tabs[tab.tabID] = tab
	return tab
}

// renderLogin shows the login form with a fresh session_code.
func (rl *Realm) renderLogin(w http.ResponseWriter, tab *authSession, username, fieldError string, notice *alert) {
	rl.mu.Lock()
	tab.sessionCode = randomToken(32)
	tab.touched = rl.now()
	action := rl.loginActionURL(tab, "authenticate")
	rl.mu.Unlock()
	data := loginPageData{
		pageData:   rl.pageData("login-login", headingLogin),
		Action:     action,
		Username:   username,
		FieldError: fieldError,
	}
	data.Alert = notice
	w.Header().Set("Cache-Control", noStorePage)
	rl.renderPage(w, http.StatusOK, pageLogin, data)
}

// loginActionURL builds a login-actions URL with Keycloak 26's parameter
// order. The caller holds rl.mu. The authenticate action carries the
// session_code and execution, and consent carries the code in its form.
func (rl *Realm) loginActionURL(tab *authSession, action string) string {
	q := ""
	switch action {
	case "authenticate":
		q = "session_code=" + url.QueryEscape(tab.sessionCode) + "&execution=" + url.QueryEscape(rl.execution) + "&"
	case "required-action":
		q = "execution=" + url.QueryEscape(tab.pendingAction) + "&"
	}
	q += "client_id=" + url.QueryEscape(tab.client.ClientID) + "&tab_id=" + url.QueryEscape(tab.tabID) +
		"&client_data=" + url.QueryEscape(clientData(tab.req))
	return rl.Issuer() + "/login-actions/" + action + "?" + q
}

// clientDataJSON is Keycloak's client_data parameter (added in the KC
// 24/25 era): the redirect URI, response type, response mode and state.
type clientDataJSON struct {
	RedirectURI  string  `json:"ru"`
	ResponseType string  `json:"rt"`
	ResponseMode *string `json:"rm,omitempty"`
	State        *string `json:"st,omitempty"`
}

func clientData(req authRequest) string {
	b, _ := json.Marshal(clientDataJSON{ // a struct of strings always encodes
		RedirectURI: req.resp.redirectURI, ResponseType: req.responseType,
		ResponseMode: req.responseMode, State: req.state,
	})
	return base64.RawURLEncoding.EncodeToString(b)
}

// parseClientData decodes a client_data parameter.
func parseClientData(raw string) (clientDataJSON, bool) {
	var cd clientDataJSON
	b, err := base64.RawURLEncoding.DecodeString(raw)
	if err != nil || json.Unmarshal(b, &cd) != nil {
		return cd, false
	}
	return cd, true
}
