package emulator

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
)

func TestCodeExchange(t *testing.T) {
	e := startEmulator(t, nil)
	b := newBrowser(t)
	code := b.code(e.trial(), authRequestFor(seed.TrialClient.ClientID, loopbackRedirect), seed.TrialUser)
	resp := exchange(t, e.trial(), seed.TrialClient, code, loopbackRedirect)
	if resp.status != http.StatusOK {
		t.Fatalf("status = %d, want 200; body %s", resp.status, resp.body)
	}
	compareRecording(t, "oidc/token/authorization-code-grant", resp)
	tok := jsonBody(t, resp)
	if tok["token_type"] != "Bearer" || tok["expires_in"] != float64(300) || tok["scope"] != "openid profile email" {
		t.Errorf("token_type, expires_in, scope = %v, %v, %v", tok["token_type"], tok["expires_in"], tok["scope"])
	}
	wantOrder := []string{"access_token", "expires_in", "refresh_expires_in", "refresh_token", "token_type", "id_token", "not-before-policy", "session_state", "scope"}
	last := -1
	for _, k := range wantOrder {
		i := strings.Index(resp.body, `"`+k+`":`)
		if i < last {
			t.Errorf("member %s out of Keycloak's order", k)
		}
		last = i
	}

	// The ID token verifies through discovery and the JWKS.
	ctx := context.Background()
	provider, err := oidc.NewProvider(ctx, e.trial())
	if err != nil {
		t.Fatalf("discovery: %v", err)
	}
	verifier := provider.Verifier(&oidc.Config{ClientID: seed.TrialClient.ClientID, Now: func() time.Time { return testStart }})
	idToken, err := verifier.Verify(ctx, tok["id_token"].(string))
	if err != nil {
		t.Fatalf("ID token: %v", err)
	}
	var claims struct {
		Nonce             string `json:"nonce"`
		Typ               string `json:"typ"`
		Azp               string `json:"azp"`
		PreferredUsername string `json:"preferred_username"`
		Email             string `json:"email"`
		SID               string `json:"sid"`
	}
	if err := idToken.Claims(&claims); err != nil {
		t.Fatal(err)
	}
	if claims.Nonce != "n-0S6_WzA2Mj" || claims.Typ != "ID" || claims.Azp != seed.TrialClient.ClientID ||
		claims.PreferredUsername != seed.TrialUser.Username || claims.Email != "demo@trial.ksauth.test" || claims.SID != tok["session_state"] {
		t.Errorf("ID token claims = %+v", claims)
	}
	if err := idToken.VerifyAccessToken(tok["access_token"].(string)); err != nil {
		t.Errorf("at_hash: %v", err)
	}
}

func TestCodeExchangeClientAuthentication(t *testing.T) {
	e := startEmulator(t, nil)
	for _, basic := range []bool{true, false} {
		name := map[bool]string{true: "basic", false: "form"}[basic]
		t.Run(name, func(t *testing.T) {
			code := newBrowser(t).code(e.trial(), authRequestFor(seed.TrialClient.ClientID, loopbackRedirect), seed.TrialUser)
			form := url.Values{"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {loopbackRedirect}}
			resp := tokenRequest(t, e.trial(), seed.TrialClient, basic, form)
			if resp.status != http.StatusOK {
				t.Errorf("status = %d, want 200; body %s", resp.status, resp.body)
			}
		})
	}
}

func TestTokenClientAuthenticationFailures(t *testing.T) {
	e := startEmulator(t, nil)
	wrong := SeedClient{ClientID: seed.TrialClient.ClientID, Secret: "not-the-secret"}
	cases := []struct {
		name        string
		client      SeedClient
		basic       bool
		code        string
		recording   string
		omitSecrets bool
	}{
		{"unknown client basic", SeedClient{"devp-v2-demo-nosuch", "x"}, true, "invalid_client", "oidc/token/unknown-client", false},
		{"unknown client form", SeedClient{"devp-v2-demo-nosuch", "x"}, false, "invalid_client", "oidc/token/unknown-client", false},
		{"production client on trial", seed.ProductionClient, true, "invalid_client", "", false},
		{"wrong secret basic", wrong, true, "unauthorized_client", "oidc/token/wrong-client-secret", false},
		{"wrong secret form", wrong, false, "unauthorized_client", "oidc/token/wrong-client-secret", false},
		{"no credentials", SeedClient{}, true, "invalid_client", "", true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			form := url.Values{"grant_type": {"authorization_code"}, "code": {"a.b.c"}, "redirect_uri": {loopbackRedirect}}
			var resp response
			if tc.omitSecrets {
				resp = newBrowser(t).postForm(e.trial()+"/protocol/openid-connect/token", form)
			} else {
				resp = tokenRequest(t, e.trial(), tc.client, tc.basic, form)
			}
			wantOAuthError(t, resp, http.StatusUnauthorized, tc.code, descInvalidClient)
			if tc.recording != "" {
				compareRecording(t, tc.recording, resp)
			}
		})
	}
	t.Run("missing secret", func(t *testing.T) {
		form := url.Values{"grant_type": {"authorization_code"}, "code": {"a.b.c"}, "client_id": {seed.TrialClient.ClientID}}
		resp := newBrowser(t).postForm(e.trial()+"/protocol/openid-connect/token", form)
		wantOAuthError(t, resp, http.StatusUnauthorized, "unauthorized_client", descInvalidClient)
	})
}

