package emulator

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// recordedRedirect is the redirect URI of the recorded requests. The
// seeded http://localhost/callback registration accepts it on any port.
const recordedRedirect = "http://localhost:9999/callback"

func TestAuthorizeErrorPages(t *testing.T) {
	e := startEmulator(t, nil)
	client := seed.TrialClient.ClientID
	cases := []struct {
		name      string
		params    url.Values
		message   string
		recording string
	}{
		{"unknown client", authRequestFor("devp-v2-demo-nosuch", recordedRedirect), msgClientNotFound, "oidc/authorization/unknown-client-id"},
		{"empty client_id", authRequestFor("", recordedRedirect), msgClientNotFound, ""},
		{"missing client_id", authRequestFor(client, recordedRedirect, "client_id", "-"), msgInvalidRequest, ""},
		{"duplicated client_id", func() url.Values {
			v := authRequestFor(client, recordedRedirect)
			v.Add("client_id", client)
			return v
		}(), msgInvalidRequest, ""},
		{"invalid max_age", authRequestFor(client, recordedRedirect, "max_age", "abc"), msgInvalidRequest, "oidc/authorization/max-age-invalid"},
		{"unregistered redirect_uri", authRequestFor(client, "https://app.example/callback"), msgInvalidRedirectURI, "oidc/authorization/invalid-redirect-uri"},
		{"https without trailing slash", authRequestFor(client, "https://localhost:8443/callback"), msgInvalidRedirectURI, ""},
		{"https on another port", authRequestFor(client, "https://localhost:9443/callback/"), msgInvalidRedirectURI, ""},
		{"loopback other path", authRequestFor(client, "http://127.0.0.1:8080/cb"), msgInvalidRedirectURI, ""},
		{"loopback https any port", authRequestFor(client, "https://127.0.0.1:8080/callback"), msgInvalidRedirectURI, ""},
		{"missing redirect_uri with openid", authRequestFor(client, "", "redirect_uri", "-"), msgInvalidRedirectURI, ""},
		{"client checked before redirect_uri", authRequestFor("nosuch", "https://app.example/cb"), msgClientNotFound, ""},
		{"redirect_uri checked before response_type", authRequestFor(client, "https://app.example/cb", "response_type", "-"), msgInvalidRedirectURI, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			resp := newBrowser(t).get(authURL(e.trial(), tc.params))
			wantErrorPage(t, resp, http.StatusBadRequest, tc.message)
			if tc.recording != "" {
				compareRecording(t, tc.recording, resp)
			}
		})
	}
}

func TestAuthorizeErrorPageAsJSON(t *testing.T) {
	e := startEmulator(t, nil)
	resp := newBrowser(t).get(authURL(e.trial(), authRequestFor("nosuch", recordedRedirect)), "Accept", "application/json")
	if resp.status != http.StatusBadRequest {
		t.Errorf("status = %d, want 400", resp.status)
	}
	if got := jsonBody(t, resp)["error"]; got != msgClientNotFound {
		t.Errorf("error = %v, want %q", got, msgClientNotFound)
	}
}

func TestAuthorizeWrongEnvironment(t *testing.T) {
	e := startEmulator(t, nil)
	resp := newBrowser(t).get(authURL(e.srv.ProductionIssuer(), authRequestFor(seed.TrialClient.ClientID, loopbackRedirect)))
	wantErrorPage(t, resp, http.StatusBadRequest, msgClientNotFound)
	resp = newBrowser(t).get(authURL(e.trial(), authRequestFor(seed.ProductionClient.ClientID, loopbackRedirect)))
	wantErrorPage(t, resp, http.StatusBadRequest, msgClientNotFound)
}

func TestAuthorizeAcceptsRegisteredRedirects(t *testing.T) {
	e := startEmulator(t, nil)
	for _, uri := range []string{
		"http://127.0.0.1:53117/callback",
		"http://127.0.0.1:1/callback",
		"http://127.0.0.1/callback",
		"http://localhost:9999/callback",
		"https://localhost:8443/callback/",
	} {
		t.Run(uri, func(t *testing.T) {
			resp := newBrowser(t).get(authURL(e.trial(), authRequestFor(seed.TrialClient.ClientID, uri)))
			if resp.status != http.StatusOK || !strings.Contains(resp.body, `id="kc-form-login"`) {
				t.Errorf("status %d, want the login form; body:\n%s", resp.status, resp.body)
			}
		})
	}
}

