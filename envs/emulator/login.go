package emulator

import (
	"crypto/subtle"
	"net/http"
	"net/url"
)

// Page messages of the login-actions endpoints (Keycloak 26 messages_en).
const (
	msgCookieNotFound = "Restart login cookie not found. It may have expired; it may have been deleted or cookies are disabled in your browser. If cookies are disabled then enable them. Click Back to Application to login again."
	msgInvalidCode    = "An error occurred, please login again through your application."
	msgAlreadyLogged  = "You are already logged in."
	headingExpired    = "Page has expired"
)

// handleAuthenticate serves /login-actions/authenticate, where the login
// form posts. Parameters come from the query and credentials from the
// body. A GET with a valid session_code tries empty credentials, as
// Keycloak 26.7.1 was measured doing.
func (rl *Realm) handleAuthenticate(w http.ResponseWriter, r *http.Request) {
	setPageHeaders(w.Header())
	w.Header().Set("Cache-Control", noStorePage)
	var username, password string
	if r.Method == http.MethodPost {
		r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
		if err := r.ParseForm(); err != nil {
			eventOf(r).fail(eventLoginError, "invalid_request")
			writeJSON(w, http.StatusInternalServerError, oauthError{Error: "unknown_error", Description: "For more on this error consult the server log."})
			return
		}
		username, password = r.PostForm.Get("username"), r.PostForm.Get("password")
	}
	query := r.URL.Query()
	tab, ok := rl.resumeLogin(w, r, query, stepLogin)
	if !ok {
		return
	}
	if !rl.checkSessionCode(w, r, tab, query.Get("session_code"), query.Get("execution")) {
		return
	}
	rl.checkCredentials(w, r, tab, username, password)
}

// resumeLogin finds the auth session a login-actions request belongs to,
// running Keycloak 26's checks in its measured order: client_data, cookies,
// client_id. It writes the error response and reports false when a check
// fails.
func (rl *Realm) resumeLogin(w http.ResponseWriter, r *http.Request, query url.Values, step string) (*authSession, bool) {
	ev := eventOf(r)
	ev.clientID = query.Get("client_id")
	var cd clientDataJSON
	if raw, ok := first(query, "client_data"); ok {
		if cd, ok = parseClientData(raw); !ok {
			ev.fail(eventLoginError, "invalid_request")
			rl.errorPage(w, r, http.StatusBadRequest, msgInvalidRequest, nil)
			return nil, false
		}
	}
	now := rl.now()
	rl.mu.Lock()
	tab := rl.liveTab(rl.rootIDFromCookie(r), query.Get("tab_id"), now)
	rl.mu.Unlock()
	if tab == nil {
		rl.answerLostSession(w, r, query, cd)
		return nil, false
	}
	if tab.client.ClientID != query.Get("client_id") {
		ev.fail(eventLoginError, "invalid_code")
		rl.errorPage(w, r, http.StatusBadRequest, msgInvalidCode, nil)
		return nil, false
	}
	if tab.step != step {
		ev.fail(eventLoginError, "invalid_code")
		rl.pageExpired(w, tab)
		return nil, false
	}
	return tab, true
}

// answerLostSession responds to a login-actions request whose auth session
// is gone (Keycloak 26 SessionCodeChecks): back to the client with
// authentication_expired when the browser is signed in, a restarted login
// when KC_RESTART is valid, else the cookie-not-found page.
func (rl *Realm) answerLostSession(w http.ResponseWriter, r *http.Request, query url.Values, cd clientDataJSON) {
	ev := eventOf(r)
	now := rl.now()
	if _, _, ok := rl.identityFromCookie(r, now); ok {
		c := rl.clients[query.Get("client_id")]
		if c == nil || c.verifyRedirectURI(cd.RedirectURI, true, false) == "" {
			ev.fail(eventLoginError, "already_logged_in")
			rl.renderPage(w, http.StatusOK, pageInfo, infoPageData{pageData: rl.pageData("login-info", msgAlreadyLogged), Message: msgAlreadyLogged})
			return
		}
		ev.fail(eventLoginError, "expired_code")
		mode, ok := resolveResponseMode(cd.ResponseMode, responseType{code: true})
		if !ok {
			mode = modeQuery
		}
		resp := authResponse{redirectURI: cd.RedirectURI, mode: mode, clientID: c.ClientID}
		rl.deliver(w, resp, rl.errorParams("temporarily_unavailable", "authentication_expired", cd.State))
		return
	}
	if params, ok := rl.restartParams(r); ok {
		ev.fail(eventLoginError, "expired_code")
		ev.reason = "restart_after_timeout"
		rl.authorize(w, r, params, warningAlert(msgLoginTimeout))
		return
	}
	ev.fail(eventLoginError, "cookie_not_found")
	rl.errorPage(w, r, http.StatusBadRequest, msgCookieNotFound, nil)
}

// checkSessionCode compares the session_code with the auth session's
// current one. A stale code with the current execution re-renders the
// form. Keycloak redirects first, but the emulator renders at once. Any
// other stale request gets the "Page has expired" page.
func (rl *Realm) checkSessionCode(w http.ResponseWriter, r *http.Request, tab *authSession, code, execution string) bool {
	rl.mu.Lock()
	current := tab.sessionCode
	rl.mu.Unlock()
	if code != "" && subtle.ConstantTimeCompare([]byte(code), []byte(current)) == 1 {
		return true
	}
	ev := eventOf(r)
	ev.fail(eventLoginError, "invalid_code")
	if execution != rl.execution {
		rl.pageExpired(w, tab)
		return false
	}
	var notice *alert
	if r.Method == http.MethodPost {
		notice = warningAlert(msgActionExpired)
	}
	ev.kind, ev.err = "", ""
	rl.renderLogin(w, tab, "", "", notice)
	return false
}

// pageExpired renders Keycloak's login-page-expired.ftl with its restart and
// continue links (status 200, measured on Keycloak 26.7.1).
func (rl *Realm) pageExpired(w http.ResponseWriter, tab *authSession) {
	rl.mu.Lock()
	cd := url.QueryEscape(clientData(tab.req))
	tail := "client_id=" + url.QueryEscape(tab.client.ClientID) + "&tab_id=" + url.QueryEscape(tab.tabID) + "&client_data=" + cd
	rl.mu.Unlock()
	base := rl.Issuer() + "/login-actions/"
	data := expiredPageData{
		pageData:    rl.pageData("login-login-page-expired", headingExpired),
		RestartURL:  base + "restart?" + tail + "&skip_logout=false",
		ContinueURL: base + "authenticate?execution=" + url.QueryEscape(rl.execution) + "&" + tail,
	}
	rl.renderPage(w, http.StatusOK, pageExpired, data)
}
