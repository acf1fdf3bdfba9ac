package emulator

import (
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"time"
)

// tokenResponse is the token endpoint's success body (RFC 6749 §5.1) with
// the members in Keycloak 26's order. Empty optional members are left out.
type tokenResponse struct {
	AccessToken      string `json:"access_token"`
	ExpiresIn        int64  `json:"expires_in"`
	RefreshExpiresIn int64  `json:"refresh_expires_in"`
	RefreshToken     string `json:"refresh_token,omitempty"`
	TokenType        string `json:"token_type"`
	IDToken          string `json:"id_token,omitempty"`
	NotBeforePolicy  int    `json:"not-before-policy"`
	SessionState     string `json:"session_state,omitempty"`
	Scope            string `json:"scope"`
}

// issueRequest describes the tokens to issue.
type issueRequest struct {
	client   *client
	user     *user
	session  *userSession // nil for client_credentials, which has none
	scope    string       // the granted scope
	nonce    string
	authTime time.Time
	refresh  bool // issue a refresh token
}

// issueTokens signs an access token, an ID token when the scope has
// openid, and a refresh token when in.refresh is set and there is a
// session. The refresh token is an offline one (typ "Offline", no expiry)
// when the session is offline, and its ID is recorded in the client
// session for rotation checks.
func (rl *Realm) issueTokens(in issueRequest) (tokenResponse, error) {
	now := rl.now()
	resp := tokenResponse{
		ExpiresIn: int64(rl.cfg.AccessTokenLifespan),
		TokenType: "Bearer",
		Scope:     in.scope,
	}
	access := rl.userClaims(in, now, typBearer)
	access.Exp = now.Add(seconds(rl.cfg.AccessTokenLifespan)).Unix()
	access.Aud = "account"
	access.Scope = in.scope

	var err error
	if resp.AccessToken, err = rl.keys.signRS256(access); err != nil {
		return resp, err
	}

	if hasScope(in.scope, scopeOpenID) {
		id := rl.userClaims(in, now, typID)
		id.Exp = access.Exp
		id.Aud = in.client.ClientID
		id.Nonce = in.nonce
		id.AtHash = atHash(resp.AccessToken)
		if resp.IDToken, err = rl.keys.signRS256(id); err != nil {
			return resp, err
		}
	}

	if in.session != nil {
		resp.SessionState = in.session.id
	}
	if in.refresh && in.session != nil {
		if err := rl.issueRefreshToken(in, now, &resp); err != nil {
			return resp, err
		}
	}
	return resp, nil
}

func (rl *Realm) issueRefreshToken(in issueRequest, now time.Time, resp *tokenResponse) error {
	rt := claims{
		Iat: now.Unix(), JTI: newUUID(), Iss: rl.Issuer(), Aud: rl.Issuer(), Sub: in.user.id,
		Typ: typRefresh, Azp: in.client.ClientID, SID: in.session.id, Scope: in.scope,
	}
	rl.mu.Lock()
	if in.session.offline {
		rt.Typ = typOffline
	} else {
		rt.Exp = rl.sessionExpiry(in.session).Unix()
		resp.RefreshExpiresIn = rt.Exp - now.Unix()
	}
	if cs := in.session.clients[in.client.ClientID]; cs != nil {
		cs.issueCount++
		cs.issued[rt.JTI] = cs.issueCount
	}
	rl.mu.Unlock()
	token, err := rl.keys.signHS512(rt)
	if err != nil {
		return fmt.Errorf("could not sign the refresh token: %w", err)
	}
	resp.RefreshToken = token
	return nil
}

// userClaims are the claims access and ID tokens share: identity, session
// and, by scope, the profile and email claims (OpenID Connect Core §5.4).
func (rl *Realm) userClaims(in issueRequest, now time.Time, typ string) claims {
	c := claims{
		Iat: now.Unix(), JTI: newUUID(), Iss: rl.Issuer(), Sub: in.user.id,
		Typ: typ, Azp: in.client.ClientID, Acr: "1",
	}
	if !in.authTime.IsZero() {
		c.AuthTime = in.authTime.Unix()
	}
	if in.session != nil {
		c.SID = in.session.id
	}
	u := in.user
	if hasScope(in.scope, "profile") {
		c.PreferredUsername = u.Username
		c.GivenName, c.FamilyName = u.FirstName, u.LastName
		c.Name = joinName(u.FirstName, u.LastName)
	}
	if hasScope(in.scope, "email") {
		verified := u.EmailVerified
		c.EmailVerified = &verified
		c.Email = u.Email
	}
	return c
}

func joinName(first, last string) string {
	switch {
	case first == "":
		return last
	case last == "":
		return first
	}
	return first + " " + last
}

// atHash is the ID token's at_hash: the left half of the access token's
// SHA-256, base64url-encoded (OpenID Connect Core §3.1.3.6).
func atHash(accessToken string) string {
	sum := sha256.Sum256([]byte(accessToken))
	return base64.RawURLEncoding.EncodeToString(sum[:len(sum)/2])
}

// serviceAccount returns the service-account user that a client_credentials
// token is issued for.
func serviceAccount(c *client) *user {
	name := "service-account-" + c.ClientID
	return &user{UserConfig: UserConfig{Username: name, Enabled: true}, id: nameUUID("service-account/" + c.uuid)}
}