func TestAuthorizeErrorRedirects(t *testing.T) {
	e := startEmulator(t, nil)
	client := seed.TrialClient.ClientID
	pkce := seed.TrialPKCEClient.ClientID
	_, challenge := verifierPair("a")
	cases := []struct {
		name        string
		params      url.Values
		code        string
		description string
		recording   string
	}{
		{"missing response_type", authRequestFor(client, recordedRedirect, "response_type", "-"),
			"invalid_request", "Missing parameter: response_type", "oidc/authorization/missing-response-type"},
		{"unsupported response_type", authRequestFor(client, recordedRedirect, "response_type", "foo"),
			"unsupported_response_type", "", "oidc/authorization/unsupported-response-type"},
		{"upper-case response_type", authRequestFor(client, recordedRedirect, "response_type", "CODE"),
			"unsupported_response_type", "", ""},
		{"invalid response_mode", authRequestFor(client, recordedRedirect, "response_mode", "bogus"),
			"invalid_request", "Invalid parameter: response_mode", "oidc/authorization/invalid-response-mode"},
		{"unknown scope", authRequestFor(client, recordedRedirect, "scope", "openid nosuchscope"),
			"invalid_scope", "Invalid scopes: openid nosuchscope", "oidc/authorization/unsupported-scope"},
		{"empty scope", authRequestFor(client, recordedRedirect, "scope", ""),
			"invalid_scope", "Invalid scopes: ", ""},
		{"duplicated parameter", func() url.Values {
			v := authRequestFor(client, recordedRedirect)
			v["login_hint"] = []string{"a", "b"}
			return v
		}(), "invalid_request", "duplicated parameter", ""},
		{"bad challenge method", authRequestFor(client, recordedRedirect, "code_challenge", challenge, "code_challenge_method", "S512"),
			"invalid_request", "Invalid parameter: code_challenge_method", "oidc/authorization/pkce-invalid-challenge-method"},
		{"method without challenge", authRequestFor(client, recordedRedirect, "code_challenge_method", "bogus"),
			"invalid_request", "Missing parameter: code_challenge", ""},
		{"malformed challenge", authRequestFor(client, recordedRedirect, "code_challenge", "short", "code_challenge_method", "S256"),
			"invalid_request", "Invalid parameter: code_challenge", ""},
		{"required PKCE without method", authRequestFor(pkce, recordedRedirect),
			"invalid_request", "Missing parameter: code_challenge_method", ""},
		{"required PKCE without challenge", authRequestFor(pkce, recordedRedirect, "code_challenge_method", "S256"),
			"invalid_request", "Missing parameter: code_challenge", "oidc/authorization/pkce-missing-challenge"},
		{"required PKCE with plain", authRequestFor(pkce, recordedRedirect, "code_challenge", challenge, "code_challenge_method", "plain"),
			"invalid_request", "Invalid parameter: code challenge method is not matching the configured one", ""},
		{"required PKCE malformed challenge", authRequestFor(pkce, recordedRedirect, "code_challenge", "x+y", "code_challenge_method", "S256"),
			"invalid_request", "Invalid parameter: code_challenge", ""},
		{"response_type checked before scope", authRequestFor(client, recordedRedirect, "response_type", "foo", "scope", "nosuch"),
			"unsupported_response_type", "", ""},
		{"scope checked before PKCE", authRequestFor(pkce, recordedRedirect, "scope", "nosuch"),
			"invalid_scope", "Invalid scopes: nosuch", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			b := newBrowser(t)
			resp := b.get(authURL(e.trial(), tc.params))
			loc := wantErrorRedirect(t, b, resp, e.trial(), tc.code, tc.description)
			if got := loc.Scheme + "://" + loc.Host + loc.Path; got != recordedRedirect {
				t.Errorf("redirected to %s, want %s", got, recordedRedirect)
			}
			if len(resp.header.Values("Set-Cookie")) != 0 {
				t.Errorf("Set-Cookie = %q, want none on a rejected request", resp.header.Values("Set-Cookie"))
			}
			if tc.recording != "" {
				compareRecording(t, tc.recording, resp)
			}
		})
	}
}

func TestAuthorizeImplicitFlowInFragment(t *testing.T) {
	e := startEmulator(t, nil)
	b := newBrowser(t)
	resp := b.get(authURL(e.trial(), authRequestFor(seed.TrialClient.ClientID, recordedRedirect, "response_type", "id_token token")))
	loc := b.location(resp)
	if loc.RawQuery != "" {
		t.Errorf("query = %q, want the response in the fragment", loc.RawQuery)
	}
	frag, err := url.ParseQuery(loc.Fragment)
	if err != nil {
		t.Fatal(err)
	}
	if frag.Get("error") != "unauthorized_client" || frag.Get("error_description") != descImplicitFlowDisabled {
		t.Errorf("fragment = %v, want unauthorized_client %q", frag, descImplicitFlowDisabled)
	}
}

func TestAuthorizeStandardFlowDisabled(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Trial.Clients[0].StandardFlowEnabled = false
	e := startEmulator(t, &cfg)
	b := newBrowser(t)
	resp := b.get(authURL(e.trial(), authRequestFor(seed.TrialClient.ClientID, recordedRedirect)))
	wantErrorRedirect(t, b, resp, e.trial(), "unauthorized_client", descStandardFlowDisabled)
}

func TestAuthorizeStateEcho(t *testing.T) {
	e := startEmulator(t, nil)
	b := newBrowser(t)
	resp := b.get(authURL(e.trial(), authRequestFor(seed.TrialClient.ClientID, recordedRedirect, "response_type", "-", "state", "-")))
	loc := b.location(resp)
	if got := keys(loc.RawQuery); got != "error,error_description,iss" {
		t.Errorf("parameters without state = %s, want error,error_description,iss", got)
	}
	resp = b.get(authURL(e.trial(), authRequestFor(seed.TrialClient.ClientID, recordedRedirect, "response_type", "-", "state", "")))
	loc = b.location(resp)
	if got := keys(loc.RawQuery); got != "error,error_description,state,iss" {
		t.Errorf("parameters with empty state = %s, want error,error_description,state,iss", got)
	}
}