func TestTokenFailedClientAuthKeepsCode(t *testing.T) {
	e := startEmulator(t, nil)
	code := newBrowser(t).code(e.trial(), authRequestFor(seed.TrialClient.ClientID, loopbackRedirect), seed.TrialUser)
	resp := exchange(t, e.trial(), SeedClient{seed.TrialClient.ClientID, "wrong"}, code, loopbackRedirect)
	wantOAuthError(t, resp, http.StatusUnauthorized, "unauthorized_client", descInvalidClient)
	resp = exchange(t, e.trial(), seed.TrialClient, code, loopbackRedirect)
	if resp.status != http.StatusOK {
		t.Errorf("status after a failed client authentication = %d, want 200", resp.status)
	}
}

func TestCodeReuse(t *testing.T) {
	e := startEmulator(t, nil)
	code := newBrowser(t).code(e.trial(), authRequestFor(seed.TrialClient.ClientID, loopbackRedirect), seed.TrialUser)
	first := exchange(t, e.trial(), seed.TrialClient, code, loopbackRedirect)
	if first.status != http.StatusOK {
		t.Fatalf("first exchange: status %d", first.status)
	}
	second := exchange(t, e.trial(), seed.TrialClient, code, loopbackRedirect)
	wantOAuthError(t, second, http.StatusBadRequest, "invalid_grant", "Code not valid")
	compareRecording(t, "oidc/token/replayed-code", second)

	// The reuse detached the client session, so the first exchange's
	// refresh token no longer works.
	refresh := tokenRequest(t, e.trial(), seed.TrialClient, true, url.Values{
		"grant_type": {"refresh_token"}, "refresh_token": {jsonBody(t, first)["refresh_token"].(string)},
	})
	wantOAuthError(t, refresh, http.StatusBadRequest, "invalid_grant", descNoClientSession)
}

func TestCodeExpiry(t *testing.T) {
	e := startEmulator(t, nil)
	b := newBrowser(t)
	code := b.code(e.trial(), authRequestFor(seed.TrialClient.ClientID, loopbackRedirect), seed.TrialUser)
	e.clock.Advance(15 * time.Second)
	resp := exchange(t, e.trial(), seed.TrialClient, code, loopbackRedirect)
	wantOAuthError(t, resp, http.StatusBadRequest, "invalid_grant", "Code not valid")

	// The browser's SSO session skips the login form this time.
	loc := b.location(b.get(authURL(e.trial(), authRequestFor(seed.TrialClient.ClientID, loopbackRedirect))))
	code = loc.Query().Get("code")
	e.clock.Advance(14 * time.Second)
	if resp := exchange(t, e.trial(), seed.TrialClient, code, loopbackRedirect); resp.status != http.StatusOK {
		t.Errorf("exchange 14 s after issue: status %d, want 200", resp.status)
	}
}

func TestCodeLifespanConfigurable(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Trial.AccessCodeLifespan = 60
	e := startEmulator(t, &cfg)
	code := newBrowser(t).code(e.trial(), authRequestFor(seed.TrialClient.ClientID, loopbackRedirect), seed.TrialUser)
	e.clock.Advance(59 * time.Second)
	if resp := exchange(t, e.trial(), seed.TrialClient, code, loopbackRedirect); resp.status != http.StatusOK {
		t.Errorf("exchange 59 s after issue with a 60 s lifespan: status %d, want 200", resp.status)
	}
}

func TestCodeGrantFailures(t *testing.T) {
	e := startEmulator(t, nil)
	verifier, challenge := verifierPair("v")
	other, _ := verifierPair("w")
	withPKCE := func(method, ch string) url.Values {
		return authRequestFor(seed.TrialClient.ClientID, loopbackRedirect, "code_challenge", ch, "code_challenge_method", method)
	}
	cases := []struct {
		name        string
		params      url.Values
		redirectURI string
		extra       []string
		code        string
		description string
		recording   string
	}{
		{"redirect_uri differs", authRequestFor(seed.TrialClient.ClientID, loopbackRedirect), "http://127.0.0.1:53118/callback", nil,
			"invalid_grant", "Incorrect redirect_uri", ""},
		{"verifier missing", withPKCE("S256", challenge), loopbackRedirect, nil,
			"invalid_grant", "PKCE code verifier not specified", ""},
		{"verifier mismatch", withPKCE("S256", challenge), loopbackRedirect, []string{"code_verifier", other},
			"invalid_grant", "PKCE verification failed: Code mismatch", "oidc/token/pkce-verifier-mismatch"},
		{"verifier malformed", withPKCE("S256", challenge), loopbackRedirect, []string{"code_verifier", "short"},
			"invalid_grant", "PKCE verification failed: Invalid code verifier", ""},
		{"plain verifier mismatch", withPKCE("plain", verifier), loopbackRedirect, []string{"code_verifier", other},
			"invalid_grant", "PKCE verification failed: Code mismatch", ""},
		{"verifier without challenge", authRequestFor(seed.TrialClient.ClientID, loopbackRedirect), loopbackRedirect, []string{"code_verifier", verifier},
			"invalid_grant", "PKCE code verifier specified but challenge not present in authorization", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			code := newBrowser(t).code(e.trial(), tc.params, seed.TrialUser)
			resp := exchange(t, e.trial(), seed.TrialClient, code, tc.redirectURI, tc.extra...)
			wantOAuthError(t, resp, http.StatusBadRequest, tc.code, tc.description)
			if tc.recording != "" {
				compareRecording(t, tc.recording, resp)
			}
			// The failure spent the code.
			retry := exchange(t, e.trial(), seed.TrialClient, code, loopbackRedirect, tc.extra...)
			wantOAuthError(t, retry, http.StatusBadRequest, "invalid_grant", "Code not valid")
		})
	}
}

