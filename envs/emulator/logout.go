package emulator

import (
	"net/http"
	"net/url"
)

// Logout page messages (Keycloak 26 LogoutEndpoint and messages_en).
const (
	msgMissingIDTokenHint = "Missing parameters: id_token_hint"
	msgInvalidIDTokenHint = "Invalid parameter: id_token_hint"
	msgInvalidRedirect    = "Invalid redirect uri"
	// NOTE: the text of Keycloak's logout success page was not measured.
	msgLoggedOut = "You are logged out."
)

// handleLogout serves the end-session endpoint (OpenID Connect
// RP-Initiated Logout 1.0). A POST with a refresh_token is the
// back-channel logout of Keycloak's adapters: it authenticates the client
// and responds 204 No Content. Any other request is a browser logout,
// checked in Keycloak 26's order: no legacy redirect_uri, an id_token_hint
// or client_id when post_logout_redirect_uri is given, a valid hint, a
// registered post_logout_redirect_uri.
//
// NOTE: Keycloak shows a page that requests the user's confirmation of a
// logout without an id_token_hint, but the emulator logs out at once.
func (rl *Realm) handleLogout(w http.ResponseWriter, r *http.Request) {
	ev := eventOf(r)
	ev.kind = eventLogout
	params, err := authParams(w, r)
	if err != nil {
		ev.fail(eventLogoutError, "invalid_request")
		rl.errorPage(w, r, http.StatusBadRequest, msgInvalidRequest, nil)
		return
	}
	if _, ok := params["refresh_token"]; ok && r.Method == http.MethodPost {
		rl.logoutRefreshToken(w, r)
		return
	}
	c, redirectURI, ok := rl.checkLogoutRequest(w, r, params)
	if !ok {
		return
	}
	rl.endBrowserSession(r)
	rl.clearIdentityCookies(w)
	ev.succeed(eventLogout)
	if redirectURI != "" {
		ev.clientID = c.ClientID
		target := redirectURI
		if state, ok := first(params, "state"); ok {
			target = appendQuery(redirectURI, "state="+url.QueryEscape(state))
		}
		redirect(w, target)
		return
	}
	rl.renderPage(w, http.StatusOK, pageInfo, infoPageData{pageData: rl.pageData("login-info", msgLoggedOut), Message: msgLoggedOut})
}

// checkLogoutRequest validates a browser logout's parameters and returns
// the client and the post-logout redirect URI ("" for none). On failure it
// renders the error page and reports false.
func (rl *Realm) checkLogoutRequest(w http.ResponseWriter, r *http.Request, params url.Values) (*client, string, bool) {
	ev := eventOf(r)
	fail := func(message string) (*client, string, bool) {
		ev.fail(eventLogoutError, "invalid_request")
		ev.reason = message
		rl.errorPage(w, r, http.StatusBadRequest, message, nil)
		return nil, "", false
	}

	if _, legacy := params["redirect_uri"]; legacy {
		return fail(msgInvalidRedirectURI)
	}
	redirectURI, hasRedirect := first(params, "post_logout_redirect_uri")
	hint, hasHint := first(params, "id_token_hint")
	clientID, hasClientID := first(params, "client_id")
	if hasRedirect && !hasHint && !hasClientID {
		return fail(msgMissingIDTokenHint)
	}

	if hasHint {
		var idToken claims
		if rl.keys.verifyRS256(hint, &idToken) != nil || idToken.Typ != typID || idToken.Iss != rl.Issuer() {
			return fail(msgInvalidIDTokenHint)
		}
		if hasClientID && clientID != idToken.Aud {
			return fail(msgInvalidIDTokenHint)
		}
		clientID = idToken.Aud
	}

	c := rl.clients[clientID]
	if !hasRedirect {
		return c, "", true
	}
	if c == nil || c.verifyRedirectURI(redirectURI, true, false) == "" {
		return fail(msgInvalidRedirect)
	}
	return c, redirectURI, true
}

// endBrowserSession removes the user session named by the browser's
// KEYCLOAK_IDENTITY cookie, if any.
func (rl *Realm) endBrowserSession(r *http.Request) {
	sid, _, ok := rl.identityFromCookie(r, rl.now())
	if !ok {
		return
	}
	rl.mu.Lock()
	defer rl.mu.Unlock()
	delete(rl.state.sessions, sid)
}

// logoutRefreshToken ends the user session of a refresh token sent by its
// own client: 204 on success, Keycloak's token-endpoint errors otherwise.
func (rl *Realm) logoutRefreshToken(w http.ResponseWriter, r *http.Request) {
	ev := eventOf(r)
	c, failure := rl.authenticateClient(r, r.PostForm)
	if failure != nil {
		ev.fail(eventLogoutError, failure.eventError)
		writeTokenError(w, http.StatusUnauthorized, failure.code, descInvalidClient)
		return
	}

	var rt claims
	token := r.PostForm.Get("refresh_token")
	if rl.keys.verifyHS512(token, &rt) != nil || (rt.Typ != typRefresh && rt.Typ != typOffline) || rt.Iss != rl.Issuer() {
		grantFailed(w, r, eventLogoutError, http.StatusBadRequest, "invalid_grant", descInvalidRefresh, "invalid_token")
		return
	}
	if rt.Azp != c.ClientID {
		grantFailed(w, r, eventLogoutError, http.StatusBadRequest, "invalid_grant", descClientMismatch, "invalid_token")
		return
	}

	rl.mu.Lock()
	active := rl.liveSession(rt.SID, rt.Typ == typOffline, rl.now()) != nil
	if rt.Typ == typOffline {
		delete(rl.state.offline, rt.SID)
	} else {
		delete(rl.state.sessions, rt.SID)
	}
	rl.mu.Unlock()

	if !active {
		grantFailed(w, r, eventLogoutError, http.StatusBadRequest, "invalid_grant", descSessionNotActive, "session_expired")
		return
	}
	ev.succeed(eventLogout)
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusNoContent)
}
