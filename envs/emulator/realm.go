package emulator

import (
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"
)

// Realm is one running emulated Keycloak realm. Its methods are safe for
// concurrent use.
type Realm struct {
	name   string // RealmTrial or RealmProduction
	cfg    RealmConfig
	clock  Clock
	logger *slog.Logger
	keys   *realmKeys

	clients map[string]*client // by client ID
	users   []*user

	// execution is the ID of the username-password form step, the
	// "execution" parameter of the login form's action URL.
	execution string

	issuerMu sync.RWMutex
	issuer   string

	faults faultSet

	mu    sync.Mutex // guards state
	state *store
}

// client is a configured client with its internal UUID, the third part of
// Keycloak's authorization codes.
type client struct {
	ClientConfig
	uuid string
}

// user is a configured user with its internal ID, the "sub" claim.
type user struct {
	UserConfig
	id string
}

func newRealm(name string, cfg RealmConfig, clock Clock, logger *slog.Logger) (*Realm, error) {
	keys, err := newRealmKeys(cfg.Realm, clock.Now())
	if err != nil {
		return nil, err
	}
	rl := &Realm{
		name:      name,
		cfg:       cfg,
		clock:     clock,
		logger:    logger,
		keys:      keys,
		clients:   map[string]*client{},
		execution: nameUUID(name + "/" + cfg.Realm + "/auth-username-password-form"),
		state:     newStore(),
	}
	for _, c := range cfg.Clients {
		rl.clients[c.ClientID] = &client{ClientConfig: c, uuid: nameUUID(name + "/" + cfg.Realm + "/client/" + c.ClientID)}
	}
	for _, u := range cfg.Users {
		rl.users = append(rl.users, &user{UserConfig: u, id: nameUUID(name + "/" + cfg.Realm + "/user/" + strings.ToLower(u.Username))})
	}
	return rl, nil
}

// Name returns the realm's emulator name, RealmTrial or RealmProduction.
func (rl *Realm) Name() string { return rl.name }

// Issuer returns the realm's issuer URL, for example
// "http://127.0.0.1:40123/realms/k-series", or "" before Start.
func (rl *Realm) Issuer() string {
	rl.issuerMu.RLock()
	defer rl.issuerMu.RUnlock()
	return rl.issuer
}

func (rl *Realm) setIssuer(issuer string) {
	rl.issuerMu.Lock()
	defer rl.issuerMu.Unlock()
	rl.issuer = issuer
}

// Config returns a copy of the realm's config.
func (rl *Realm) Config() RealmConfig { return cloneRealmConfig(rl.cfg) }

// displayName is the name shown in page titles.
func (rl *Realm) displayName() string {
	if rl.cfg.DisplayName != "" {
		return rl.cfg.DisplayName
	}
	return rl.cfg.Realm
}

func (rl *Realm) now() time.Time { return rl.clock.Now() }

// findUser looks a user up by username or email, ignoring case, as
// Keycloak's login form accepts either.
func (rl *Realm) findUser(name string) *user {
	if name == "" {
		return nil
	}
	for _, u := range rl.users {
		if strings.EqualFold(u.Username, name) || (u.Email != "" && strings.EqualFold(u.Email, name)) {
			return u
		}
	}
	return nil
}

func (rl *Realm) userByID(id string) *user {
	for _, u := range rl.users {
		if u.id == id {
			return u
		}
	}
	return nil
}

// ServeHTTP serves the realm's endpoints below /realms/{realm}/. It injects
// any fault set for the endpoint first, then handles the request and logs
// the event.
func (rl *Realm) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	endpoint, handle := rl.route(r.URL.Path)
	if rl.injectFault(w, r, endpoint) {
		return
	}
	ev := &event{}
	sw := &statusWriter{ResponseWriter: w}
	setSecurityHeaders(sw.Header())
	handle(sw, r.WithContext(withEvent(r.Context(), ev)))
	rl.logRequest(r, endpoint, sw.statusCode(), ev)
}
