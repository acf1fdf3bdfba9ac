package emulator

import (
	"net/http"
	"net/url"
	"testing"
	"time"
)

// signedInTokens runs a browser login on the trial client and exchanges
// the code, returning the token response.
func signedInTokens(t *testing.T, e *env) map[string]any {
	t.Helper()
	code := newBrowser(t).code(e.trial(), authRequestFor(seed.TrialClient.ClientID, loopbackRedirect), seed.TrialUser)
	resp := exchange(t, e.trial(), seed.TrialClient, code, loopbackRedirect)
	if resp.status != http.StatusOK {
		t.Fatalf("exchange: status %d, body %s", resp.status, resp.body)
	}
	return jsonBody(t, resp)
}

func refresh(t *testing.T, e *env, c SeedClient, token any) response {
	t.Helper()
	s, _ := token.(string)
	return tokenRequest(t, e.trial(), c, true, url.Values{"grant_type": {"refresh_token"}, "refresh_token": {s}})
}

func TestRefreshRotation(t *testing.T) {
	e := startEmulator(t, nil)
	first := signedInTokens(t, e)
	resp := refresh(t, e, seed.TrialClient, first["refresh_token"])
	if resp.status != http.StatusOK {
		t.Fatalf("refresh: status %d, body %s", resp.status, resp.body)
	}
	compareRecording(t, "oidc/token/refresh-token-grant", resp)
	second := jsonBody(t, resp)
	if second["refresh_token"] == first["refresh_token"] || second["refresh_token"] == nil {
		t.Fatal("refresh token was not rotated")
	}
	if second["session_state"] != first["session_state"] {
		t.Errorf("session_state changed on refresh: %v, want %v", second["session_state"], first["session_state"])
	}

	// Using the first refresh token again exceeds its single use, and
	// detaches the client session, so the newest token dies too.
	replay := refresh(t, e, seed.TrialClient, first["refresh_token"])
	wantOAuthError(t, replay, http.StatusBadRequest, "invalid_grant", descMaxReuse)
	after := refresh(t, e, seed.TrialClient, second["refresh_token"])
	wantOAuthError(t, after, http.StatusBadRequest, "invalid_grant", descNoClientSession)
}

func TestRefreshStaleToken(t *testing.T) {
	e := startEmulator(t, nil)
	first := signedInTokens(t, e)
	second := jsonBody(t, refresh(t, e, seed.TrialClient, first["refresh_token"]))
	third := refresh(t, e, seed.TrialClient, second["refresh_token"])
	if third.status != http.StatusOK {
		t.Fatalf("second refresh: status %d, body %s", third.status, third.body)
	}
	stale := refresh(t, e, seed.TrialClient, first["refresh_token"])
	wantOAuthError(t, stale, http.StatusBadRequest, "invalid_grant", descStaleToken)
}

func TestRefreshFailures(t *testing.T) {
	e := startEmulator(t, nil)
	t.Run("garbage", func(t *testing.T) {
		resp := refresh(t, e, seed.TrialClient, "not-a-token")
		wantOAuthError(t, resp, http.StatusBadRequest, "invalid_grant", descInvalidRefresh)
		compareRecording(t, "oidc/token/invalid-refresh-token", resp)
	})
	t.Run("access token", func(t *testing.T) {
		resp := refresh(t, e, seed.TrialClient, signedInTokens(t, e)["access_token"])
		wantOAuthError(t, resp, http.StatusBadRequest, "invalid_grant", descInvalidRefresh)
	})
	t.Run("other client", func(t *testing.T) {
		resp := refresh(t, e, seed.TrialConsentClient, signedInTokens(t, e)["refresh_token"])
		wantOAuthError(t, resp, http.StatusBadRequest, "invalid_grant", descClientMismatch)
	})
	t.Run("missing", func(t *testing.T) {
		resp := tokenRequest(t, e.trial(), seed.TrialClient, true, url.Values{"grant_type": {"refresh_token"}})
		wantOAuthError(t, resp, http.StatusBadRequest, "invalid_request", "No refresh token")
	})
	t.Run("expired", func(t *testing.T) {
		tokens := signedInTokens(t, e)
		e.clock.Advance(1801 * time.Second)
		resp := refresh(t, e, seed.TrialClient, tokens["refresh_token"])
		wantOAuthError(t, resp, http.StatusBadRequest, "invalid_grant", descNotActive)
	})
}

