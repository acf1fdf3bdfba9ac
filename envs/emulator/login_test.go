package emulator

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func TestLoginPageMatchesRecording(t *testing.T) {
	e := startEmulator(t, nil)
	resp := newBrowser(t).get(authURL(e.trial(), authRequestFor(seed.TrialClient.ClientID, loopbackRedirect)))
	compareRecording(t, "oidc/authorization/login-page", resp)
	if n := len(resp.header.Values("Set-Cookie")); n != 3 {
		t.Errorf("Set-Cookie count = %d, want 3 (AUTH_SESSION_ID, KC_AUTH_SESSION_HASH, KC_RESTART)", n)
	}
	if !strings.Contains(resp.body, "<title>Sign in to k-series</title>") {
		t.Errorf("title missing from login page:\n%s", resp.body)
	}
}

func TestLoginSuccessRedirect(t *testing.T) {
	e := startEmulator(t, nil)
	b := newBrowser(t)
	loc := b.signIn(e.trial(), authRequestFor(seed.TrialClient.ClientID, loopbackRedirect), seed.TrialUser)
	if got := loc.Scheme + "://" + loc.Host + loc.Path; got != loopbackRedirect {
		t.Errorf("redirected to %s, want %s", got, loopbackRedirect)
	}
	if got := keys(loc.RawQuery); got != "state,session_state,iss,code" {
		t.Errorf("parameters = %s, want state,session_state,iss,code", got)
	}
	q := loc.Query()
	if q.Get("state") != "xyz123" {
		t.Errorf("state = %q, want xyz123", q.Get("state"))
	}
	if q.Get("iss") != e.trial() {
		t.Errorf("iss = %q, want %q", q.Get("iss"), e.trial())
	}
	if parts := strings.Split(q.Get("code"), "."); len(parts) != 3 || parts[1] != q.Get("session_state") {
		t.Errorf("code is not <id>.<session>.<client>: %d parts", len(parts))
	}
}

func TestLoginWrongPassword(t *testing.T) {
	e := startEmulator(t, nil)
	cases := []struct{ name, username, password string }{
		{"wrong password", seed.TrialUser.Username, "not-the-password"},
		{"unknown user", "nobody", "whatever"},
		{"empty password", seed.TrialUser.Username, ""},
		{"production password on trial", seed.ProductionUser.Username, seed.ProductionUser.Password},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			b := newBrowser(t)
			action := b.openLogin(e.trial(), authRequestFor(seed.TrialClient.ClientID, loopbackRedirect))
			resp := b.postForm(action, url.Values{"username": {tc.username}, "password": {tc.password}})
			if resp.status != http.StatusOK {
				t.Fatalf("status = %d, want 200 (the form again)", resp.status)
			}
			if got := submatch(t, fieldErrorPattern, resp.body); got != "Invalid username or password." {
				t.Errorf("field error = %q, want %q", got, "Invalid username or password.")
			}
			next := submatch(t, formActionPattern, resp.body)
			if next == action {
				t.Error("session_code was not rotated after the failed attempt")
			}
			// The form still works with the right password.
			resp = b.postForm(next, url.Values{"username": {seed.TrialUser.Username}, "password": {seed.TrialUser.Password}})
			if b.location(resp).Query().Get("code") == "" {
				t.Error("no code after the retry with the right password")
			}
		})
	}
}

func TestLoginDisabledUser(t *testing.T) {
	e := startEmulator(t, nil)
	b := newBrowser(t)
	action := b.openLogin(e.trial(), authRequestFor(seed.TrialClient.ClientID, loopbackRedirect))
	resp := b.postForm(action, url.Values{"username": {seed.TrialDisabledUser.Username}, "password": {seed.TrialDisabledUser.Password}})
	if resp.status != http.StatusOK {
		t.Fatalf("status = %d, want 200", resp.status)
	}
	if got := submatch(t, alertPattern, resp.body); got != msgAccountDisabled {
		t.Errorf("alert = %q, want %q", got, msgAccountDisabled)
	}
}

