package emulator

import (
	"strings"
	"time"
)

// codeEntry is the server-side record of an authorization code. Codes are
// single use (RFC 6749 §4.1.2): takeCode removes the entry on first lookup.
type codeEntry struct {
	secureID   string
	sessionID  string
	clientUUID string
	clientID   string
	userID     string
	expires    time.Time
	// rawRedirectURI is the redirect_uri parameter of the authorization
	// request as sent, nil when it had none. The token request must
	// repeat it exactly (RFC 6749 §4.1.3).
	rawRedirectURI *string
	scope          string // the granted scope
	nonce          string
	pkceChallenge  string
	pkceMethod     string
	authTime       time.Time
}

// newCode stores and returns a code for the user session and client, shaped
// like Keycloak 26's: "<secureId>.<userSessionId>.<clientUUID>". It lives
// AccessCodeLifespan seconds. The caller holds rl.mu.
func (rl *Realm) newCode(us *userSession, c *client, req authRequest, scope string, now time.Time) string {
	entry := &codeEntry{
		secureID:       newUUID(),
		sessionID:      us.id,
		clientUUID:     c.uuid,
		clientID:       c.ClientID,
		userID:         us.userID,
		expires:        now.Add(seconds(rl.cfg.AccessCodeLifespan)),
		rawRedirectURI: req.rawRedirectURI,
		scope:          scope,
		nonce:          req.nonce,
		pkceChallenge:  req.pkceChallenge,
		pkceMethod:     req.pkceMethod,
		authTime:       us.authTime,
	}
	rl.state.codes[entry.secureID] = entry
	return entry.secureID + "." + entry.sessionID + "." + entry.clientUUID
}

// takeCode looks a code up and removes it, so any later use fails. An
// unknown, used or expired code returns nil. Keycloak evicts expired codes
// from its store, so expiry and replay look the same ("Code not valid").
//
// On a miss, the client session the code names is detached from its user
// session, as Keycloak 26's OAuth2CodeParser does ("Attempt to use same
// code twice should invalidate existing clientSession"). Refresh tokens
// from an earlier exchange of that code then fail.
func (rl *Realm) takeCode(code string, now time.Time) *codeEntry {
	parts := strings.Split(code, ".")
	if len(parts) != 3 {
		return nil
	}
	rl.mu.Lock()
	defer rl.mu.Unlock()
	entry := rl.state.codes[parts[0]]
	delete(rl.state.codes, parts[0])
	if entry != nil && entry.sessionID == parts[1] && entry.clientUUID == parts[2] && now.Before(entry.expires) {
		return entry
	}
	rl.detachClientSession(parts[1], parts[2])
	return nil
}

// detachClientSession removes a client's session from an online user
// session, given the client's UUID. The caller holds rl.mu.
func (rl *Realm) detachClientSession(sessionID, clientUUID string) {
	us := rl.state.sessions[sessionID]
	if us == nil {
		return
	}
	for id, cs := range us.clients {
		if c := rl.clients[cs.clientID]; c != nil && c.uuid == clientUUID {
			delete(us.clients, id)
		}
	}
}
