package diagnose

// guideEntries are the nine failures of the K-Series authentication error
// guide (v2.0). Guide holds the guide's section title; the text is ours.
var guideEntries = []Entry{
	{
		ID:    IDWrongEnvironment,
		Title: "Client and authorization server are in different environments",
		Steps: []Step{StepPreflight, StepProbe, StepAuthorize, StepToken},
		Causes: []string{
			"a trial client (ID starting devp-v2-demo) was sent to the production host auth.lsk-prod.app",
			"a production client (ID starting devp-v2 without demo) was sent to the trial host auth.lsk-trial.app or auth.lsk-demo.app",
			"the URL uses a host that is not a K-Series sign-in host, such as auth.lsk.lightspeed.app",
		},
		Fix: "Use the host of the client's environment. A client ID starting devp-v2-demo belongs to trial " +
			"(auth.lsk-trial.app, also served as auth.lsk-demo.app); devp-v2 without demo belongs to production " +
			"(auth.lsk-prod.app). Trial and production do not share clients, secrets or users.",
		Guide: "Wrong Environment",
	},
	{
		ID:    IDRedirectURIMismatch,
		Title: "Redirect URI is not registered for the client",
		Steps: []Step{StepPreflight, StepProbe, StepAuthorize},
		Causes: []string{
			"a trailing slash is missing or added (https://localhost versus https://localhost/)",
			"the scheme differs: http:// where https:// is registered",
			"a typo, another host (localhost versus 127.0.0.1), another port or path, or different percent-encoding",
		},
		Fix: "Copy the redirect URI exactly as registered, from the credential provisioning email or the developer " +
			"portal, and compare it character by character: scheme, host, port, path, trailing slash and encoding " +
			"must all be identical. To change the registered URI, contact Technical Partner Support (TPS) with " +
			"your client ID.",
		Guide: "Incorrect Redirect URI",
	},
	{
		ID:    IDInvalidScope,
		Title: "Requested scope is not valid for the client",
		Steps: []Step{StepPreflight, StepProbe, StepAuthorize, StepRefresh},
		Causes: []string{
			"a scope name is misspelled, often an underscore for a hyphen (financial_api for financial-api) or items-api for items",
			"scopes are separated by commas or plus signs instead of spaces in the raw value",
			"the client was not provisioned for one of the requested scopes",
		},
		Fix: "Request only valid scope names (financial-api, orders-api, items, offline_access, staff-api, and " +
			"propertymanagement, reservations-api or reservation-<code> where provisioned), separated by single " +
			"spaces before URL encoding, such as scope=financial-api%20orders-api. Request only scopes your client " +
			"is provisioned for; more scopes are requested in the developer portal.",
		Guide: "Invalid Scope",
	},
	{
		ID:    IDInvalidUserCredentials,
		Title: "K-Series user name or password rejected",
		Steps: []Step{StepAuthorize, StepToken},
		Causes: []string{
			"the user name or password is wrong",
			"the user belongs to the other environment: trial and production keep separate user directories",
			"the account does not exist in this realm",
			"the account is locked after too many failed attempts; Keycloak 26 shows the same message for a lockout",
		},
		Fix: "Sign in to the environment the user belongs to (trial or production) and check the user name and " +
			"password. If the account may be locked, ask Technical Partner Support (TPS) to check its status in " +
			"that environment.",
		Guide: "Incorrect K-Series User Credentials",
	},
	{
		ID:    IDInvalidCodeGrant,
		Title: "Authorization code expired, reused or invalid",
		Steps: []Step{StepToken},
		Causes: []string{
			"the code expired: K-Series codes are valid for about 15 seconds",
			"the code was already exchanged once: codes are single-use",
			"the code is truncated, mistyped or belongs to another client",
		},
		Fix: "Start the authorization again for a fresh code and exchange it at once, in code rather than by " +
			"copying it by hand. Never exchange a code twice.",
		Guide: "Invalid Code Grant",
	},
	{
		ID:    IDInvalidClientCredentials,
		Title: "Client authentication failed",
		Steps: []Step{StepToken, StepRefresh},
		Causes: []string{
			"the client secret is wrong, or belongs to the other environment",
			"the Authorization header is missing",
			"the header is not Basic base64(client_id:client_secret), for example a newline was encoded with it",
			"the client ID is unknown to this realm",
		},
		Fix: "Send Authorization: Basic with the base64 of client_id:client_secret, built without a trailing " +
			"newline: echo -n \"client_id:client_secret\" | base64. Use the secret issued with this client for " +
			"this environment.",
		Guide: "Invalid Client or Credentials",
	},
	{
		ID:    IDTokenRedirectURIMismatch,
		Title: "Token request redirect_uri differs from the authorization request",
		Steps: []Step{StepToken},
		Causes: []string{
			"the token request's redirect_uri is not the exact string of the authorization request",
			"a trailing slash was added or removed between the two requests",
			"the two requests encode the URI differently, or the token request omits it",
		},
		Fix: "Send the same redirect_uri string in the token request as in the authorization request, even " +
			"though nothing is redirected at this step. Keep it in one variable or constant. The code is spent " +
			"by the failed attempt, so start the authorization again.",
		Guide: "Incorrect Redirect URI (Token Exchange)",
	},
	{
		ID:    IDInvalidRefreshToken,
		Title: "Refresh token rejected",
		Steps: []Step{StepRefresh},
		Causes: []string{
			"the refresh token expired, or its session ended",
			"the token was already used and the server rotates refresh tokens",
			"the token is malformed or was copied incompletely",
			"the token belongs to another client or environment",
		},
		Fix: "Sign the user in again through the full authorization flow for a new refresh token. Store the " +
			"new refresh token from every refresh response, and when a refresh fails with invalid_grant send the " +
			"user back through authorization automatically. Request offline_access to receive a long-lived " +
			"refresh token.",
		Guide: "Invalid Refresh Token",
	},
	{
		ID:    IDUnauthorizedClient,
		Title: "Client is not allowed to use this grant type",
		Steps: []Step{StepProbe, StepAuthorize, StepToken, StepRefresh},
		Causes: []string{
			"the client is not enabled for the grant type used, such as password or client_credentials",
			"the client is not enabled for the authorization_code flow, or the response_type is not code",
			"the client configuration was changed or provisioned incorrectly",
		},
		Fix: "Use a grant type the client is provisioned for; K-Series integrations use authorization_code with " +
			"PKCE. To have another grant type enabled, contact Technical Partner Support (TPS) with your client ID.",
		Guide: "Unauthorized Client",
	},
}
