package emulator

import (
	"crypto/subtle"
	"net/http"
)

// headingUpdatePassword is the required-action page's heading for
// UPDATE_PASSWORD (Keycloak 26 messages_en).
const headingUpdatePassword = "Update password"

// checkCredentials checks the login form's username and password, with
// Keycloak 26's outcomes (AbstractUsernameFormAuthenticator):
//   - unknown user, wrong or empty password: the form again (200) with
//     "Invalid username or password." under the username field;
//   - disabled user, reported only after the right password: the form with
//     the "Account is disabled" alert;
//   - pending required actions: a 302 to the required-action page;
//   - otherwise the consent page when needed, or the code.
func (rl *Realm) checkCredentials(w http.ResponseWriter, r *http.Request, tab *authSession, username, password string) {
	ev := eventOf(r)
	ev.username = username
	u := rl.findUser(username)
	switch {
	case u == nil || password == "":
		ev.fail(eventLoginError, "user_not_found")
		if u != nil {
			ev.err = "invalid_user_credentials"
		}
		rl.renderLogin(w, tab, username, msgInvalidUser, nil)
		return
	case subtle.ConstantTimeCompare([]byte(password), []byte(u.Password)) != 1:
		ev.fail(eventLoginError, "invalid_user_credentials")
		rl.renderLogin(w, tab, username, msgInvalidUser, nil)
		return
	case !u.Enabled:
		ev.fail(eventLoginError, "user_disabled")
		rl.renderLogin(w, tab, username, "", errorAlert(msgAccountDisabled))
		return
	case len(u.RequiredActions) > 0:
		rl.mu.Lock()
		tab.step, tab.userID, tab.pendingAction = stepRequiredAction, u.id, u.RequiredActions[0]
		location := rl.loginActionURL(tab, "required-action")
		rl.mu.Unlock()
		ev.fail(eventLoginError, "resolve_required_actions")
		redirect(w, location)
		return
	}
	if rl.needsConsent(tab.client, u, tab.req) {
		ev.username = u.Username
		rl.showConsent(w, tab, u)
		return
	}
	rl.finishLogin(w, r, tab, tab.client, tab.req, u, rl.now())
}

// handleRequiredAction serves /login-actions/required-action, where a user
// with a pending required action lands after the password.
//
// NOTE: the emulator only shows the page. Completing a required action is
// not emulated: a POST shows the page again with an error. Configure users
// without required actions for logins that must succeed.
func (rl *Realm) handleRequiredAction(w http.ResponseWriter, r *http.Request) {
	setPageHeaders(w.Header())
	w.Header().Set("Cache-Control", noStorePage)
	tab, ok := rl.resumeLogin(w, r, r.URL.Query(), stepRequiredAction)
	if !ok {
		return
	}
	rl.mu.Lock()
	action := rl.loginActionURL(tab, "required-action")
	rl.mu.Unlock()
	data := actionPageData{
		pageData: rl.pageData("login-login-update-password", headingUpdatePassword),
		Action:   action,
	}
	if r.Method == http.MethodPost {
		data.Alert = errorAlert("The ksauth emulator does not complete required actions. Remove them from the user in the emulator config.")
	}
	rl.renderPage(w, http.StatusOK, pageUpdatePassword, data)
}

// handleRestart serves /login-actions/restart, the "Page has expired"
// page's restart link: the login starts again from the original request.
func (rl *Realm) handleRestart(w http.ResponseWriter, r *http.Request) {
	setPageHeaders(w.Header())
	w.Header().Set("Cache-Control", noStorePage)
	query := r.URL.Query()
	now := rl.now()
	rl.mu.Lock()
	tab := rl.liveTab(rl.rootIDFromCookie(r), query.Get("tab_id"), now)
	if tab != nil {
		delete(tab.root.tabs, tab.tabID)
	}
	rl.mu.Unlock()
	if tab != nil {
		rl.authorize(w, r, tab.req.params, nil)
		return
	}
	rl.answerLostSession(w, r, query, clientDataJSON{})
}
