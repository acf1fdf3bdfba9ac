package emulator

import (
	"net/http"
	"net/url"
	"time"
)

// descTokenNotProvided is the description for a revocation request without
// a token parameter (Keycloak 26's TokenRevocationEndpoint).
// NOTE: introspection is assumed to use the same text. No recording covers
// either case.
const descTokenNotProvided = "Token not provided"

// readClientForm parses a form body and authenticates the client, as the
// introspection and revocation endpoints do first. On failure it writes
// Keycloak's 401 JSON, without Cache-Control on these endpoints, and
// returns nil.
func (rl *Realm) readClientForm(w http.ResponseWriter, r *http.Request, errorEvent string) (*client, url.Values) {
	ev := eventOf(r)
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	if err := r.ParseForm(); err != nil {
		ev.fail(errorEvent, "invalid_request")
		writeJSON(w, http.StatusInternalServerError, oauthError{Error: "unknown_error", Description: descServerError})
		return nil, nil
	}
	c, failure := rl.authenticateClient(r, r.PostForm)
	if failure != nil {
		ev.fail(errorEvent, failure.eventError)
		writeJSON(w, http.StatusUnauthorized, oauthError{Error: failure.code, Description: descInvalidClient})
		return nil, nil
	}
	return c, r.PostForm
}

// handleIntrospect serves token introspection (RFC 7662). Access tokens
// and refresh tokens of this realm that are still valid are active. Any
// other token gets {"active":false}.
func (rl *Realm) handleIntrospect(w http.ResponseWriter, r *http.Request) {
	ev := eventOf(r)
	ev.kind = eventIntrospect
	c, form := rl.readClientForm(w, r, eventIntrospectError)
	if c == nil {
		return
	}
	token, ok := first(form, "token")
	if !ok {
		ev.fail(eventIntrospectError, "invalid_request")
		writeJSON(w, http.StatusBadRequest, oauthError{Error: "invalid_request", Description: descTokenNotProvided})
		return
	}

	w.Header().Set("Cache-Control", "no-cache")
	out := map[string]any{"active": false}
	now := rl.now()
	if claims, problem := rl.checkAccessToken(token, now); problem == tokenOK {
		out = tokenClaims(claims)
		out["client_id"] = claims.Azp
		if claims.PreferredUsername != "" {
			out["username"] = claims.PreferredUsername
		}
		out["token_type"] = typBearer
		out["active"] = true
	} else if claims, ok := rl.checkRefreshToken(token, now); ok {
		out = tokenClaims(claims)
		out["client_id"] = claims.Azp
		out["active"] = true
	}
	ev.succeed(eventIntrospect)
	writeJSON(w, http.StatusOK, out)
}

// checkRefreshToken verifies a refresh or offline token of this realm
// whose session is active and still has the token's client.
func (rl *Realm) checkRefreshToken(token string, now time.Time) (claims, bool) {
	var c claims
	if rl.keys.verifyHS512(token, &c) != nil || (c.Typ != typRefresh && c.Typ != typOffline) || c.Iss != rl.Issuer() {
		return c, false
	}
	if c.Exp != 0 && now.Unix() > c.Exp {
		return c, false
	}
	rl.mu.Lock()
	defer rl.mu.Unlock()
	us := rl.liveSession(c.SID, c.Typ == typOffline, now)
	return c, us != nil && us.clients[c.Azp] != nil
}

// handleRevoke serves token revocation (RFC 7009) with the checks of
// Keycloak 26's TokenRevocationEndpoint, in its order: client
// authentication, duplicated parameters, the token present, readable, of a
// revocable type, issued to this client, and of a live session.
//
// Revoking a refresh token detaches its client session, so the session's
// tokens for that client stop working. Revoking an access token blocks
// that token until it expires. As recorded on Keycloak 26.7.1, success is
// 200 with an empty body, and an unknown token is 200 with an
// invalid_token error body.
func (rl *Realm) handleRevoke(w http.ResponseWriter, r *http.Request) {
	ev := eventOf(r)
	ev.kind = eventRevoke
	c, form := rl.readClientForm(w, r, eventRevokeError)
	if c == nil {
		return
	}
	fail := func(status int, code, description, eventError string) {
		ev.fail(eventRevokeError, eventError)
		ev.reason = description
		writeJSON(w, status, oauthError{Error: code, Description: description})
	}

	if hasDuplicates(form) {
		fail(http.StatusBadRequest, "invalid_request", "duplicated parameter", "invalid_request")
		return
	}
	token, ok := first(form, "token")
	if !ok {
		fail(http.StatusBadRequest, "invalid_request", descTokenNotProvided, "invalid_request")
		return
	}
	tc, ok := rl.decodeToken(token)
	switch {
	case !ok:
		fail(http.StatusOK, "invalid_token", "Invalid token", "invalid_token")
		return
	case tc.Typ != typRefresh && tc.Typ != typOffline && tc.Typ != typBearer:
		fail(http.StatusBadRequest, "unsupported_token_type", "Unsupported token type", "invalid_token_type")
		return
	case tc.Azp == "":
		fail(http.StatusOK, "invalid_token", "Invalid token", "invalid_token")
		return
	case tc.Azp != c.ClientID:
		fail(http.StatusBadRequest, "invalid_request", "Unmatching clients", "invalid_request")
		return
	}

	if !rl.revokeToken(tc) {
		fail(http.StatusOK, "invalid_token", "Invalid token", "user_session_not_found")
		return
	}
	ev.succeed(eventRevoke)
	setPageHeaders(w.Header())
	w.WriteHeader(http.StatusOK)
}

// decodeToken checks the signature of any token this realm issued (RS256
// access and ID tokens, HS512 refresh tokens) and returns its claims.
func (rl *Realm) decodeToken(token string) (claims, bool) {
	var c claims
	if rl.keys.verifyRS256(token, &c) == nil || rl.keys.verifyHS512(token, &c) == nil {
		return c, c.Iss == rl.Issuer()
	}
	return c, false
}

// revokeToken revokes a verified access, refresh or offline token and
// reports whether its user session was still valid for its client. A
// user session left without clients is removed, as Keycloak does.
func (rl *Realm) revokeToken(tc claims) bool {
	now := rl.now()
	rl.mu.Lock()
	defer rl.mu.Unlock()
	us := rl.liveSession(tc.SID, tc.Typ == typOffline, now)
	if us == nil || us.clients[tc.Azp] == nil {
		return false
	}
	if tc.Typ == typBearer {
		rl.state.revoked[tc.JTI] = time.Unix(tc.Exp, 0)
		return true
	}
	for _, sessions := range []map[string]*userSession{rl.state.offline, rl.state.sessions} {
		if s := sessions[tc.SID]; s != nil {
			delete(s.clients, tc.Azp)
			if len(s.clients) == 0 {
				delete(sessions, tc.SID)
			}
		}
	}
	return true
}