func TestLoginRequiredAction(t *testing.T) {
	e := startEmulator(t, nil)
	b := newBrowser(t)
	action := b.openLogin(e.trial(), authRequestFor(seed.TrialClient.ClientID, loopbackRedirect))
	resp := b.postForm(action, url.Values{"username": {seed.TrialSetupUser.Username}, "password": {seed.TrialSetupUser.Password}})
	loc := b.location(resp)
	if !strings.HasSuffix(loc.Path, "/login-actions/required-action") || loc.Query().Get("execution") != "UPDATE_PASSWORD" {
		t.Errorf("redirected to %s, want the UPDATE_PASSWORD required action", loc.Redacted())
	}
}

func TestLoginWithoutCookies(t *testing.T) {
	e := startEmulator(t, nil)
	action := newBrowser(t).openLogin(e.trial(), authRequestFor(seed.TrialClient.ClientID, loopbackRedirect))
	resp := newBrowser(t).postForm(action, url.Values{"username": {seed.TrialUser.Username}, "password": {seed.TrialUser.Password}})
	wantErrorPage(t, resp, http.StatusBadRequest, msgCookieNotFound)
	compareRecording(t, "oidc/authorization/login-actions-restart-cookie-missing", resp)
}

// consentPage signs in on the consent client and returns the consent
// form's action and code.
func consentPage(t *testing.T, e *env, b *browser) (action, code string) {
	t.Helper()
	login := b.openLogin(e.trial(), authRequestFor(seed.TrialConsentClient.ClientID, loopbackRedirect, "scope", "openid orders-api"))
	resp := b.postForm(login, url.Values{"username": {seed.TrialUser.Username}, "password": {seed.TrialUser.Password}})
	if resp.status != http.StatusOK || !strings.Contains(resp.body, `data-page-id="login-login-oauth-grant"`) {
		t.Fatalf("status %d, want the consent page; body:\n%s", resp.status, resp.body)
	}
	for _, scope := range []string{"User profile", "Email address", "orders-api"} {
		if !strings.Contains(resp.body, "<span>"+scope+"</span>") {
			t.Errorf("consent page does not list %q", scope)
		}
	}
	return submatch(t, consentFormPattern, resp.body), submatch(t, consentCodePattern, resp.body)
}

func TestConsentAccept(t *testing.T) {
	e := startEmulator(t, nil)
	b := newBrowser(t)
	action, code := consentPage(t, e, b)
	loc := b.location(b.postForm(action, url.Values{"code": {code}, "accept": {"Yes"}}))
	if loc.Query().Get("code") == "" {
		t.Fatalf("no code after consent: %s", loc.Redacted())
	}
	// The granted consent is remembered: the next login skips the page.
	resp := b.get(authURL(e.trial(), authRequestFor(seed.TrialConsentClient.ClientID, loopbackRedirect, "scope", "openid orders-api")))
	if b.location(resp).Query().Get("code") == "" {
		t.Error("second login with an SSO session and consent did not return a code")
	}
}

func TestConsentCancel(t *testing.T) {
	e := startEmulator(t, nil)
	b := newBrowser(t)
	action, code := consentPage(t, e, b)
	resp := b.postForm(action, url.Values{"code": {code}, "cancel": {"No"}})
	loc := wantErrorRedirect(t, b, resp, e.trial(), "access_denied", "")
	if loc.Query().Get("code") != "" {
		t.Error("a code was issued after the user cancelled")
	}
}

func TestConsentStaleCode(t *testing.T) {
	e := startEmulator(t, nil)
	b := newBrowser(t)
	action, _ := consentPage(t, e, b)
	resp := b.postForm(action, url.Values{"code": {"stale"}, "accept": {"Yes"}})
	if resp.status != http.StatusOK || !strings.Contains(resp.body, headingExpired) {
		t.Errorf("status %d, want the %q page", resp.status, headingExpired)
	}
}
