package emulator

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func TestProductionRealmAnswers(t *testing.T) {
	e := startEmulator(t, nil)
	prod := e.srv.ProductionIssuer()
	t.Run("unknown client page", func(t *testing.T) {
		resp := newBrowser(t).get(authURL(prod, authRequestFor("nosuch", recordedRedirect)))
		wantErrorPage(t, resp, http.StatusBadRequest, msgClientNotFound)
		compareRecording(t, "oidc/authorization/second-realm-error-page", resp)
	})
	t.Run("error redirect carries the production issuer", func(t *testing.T) {
		b := newBrowser(t)
		resp := b.get(authURL(prod, authRequestFor(seed.ProductionClient.ClientID, recordedRedirect, "response_type", "-")))
		wantErrorRedirect(t, b, resp, prod, "invalid_request", "Missing parameter: response_type")
		compareRecording(t, "oidc/authorization/second-realm-error-redirect", resp)
	})
	t.Run("userinfo names the realm", func(t *testing.T) {
		req, err := http.NewRequest(http.MethodGet, prod+"/protocol/openid-connect/userinfo", nil)
		if err != nil {
			t.Fatal(err)
		}
		resp := newBrowser(t).do(req)
		compareRecording(t, "oidc/userinfo/second-realm", resp)
	})
	t.Run("production user signs in", func(t *testing.T) {
		code := newBrowser(t).code(prod, authRequestFor(seed.ProductionClient.ClientID, loopbackRedirect), seed.ProductionUser)
		if resp := exchange(t, prod, seed.ProductionClient, code, loopbackRedirect); resp.status != http.StatusOK {
			t.Errorf("exchange: status %d, body %s", resp.status, resp.body)
		}
	})
	t.Run("trial password on production", func(t *testing.T) {
		b := newBrowser(t)
		action := b.openLogin(prod, authRequestFor(seed.ProductionClient.ClientID, loopbackRedirect))
		resp := b.postForm(action, url.Values{"username": {seed.TrialUser.Username}, "password": {seed.TrialUser.Password}})
		if got := submatch(t, fieldErrorPattern, resp.body); got != msgInvalidUser {
			t.Errorf("field error = %q, want %q", got, msgInvalidUser)
		}
	})
}

func TestLoginActionsRecordings(t *testing.T) {
	e := startEmulator(t, nil)
	params := authRequestFor(seed.TrialClient.ClientID, recordedRedirect)
	t.Run("stale session code and execution", func(t *testing.T) {
		b := newBrowser(t)
		action, err := url.Parse(b.openLogin(e.trial(), params))
		if err != nil {
			t.Fatal(err)
		}
		q := action.Query()
		q.Set("session_code", "stale")
		q.Set("execution", "other-step")
		action.RawQuery = q.Encode()
		resp := b.get(action.String())
		compareRecording(t, "oidc/authorization/session-code-wrong-execution", resp)
	})
	t.Run("replayed session code after login", func(t *testing.T) {
		b := newBrowser(t)
		action := b.openLogin(e.trial(), params)
		creds := url.Values{"username": {seed.TrialUser.Username}, "password": {seed.TrialUser.Password}}
		b.location(b.postForm(action, creds))
		resp := b.postForm(action, creds)
		wantErrorRedirect(t, b, resp, e.trial(), "temporarily_unavailable", "authentication_expired")
		compareRecording(t, "oidc/authorization/replayed-session-code", resp)
	})
	t.Run("unknown client without cookies", func(t *testing.T) {
		q := url.Values{"session_code": {"x"}, "execution": {"y"}, "client_id": {"nosuch"}, "tab_id": {"t"}}
		resp := newBrowser(t).get(e.trial() + "/login-actions/authenticate?" + q.Encode())
		compareRecording(t, "oidc/authorization/login-actions-unknown-client", resp)
	})
	t.Run("malformed client_data", func(t *testing.T) {
		q := url.Values{"client_id": {seed.TrialClient.ClientID}, "tab_id": {"t"}, "client_data": {"%%%not-base64"}}
		resp := newBrowser(t).get(e.trial() + "/login-actions/authenticate?" + q.Encode())
		wantErrorPage(t, resp, http.StatusBadRequest, msgInvalidRequest)
		compareRecording(t, "oidc/authorization/login-actions-invalid-client-data", resp)
	})
}

func TestPromptRecordings(t *testing.T) {
	e := startEmulator(t, nil)
	t.Run("prompt=none without session", func(t *testing.T) {
		b := newBrowser(t)
		resp := b.get(authURL(e.trial(), authRequestFor(seed.TrialClient.ClientID, recordedRedirect, "prompt", "none")))
		wantErrorRedirect(t, b, resp, e.trial(), "login_required", "")
		compareRecording(t, "oidc/authorization/prompt-none-no-session", resp)
	})
	t.Run("prompt=none with session", func(t *testing.T) {
		b := newBrowser(t)
		b.code(e.trial(), authRequestFor(seed.TrialClient.ClientID, loopbackRedirect), seed.TrialUser)
		resp := b.get(authURL(e.trial(), authRequestFor(seed.TrialClient.ClientID, loopbackRedirect, "prompt", "none")))
		if b.location(resp).Query().Get("code") == "" {
			t.Error("prompt=none with an SSO session returned no code")
		}
	})
	t.Run("prompt=create", func(t *testing.T) {
		resp := newBrowser(t).get(authURL(e.trial(), authRequestFor(seed.TrialClient.ClientID, recordedRedirect, "prompt", "create")))
		wantErrorPage(t, resp, http.StatusBadRequest, msgRegistrationBlocked)
		compareRecording(t, "oidc/authorization/prompt-create", resp)
	})
	t.Run("response_mode=form_post", func(t *testing.T) {
		b := newBrowser(t)
		action := b.openLogin(e.trial(), authRequestFor(seed.TrialClient.ClientID, recordedRedirect, "response_mode", "form_post"))
		resp := b.postForm(action, url.Values{"username": {seed.TrialUser.Username}, "password": {seed.TrialUser.Password}})
		compareRecording(t, "oidc/authorization/response-mode-form-post", resp)
		for _, name := range []string{"code", "iss", "state", "session_state"} {
			if !strings.Contains(resp.body, `NAME="`+name+`"`) {
				t.Errorf("form_post page lacks the %s input", name)
			}
		}
	})
}

func TestRefreshAfterLogoutRecording(t *testing.T) {
	e := startEmulator(t, nil)
	tokens := signedInTokens(t, e)
	form := url.Values{"refresh_token": {tokens["refresh_token"].(string)}, "client_id": {seed.TrialClient.ClientID}, "client_secret": {seed.TrialClient.Secret}}
	if resp := newBrowser(t).postForm(e.trial()+"/protocol/openid-connect/logout", form); resp.status != http.StatusNoContent {
		t.Fatalf("logout: status %d", resp.status)
	}
	resp := refresh(t, e, seed.TrialClient, tokens["refresh_token"])
	compareRecording(t, "oidc/token/refresh-after-logout", resp)
}

func TestUserInfoPostRecording(t *testing.T) {
	e := startEmulator(t, nil)
	tokens := signedInTokens(t, e)
	form := url.Values{"access_token": {tokens["access_token"].(string)}}
	resp := newBrowser(t).postForm(e.trial()+"/protocol/openid-connect/userinfo", form)
	compareRecording(t, "oidc/userinfo/post-with-valid-token", resp)
}
