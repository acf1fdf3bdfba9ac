package diagnose

// serverEntries are failures beyond the error guide that the authorization
// server reports itself.
var serverEntries = []Entry{
	{
		ID:    IDV1Client,
		Title: "V1 client used with the V2 sign-in",
		Steps: []Step{StepPreflight, StepProbe, StepAuthorize, StepToken},
		Causes: []string{
			"the client ID starts devp- but not devp-v2-: it is a V1 client, which the V2 realm k-series does not know",
			"V1 endpoints (api.lsk.lightspeed.app/oauth/authorize or /oauth/token) are mixed with V2 ones",
		},
		Fix: "Request V2 API credentials in the Lightspeed Developer Portal and use the V2 client ID and secret " +
			"with the V2 hosts (auth.lsk-trial.app for trial, auth.lsk-prod.app for production).",
	},
	{
		ID:    IDUnknownClient,
		Title: "Client not found or disabled in this realm",
		Steps: []Step{StepPreflight, StepProbe, StepAuthorize, StepToken},
		Causes: []string{
			"the client ID is mistyped, truncated or has stray whitespace",
			"the client was deleted or disabled",
			"the client ID is missing or sent twice",
		},
		Fix: "Copy the client ID again from the developer portal or the provisioning email. If it is exact and " +
			"the environment matches its prefix, ask Technical Partner Support (TPS) whether the client is enabled.",
	},
	{
		ID:    IDPKCEFailed,
		Title: "PKCE check failed",
		Steps: []Step{StepProbe, StepAuthorize, StepToken},
		Causes: []string{
			"the code_verifier sent does not hash to the code_challenge of the authorization request (RFC 7636 §4.6)",
			"the verifier was lost or regenerated between the two requests",
			"the verifier or challenge is malformed: 43 to 128 characters of [A-Za-z0-9-._~], base64url without padding",
			"a challenge was sent without a verifier, a verifier without a challenge, or a method other than S256 or plain",
		},
		Fix: "Keep the verifier from the authorization request and send it as code_verifier with the token " +
			"request; send code_challenge=BASE64URL(SHA256(verifier)) with code_challenge_method=S256. The code " +
			"is spent by a failed exchange, so start the authorization again.",
	},
	{
		ID:    IDInvalidRequest,
		Title: "Malformed request",
		Steps: []Step{StepProbe, StepAuthorize, StepToken, StepRefresh},
		Causes: []string{
			"a required parameter is missing, such as grant_type, code, response_type or refresh_token",
			"the token request body is not application/x-www-form-urlencoded (JSON, or parameters in the query string)",
			"a parameter is sent twice",
			"the grant_type or response_type value is misspelled or not offered by the server",
		},
		Fix: "Send the token request as a form-encoded POST body with each parameter once: grant_type, code, " +
			"redirect_uri and code_verifier for the code exchange. Send the authorization request with " +
			"response_type=code.",
	},
	{
		ID:    IDAccessDenied,
		Title: "Access denied",
		Steps: []Step{StepAuthorize, StepCallback},
		Causes: []string{
			"the user declined the consent or cancelled the sign-in",
			"a realm policy refused the request",
			"the user revoked the consent given to the client",
		},
		Fix: "Sign in again and grant the access requested. If it is refused without a choice being offered, " +
			"ask Technical Partner Support (TPS) what blocks the client.",
	},
	{
		ID:    IDLoginRequired,
		Title: "Interactive sign-in required",
		Steps: []Step{StepProbe, StepAuthorize, StepCallback},
		Causes: []string{
			"the request used prompt=none and no sign-in session exists in the browser",
			"consent or another user action is needed, which prompt=none forbids",
		},
		Fix: "Send the authorization request without prompt=none so the user can sign in.",
	},
	{
		ID:    IDAccountDisabled,
		Title: "User account disabled",
		Steps: []Step{StepAuthorize, StepToken, StepRefresh},
		Causes: []string{
			"an administrator disabled the account",
			"older Keycloak versions: the account is temporarily locked after failed sign-ins",
		},
		Fix: "Ask Technical Partner Support (TPS) to check the account in the environment it belongs to.",
	},
	{
		ID:    IDAccountNotSetUp,
		Title: "User account not fully set up",
		Steps: []Step{StepAuthorize, StepToken},
		Causes: []string{
			"the account has a pending required action, such as updating the password or verifying the profile",
		},
		Fix: "Sign in once in a browser and complete the requested actions, then try again.",
	},
	{
		ID:    IDCookieNotFound,
		Title: "Login session lost or expired",
		Steps: []Step{StepAuthorize},
		Causes: []string{
			"the browser blocked or dropped Keycloak's login cookies (third-party cookies off, SameSite over plain http)",
			"the login page stayed open too long, or was reloaded or reached with the Back button",
			"the login form was submitted twice, or in another browser or tab than the one that started it",
		},
		Fix: "Start the sign-in again from the authorization URL in one browser tab, with cookies allowed for " +
			"the sign-in host, and finish it without going back.",
	},
	{
		ID:    IDServerError,
		Title: "Authorization server error",
		Steps: []Step{StepDiscovery, StepProbe, StepAuthorize, StepToken, StepRefresh},
		Causes: []string{
			"the server or a proxy in front of it failed (HTTP 5xx)",
			"the request body could not be decoded by the server",
			"the service is temporarily unavailable",
		},
		Fix: "Retry after a short wait. If it persists, check the request's form encoding and contact Technical " +
			"Partner Support (TPS) with the time of the failure and your client ID.",
	},
	{
		ID:    IDUnexpectedResponse,
		Title: "Response is not what the endpoint returns",
		Steps: []Step{StepDiscovery, StepProbe, StepToken, StepRefresh, StepVerify},
		Causes: []string{
			"the URL is wrong: another host, a path without /realms/k-series, or a V1 /oauth path",
			"a proxy, firewall or captive portal answered instead of the authorization server",
			"the wrong HTTP method was used, such as GET on the token endpoint",
		},
		Fix: "Use the realm's endpoints, such as https://auth.lsk-prod.app/realms/k-series/protocol/openid-connect/token, " +
			"with POST for the token endpoint, and check that no proxy rewrites the request.",
	},
}
