package emulator

import (
	"net/http"
	"net/url"
	"time"
)

// descTokenNotProvided answers introspection and revocation requests
// without a token parameter.
// NOTE: taken from Keycloak's endpoint source; no recording covers it.
const descTokenNotProvided = "Token not provided"

// readClientForm parses a form body and authenticates the client, as the
// introspection and revocation endpoints do first. On failure it answers
// with Keycloak's 401 JSON, which carries no Cache-Control there, and
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
// and refresh tokens of this realm that are still valid are active; any
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

// handleRevoke serves token revocation (RFC 7009). Revoking a refresh
// token ends its client session, so its access tokens fail introspection
// and userinfo; revoking an access token blocks that token until it
// expires. As on Keycloak 26.7.1, success is 200 with an empty body, and
// an unknown token is 200 with an invalid_token error body.
func (rl *Realm) handleRevoke(w http.ResponseWriter, r *http.Request) {
	ev := eventOf(r)
	ev.kind = eventRevoke
	c, form := rl.readClientForm(w, r, eventRevokeError)
	if c == nil {
		return
	}
	token, ok := first(form, "token")
	if !ok {
		ev.fail(eventRevokeError, "invalid_request")
		writeJSON(w, http.StatusBadRequest, oauthError{Error: "invalid_request", Description: descTokenNotProvided})
		return
	}
	now := rl.now()
	var tc claims
	isRefresh := rl.keys.verifyHS512(token, &tc) == nil && (tc.Typ == typRefresh || tc.Typ == typOffline)
	if !isRefresh && (rl.keys.verifyRS256(token, &tc) != nil || tc.Typ != typBearer) {
		ev.fail(eventRevokeError, "invalid_token")
		writeJSON(w, http.StatusOK, oauthError{Error: "invalid_token", Description: "Invalid token"})
		return
	}
	if tc.Azp != c.ClientID {
		// NOTE: status and text follow Keycloak's TokenRevocationEndpoint
		// source; no recording covers a token of another client.
		ev.fail(eventRevokeError, "invalid_client")
		writeJSON(w, http.StatusUnauthorized, oauthError{Error: "unauthorized_client", Description: "Unmatching clients"})
		return
	}
	rl.mu.Lock()
	if isRefresh {
		for _, sessions := range []map[string]*userSession{rl.state.sessions, rl.state.offline} {
			if us := sessions[tc.SID]; us != nil {
				delete(us.clients, tc.Azp)
			}
		}
	} else {
		rl.state.revoked[tc.JTI] = time.Unix(tc.Exp, 0)
	}
	rl.sweep(now)
	rl.mu.Unlock()
	ev.succeed(eventRevoke)
	setPageHeaders(w.Header())
	w.WriteHeader(http.StatusOK)
}
