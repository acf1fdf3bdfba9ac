package emulator

import (
	"crypto/subtle"
	"encoding/base64"
	"net/http"
	"net/url"
	"strings"
)

// descInvalidClient is Keycloak's description for every client
// authentication failure since KC 20.
const descInvalidClient = "Invalid client or Invalid client credentials"

// authFailure is a rejected client authentication: status 401 with
// invalid_client (unknown or disabled client) or unauthorized_client
// (missing or wrong secret), as Keycloak 26 responds.
type authFailure struct {
	code       string
	eventError string
}

// parseBasic decodes an HTTP Basic Authorization header (RFC 7617) whose
// user and password are form-urlencoded first, as RFC 6749 §2.3.1 requires
// and Keycloak does since KC 20 (BasicAuthHelper.RFC6749). It reports
// false for any other header.
func parseBasic(header string) (user, password string, ok bool) {
	scheme, encoded, found := strings.Cut(header, " ")
	if !found || !strings.EqualFold(scheme, "Basic") {
		return "", "", false
	}
	raw, err := base64.StdEncoding.DecodeString(strings.TrimSpace(encoded))
	if err != nil {
		return "", "", false
	}
	user, password, found = strings.Cut(string(raw), ":")
	if !found {
		return "", "", false
	}
	user, err = url.QueryUnescape(user)
	if err != nil {
		return "", "", false
	}
	password, err = url.QueryUnescape(password)
	if err != nil {
		return "", "", false
	}
	return user, password, true
}

// clientCredentials returns the client ID and secret a request presents:
// from the form's client_id and client_secret (client_secret_post), else
// from the Basic header (client_secret_basic). A form client_id overrides
// the Basic username, and the Basic password then counts only when it
// belongs to that same client. secret is nil when none was sent.
//
// NOTE: Keycloak's response to an Authorization header that is not valid
// Basic (bad base64, no colon) without a form client_id is unverified: its
// authenticator sends a bare 401 challenge, but its flow falls through to
// the generic failure. The emulator treats such a header as absent, which
// gives 401 invalid_client "Invalid client or Invalid client credentials".
func clientCredentials(r *http.Request, form url.Values) (id string, secret *string) {
	basicUser, basicPassword, basicOK := parseBasic(r.Header.Get("Authorization"))
	formID, formHasID := first(form, "client_id")
	formSecret := firstPtr(form, "client_secret")
	switch {
	case formHasID:
		if formSecret == nil && basicOK && basicUser == formID {
			formSecret = &basicPassword
		}
		return formID, formSecret
	case basicOK:
		return basicUser, &basicPassword
	}
	return "", nil
}

// authenticateClient checks the client's credentials with Keycloak 26's
// ClientIdAndSecretAuthenticator outcomes. Public clients pass without a
// secret.
func (rl *Realm) authenticateClient(r *http.Request, form url.Values) (*client, *authFailure) {
	id, secret := clientCredentials(r, form)
	eventOf(r).clientID = id
	c := rl.clients[id]
	switch {
	case c == nil:
		return nil, &authFailure{code: "invalid_client", eventError: "client_not_found"}
	case !c.Enabled:
		return nil, &authFailure{code: "invalid_client", eventError: "client_disabled"}
	case c.PublicClient:
		return c, nil
	case secret == nil:
		return nil, &authFailure{code: "unauthorized_client", eventError: "invalid_client_credentials"}
	case subtle.ConstantTimeCompare([]byte(*secret), []byte(c.Secret)) != 1:
		return nil, &authFailure{code: "unauthorized_client", eventError: "invalid_client_credentials"}
	}
	return c, nil
}
