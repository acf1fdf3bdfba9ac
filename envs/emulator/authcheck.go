package emulator

import (
	"net/url"
	"slices"
	"strings"
)

// Redirect errors of the response_type checks (Keycloak 26
// AuthorizationEndpointChecker.checkResponseType).
const (
	descStandardFlowDisabled = "Client is not allowed to initiate browser login with given response_type. Standard flow is disabled for the client."
	descImplicitFlowDisabled = "Client is not allowed to initiate browser login with given response_type. Implicit flow is disabled for the client."
)

// responseType is a parsed response_type parameter.
type responseType struct {
	code, none, implicitOrHybrid bool
}

// parseResponseType parses response_type as Keycloak's OIDCResponseType
// does: space-separated values from code, token, id_token and none, with
// none only alone. Case matters, so "CODE" is unsupported.
func parseResponseType(raw string) (responseType, bool) {
	var rt responseType
	parts := strings.Split(strings.TrimSpace(raw), " ")
	for _, p := range parts {
		switch p {
		case "code":
			rt.code = true
		case "none":
			rt.none = true
		case "token", "id_token":
			rt.implicitOrHybrid = true
		default:
			return rt, false
		}
	}
	if rt.none && len(parts) > 1 {
		return rt, false
	}
	return rt, true
}

// resolveResponseMode returns the response mode to use: the default for
// the response type when the parameter is absent (query for code and none,
// fragment otherwise), with "jwt" resolved the same way.
func resolveResponseMode(param *string, rt responseType) (string, bool) {
	if param == nil {
		if rt.implicitOrHybrid {
			return modeFragment, true
		}
		return modeQuery, true
	}
	switch *param {
	case modeQuery, modeFragment, modeFormPost, modeQueryJWT, modeFragmentJWT, modeFormPostJWT:
		return *param, true
	case modeJWT:
		if rt.implicitOrHybrid {
			return modeFragmentJWT, true
		}
		return modeQueryJWT, true
	}
	return "", false
}

// checkAuthParams runs the checks whose failures are redirected to the
// client, in Keycloak 26's order: response_type, response_mode, the flow
// the client allows, duplicated parameters, scope, then PKCE. It sets the
// response mode on req as soon as it is known, and returns the error code
// and description of the first failure, or "" when all pass.
//
// The emulator has no implicit flow: every client rejects implicit and
// hybrid requests as a client with Implicit Flow turned off does.
func (rl *Realm) checkAuthParams(c *client, params url.Values, req *authRequest) (code, description string) {
	if _, ok := params["response_type"]; !ok {
		return "invalid_request", "Missing parameter: response_type"
	}

	rt, ok := parseResponseType(req.responseType)
	if !ok {
		return "unsupported_response_type", ""
	}
	mode, ok := resolveResponseMode(req.responseMode, rt)
	if !ok {
		return "invalid_request", "Invalid parameter: response_mode"
	}
	req.resp.mode = mode

	switch {
	case rt.implicitOrHybrid && mode == modeQuery:
		return "invalid_request", "Response_mode 'query' not allowed for implicit or hybrid flow"
	case rt.implicitOrHybrid && mode == modeQueryJWT:
		return "invalid_request", "Response_mode 'query.jwt' is allowed only when the authorization response token is encrypted"
	case (rt.code || rt.none) && !c.StandardFlowEnabled:
		return "unauthorized_client", descStandardFlowDisabled
	case rt.implicitOrHybrid:
		return "unauthorized_client", descImplicitFlowDisabled
	case hasDuplicates(params):
		return "invalid_request", "duplicated parameter"
	case req.scopePresent && !c.validScope(req.scope):
		return "invalid_scope", "Invalid scopes: " + req.scope
	}

	method, pkceError := c.checkPKCE(pkceRequest{
		challenge: firstPtr(params, "code_challenge"),
		method:    firstPtr(params, "code_challenge_method"),
	})
	if pkceError != "" {
		return "invalid_request", pkceError
	}
	req.pkceMethod = method
	if method != "" {
		req.pkceChallenge, _ = first(params, "code_challenge")
	}
	return "", ""
}

// hasDuplicates reports whether any parameter was sent more than once.
func hasDuplicates(params url.Values) bool {
	for _, v := range params {
		if len(v) > 1 {
			return true
		}
	}
	return false
}

// hasPrompt reports whether the prompt parameter contains value.
func (req *authRequest) hasPrompt(value string) bool {
	return slices.Contains(req.prompts, value)
}
