package emulator

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/kseries-tools/ksauth/internal/recording"
)

func TestDiscovery(t *testing.T) {
	e := startEmulator(t, nil)
	resp := newBrowser(t).get(e.trial() + "/.well-known/openid-configuration")
	compareRecording(t, "oidc/discovery/master", resp)

	doc := jsonBody(t, resp)
	if doc["issuer"] != e.trial() {
		t.Errorf("issuer = %v, want %s", doc["issuer"], e.trial())
	}
	if doc["authorization_endpoint"] != e.trial()+"/protocol/openid-connect/auth" {
		t.Errorf("authorization_endpoint = %v", doc["authorization_endpoint"])
	}
	if doc["authorization_response_iss_parameter_supported"] != true {
		t.Error("authorization_response_iss_parameter_supported is not true")
	}

	// Members come in the recorded Keycloak order.
	rec, err := recording.Load(recording.Dir(t), "oidc/discovery/master")
	if err != nil {
		t.Fatal(err)
	}
	last := -1
	for _, member := range memberNames(resp.body) {
		i := strings.Index(rec.Body, `"`+member+`":`)
		if i < 0 {
			t.Errorf("member %s is not in Keycloak's document", member)
			continue
		}
		if i < last {
			t.Errorf("member %s is out of Keycloak's order", member)
		}
		last = i
	}

	if e.srv.ProductionIssuer() == e.trial() {
		t.Error("trial and production issuers are equal")
	}
}

// memberNames lists the top-level member names of a flat JSON object in
// order.
func memberNames(body string) []string {
	var names []string
	depth := 0
	inString := false
	start := 0
	for i := 0; i < len(body); i++ {
		switch ch := body[i]; {
		case inString && ch == '\\':
			i++
		case ch == '"':
			if !inString {
				start = i + 1
			} else if depth == 1 && i+1 < len(body) && body[i+1] == ':' {
				names = append(names, body[start:i])
			}
			inString = !inString
		case inString:
		case ch == '{' || ch == '[':
			depth++
		case ch == '}' || ch == ']':
			depth--
		}
	}
	return names
}

func TestCerts(t *testing.T) {
	e := startEmulator(t, nil)
	resp := newBrowser(t).get(e.trial() + "/protocol/openid-connect/certs")
	compareRecording(t, "oidc/certs/master", resp)
	keysList, _ := jsonBody(t, resp)["keys"].([]any)
	if len(keysList) != 1 {
		t.Fatalf("keys = %d, want 1", len(keysList))
	}
	key := keysList[0].(map[string]any)
	if key["alg"] != "RS256" || key["use"] != "sig" || key["e"] != "AQAB" {
		t.Errorf("key = %v, want an RS256 signing key", key)
	}
	prod := jsonBody(t, newBrowser(t).get(e.srv.ProductionIssuer()+"/protocol/openid-connect/certs"))["keys"].([]any)
	if prod[0].(map[string]any)["kid"] == key["kid"] {
		t.Error("trial and production share a signing key")
	}
}

func TestNotFoundAnswers(t *testing.T) {
	e := startEmulator(t, nil)
	base := strings.TrimSuffix(e.trial(), "/realms/k-series")
	cases := []struct{ path, recording string }{
		{"/realms/nosuchrealm/.well-known/openid-configuration", "oidc/discovery/unknown-realm"},
		{"/realms/nosuchrealm/protocol/openid-connect/certs", "oidc/certs/unknown-realm"},
		{"/realms/nosuchrealm/protocol/nosuchproto", "oidc/protocol/unknown-realm"},
		{"/realms/k-series/protocol", "oidc/protocol/bare"},
		{"/realms/k-series/protocol/nosuchproto", "oidc/protocol/unknown"},
		{"/realms/k-series/protocol/openid-connect/nosuchsub", "oidc/protocol/unknown-under-registered"},
	}
	for _, tc := range cases {
		t.Run(tc.path, func(t *testing.T) {
			compareRecording(t, tc.recording, newBrowser(t).get(base+tc.path))
		})
	}
}

func userinfo(t *testing.T, e *env, token string) response {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, e.trial()+"/protocol/openid-connect/userinfo", nil)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	return newBrowser(t).do(req)
}

