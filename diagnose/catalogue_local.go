package diagnose

// localEntries are failures that ksauth finds itself, without an error
// response from the server, and the "unknown" entry.
var localEntries = []Entry{
	{
		ID:    IDNoCallback,
		Title: "No callback arrived",
		Steps: []Step{StepAuthorize},
		Causes: []string{
			"the browser shows a Keycloak error page, such as Client not found or Invalid parameter: redirect_uri",
			"the login page is still open with Invalid username or password: the credentials are wrong, or belong to the other environment",
			"the sign-in was not finished, or the window was closed",
			"the browser did not open, for example over SSH, in a container or under WSL without a browser",
			"the redirect URI points to another host, port or path than the callback listener",
			"the redirect URI uses https but the listener serves plain http, or the browser rejected its certificate",
		},
		Fix: "Look at the browser window: an error page there names the failure, and a login page that is still " +
			"open means the credentials were rejected. If no browser opened, open the URL printed above by hand, or " +
			"forward the callback port with ssh -L. Check that the redirect URI's host, port and path are those of " +
			"the callback listener.",
	},
	{
		ID:    IDCallbackUnavailable,
		Title: "Callback listener could not start",
		Steps: []Step{StepAuthorize},
		Causes: []string{
			"another program already listens on the redirect URI's port",
			"the port is below 1024, such as 443 for https://localhost/, and needs privileges",
			"the redirect URI's host is not a local address",
		},
		Fix: "Free the port, or run with the privilege to bind it; on Linux, allow a low port with " +
			"sysctl net.ipv4.ip_unprivileged_port_start=PORT, where PORT is the redirect URI's port. Or keep the " +
			"redirect URI and listen on a free port with --callback-addr HOST:PORT (Config.CallbackAddr) behind a " +
			"port forward, or paste the URL the browser was redirected to with --paste (LoginPaste).",
	},
	{
		ID:    IDStateMismatch,
		Title: "Callback state does not match the request",
		Steps: []Step{StepCallback},
		Causes: []string{
			"the callback belongs to another, older authorization request",
			"the state was changed or dropped on the way (RFC 6749 §10.12)",
			"a forged callback: cross-site request forgery",
		},
		Fix: "Start the authorization again and finish it in the same run; do not reuse old callback URLs.",
	},
	{
		ID:    IDIssuerMismatch,
		Title: "Issuer differs from the expected one",
		Steps: []Step{StepDiscovery, StepCallback, StepVerify},
		Causes: []string{
			"the response came from another realm or environment than the one configured (RFC 9207 mix-up)",
			"the issuer is configured with another host, a trailing slash or another realm name",
			"a proxy or hostname setting changes the server's public URL",
		},
		Fix: "Configure the issuer exactly as the discovery document states it, such as " +
			"https://auth.lsk-prod.app/realms/k-series without a trailing slash, and make sure the client belongs " +
			"to that environment.",
	},
	{
		ID:    IDEndpointUnreachable,
		Title: "Authorization server unreachable",
		Steps: []Step{StepDiscovery, StepProbe, StepToken, StepRefresh},
		Causes: []string{
			"the host name does not resolve: a typo or a host that does not exist, such as auth.lsk.lightspeed.app",
			"the connection was refused: nothing listens there, or a local emulator is not running",
			"the connection timed out: a firewall, proxy or network outage",
		},
		Fix: "Check the host against the environment (auth.lsk-trial.app or auth.lsk-prod.app) and the network " +
			"path, including any HTTPS_PROXY setting.",
	},
	{
		ID:    IDTLSError,
		Title: "TLS connection failed",
		Steps: []Step{StepDiscovery, StepProbe, StepToken, StepRefresh},
		Causes: []string{
			"the server's certificate is not trusted: a proxy that intercepts TLS, or a missing CA certificate",
			"the certificate does not match the host name",
			"https was used against a plain-http server, or the reverse",
		},
		Fix: "Use https with the public hosts, install the proxy's CA certificate if one intercepts TLS, and use " +
			"http only for the local emulator.",
	},
	{
		ID:    IDScopeNotGranted,
		Title: "Granted scopes differ from the requested ones",
		Steps: []Step{StepVerify},
		Causes: []string{
			"the client is not provisioned for a requested scope, which was dropped silently",
			"the user did not consent to every scope",
		},
		Fix: "Request more scopes for the client in the developer portal, or remove the scope from the request.",
	},
	{
		ID:    IDInvalidToken,
		Title: "Token rejected by the server",
		Steps: []Step{StepVerify, StepRefresh},
		Causes: []string{
			"the access token expired or its session ended",
			"the token comes from another realm or environment",
			"no token or a malformed Authorization: Bearer header was sent",
		},
		Fix: "Send a current access token as Authorization: Bearer <token>, refreshing it when expires_in has passed.",
	},
	{
		ID:    IDTokenVerificationFailed,
		Title: "Token failed verification",
		Steps: []Step{StepVerify},
		Causes: []string{
			"the signature does not verify against the realm's keys (another realm, or keys rotated)",
			"the audience or nonce differs from the request's",
			"the token is expired or not yet valid, often because of clock skew",
		},
		Fix: "Verify against the realm's own discovery document and keys, with the client ID as audience, and " +
			"check the local clock.",
	},
	{
		ID:    IDClockSkew,
		Title: "Local clock differs from the server's",
		Steps: []Step{StepToken, StepVerify, StepRefresh},
		Causes: []string{
			"the local clock is wrong, so fresh tokens look expired or not yet valid",
		},
		Fix: "Synchronise the clock with NTP (timedatectl set-ntp true, or the system's time settings).",
	},
	{
		ID:    IDUnknown,
		Title: "Failure not recognised",
		Steps: []Step{StepDiscovery, StepProbe, StepAuthorize, StepCallback, StepToken, StepVerify, StepRefresh},
		Causes: []string{
			"the response matches no known K-Series or Keycloak failure, so only the raw evidence is shown",
		},
		Fix: "Read the raw evidence listed with this diagnosis, under Evidence. If it does not explain itself, " +
			"contact Technical Partner Support (TPS) with it, the time and your client ID, never with the secret.",
	},
}
