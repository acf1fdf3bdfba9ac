package diagnose

import (
	"net/url"
	"strings"
	"testing"
)

// tokenEv returns the evidence of a token endpoint JSON error.
func tokenEv(status int, code, desc, grant string) Evidence {
	return Evidence{Step: StepToken, Status: status, Error: code, ErrorDescription: desc,
		Context: Context{GrantType: grant}}
}

// TestDescriptionRules has one case per Keycloak description rule, named
// after the Keycloak version the answer was observed in.
func TestDescriptionRules(t *testing.T) {
	tests := []struct {
		name string
		ev   Evidence
		want string
	}{
		{"26.x refresh Token is not active", tokenEv(400, "invalid_grant", "Token is not active", grantRefresh), IDInvalidRefreshToken},
		{"26.x refresh Stale token", tokenEv(400, "invalid_grant", "Stale token", grantRefresh), IDInvalidRefreshToken},
		{"26.7.1 refresh Invalid refresh token", tokenEv(400, "invalid_grant", "Invalid refresh token", grantRefresh), IDInvalidRefreshToken},
		{"26.x refresh client mismatch", tokenEv(400, "invalid_grant", "Invalid refresh token. Token client and authorized client don't match", grantRefresh), IDInvalidRefreshToken},
		{"26.7.1 refresh Session not active", tokenEv(400, "invalid_grant", "Session not active", grantRefresh), IDInvalidRefreshToken},
		{"26.x refresh session lacks client", tokenEv(400, "invalid_grant", "Session doesn't have required client", grantRefresh), IDInvalidRefreshToken},
		{"26.x refresh reuse exceeded", tokenEv(400, "invalid_grant", "Maximum allowed refresh token reuse exceeded", grantRefresh), IDInvalidRefreshToken},
		{"26.x refresh offline session not found", tokenEv(400, "invalid_grant", "Offline user session not found", grantRefresh), IDInvalidRefreshToken},
		{"26.x refresh offline session not active", tokenEv(400, "invalid_grant", "Offline session not active", grantRefresh), IDInvalidRefreshToken},
		{"26.x refresh any invalid_grant", tokenEv(400, "invalid_grant", "something new", grantRefresh), IDInvalidRefreshToken},
		{"26.x refresh User disabled", tokenEv(400, "invalid_grant", "User disabled", grantRefresh), IDAccountDisabled},
		{"26.7.1 password Invalid user credentials", tokenEv(400, "invalid_grant", "Invalid user credentials", grantPassword), IDInvalidUserCredentials},
		{"26.7.1 password Account disabled", tokenEv(400, "invalid_grant", "Account disabled", grantPassword), IDAccountDisabled},
		{"25.x password Account temporarily disabled", tokenEv(400, "invalid_grant", "Account temporarily disabled", grantPassword), IDAccountDisabled},
		{"26.7.1 password Account is not fully set up", tokenEv(400, "invalid_grant", "Account is not fully set up", grantPassword), IDAccountNotSetUp},
		{"26.7.1 code Code not valid", tokenEv(400, "invalid_grant", "Code not valid", grantCode), IDInvalidCodeGrant},
		{"26.x code Code is expired", tokenEv(400, "invalid_grant", "Code is expired", grantCode), IDInvalidCodeGrant},
		{"26.x code Incorrect redirect_uri", tokenEv(400, "invalid_grant", "Incorrect redirect_uri", grantCode), IDTokenRedirectURIMismatch},
		{"26.7.1 code PKCE Code mismatch", tokenEv(400, "invalid_grant", "PKCE verification failed: Code mismatch", grantCode), IDPKCEFailed},
		{"26.x code PKCE Invalid code verifier", tokenEv(400, "invalid_grant", "PKCE verification failed: Invalid code verifier", grantCode), IDPKCEFailed},
		{"26.x code PKCE Unsupported algorithm", tokenEv(400, "invalid_grant", "PKCE verification failed: Unsupported algorithm specified", grantCode), IDPKCEFailed},
		{"26.x code PKCE verifier not specified", tokenEv(400, "invalid_grant", "PKCE code verifier not specified", grantCode), IDPKCEFailed},
		{"26.x code PKCE challenge not present", tokenEv(400, "invalid_grant", "PKCE code verifier specified but challenge not present in authorization", grantCode), IDPKCEFailed},
		{"26.x code different client", tokenEv(400, "invalid_grant", "Auth error: Found different client_id in clientSession", grantCode), IDInvalidCodeGrant},
		{"26.x code standard flow off", tokenEv(400, "invalid_grant", "Client not allowed to exchange code", grantCode), IDUnauthorizedClient},
		{"26.x code User session not found", tokenEv(400, "invalid_grant", "User session not found", grantCode), IDInvalidCodeGrant},
		{"26.x code Session not active", tokenEv(400, "invalid_grant", "Session not active", grantCode), IDInvalidCodeGrant},
		{"26.7.1 unauthorized_client wrong secret", tokenEv(401, "unauthorized_client", "Invalid client or Invalid client credentials", grantCode), IDInvalidClientCredentials},
		{"26.7.1 invalid_client unknown client", tokenEv(401, "invalid_client", "Invalid client or Invalid client credentials", grantCode), IDInvalidClientCredentials},
		{"26.x secret method", tokenEv(401, "unauthorized_client", "Invalid method used to get client secret. Client requires method 'client_secret_basic' to obtain client secret from the request", ""), IDInvalidClientCredentials},
		{"19 Invalid client secret", tokenEv(401, "unauthorized_client", "Invalid client secret", ""), IDInvalidClientCredentials},
		{"19 Client secret not provided", tokenEv(401, "unauthorized_client", "Client secret not provided in request", ""), IDInvalidClientCredentials},
		{"19 Invalid client credentials", tokenEv(400, "unauthorized_client", "Invalid client credentials", ""), IDInvalidClientCredentials},
		{"26.x direct access grants", tokenEv(400, "unauthorized_client", "Client not allowed for direct access grants", grantPassword), IDUnauthorizedClient},
		{"26.x service account", tokenEv(401, "unauthorized_client", "Client not enabled to retrieve service account", grantClient), IDUnauthorizedClient},
		{"26.x public client service account", tokenEv(401, "unauthorized_client", "Public client not allowed to retrieve service account", grantClient), IDUnauthorizedClient},
		{"26.x bearer-only service account", tokenEv(401, "unauthorized_client", "Bearer-only client not allowed to retrieve service account", grantClient), IDUnauthorizedClient},
		{"26.x Bearer-only not allowed", tokenEv(400, "invalid_client", "Bearer-only not allowed", ""), IDUnauthorizedClient},
		{"26.x Client requires user consent", tokenEv(400, "invalid_client", "Client requires user consent", grantPassword), IDUnauthorizedClient},
		{"26.7.1 Missing form parameter grant_type", tokenEv(400, "invalid_request", "Missing form parameter: grant_type", ""), IDInvalidRequest},
		{"26.7.1 duplicated parameter", tokenEv(400, "invalid_request", "duplicated parameter", grantCode), IDInvalidRequest},
		{"26.x Missing parameter code", tokenEv(400, "invalid_request", "Missing parameter: code", grantCode), IDInvalidRequest},
		{"26.x No refresh token", tokenEv(400, "invalid_request", "No refresh token", grantRefresh), IDInvalidRequest},
		{"26.7.1 Unsupported grant_type", tokenEv(400, "unsupported_grant_type", "Unsupported grant_type", "authorisation_code"), IDInvalidRequest},
		{"26.x HTTPS required", tokenEv(403, "invalid_request", "HTTPS required", grantCode), IDInvalidRequest},
		{"26.7.1 unknown_error", tokenEv(0, "unknown_error", "For more on this error consult the server log.", ""), IDServerError},
		{"26.7.1 Realm does not exist", Evidence{Step: StepDiscovery, Status: 404, Body: `{"error":"Realm does not exist"}`}, IDUnexpectedResponse},
		{"26.7.1 HTTP 404 Not Found", Evidence{Status: 404, Body: `{"error":"HTTP 404 Not Found"}`}, IDUnexpectedResponse},
		{"26.7.1 Protocol not found", Evidence{Status: 404, Body: `{"error":"Protocol not found"}`}, IDUnexpectedResponse},
		{"26.x HTTP 405", Evidence{Status: 405, Body: `{"error":"HTTP 405 Method Not Allowed"}`}, IDUnexpectedResponse},
		{"26.7.1 Token verification failed", Evidence{Step: StepVerify, Status: 401, Error: "invalid_token", ErrorDescription: "Token verification failed"}, IDInvalidToken},
		{"26.7.1 Invalid token", Evidence{Status: 200, Error: "invalid_token", ErrorDescription: "Invalid token"}, IDInvalidToken},
		{"26.7.1 lightweight token", Evidence{Status: 401, Error: "invalid_token", ErrorDescription: "Lightweight access token not allowed for userinfo endpoint"}, IDInvalidToken},
		{"26.7.1 Missing openid scope", Evidence{Status: 403, Error: "insufficient_scope", ErrorDescription: "Missing openid scope"}, IDScopeNotGranted},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Match(tt.ev)
			if got[0].ID != tt.want {
				t.Errorf("Match()[0].ID = %q, want %q (all: %v)", got[0].ID, tt.want, ids(got))
			}
		})
	}
}

