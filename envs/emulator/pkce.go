package emulator

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"regexp"
)

// pkceValuePattern is the syntax of both the code verifier and the code
// challenge: 43 to 128 unreserved characters (RFC 7636 §4.1, §4.2).
var pkceValuePattern = regexp.MustCompile(`^[A-Za-z0-9\-._~]{43,128}$`)

// pkceRequest is the PKCE part of an authorization request. Each value is
// nil when its parameter was absent. An empty parameter is present.
type pkceRequest struct {
	challenge *string
	method    *string
}

// checkPKCE validates the authorization request's PKCE parameters and
// returns the method to store with the code ("" when PKCE is not used) or
// the error_description of an invalid_request redirect. The checks and
// their order are Keycloak 26's AuthorizationEndpointChecker.checkPKCEParams.
func (c *client) checkPKCE(p pkceRequest) (method, description string) {
	if c.PKCEMethod != "" {
		return c.checkEnforcedPKCE(p)
	}
	if p.challenge == nil {
		if p.method != nil {
			return "", "Missing parameter: code_challenge"
		}
		return "", ""
	}
	method = PKCEMethodPlain // RFC 7636 §4.3: plain when the method is absent
	if p.method != nil {
		if *p.method != PKCEMethodPlain && *p.method != PKCEMethodS256 {
			return "", "Invalid parameter: code_challenge_method"
		}
		method = *p.method
	}
	if !pkceValuePattern.MatchString(*p.challenge) {
		return "", "Invalid parameter: code_challenge"
	}
	return method, ""
}

func (c *client) checkEnforcedPKCE(p pkceRequest) (method, description string) {
	switch {
	case p.method == nil:
		return "", "Missing parameter: code_challenge_method"
	case *p.method != c.PKCEMethod:
		return "", "Invalid parameter: code challenge method is not matching the configured one"
	case p.challenge == nil:
		return "", "Missing parameter: code_challenge"
	case !pkceValuePattern.MatchString(*p.challenge):
		return "", "Invalid parameter: code_challenge"
	}
	return *p.method, ""
}

// verifyPKCE checks the token request's code_verifier against the
// challenge stored with the code (RFC 7636 §4.6) and returns the
// invalid_grant description and Keycloak event error on failure. verifier
// is nil when the parameter was absent. Texts are Keycloak 26's PkceUtils
// and AuthorizationCodeGrantType.
func verifyPKCE(challenge, method string, verifier *string) (description, eventError string) {
	switch {
	case challenge == "" && verifier == nil:
		return "", ""
	case challenge == "":
		return "PKCE code verifier specified but challenge not present in authorization", "invalid_code_verifier"
	case verifier == nil:
		return "PKCE code verifier not specified", "code_verifier_missing"
	case !pkceValuePattern.MatchString(*verifier):
		return "PKCE verification failed: Invalid code verifier", "invalid_code_verifier"
	}
	computed := *verifier
	if method == PKCEMethodS256 {
		sum := sha256.Sum256([]byte(*verifier))
		computed = base64.RawURLEncoding.EncodeToString(sum[:])
	}
	if subtle.ConstantTimeCompare([]byte(computed), []byte(challenge)) != 1 {
		return "PKCE verification failed: Code mismatch", "pkce_verification_failed"
	}
	return "", ""
}
