package emulator

import (
	"time"
)

// store is a realm's server-side state, guarded by Realm.mu. Expired
// entries are removed by sweep and treated as absent before that.
type store struct {
	roots    map[string]*rootAuthSession // by AUTH_SESSION_ID root ID
	sessions map[string]*userSession     // online user sessions by ID
	offline  map[string]*userSession     // offline user sessions by ID
	codes    map[string]*codeEntry       // by the code's first part
	consents map[consentKey][]string     // granted consent scopes
	revoked  map[string]time.Time        // revoked access token IDs, until their expiry
}

func newStore() *store {
	return &store{
		roots:    map[string]*rootAuthSession{},
		sessions: map[string]*userSession{},
		offline:  map[string]*userSession{},
		codes:    map[string]*codeEntry{},
		consents: map[consentKey][]string{},
		revoked:  map[string]time.Time{},
	}
}

// rootAuthSession is one browser's login state, named by the
// AUTH_SESSION_ID cookie. Each browser tab's login is one authSession.
type rootAuthSession struct {
	id   string
	tabs map[string]*authSession
}

// Login steps an auth session can wait at.
const (
	stepLogin          = "login"
	stepConsent        = "consent"
	stepRequiredAction = "required-action"
)

// authSession is one login in progress: the validated authorization
// request and the step the browser is at.
type authSession struct {
	root        *rootAuthSession
	tabID       string
	client      *client
	req         authRequest
	step        string
	sessionCode string // the current session_code (older ones are stale)
	userID      string // set once the credentials were accepted
	// pendingAction is the required action the browser was sent to.
	pendingAction string
	touched       time.Time // the session expires AccessCodeLifespanLogin after this
}

// userSession is a signed-in user's SSO session. Its ID is the
// session_state parameter and the tokens' sid claim.
type userSession struct {
	id          string
	userID      string
	offline     bool
	started     time.Time
	lastRefresh time.Time
	authTime    time.Time
	clients     map[string]*clientSession // by client ID
}

// clientSession ties a user session to one client. Keycloak detaches it
// when a code is replayed or a rotated refresh token is reused, so later
// refreshes fail with "Session doesn't have required client".
type clientSession struct {
	clientID string
	scope    string
	started  time.Time
	// Refresh token rotation state, after Keycloak's TokenManager
	// validateTokenReuse. Issue numbers order the refresh tokens issued
	// for this client session, so the order is kept even when the clock
	// does not move. issued maps token IDs to issue numbers, issueCount is
	// the last number given, currentRefreshID and useCount track the
	// token last used, and tokens numbered below staleBefore were issued
	// before the last refresh.
	issued           map[string]int
	issueCount       int
	currentRefreshID string
	useCount         int
	staleBefore      int
}

// consentKey names a user's consent to one client.
type consentKey struct {
	userID, clientID string
}

// sessionActive reports whether a user session is still valid at now:
// within the idle timeout since its last refresh and, for online sessions,
// within the maximum lifespan.
func (rl *Realm) sessionActive(us *userSession, now time.Time) bool {
	if us.offline {
		return now.Before(us.lastRefresh.Add(seconds(rl.cfg.OfflineSessionIdleTimeout)))
	}
	return now.Before(us.lastRefresh.Add(seconds(rl.cfg.SSOSessionIdleTimeout))) &&
		now.Before(us.started.Add(seconds(rl.cfg.SSOSessionMaxLifespan)))
}

// sessionExpiry returns the time an online session ends if it is not
// refreshed.
func (rl *Realm) sessionExpiry(us *userSession) time.Time {
	idle := us.lastRefresh.Add(seconds(rl.cfg.SSOSessionIdleTimeout))
	maxEnd := us.started.Add(seconds(rl.cfg.SSOSessionMaxLifespan))
	if maxEnd.Before(idle) {
		return maxEnd
	}
	return idle
}

// sweep removes expired state. The caller holds rl.mu.
func (rl *Realm) sweep(now time.Time) {
	st := rl.state
	for id, root := range st.roots {
		for tabID, tab := range root.tabs {
			if !now.Before(tab.touched.Add(seconds(rl.cfg.AccessCodeLifespanLogin))) {
				delete(root.tabs, tabID)
			}
		}
		if len(root.tabs) == 0 {
			delete(st.roots, id)
		}
	}
	for id, us := range st.sessions {
		if !rl.sessionActive(us, now) {
			delete(st.sessions, id)
		}
	}
	for id, us := range st.offline {
		if !rl.sessionActive(us, now) {
			delete(st.offline, id)
		}
	}
	for id, c := range st.codes {
		if !now.Before(c.expires) {
			delete(st.codes, id)
		}
	}
	for id, exp := range st.revoked {
		if now.After(exp) {
			delete(st.revoked, id)
		}
	}
}

// liveSession returns the active online or offline user session with the
// ID, or nil. The caller holds rl.mu.
func (rl *Realm) liveSession(id string, offline bool, now time.Time) *userSession {
	sessions := rl.state.sessions
	if offline {
		sessions = rl.state.offline
	}
	us := sessions[id]
	if us == nil || !rl.sessionActive(us, now) {
		return nil
	}
	return us
}

// liveTab returns the unexpired auth session for a root ID and tab ID, or
// nil. The caller holds rl.mu.
func (rl *Realm) liveTab(rootID, tabID string, now time.Time) *authSession {
	root := rl.state.roots[rootID]
	if root == nil {
		return nil
	}
	tab := root.tabs[tabID]
	if tab == nil || !now.Before(tab.touched.Add(seconds(rl.cfg.AccessCodeLifespanLogin))) {
		return nil
	}
	return tab
}