func TestUserInfo(t *testing.T) {
	e := startEmulator(t, nil)
	tokens := signedInTokens(t, e)
	t.Run("valid token", func(t *testing.T) {
		resp := userinfo(t, e, tokens["access_token"].(string))
		compareRecording(t, "oidc/userinfo/get-with-valid-token", resp)
		info := jsonBody(t, resp)
		if info["preferred_username"] != seed.TrialUser.Username || info["email"] != "demo@trial.ksauth.test" || info["sub"] == "" {
			t.Errorf("userinfo = %v", info)
		}
	})
	cases := []struct {
		name, token, challenge, recording string
		status                            int
	}{
		{"no token", "", `Bearer realm="k-series"`, "oidc/userinfo/missing-authorization-header", 401},
		{"invalid token", "garbage", `Bearer realm="k-series", error="invalid_token", error_description="Token verification failed"`, "oidc/userinfo/invalid-token", 401},
		{"refresh token", tokens["refresh_token"].(string), `Bearer realm="k-series", error="invalid_token", error_description="Token verification failed"`, "", 401},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			resp := userinfo(t, e, tc.token)
			if resp.status != tc.status {
				t.Errorf("status = %d, want %d", resp.status, tc.status)
			}
			if got := resp.header.Get("WWW-Authenticate"); got != tc.challenge {
				t.Errorf("WWW-Authenticate = %q, want %q", got, tc.challenge)
			}
			if resp.body != "" {
				t.Errorf("body = %q, want empty", resp.body)
			}
			if tc.recording != "" {
				compareRecording(t, tc.recording, resp)
			}
		})
	}
	t.Run("without openid scope", func(t *testing.T) {
		resp := tokenRequest(t, e.trial(), seed.TrialServiceAccountClient, true, url.Values{"grant_type": {"client_credentials"}})
		got := userinfo(t, e, jsonBody(t, resp)["access_token"].(string))
		compareRecording(t, "oidc/userinfo/token-without-openid-scope", got)
		want := `Bearer realm="k-series", error="insufficient_scope", error_description="Missing openid scope"`
		if h := got.header.Get("WWW-Authenticate"); h != want {
			t.Errorf("WWW-Authenticate = %q, want %q", h, want)
		}
	})
	t.Run("expired token", func(t *testing.T) {
		e.clock.Advance(301e9)
		got := userinfo(t, e, tokens["access_token"].(string))
		if got.status != http.StatusUnauthorized {
			t.Errorf("status = %d, want 401", got.status)
		}
	})
}

func introspect(t *testing.T, e *env, c SeedClient, token string) response {
	t.Helper()
	form := url.Values{"token": {token}, "client_id": {c.ClientID}, "client_secret": {c.Secret}}
	return newBrowser(t).postForm(e.trial()+"/protocol/openid-connect/token/introspect", form)
}

func TestIntrospect(t *testing.T) {
	e := startEmulator(t, nil)
	tokens := signedInTokens(t, e)
	resp := introspect(t, e, seed.TrialClient, tokens["access_token"].(string))
	compareRecording(t, "oidc/introspection/active-access-token", resp)
	body := jsonBody(t, resp)
	if body["active"] != true || body["client_id"] != seed.TrialClient.ClientID || body["username"] != seed.TrialUser.Username {
		t.Errorf("introspection = %v", body)
	}
	if got := jsonBody(t, introspect(t, e, seed.TrialClient, "garbage"))["active"]; got != false {
		t.Errorf("garbage token active = %v, want false", got)
	}
	resp = introspect(t, e, SeedClient{seed.TrialClient.ClientID, "wrong"}, tokens["access_token"].(string))
	wantOAuthError(t, resp, http.StatusUnauthorized, "unauthorized_client", descInvalidClient)
	resp = introspect(t, e, SeedClient{"nosuch", "x"}, tokens["access_token"].(string))
	compareRecording(t, "oidc/introspection/unauthenticated-client", resp)
}

func revoke(t *testing.T, e *env, c SeedClient, token string) response {
	t.Helper()
	form := url.Values{"token": {token}, "client_id": {c.ClientID}, "client_secret": {c.Secret}}
	return newBrowser(t).postForm(e.trial()+"/protocol/openid-connect/revoke", form)
}

