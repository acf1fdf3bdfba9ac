package diagnose

// rule maps one OAuth error code, optionally narrowed by Keycloak's
// error_description and the grant type, to a diagnosis.
type rule struct {
	// code is the "error" value. Keycloak also puts plain messages there,
	// such as "Realm does not exist".
	code string
	// codePrefix matches "error" values that start with code, for plain
	// messages that name the request, such as RESTEasy's "Could not find
	// resource for full path: <URL>".
	codePrefix bool
	// desc is the error_description; empty matches any description. Rules
	// with a description are matched second, after the code and context.
	desc string
	// prefix matches descriptions that start with desc.
	prefix bool
	// grants limits the rule to these grant types. A rule with a
	// description also applies when the grant type is unknown.
	grants []string
	id     string
	// cause is put first in the diagnosis's causes.
	cause string
	// refines are the catalogue causes that cause replaces.
	refines []causeKey
	// keycloak names the Keycloak version the answer was observed in:
	// "26.7.1" for recorded responses, "26.x" for the 26 source.
	keycloak string
}

// Grant types, as sent in grant_type.
const (
	grantCode     = "authorization_code"
	grantRefresh  = "refresh_token"
	grantPassword = "password"
	grantClient   = "client_credentials"
)

var (
	refreshOnly  = []string{grantRefresh}
	codeOnly     = []string{grantCode}
	passwordOnly = []string{grantPassword}
	userGrants   = []string{grantCode, grantPassword, grantRefresh}
)

