package emulator

import (
	"net/http"
)

// discoveryDocument is the realm's OpenID Provider Metadata (OpenID
// Connect Discovery 1.0 §3, RFC 8414), with the members and member order
// of Keycloak 26.7's response. Values describe what the emulator does, so
// features it lacks (implicit flow, pairwise subjects, request objects,
// mTLS, back-channel logout) are left out or false.
type discoveryDocument struct {
	Issuer                                 string   `json:"issuer"`
	AuthorizationEndpoint                  string   `json:"authorization_endpoint"`
	TokenEndpoint                          string   `json:"token_endpoint"`
	IntrospectionEndpoint                  string   `json:"introspection_endpoint"`
	UserinfoEndpoint                       string   `json:"userinfo_endpoint"`
	EndSessionEndpoint                     string   `json:"end_session_endpoint"`
	FrontchannelLogoutSessionSupported     bool     `json:"frontchannel_logout_session_supported"`
	FrontchannelLogoutSupported            bool     `json:"frontchannel_logout_supported"`
	JWKSURI                                string   `json:"jwks_uri"`
	GrantTypesSupported                    []string `json:"grant_types_supported"`
	ResponseTypesSupported                 []string `json:"response_types_supported"`
	SubjectTypesSupported                  []string `json:"subject_types_supported"`
	PromptValuesSupported                  []string `json:"prompt_values_supported"`
	IDTokenSigningAlgValuesSupported       []string `json:"id_token_signing_alg_values_supported"`
	UserinfoSigningAlgValuesSupported      []string `json:"userinfo_signing_alg_values_supported"`
	ResponseModesSupported                 []string `json:"response_modes_supported"`
	TokenEndpointAuthMethodsSupported      []string `json:"token_endpoint_auth_methods_supported"`
	IntrospectionEndpointAuthMethods       []string `json:"introspection_endpoint_auth_methods_supported"`
	AuthorizationSigningAlgValuesSupported []string `json:"authorization_signing_alg_values_supported"`
	ClaimsSupported                        []string `json:"claims_supported"`
	ClaimTypesSupported                    []string `json:"claim_types_supported"`
	ClaimsParameterSupported               bool     `json:"claims_parameter_supported"`
	ScopesSupported                        []string `json:"scopes_supported"`
	RequestParameterSupported              bool     `json:"request_parameter_supported"`
	RequestURIParameterSupported           bool     `json:"request_uri_parameter_supported"`
	RequireRequestURIRegistration          bool     `json:"require_request_uri_registration"`
	CodeChallengeMethodsSupported          []string `json:"code_challenge_methods_supported"`
	TLSClientCertificateBoundAccessTokens  bool     `json:"tls_client_certificate_bound_access_tokens"`
	RevocationEndpoint                     string   `json:"revocation_endpoint"`
	RevocationEndpointAuthMethods          []string `json:"revocation_endpoint_auth_methods_supported"`
	BackchannelLogoutSupported             bool     `json:"backchannel_logout_supported"`
	BackchannelLogoutSessionSupported      bool     `json:"backchannel_logout_session_supported"`
	RequirePushedAuthorizationRequests     bool     `json:"require_pushed_authorization_requests"`
	AuthorizationResponseIssParameter      bool     `json:"authorization_response_iss_parameter_supported"`
}

// clientAuthMethods are the client authentication methods the emulator
// accepts: HTTP Basic and form parameters (RFC 6749 §2.3.1).
var clientAuthMethods = []string{"client_secret_basic", "client_secret_post"}

func (rl *Realm) discovery() discoveryDocument {
	issuer := rl.Issuer()
	oidc := issuer + "/protocol/openid-connect"
	return discoveryDocument{
		Issuer:                                 issuer,
		AuthorizationEndpoint:                  oidc + "/auth",
		TokenEndpoint:                          oidc + "/token",
		IntrospectionEndpoint:                  oidc + "/token/introspect",
		UserinfoEndpoint:                       oidc + "/userinfo",
		EndSessionEndpoint:                     oidc + "/logout",
		JWKSURI:                                oidc + "/certs",
		GrantTypesSupported:                    []string{grantAuthorizationCode, grantClientCredentials, grantPassword, grantRefreshToken},
		ResponseTypesSupported:                 []string{"code", "none", "id_token", "token", "id_token token", "code id_token", "code token", "code id_token token"},
		SubjectTypesSupported:                  []string{"public"},
		PromptValuesSupported:                  []string{"none", "login", "consent"},
		IDTokenSigningAlgValuesSupported:       []string{"RS256"},
		UserinfoSigningAlgValuesSupported:      []string{"none"},
		ResponseModesSupported:                 []string{modeQuery, modeFragment, modeFormPost, modeQueryJWT, modeFragmentJWT, modeFormPostJWT, modeJWT},
		TokenEndpointAuthMethodsSupported:      clientAuthMethods,
		IntrospectionEndpointAuthMethods:       clientAuthMethods,
		AuthorizationSigningAlgValuesSupported: []string{"RS256"},
		ClaimsSupported:                        []string{"iss", "sub", "aud", "exp", "iat", "auth_time", "name", "given_name", "family_name", "preferred_username", "email", "acr", "azp", "nonce"},
		ClaimTypesSupported:                    []string{"normal"},
		ScopesSupported:                        rl.scopesSupported(),
		RequireRequestURIRegistration:          true,
		CodeChallengeMethodsSupported:          []string{PKCEMethodPlain, PKCEMethodS256},
		RevocationEndpoint:                     oidc + "/revoke",
		RevocationEndpointAuthMethods:          clientAuthMethods,
		AuthorizationResponseIssParameter:      true,
	}
}

// handleDiscovery serves /.well-known/openid-configuration.
func (rl *Realm) handleDiscovery(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-cache, must-revalidate, no-transform, no-store")
	writeJSON(w, http.StatusOK, rl.discovery())
}

// handleCerts serves the realm's JWKS (RFC 7517 §5).
func (rl *Realm) handleCerts(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-cache")
	writeJSON(w, http.StatusOK, rl.keys.jwks())
}
