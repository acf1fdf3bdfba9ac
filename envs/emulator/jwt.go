package emulator

import (
	"encoding/json"
	"errors"
	"fmt"

	jose "github.com/go-jose/go-jose/v4"
)

// Token types in the "typ" claim, as Keycloak 26 sets them.
const (
	typBearer  = "Bearer"
	typID      = "ID"
	typRefresh = "Refresh"
	typOffline = "Offline"
	// typIdentity marks the KEYCLOAK_IDENTITY cookie's token.
	typIdentity = "Serialized-ID"
	// typRestart marks the emulator's KC_RESTART cookie token.
	typRestart = "Restart"
)

// claims are the JWT claims the emulator issues, in the member order of
// Keycloak 26's tokens. Empty members are left out, so one type serves
// access, ID and refresh tokens.
type claims struct {
	Exp               int64  `json:"exp,omitempty"`
	Iat               int64  `json:"iat"`
	AuthTime          int64  `json:"auth_time,omitempty"`
	JTI               string `json:"jti"`
	Iss               string `json:"iss"`
	Aud               string `json:"aud,omitempty"`
	Sub               string `json:"sub"`
	Typ               string `json:"typ"`
	Azp               string `json:"azp,omitempty"`
	Nonce             string `json:"nonce,omitempty"`
	SID               string `json:"sid,omitempty"`
	AtHash            string `json:"at_hash,omitempty"`
	Acr               string `json:"acr,omitempty"`
	Scope             string `json:"scope,omitempty"`
	EmailVerified     *bool  `json:"email_verified,omitempty"`
	Name              string `json:"name,omitempty"`
	PreferredUsername string `json:"preferred_username,omitempty"`
	GivenName         string `json:"given_name,omitempty"`
	FamilyName        string `json:"family_name,omitempty"`
	Email             string `json:"email,omitempty"`
}

// signRS256 signs access and ID tokens with the realm's RSA key.
func (k *realmKeys) signRS256(c any) (string, error) {
	key := jose.JSONWebKey{Key: k.rsa, KeyID: k.rsaKID, Algorithm: string(jose.RS256)}
	return signJWT(jose.RS256, key, c)
}

// signHS512 signs refresh tokens and cookie tokens with the realm's HMAC
// key, as Keycloak 26 signs refresh tokens.
func (k *realmKeys) signHS512(c any) (string, error) {
	key := jose.JSONWebKey{Key: k.hmac, KeyID: k.hmacKID, Algorithm: string(jose.HS512)}
	return signJWT(jose.HS512, key, c)
}

func signJWT(alg jose.SignatureAlgorithm, key jose.JSONWebKey, c any) (string, error) {
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: alg, Key: key}, (&jose.SignerOptions{}).WithType("JWT"))
	if err != nil {
		return "", fmt.Errorf("could not create a %s signer: %w", alg, err)
	}
	payload, err := json.Marshal(c)
	if err != nil {
		return "", fmt.Errorf("could not encode token claims: %w", err)
	}
	obj, err := signer.Sign(payload)
	if err != nil {
		return "", fmt.Errorf("could not sign the token: %w", err)
	}
	return obj.CompactSerialize()
}

// errBadToken is returned for any token that fails parsing or signature
// checks. Callers respond with Keycloak's generic text, never the detail.
var errBadToken = errors.New("token verification failed")

// verifyRS256 checks an access or ID token's signature and decodes it.
func (k *realmKeys) verifyRS256(token string, into any) error {
	return verifyJWT(token, jose.RS256, &k.rsa.PublicKey, into)
}

// verifyHS512 checks a refresh or cookie token's signature and decodes it.
func (k *realmKeys) verifyHS512(token string, into any) error {
	return verifyJWT(token, jose.HS512, k.hmac, into)
}

func verifyJWT(token string, alg jose.SignatureAlgorithm, key any, into any) error {
	obj, err := jose.ParseSignedCompact(token, []jose.SignatureAlgorithm{alg})
	if err != nil {
		return errBadToken
	}
	payload, err := obj.Verify(key)
	if err != nil {
		return errBadToken
	}
	if err := json.Unmarshal(payload, into); err != nil {
		return errBadToken
	}
	return nil
}