// TestRedirectRules has one case per error-redirect rule of the
// authorization endpoint.
func TestRedirectRules(t *testing.T) {
	tests := []struct {
		name, code, desc, want string
	}{
		{"26.7.1 invalid_scope", "invalid_scope", "Invalid scopes: openid nosuchscope", IDInvalidScope},
		{"26.x consent revoked", "invalid_scope", "Client no longer has requested consent from user", IDAccessDenied},
		{"26.x standard flow disabled", "unauthorized_client", "Client is not allowed to initiate browser login with given response_type. Standard flow is disabled for the client.", IDUnauthorizedClient},
		{"26.7.1 implicit flow disabled", "unauthorized_client", "Client is not allowed to initiate browser login with given response_type. Implicit flow is disabled for the client.", IDUnauthorizedClient},
		{"26.7.1 missing response_type", "invalid_request", "Missing parameter: response_type", IDInvalidRequest},
		{"26.7.1 invalid response_mode", "invalid_request", "Invalid parameter: response_mode", IDInvalidRequest},
		{"26.x missing nonce", "invalid_request", "Missing parameter: nonce", IDInvalidRequest},
		{"26.x PAR only", "invalid_request", "Pushed Authorization Request is only allowed.", IDInvalidRequest},
		{"26.7.1 duplicated parameter", "invalid_request", "duplicated parameter", IDInvalidRequest},
		{"26.7.1 missing code_challenge", "invalid_request", "Missing parameter: code_challenge", IDPKCEFailed},
		{"26.x missing code_challenge_method", "invalid_request", "Missing parameter: code_challenge_method", IDPKCEFailed},
		{"26.7.1 invalid code_challenge_method", "invalid_request", "Invalid parameter: code_challenge_method", IDPKCEFailed},
		{"26.x method not matching", "invalid_request", "Invalid parameter: code challenge method is not matching the configured one", IDPKCEFailed},
		{"26.x invalid code_challenge", "invalid_request", "Invalid parameter: code_challenge", IDPKCEFailed},
		{"26.7.1 authentication_expired", "temporarily_unavailable", "authentication_expired", IDCookieNotFound},
		{"26.7.1 unsupported_response_type", "unsupported_response_type", "", IDInvalidRequest},
		{"26.7.1 login_required", "login_required", "", IDLoginRequired},
		{"26.x access_denied", "access_denied", "", IDAccessDenied},
		{"26.x server_error", "server_error", "", IDServerError},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q := url.Values{"error": {tt.code}, "state": {"xyz"}}
			if tt.desc != "" {
				q.Set("error_description", tt.desc)
			}
			got := Match(Evidence{Step: StepCallback, Redirect: q})
			if got[0].ID != tt.want {
				t.Errorf("Match()[0].ID = %q, want %q (all: %v)", got[0].ID, tt.want, ids(got))
			}
		})
	}
}

