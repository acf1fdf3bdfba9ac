package emulator

import (
	"encoding/json"
	"net/http"
	"strings"
	"time"
)

// Userinfo failure descriptions (Keycloak 26 UserInfoEndpoint).
const (
	descTokenVerification = "Token verification failed"
	descMissingOpenID     = "Missing openid scope"
	descSessionNotFound   = "User session not found or doesn't have client attached on it"
)

// tokenProblem is the reason an access token is rejected.
type tokenProblem int

const (
	tokenOK tokenProblem = iota
	tokenInvalid
	tokenNoSession
)

// checkAccessToken verifies an access token issued by this realm: RS256
// signature, typ Bearer, issuer, expiry and revocation. When the token
// names a user session, that session must be active and still have the
// token's client attached. A replayed code or a reused refresh token
// detaches the client.
func (rl *Realm) checkAccessToken(token string, now time.Time) (claims, tokenProblem) {
	var c claims
	if token == "" || rl.keys.verifyRS256(token, &c) != nil || c.Typ != typBearer || c.Iss != rl.Issuer() || now.Unix() >= c.Exp {
		return c, tokenInvalid
	}
	rl.mu.Lock()
	defer rl.mu.Unlock()
	if _, revoked := rl.state.revoked[c.JTI]; revoked {
		return c, tokenInvalid
	}
	if c.SID == "" {
		return c, tokenOK
	}
	us := rl.liveSession(c.SID, false, now)
	if us == nil {
		us = rl.liveSession(c.SID, true, now)
	}
	if us == nil || us.clients[c.Azp] == nil {
		return c, tokenNoSession
	}
	return c, tokenOK
}

// bearerToken returns the access token from "Authorization: Bearer", or
// from a form access_token parameter on POST (RFC 6750 §2.1, §2.2).
func bearerToken(r *http.Request) string {
	if scheme, token, ok := strings.Cut(r.Header.Get("Authorization"), " "); ok && strings.EqualFold(scheme, "Bearer") {
		return strings.TrimSpace(token)
	}
	if r.Method == http.MethodPost {
		return r.PostFormValue("access_token")
	}
	return ""
}

// handleUserInfo serves the userinfo endpoint (OpenID Connect Core §5.3).
// Failures are sent as Keycloak 26.7.1 was measured sending them: an empty
// text/plain body, with the error only in WWW-Authenticate (RFC 6750 §3).
func (rl *Realm) handleUserInfo(w http.ResponseWriter, r *http.Request) {
	ev := eventOf(r)
	ev.kind = eventUserInfo
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Pragma", "no-cache")

	if r.Method == http.MethodPost {
		r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	}

	token := bearerToken(r)
	if token == "" {
		ev.fail(eventUserInfoError, "invalid_token")
		rl.bearerChallenge(w, http.StatusUnauthorized, "", "")
		return
	}

	c, problem := rl.checkAccessToken(token, rl.now())
	switch problem {
	case tokenInvalid:
		ev.fail(eventUserInfoError, "invalid_token")
		rl.bearerChallenge(w, http.StatusUnauthorized, "invalid_token", descTokenVerification)
		return
	case tokenNoSession:
		// NOTE: status and error follow older Keycloak source, because
		// 26.x was not measured for a token whose session is gone.
		ev.fail(eventUserInfoError, "user_session_not_found")
		rl.bearerChallenge(w, http.StatusUnauthorized, "invalid_request", descSessionNotFound)
		return
	}

	ev.clientID = c.Azp
	if !hasScope(c.Scope, scopeOpenID) {
		ev.fail(eventUserInfoError, "access_denied")
		rl.bearerChallenge(w, http.StatusForbidden, "insufficient_scope", descMissingOpenID)
		return
	}

	ev.succeed(eventUserInfo)
	w.Header().Add("Cache-Control", "no-cache")
	writeJSON(w, http.StatusOK, userInfoFrom(c))
}

// userInfo is the userinfo response body, with Keycloak's member order.
type userInfo struct {
	Sub               string `json:"sub"`
	EmailVerified     *bool  `json:"email_verified,omitempty"`
	Name              string `json:"name,omitempty"`
	PreferredUsername string `json:"preferred_username,omitempty"`
	GivenName         string `json:"given_name,omitempty"`
	FamilyName        string `json:"family_name,omitempty"`
	Email             string `json:"email,omitempty"`
}

func userInfoFrom(c claims) userInfo {
	return userInfo{
		Sub: c.Sub, EmailVerified: c.EmailVerified, Name: c.Name, PreferredUsername: c.PreferredUsername,
		GivenName: c.GivenName, FamilyName: c.FamilyName, Email: c.Email,
	}
}

// bearerChallenge writes status with an empty text/plain body and a Bearer
// WWW-Authenticate header naming the realm, the error and its description.
func (rl *Realm) bearerChallenge(w http.ResponseWriter, status int, code, description string) {
	value := `Bearer realm="` + rl.cfg.Realm + `"`
	if code != "" {
		value += `, error="` + code + `", error_description="` + description + `"`
	}
	w.Header().Set("WWW-Authenticate", value)
	w.Header().Set("Content-Type", "text/plain;charset=utf-8")
	w.WriteHeader(status)
}

// tokenClaims converts a verified token's claims into a map, for the
// introspection response.
func tokenClaims(c claims) map[string]any {
	b, err := json.Marshal(c)
	if err != nil {
		return map[string]any{}
	}
	out := map[string]any{}
	_ = json.Unmarshal(b, &out) // b is an encoded object
	return out
}