func TestPasswordGrant(t *testing.T) {
	e := startEmulator(t, nil)
	password := func(c SeedClient, u SeedUser) response {
		return tokenRequest(t, e.trial(), c, true, url.Values{
			"grant_type": {"password"}, "username": {u.Username}, "password": {u.Password},
		})
	}
	t.Run("direct access grants off", func(t *testing.T) {
		for _, c := range []SeedClient{seed.TrialClient, seed.TrialServiceAccountClient} {
			resp := password(c, seed.TrialUser)
			wantOAuthError(t, resp, http.StatusBadRequest, "unauthorized_client", "Client not allowed for direct access grants")
		}
	})
	t.Run("success", func(t *testing.T) {
		resp := password(seed.TrialDirectGrantClient, seed.TrialUser)
		if resp.status != http.StatusOK {
			t.Fatalf("status %d, body %s", resp.status, resp.body)
		}
		compareRecording(t, "oidc/token/password-grant-admin-cli", resp)
		tok := jsonBody(t, resp)
		if tok["refresh_token"] == nil || tok["session_state"] == nil || tok["scope"] != "profile email" {
			t.Errorf("token response = %v", tok)
		}
		if again := refresh(t, e, seed.TrialDirectGrantClient, tok["refresh_token"]); again.status != http.StatusOK {
			t.Errorf("refresh of a password-grant token: status %d, body %s", again.status, again.body)
		}
	})
	t.Run("wrong password", func(t *testing.T) {
		resp := password(seed.TrialDirectGrantClient, SeedUser{seed.TrialUser.Username, "wrong"})
		wantOAuthError(t, resp, http.StatusBadRequest, "invalid_grant", "Invalid user credentials")
		compareRecording(t, "oidc/token/wrong-password", resp)
	})
	t.Run("disabled user", func(t *testing.T) {
		resp := password(seed.TrialDirectGrantClient, seed.TrialDisabledUser)
		wantOAuthError(t, resp, http.StatusBadRequest, "invalid_grant", "Account disabled")
		compareRecording(t, "oidc/token/disabled-user", resp)
	})
	t.Run("required action", func(t *testing.T) {
		resp := password(seed.TrialDirectGrantClient, seed.TrialSetupUser)
		wantOAuthError(t, resp, http.StatusBadRequest, "invalid_grant", "Account is not fully set up")
		compareRecording(t, "oidc/token/required-action-pending", resp)
	})
	t.Run("invalid scope", func(t *testing.T) {
		resp := tokenRequest(t, e.trial(), seed.TrialDirectGrantClient, true, url.Values{
			"grant_type": {"password"}, "username": {seed.TrialUser.Username}, "password": {seed.TrialUser.Password}, "scope": {"openid bogus"},
		})
		wantOAuthError(t, resp, http.StatusBadRequest, "invalid_scope", "Invalid scopes: openid bogus")
	})
}

func TestClientCredentialsGrant(t *testing.T) {
	e := startEmulator(t, nil)
	grant := func(c SeedClient) response {
		return tokenRequest(t, e.trial(), c, false, url.Values{"grant_type": {"client_credentials"}})
	}
	t.Run("service accounts off", func(t *testing.T) {
		for _, c := range []SeedClient{seed.TrialClient, seed.TrialDirectGrantClient} {
			resp := grant(c)
			wantOAuthError(t, resp, http.StatusUnauthorized, "unauthorized_client", "Client not enabled to retrieve service account")
		}
	})
	t.Run("success", func(t *testing.T) {
		resp := grant(seed.TrialServiceAccountClient)
		if resp.status != http.StatusOK {
			t.Fatalf("status %d, body %s", resp.status, resp.body)
		}
		compareRecording(t, "oidc/token/client-credentials-grant", resp)
		tok := jsonBody(t, resp)
		if _, ok := tok["refresh_token"]; ok {
			t.Error("client_credentials returned a refresh token")
		}
		if _, ok := tok["session_state"]; ok {
			t.Error("client_credentials returned a session_state")
		}
		if tok["refresh_expires_in"] != float64(0) || tok["scope"] != "profile email" {
			t.Errorf("refresh_expires_in, scope = %v, %v; want 0, profile email", tok["refresh_expires_in"], tok["scope"])
		}
	})
}