func TestGrantUnknownUsesDescription(t *testing.T) {
	got := Match(tokenEv(400, "invalid_grant", "Session not active", ""))
	if len(got) < 2 || got[0].ID != IDInvalidRefreshToken || got[1].ID != IDInvalidCodeGrant {
		t.Errorf("Match(Session not active, grant unknown) = %v, want [invalid-refresh-token invalid-code-grant]", ids(got))
	}
	got = Match(tokenEv(400, "invalid_grant", "Token is not active", ""))
	if got[0].ID != IDInvalidRefreshToken {
		t.Errorf("Match(Token is not active, grant unknown)[0] = %q, want invalid-refresh-token", got[0].ID)
	}
}

func TestInvalidGrantUnknownDescription(t *testing.T) {
	got := Match(tokenEv(400, "invalid_grant", "Something Keycloak 27 says", grantCode))
	if got[0].ID != IDUnknown {
		t.Fatalf("Match()[0].ID = %q, want unknown", got[0].ID)
	}
	if !containsText(got[0].Evidence, `error_description "Something Keycloak 27 says"`) {
		t.Errorf("unknown evidence lacks the description: %q", got[0].Evidence)
	}
}

func ids(ds []Diagnosis) []string {
	var out []string
	for _, d := range ds {
		out = append(out, d.ID)
	}
	return out
}

