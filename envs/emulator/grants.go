package emulator

import (
	"crypto/subtle"
	"net/http"
	"net/url"
	"time"
)

// Descriptions of the password and client_credentials grants, from
// Keycloak 26's ResourceOwnerPasswordCredentialsGrantType,
// ClientCredentialsGrantType and the direct-grant authenticators.
const (
	descNoDirectGrants     = "Client not allowed for direct access grants"
	descConsentRequired    = "Client requires user consent"
	descInvalidCredentials = "Invalid user credentials"
	descAccountDisabled    = "Account disabled"
	descNotFullySetUp      = "Account is not fully set up"
	descMissingUsername    = "Missing parameter: username"
	descPublicServiceAcct  = "Public client not allowed to retrieve service account"
	descNoServiceAccount   = "Client not enabled to retrieve service account"
)

// passwordGrant serves grant_type=password (RFC 6749 §4.3) in Keycloak
// 26's order: Direct Access Grants on, consent not required, scope, then
// the user's credentials.
//
// NOTE: Keycloak's ValidatePassword source sends 401 for bad credentials,
// but Keycloak 26.7.1 was measured responding 400, which the emulator sends.
// The status of a missing username is not measured and follows the same
// rule.
func (rl *Realm) passwordGrant(w http.ResponseWriter, r *http.Request, c *client, form url.Values) {
	fail := func(status int, code, description, eventError string) {
		grantFailed(w, r, eventLoginError, status, code, description, eventError)
	}
	if !c.DirectAccessGrantsEnabled {
		fail(http.StatusBadRequest, "unauthorized_client", descNoDirectGrants, "not_allowed")
		return
	}
	if c.ConsentRequired {
		fail(http.StatusBadRequest, "invalid_client", descConsentRequired, "consent_denied")
		return
	}
	scope, ok := rl.requestedScope(w, r, c, form, eventLoginError)
	if !ok {
		return
	}

	username, ok := first(form, "username")
	if !ok {
		fail(http.StatusBadRequest, "invalid_request", descMissingUsername, "user_not_found")
		return
	}
	eventOf(r).username = username
	u := rl.findUser(username)
	password, _ := first(form, "password")
	switch {
	case u == nil:
		fail(http.StatusBadRequest, "invalid_grant", descInvalidCredentials, "user_not_found")
		return
	case password == "" || subtle.ConstantTimeCompare([]byte(password), []byte(u.Password)) != 1:
		fail(http.StatusBadRequest, "invalid_grant", descInvalidCredentials, "invalid_user_credentials")
		return
	case !u.Enabled:
		fail(http.StatusBadRequest, "invalid_grant", descAccountDisabled, "user_disabled")
		return
	case len(u.RequiredActions) > 0:
		fail(http.StatusBadRequest, "invalid_grant", descNotFullySetUp, "resolve_required_actions")
		return
	}

	now := rl.now()
	session := rl.directSession(u, c, scope, now)
	if hasScope(scope, scopeOfflineAccess) {
		session = rl.offlineSession(session, c, scope, now)
	}
	resp, err := rl.issueTokens(issueRequest{
		client: c, user: u, session: session, scope: scope, authTime: now, refresh: true,
	})
	if err != nil {
		rl.logError("could not issue tokens", err, "client_id", c.ClientID)
		fail(http.StatusInternalServerError, "unknown_error", descServerError, "server_error")
		return
	}
	eventOf(r).succeed(eventLogin)
	writeTokenJSON(w, resp)
}

// directSession creates the user session of a password grant with the
// client attached, as a browser login would.
func (rl *Realm) directSession(u *user, c *client, scope string, now time.Time) *userSession {
	rl.mu.Lock()
	defer rl.mu.Unlock()
	rl.sweep(now)
	us := rl.newUserSession(nil, u, now, now)
	us.clients[c.ClientID] = &clientSession{clientID: c.ClientID, scope: scope, started: now, issued: map[string]int{}}
	return us
}

// clientCredentialsGrant serves grant_type=client_credentials (RFC 6749
// §4.4) with Keycloak 26's checks. Its failures are 401, unlike the
// password grant's. The token is issued for the client's service-account
// user. There is no user session, so there is no refresh token and no
// session_state, and refresh_expires_in is 0.
func (rl *Realm) clientCredentialsGrant(w http.ResponseWriter, r *http.Request, c *client, form url.Values) {
	fail := func(description string) {
		grantFailed(w, r, eventClientLoginError, http.StatusUnauthorized, "unauthorized_client", description, "invalid_client")
	}
	switch {
	case c.PublicClient:
		fail(descPublicServiceAcct)
		return
	case !c.ServiceAccountsEnabled:
		fail(descNoServiceAccount)
		return
	}
	scope, ok := rl.requestedScope(w, r, c, form, eventClientLoginError)
	if !ok {
		return
	}
	u := serviceAccount(c)
	eventOf(r).username = u.Username
	resp, err := rl.issueTokens(issueRequest{client: c, user: u, scope: scope})
	if err != nil {
		rl.logError("could not issue tokens", err, "client_id", c.ClientID)
		grantFailed(w, r, eventClientLoginError, http.StatusInternalServerError, "unknown_error", descServerError, "server_error")
		return
	}
	eventOf(r).succeed(eventClientLogin)
	writeTokenJSON(w, resp)
}

// requestedScope checks the token request's scope parameter like Keycloak
// 26's OAuth2GrantTypeBase.getRequestedScopes and returns the scope to
// grant. On an invalid scope it writes 400 invalid_scope and reports
// false.
func (rl *Realm) requestedScope(w http.ResponseWriter, r *http.Request, c *client, form url.Values, errorEvent string) (string, bool) {
	raw, present := first(form, "scope")
	if present && !c.validScope(raw) {
		grantFailed(w, r, errorEvent, http.StatusBadRequest, "invalid_scope", "Invalid scopes: "+raw, "invalid_request")
		return "", false
	}
	return c.grantedScope(raw, present), true
}