func TestRevoke(t *testing.T) {
	e := startEmulator(t, nil)
	t.Run("access token", func(t *testing.T) {
		tokens := signedInTokens(t, e)
		access := tokens["access_token"].(string)
		resp := revoke(t, e, seed.TrialClient, access)
		compareRecording(t, "oidc/revocation/access-token", resp)
		if got := jsonBody(t, introspect(t, e, seed.TrialClient, access))["active"]; got != false {
			t.Errorf("revoked access token active = %v, want false", got)
		}
	})
	t.Run("refresh token", func(t *testing.T) {
		tokens := signedInTokens(t, e)
		resp := revoke(t, e, seed.TrialClient, tokens["refresh_token"].(string))
		compareRecording(t, "oidc/revocation/refresh-token", resp)
		// The session had no other client, so it is gone.
		again := refresh(t, e, seed.TrialClient, tokens["refresh_token"])
		wantOAuthError(t, again, http.StatusBadRequest, "invalid_grant", descSessionNotActive)
		if got := userinfo(t, e, tokens["access_token"].(string)); got.status != http.StatusUnauthorized {
			t.Errorf("userinfo after revocation: status %d, want 401", got.status)
		}
	})
	t.Run("ID token", func(t *testing.T) {
		resp := revoke(t, e, seed.TrialClient, signedInTokens(t, e)["id_token"].(string))
		wantOAuthError(t, resp, http.StatusBadRequest, "unsupported_token_type", "Unsupported token type")
	})
	t.Run("other client's token", func(t *testing.T) {
		resp := revoke(t, e, seed.TrialConsentClient, signedInTokens(t, e)["refresh_token"].(string))
		wantOAuthError(t, resp, http.StatusBadRequest, "invalid_request", "Unmatching clients")
	})
	t.Run("missing token", func(t *testing.T) {
		form := url.Values{"client_id": {seed.TrialClient.ClientID}, "client_secret": {seed.TrialClient.Secret}}
		resp := newBrowser(t).postForm(e.trial()+"/protocol/openid-connect/revoke", form)
		wantOAuthError(t, resp, http.StatusBadRequest, "invalid_request", "Token not provided")
	})
	t.Run("unknown token", func(t *testing.T) {
		resp := revoke(t, e, seed.TrialClient, "garbage")
		compareRecording(t, "oidc/revocation/unknown-token", resp)
		wantOAuthError(t, resp, http.StatusOK, "invalid_token", "Invalid token")
	})
	t.Run("wrong secret", func(t *testing.T) {
		resp := revoke(t, e, SeedClient{seed.TrialClient.ClientID, "wrong"}, "garbage")
		compareRecording(t, "oidc/revocation/wrong-client", resp)
	})
}

func TestLogout(t *testing.T) {
	e := startEmulator(t, nil)
	logoutURL := e.trial() + "/protocol/openid-connect/logout"
	t.Run("id_token_hint and redirect", func(t *testing.T) {
		b := newBrowser(t)
		code := b.code(e.trial(), authRequestFor(seed.TrialClient.ClientID, loopbackRedirect), seed.TrialUser)
		tokens := jsonBody(t, exchange(t, e.trial(), seed.TrialClient, code, loopbackRedirect))
		q := url.Values{"id_token_hint": {tokens["id_token"].(string)}, "post_logout_redirect_uri": {loopbackRedirect}, "state": {"s1"}}
		loc := b.location(b.get(logoutURL + "?" + q.Encode()))
		if loc.String() != loopbackRedirect+"?state=s1" {
			t.Errorf("redirected to %s, want %s?state=s1", loc, loopbackRedirect)
		}
		// The SSO session is gone: the next authorization shows the form.
		resp := b.get(authURL(e.trial(), authRequestFor(seed.TrialClient.ClientID, loopbackRedirect)))
		if resp.status != http.StatusOK {
			t.Errorf("authorization after logout: status %d, want the login form", resp.status)
		}
		again := refresh(t, e, seed.TrialClient, tokens["refresh_token"])
		wantOAuthError(t, again, http.StatusBadRequest, "invalid_grant", descSessionNotActive)
	})
	cases := []struct {
		name    string
		query   url.Values
		message string
	}{
		{"legacy redirect_uri", url.Values{"redirect_uri": {loopbackRedirect}}, msgInvalidRedirectURI},
		{"redirect without hint or client", url.Values{"post_logout_redirect_uri": {loopbackRedirect}}, msgMissingIDTokenHint},
		{"bad hint", url.Values{"id_token_hint": {"garbage"}, "post_logout_redirect_uri": {loopbackRedirect}}, msgInvalidIDTokenHint},
		{"unregistered redirect", url.Values{"client_id": {seed.TrialClient.ClientID}, "post_logout_redirect_uri": {"https://app.example/"}}, msgInvalidRedirect},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			wantErrorPage(t, newBrowser(t).get(logoutURL+"?"+tc.query.Encode()), http.StatusBadRequest, tc.message)
		})
	}
	t.Run("refresh token", func(t *testing.T) {
		tokens := signedInTokens(t, e)
		form := url.Values{"refresh_token": {tokens["refresh_token"].(string)}, "client_id": {seed.TrialClient.ClientID}, "client_secret": {seed.TrialClient.Secret}}
		resp := newBrowser(t).postForm(logoutURL, form)
		if resp.status != http.StatusNoContent {
			t.Errorf("status = %d, want 204; body %s", resp.status, resp.body)
		}
		again := refresh(t, e, seed.TrialClient, tokens["refresh_token"])
		wantOAuthError(t, again, http.StatusBadRequest, "invalid_grant", descSessionNotActive)
	})
}