func containsText(list []string, sub string) bool {
	for _, s := range list {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}

// TestPageRules has one case per Keycloak page message rule.
func TestPageRules(t *testing.T) {
	tests := []struct {
		name, pageID, message, want string
	}{
		{"26.7.1 Client not found", "login-error", "Client not found.", IDWrongEnvironment},
		{"26.7.1 Invalid parameter redirect_uri", "login-error", "Invalid parameter: redirect_uri", IDRedirectURIMismatch},
		{"26.7.1 Invalid Request", "login-error", "Invalid Request", IDInvalidRequest},
		{"26.7.1 Restart login cookie not found", "login-error", "Restart login cookie not found. It may have expired; it may have been deleted or cookies are disabled in your browser.", IDCookieNotFound},
		{"26.7.1 Page has expired", "login-login-page-expired", "Page has expired", IDCookieNotFound},
		{"25 Cookie not found", "login-error", "Cookie not found. Please make sure cookies are enabled in your browser.", IDCookieNotFound},
		{"26.x An error occurred", "login-error", "An error occurred, please login again through your application.", IDCookieNotFound},
		{"26.x Login timeout", "login-error", "Login timeout. Please sign in again.", IDCookieNotFound},
		{"26.x login attempt timed out", "login-login", "Your login attempt timed out. Login will start from the beginning.", IDCookieNotFound},
		{"26.x Invalid username or password", "login-login", "Invalid username or password.", IDInvalidUserCredentials},
		{"26.x Invalid password", "login-login", "Invalid password.", IDInvalidUserCredentials},
		{"26.x Account is disabled", "login-login", "Account is disabled, contact your administrator.", IDAccountDisabled},
		{"25 Account is temporarily disabled", "login-login", "Account is temporarily disabled; contact your administrator or retry later.", IDAccountDisabled},
		{"26.x Client disabled", "login-error", "Client disabled.", IDUnknownClient},
		{"26.x Bearer-only", "login-error", "Bearer-only applications are not allowed to initiate browser login", IDUnauthorizedClient},
		{"26.x HTTPS required", "login-error", "HTTPS required", IDInvalidRequest},
		{"26.7.1 Registration not allowed", "login-error", "Registration not allowed", IDInvalidRequest},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ev := Evidence{Step: StepAuthorize, Page: &Page{ID: tt.pageID, Message: tt.message}}
			if got := Match(ev); got[0].ID != tt.want {
				t.Errorf("Match()[0].ID = %q, want %q (all: %v)", got[0].ID, tt.want, ids(got))
			}
		})
	}
	if len(tests) != len(pageRules) {
		t.Errorf("%d cases for %d page rules; add a case for each rule", len(tests), len(pageRules))
	}
}
