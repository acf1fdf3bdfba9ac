package flow

import (
	"encoding/base64"
	"fmt"
	"io"
	"strings"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"
)

// authParams are the per-request secrets of one authorization request.
type authParams struct {
	// state binds the callback to this request (RFC 6749 §10.12).
	state string
	// nonce binds the ID token to this request (OpenID Connect Core
	// §3.1.2.1).
	nonce string
	// verifier is the PKCE code_verifier (RFC 7636 §4.1). Its S256
	// challenge goes into the authorization request.
	verifier string
}

// randomBytes is the entropy of each value: 32 bytes give a 43-character
// base64url string, the shortest verifier RFC 7636 §4.1 allows and the
// length it recommends.
const randomBytes = 32

// newAuthParams draws state, nonce and verifier from rand.
func newAuthParams(rand io.Reader) (authParams, error) {
	var values [3]string
	for i := range values {
		b := make([]byte, randomBytes)
		if _, err := io.ReadFull(rand, b); err != nil {
			return authParams{}, fmt.Errorf("could not read random bytes for state, nonce and PKCE: %w", err)
		}
		values[i] = base64.RawURLEncoding.EncodeToString(b)
	}
	return authParams{state: values[0], nonce: values[1], verifier: values[2]}, nil
}

// oauthConfig returns the x/oauth2 configuration for one redirect URI.
func (r *runner) oauthConfig(redirectURI string) *oauth2.Config {
	return &oauth2.Config{
		ClientID:     r.cfg.ClientID,
		ClientSecret: r.cfg.ClientSecret,
		Endpoint:     r.endpoint,
		RedirectURL:  redirectURI,
		Scopes:       r.cfg.Scopes,
	}
}

// authCodeURL builds the authorization request (RFC 6749 §4.1.1):
// response_type=code, client_id, redirect_uri, scope, state, the OpenID
// Connect nonce, and the PKCE S256 code_challenge (RFC 7636 §4.3).
func authCodeURL(conf *oauth2.Config, p authParams) string {
	return conf.AuthCodeURL(p.state, oidc.Nonce(p.nonce), oauth2.S256ChallengeOption(p.verifier))
}

// scopeParam returns the scope parameter as sent: space-delimited.
func (r *runner) scopeParam() string {
	return strings.Join(r.cfg.Scopes, " ")
}