func TestCodeGrantPKCESuccess(t *testing.T) {
	e := startEmulator(t, nil)
	for _, method := range []string{"S256", "plain"} {
		t.Run(method, func(t *testing.T) {
			verifier, challenge := verifierPair(method)
			if method == "plain" {
				challenge = verifier
			}
			params := authRequestFor(seed.TrialPKCEClient.ClientID, loopbackRedirect, "code_challenge", challenge, "code_challenge_method", method)
			if method == "plain" {
				params = authRequestFor(seed.TrialClient.ClientID, loopbackRedirect, "code_challenge", challenge, "code_challenge_method", method)
			}
			code := newBrowser(t).code(e.trial(), params, seed.TrialUser)
			client := seed.TrialPKCEClient
			if method == "plain" {
				client = seed.TrialClient
			}
			resp := exchange(t, e.trial(), client, code, loopbackRedirect, "code_verifier", verifier)
			if resp.status != http.StatusOK {
				t.Errorf("status = %d, want 200; body %s", resp.status, resp.body)
			}
		})
	}
}

func TestTokenRequestShape(t *testing.T) {
	e := startEmulator(t, nil)
	cases := []struct {
		name        string
		form        url.Values
		status      int
		code        string
		description string
		recording   string
	}{
		{"missing grant_type", url.Values{}, 400, "invalid_request", "Missing form parameter: grant_type", "oidc/token/missing-grant-type"},
		{"unknown grant_type", url.Values{"grant_type": {"magic"}}, 400, "unsupported_grant_type", "Unsupported grant_type", "oidc/token/unknown-grant-type"},
		{"duplicated parameter", url.Values{"grant_type": {"authorization_code"}, "code": {"a", "b"}}, 400, "invalid_request", "duplicated parameter", "oidc/token/duplicated-parameter"},
		{"missing code", url.Values{"grant_type": {"authorization_code"}}, 400, "invalid_request", "Missing parameter: code", ""},
		{"malformed code", url.Values{"grant_type": {"authorization_code"}, "code": {"abc"}}, 400, "invalid_grant", "Code not valid", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			resp := tokenRequest(t, e.trial(), seed.TrialClient, true, tc.form)
			wantOAuthError(t, resp, tc.status, tc.code, tc.description)
			if tc.recording != "" {
				compareRecording(t, tc.recording, resp)
			}
		})
	}
	t.Run("GET", func(t *testing.T) {
		resp := newBrowser(t).get(e.trial() + "/protocol/openid-connect/token")
		if resp.status != http.StatusMethodNotAllowed || jsonBody(t, resp)["error"] != "HTTP 405 Method Not Allowed" {
			t.Errorf("status %d body %s, want 405 HTTP 405 Method Not Allowed", resp.status, resp.body)
		}
	})
}

func TestBasicAuthDecodesFormEncoding(t *testing.T) {
	cfg := DefaultConfig()
	special := SeedClient{ClientID: seed.TrialDirectGrantClient.ClientID, Secret: "s+cret:w/th=chars"}
	for i := range cfg.Trial.Clients {
		if cfg.Trial.Clients[i].ClientID == special.ClientID {
			cfg.Trial.Clients[i].Secret = special.Secret
		}
	}
	e := startEmulator(t, &cfg)
	form := func() url.Values {
		return url.Values{"grant_type": {"password"}, "username": {seed.TrialUser.Username}, "password": {seed.TrialUser.Password}}
	}
	if resp := tokenRequest(t, e.trial(), special, true, form()); resp.status != http.StatusOK {
		t.Errorf("form-encoded Basic credentials: status %d, body %s", resp.status, resp.body)
	}
	req, err := http.NewRequest(http.MethodPost, e.trial()+"/protocol/openid-connect/token", strings.NewReader(form().Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(special.ClientID, special.Secret) // "+" not encoded, so it decodes to a space
	wantOAuthError(t, newBrowser(t).do(req), http.StatusUnauthorized, "unauthorized_client", descInvalidClient)
}