// rules is the rule table, in matching order. Rules earlier in the table
// rank first when several match.
var rules = []rule{
	// The refresh grant: every invalid_grant means the refresh token failed.
	{code: "invalid_grant", desc: "Token is not active", grants: refreshOnly, id: IDInvalidRefreshToken, keycloak: "26.x",
		cause: "the refresh token expired (its session's idle or maximum time passed), or the clock is skewed", refines: []causeKey{causeRefreshExpired}},
	{code: "invalid_grant", desc: "Stale token", grants: refreshOnly, id: IDInvalidRefreshToken, keycloak: "26.x",
		cause: "the refresh token was already used and has been rotated, or was revoked", refines: []causeKey{causeRefreshReused}},
	{code: "invalid_grant", desc: "Invalid refresh token", grants: refreshOnly, id: IDInvalidRefreshToken, keycloak: "26.7.1",
		cause: "the value is not a refresh token of this realm: malformed, truncated, another realm's, or an access token", refines: []causeKey{causeRefreshBroken, causeRefreshOther}},
	{code: "invalid_grant", desc: "Invalid refresh token. Token client and authorized client don't match", grants: refreshOnly,
		id: IDInvalidRefreshToken, keycloak: "26.x", cause: "the refresh token was issued to another client", refines: []causeKey{causeRefreshOther}},
	{code: "invalid_grant", desc: "Session not active", grants: refreshOnly, id: IDInvalidRefreshToken, keycloak: "26.7.1",
		cause: "the user's session ended: signed out, expired or removed", refines: []causeKey{causeRefreshExpired}},
	{code: "invalid_grant", desc: "Session doesn't have required client", grants: refreshOnly, id: IDInvalidRefreshToken, keycloak: "26.x",
		cause: "the client's session was revoked after a reused code or refresh token", refines: []causeKey{causeRefreshReused}},
	{code: "invalid_grant", desc: "Maximum allowed refresh token reuse exceeded", grants: refreshOnly, id: IDInvalidRefreshToken,
		keycloak: "26.x", cause: "the refresh token was already used and the server rotates refresh tokens", refines: []causeKey{causeRefreshReused}},
	{code: "invalid_grant", desc: "Offline user session not found", grants: refreshOnly, id: IDInvalidRefreshToken, keycloak: "26.x",
		cause: "the offline session was revoked", refines: []causeKey{causeRefreshExpired}},
	{code: "invalid_grant", desc: "Offline session not active", grants: refreshOnly, id: IDInvalidRefreshToken, keycloak: "26.x",
		cause: "the offline session expired", refines: []causeKey{causeRefreshExpired}},
	{code: "invalid_grant", desc: "User disabled", grants: userGrants, id: IDAccountDisabled, keycloak: "26.x"},
	{code: "invalid_grant", grants: refreshOnly, id: IDInvalidRefreshToken, keycloak: "26.x"},

	// The password grant.
	{code: "invalid_grant", desc: "Invalid user credentials", grants: passwordOnly, id: IDInvalidUserCredentials, keycloak: "26.7.1"},
	{code: "invalid_grant", desc: "Account disabled", grants: passwordOnly, id: IDAccountDisabled, keycloak: "26.7.1"},
	{code: "invalid_grant", desc: "Account temporarily disabled", grants: passwordOnly, id: IDAccountDisabled,
		keycloak: "25.x and older", cause: "the account is temporarily locked after failed sign-ins", refines: []causeKey{causeAccountLocked}},
	{code: "invalid_grant", desc: "Account is not fully set up", grants: passwordOnly, id: IDAccountNotSetUp, keycloak: "26.7.1"},

	// The authorization_code grant.
	{code: "invalid_grant", desc: "Code not valid", grants: codeOnly, id: IDInvalidCodeGrant, keycloak: "26.7.1"},
	{code: "invalid_grant", desc: "Code is expired", grants: codeOnly, id: IDInvalidCodeGrant, keycloak: "26.x",
		cause: "the code expired: K-Series codes are valid for about 15 seconds", refines: []causeKey{causeCodeExpired}},
	{code: "invalid_grant", desc: "Incorrect redirect_uri", grants: codeOnly, id: IDTokenRedirectURIMismatch, keycloak: "26.x"},
	{code: "invalid_grant", desc: "PKCE verification failed: Code mismatch", grants: codeOnly, id: IDPKCEFailed, keycloak: "26.7.1",
		cause: "the code_verifier does not hash to the code_challenge: the verifier was lost or regenerated", refines: []causeKey{causePKCEMismatch, causePKCELost}},
	{code: "invalid_grant", desc: "PKCE verification failed: Invalid code verifier", grants: codeOnly, id: IDPKCEFailed,
		keycloak: "26.x", cause: "the code_verifier is malformed: 43 to 128 characters of [A-Za-z0-9-._~] are required", refines: []causeKey{causePKCEMalformed}},
	{code: "invalid_grant", desc: "PKCE verification failed:", prefix: true, grants: codeOnly, id: IDPKCEFailed, keycloak: "26.x"},
	{code: "invalid_grant", desc: "PKCE code verifier not specified", grants: codeOnly, id: IDPKCEFailed, keycloak: "26.x",
		cause: "the authorization request had a code_challenge but the token request has no code_verifier", refines: []causeKey{causePKCEMissing}},
	{code: "invalid_grant", desc: "PKCE code verifier specified but challenge not present in authorization", grants: codeOnly,
		id: IDPKCEFailed, keycloak: "26.x", cause: "the token request has a code_verifier but the authorization request had no code_challenge", refines: []causeKey{causePKCEMissing}},
	{code: "invalid_grant", desc: "Auth error: Found different client_id in clientSession", grants: codeOnly,
		id: IDInvalidCodeGrant, keycloak: "26.x", cause: "the code was issued to another client", refines: []causeKey{causeCodeOther}},
	{code: "invalid_grant", desc: "Client not allowed to exchange code", grants: codeOnly, id: IDUnauthorizedClient,
		keycloak: "26.x", cause: "the client is not enabled for the authorization_code flow", refines: []causeKey{causeCodeFlowOff}},
	{code: "invalid_grant", desc: "User session not found", grants: codeOnly, id: IDInvalidCodeGrant, keycloak: "26.x",
		cause: "the user's session ended before the code was exchanged"},
	{code: "invalid_grant", desc: "Session not active", grants: codeOnly, id: IDInvalidCodeGrant, keycloak: "26.x",
		cause: "the user's session ended before the code was exchanged"},

	// Client authentication, at any token endpoint call.
	{code: "unauthorized_client", desc: "Invalid client or Invalid client credentials", id: IDInvalidClientCredentials,
		keycloak: "26.7.1", cause: "the client ID is known but the secret is wrong or missing", refines: []causeKey{causeSecretWrong}},
	{code: "invalid_client", desc: "Invalid client or Invalid client credentials", id: IDInvalidClientCredentials,
		keycloak: "26.7.1", cause: "the client ID is unknown to this realm or disabled; often a client of the other environment", refines: []causeKey{causeClientUnknown}},
	{code: "unauthorized_client", desc: "Invalid method used to get client secret.", prefix: true, id: IDInvalidClientCredentials,
		keycloak: "26.x", cause: "the secret was sent in the body where the client requires the Basic header, or the reverse"},
	{code: "unauthorized_client", desc: "Invalid client secret", id: IDInvalidClientCredentials, keycloak: "19 and older",
		cause: "the client secret is wrong", refines: []causeKey{causeSecretWrong}},
	{code: "unauthorized_client", desc: "Client secret not provided in request", id: IDInvalidClientCredentials,
		keycloak: "19 and older", cause: "the Authorization header is missing", refines: []causeKey{causeHeaderMissing}},
	{code: "unauthorized_client", desc: "Invalid client credentials", id: IDInvalidClientCredentials, keycloak: "19 and older"},

	// Grant types the client is not enabled for.
	{code: "unauthorized_client", desc: "Client not allowed for direct access grants", id: IDUnauthorizedClient, keycloak: "26.x",
		cause: "the client is not enabled for the password grant", refines: []causeKey{causeGrantNotEnabled}},
	{code: "unauthorized_client", desc: "Client not enabled to retrieve service account", id: IDUnauthorizedClient,
		keycloak: "26.x", cause: "the client is not enabled for the client_credentials grant", refines: []causeKey{causeGrantNotEnabled}},
	{code: "unauthorized_client", desc: "Public client not allowed to retrieve service account", id: IDUnauthorizedClient,
		keycloak: "26.x", cause: "a public client cannot use the client_credentials grant", refines: []causeKey{causeGrantNotEnabled}},
	{code: "unauthorized_client", desc: "Bearer-only client not allowed to retrieve service account", id: IDUnauthorizedClient,
		keycloak: "26.x", cause: "a bearer-only client cannot use the client_credentials grant", refines: []causeKey{causeGrantNotEnabled}},
	{code: "invalid_client", desc: "Bearer-only not allowed", id: IDUnauthorizedClient, keycloak: "26.x",
		cause: "the client is bearer-only and cannot request tokens"},
	{code: "invalid_client", desc: "Client requires user consent", id: IDUnauthorizedClient, keycloak: "26.x",
		cause: "the client requires consent, which the password grant cannot give"},
	{code: "unauthorized_client", desc: "Client is not allowed to initiate browser login with given response_type. Standard flow is disabled for the client.",
		id: IDUnauthorizedClient, keycloak: "26.x", cause: "the client is not enabled for the authorization_code flow", refines: []causeKey{causeCodeFlowOff}},
	{code: "unauthorized_client", desc: "Client is not allowed to initiate browser login with given response_type. Implicit flow is disabled for the client.",
		id: IDUnauthorizedClient, keycloak: "26.7.1", cause: "the response_type asks for an implicit or hybrid flow; K-Series uses response_type=code", refines: []causeKey{causeCodeFlowOff}},
}
