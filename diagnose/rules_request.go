package diagnose

// requestRules cover malformed requests, PKCE parameters, the login
// session and answers from outside the OAuth protocol. They follow rules
// in matching order.
var requestRules = []rule{
	// The token request's shape. unsupported_grant_type is an invalid
	// request, not an unauthorized client: Keycloak 26 sends it for a
	// grant_type it does not offer at all (a typo, or a feature such as
	// token exchange switched off), while a grant the client is merely not
	// enabled for gets unauthorized_client.
	{code: "invalid_request", desc: "Missing form parameter: grant_type", id: IDInvalidRequest, keycloak: "26.7.1",
		cause: "the token request has no grant_type in a form-encoded body: a JSON body, or parameters in the query string"},
	{code: "invalid_request", desc: "duplicated parameter", id: IDInvalidRequest, keycloak: "26.7.1",
		cause: "a parameter is sent twice"},
	{code: "invalid_request", desc: "Missing parameter: code", id: IDInvalidRequest, keycloak: "26.x",
		cause: "the token request has no code"},
	{code: "invalid_request", desc: "No refresh token", id: IDInvalidRequest, keycloak: "26.x",
		cause: "the refresh request has no refresh_token"},
	{code: "unsupported_grant_type", desc: "Unsupported grant_type", id: IDInvalidRequest, keycloak: "26.7.1",
		cause: "the grant_type value is misspelled or names a grant the server does not offer"},
	{code: "invalid_request", desc: "HTTPS required", id: IDInvalidRequest, keycloak: "26.x",
		cause: "the request used http where the realm requires https"},

	// The authorization request's shape, delivered as error redirects.
	{code: "invalid_request", desc: "Missing parameter: response_type", id: IDInvalidRequest, keycloak: "26.7.1",
		cause: "the authorization request has no response_type; send response_type=code"},
	{code: "invalid_request", desc: "Invalid parameter: response_mode", id: IDInvalidRequest, keycloak: "26.7.1",
		cause: "the response_mode value is not one Keycloak accepts; leave it out"},
	{code: "invalid_request", desc: "Missing parameter: nonce", id: IDInvalidRequest, keycloak: "26.x",
		cause: "an id_token response type needs a nonce; K-Series uses response_type=code"},
	{code: "invalid_request", desc: "Pushed Authorization Request is only allowed.", id: IDInvalidRequest, keycloak: "26.x",
		cause: "the client must send its authorization request through pushed authorization (PAR)"},

	// PKCE parameters of the authorization request (RFC 7636 §4.3).
	{code: "invalid_request", desc: "Missing parameter: code_challenge", id: IDPKCEFailed, keycloak: "26.7.1",
		cause: "the client requires PKCE and the request has no code_challenge", refines: []causeKey{causePKCEMissing}},
	{code: "invalid_request", desc: "Missing parameter: code_challenge_method", id: IDPKCEFailed, keycloak: "26.x",
		cause: "the client requires PKCE and the request has no code_challenge_method", refines: []causeKey{causePKCEMissing}},
	{code: "invalid_request", desc: "Invalid parameter: code_challenge_method", id: IDPKCEFailed, keycloak: "26.7.1",
		cause: "the code_challenge_method is neither S256 nor plain", refines: []causeKey{causePKCEMissing}},
	{code: "invalid_request", desc: "Invalid parameter: code challenge method is not matching the configured one",
		id: IDPKCEFailed, keycloak: "26.x", cause: "the client requires another code_challenge_method, normally S256"},
	{code: "invalid_request", desc: "Invalid parameter: code_challenge", id: IDPKCEFailed, keycloak: "26.x",
		cause: "the code_challenge is malformed: 43 to 128 characters of base64url without padding are required", refines: []causeKey{causePKCEMalformed}},

	// Scope, consent and the login session.
	{code: "invalid_scope", desc: "Invalid scopes:", prefix: true, id: IDInvalidScope, keycloak: "26.7.1"},
	{code: "invalid_scope", desc: "Client no longer has requested consent from user", id: IDAccessDenied, keycloak: "26.x",
		cause: "the user revoked the consent given to the client", refines: []causeKey{causeConsentRevoked}},
	{code: "temporarily_unavailable", desc: "authentication_expired", id: IDCookieNotFound, keycloak: "26.7.1",
		cause: "the login form was submitted again after the sign-in had finished, or after its session expired", refines: []causeKey{causeFormResent}},
	{code: "unknown_error", desc: "For more on this error consult the server log.", id: IDServerError, keycloak: "26.7.1",
		cause: "the server could not process the request, for example a body it could not decode", refines: []causeKey{causeServerDecode}},

	// Bearer-token answers of userinfo and revocation (RFC 6750 §3.1).
	{code: "invalid_token", desc: "Token verification failed", id: IDInvalidToken, keycloak: "26.7.1"},
	{code: "invalid_token", desc: "Invalid token", id: IDInvalidToken, keycloak: "26.7.1"},
	{code: "invalid_token", desc: "Lightweight access token not allowed for userinfo endpoint", id: IDInvalidToken,
		keycloak: "26.7.1", cause: "the access token is a lightweight token, which userinfo does not accept"},
	{code: "insufficient_scope", desc: "Missing openid scope", id: IDScopeNotGranted, keycloak: "26.7.1",
		cause: "userinfo needs a token issued with the openid scope"},

	// Plain messages in "error", from answers outside the OAuth protocol.
	{code: "Realm does not exist", id: IDUnexpectedResponse, keycloak: "26.7.1",
		cause: "the realm name in the URL is wrong; the K-Series realm is k-series", refines: []causeKey{causeWrongURL}},
	{code: "HTTP 404 Not Found", id: IDUnexpectedResponse, keycloak: "26.7.1",
		cause: "the path below the realm is wrong", refines: []causeKey{causeWrongURL}},
	{code: "Protocol not found", id: IDUnexpectedResponse, keycloak: "26.7.1",
		cause: "the path names a protocol other than openid-connect", refines: []causeKey{causeWrongURL}},
	{code: "RESTEASY003210: Could not find resource for full path:", codePrefix: true, id: IDUnexpectedResponse,
		keycloak: "older Keycloak on RESTEasy Classic; 26.7.1 sends \"HTTP 404 Not Found\" instead",
		cause:    "the path below the realm is wrong, such as /tokens for /token", refines: []causeKey{causeWrongURL}},
	{code: "HTTP 405 Method Not Allowed", id: IDUnexpectedResponse, keycloak: "26.x",
		cause: "the wrong HTTP method was used, such as GET on the token endpoint", refines: []causeKey{causeWrongMethod}},
}

// codeRules are the diagnoses of an error code whose description matched
// no rule. invalid_grant has none: Keycloak uses it for too many causes to
// name one without a known description.
var codeRules = map[string][]string{
	"invalid_scope":             {IDInvalidScope},
	"access_denied":             {IDAccessDenied},
	"login_required":            {IDLoginRequired},
	"interaction_required":      {IDLoginRequired},
	"consent_required":          {IDLoginRequired},
	"invalid_request":           {IDInvalidRequest},
	"invalid_request_object":    {IDInvalidRequest},
	"unsupported_response_type": {IDInvalidRequest},
	"unsupported_grant_type":    {IDInvalidRequest},
	"invalid_client":            {IDInvalidClientCredentials},
	"unauthorized_client":       {IDUnauthorizedClient, IDInvalidClientCredentials},
	"server_error":              {IDServerError},
	"temporarily_unavailable":   {IDServerError},
	"unknown_error":             {IDServerError},
	"invalid_token":             {IDInvalidToken},
	"insufficient_scope":        {IDScopeNotGranted},
}
