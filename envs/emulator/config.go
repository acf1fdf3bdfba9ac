package emulator

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"strings"
	"time"
)

// Names of the two realms the emulator serves. Each is one platform
// tier and runs on its own listener.
const (
	RealmTrial      = "trial"
	RealmProduction = "production"
)

// PKCE code challenge methods a client can require (RFC 7636 §4.2). The empty
// string means PKCE is optional for the client.
const (
	PKCEMethodS256  = "S256"
	PKCEMethodPlain = "plain"
)

// Config is the emulator's realm setup: one realm for trial and one for
// production. Field names follow Keycloak's realm representation where
// Keycloak has one, so a realm export reads the same way.
type Config struct {
	Trial      RealmConfig `json:"trial"`
	Production RealmConfig `json:"production"`
}

// RealmConfig is one emulated Keycloak realm.
type RealmConfig struct {
	// Realm is the realm name in URL paths ("k-series" gives issuers ending
	// in "/realms/k-series").
	Realm string `json:"realm"`
	// DisplayName is shown in page titles ("Sign in to DisplayName"). The
	// realm name is used when it is empty, as Keycloak does.
	DisplayName string `json:"displayName,omitempty"`

	// AccessCodeLifespan is the authorization code lifetime in seconds.
	// Keycloak's default is 60, and the K-Series platform uses about 15.
	AccessCodeLifespan int `json:"accessCodeLifespan"`
	// AccessCodeLifespanLogin is the lifetime of a started login (the
	// auth session behind the login form), in seconds.
	AccessCodeLifespanLogin int `json:"accessCodeLifespanLogin"`
	// AccessTokenLifespan is the access token lifetime in seconds.
	AccessTokenLifespan int `json:"accessTokenLifespan"`
	// SSOSessionIdleTimeout is the lifetime of a user session without a
	// refresh, in seconds. Refresh tokens expire with it.
	SSOSessionIdleTimeout int `json:"ssoSessionIdleTimeout"`
	// SSOSessionMaxLifespan caps a user session's lifetime, in seconds.
	SSOSessionMaxLifespan int `json:"ssoSessionMaxLifespan"`
	// OfflineSessionIdleTimeout is the lifetime of an offline session
	// without a refresh, in seconds.
	OfflineSessionIdleTimeout int `json:"offlineSessionIdleTimeout"`
	// RevokeRefreshToken turns on refresh token rotation: each refresh
	// token may be used RefreshTokenMaxReuse+1 times.
	RevokeRefreshToken bool `json:"revokeRefreshToken"`
	// RefreshTokenMaxReuse is the number of extra uses a rotated refresh
	// token gets. Keycloak's default is 0.
	RefreshTokenMaxReuse int `json:"refreshTokenMaxReuse"`

	Clients []ClientConfig `json:"clients"`
	Users   []UserConfig   `json:"users"`
}

// ClientConfig is one OIDC client of a realm.
type ClientConfig struct {
	ClientID string `json:"clientId"`
	// Name is shown on the consent page. The client ID is used when empty.
	Name    string `json:"name,omitempty"`
	Enabled bool   `json:"enabled"`
	// PublicClient clients have no secret and skip secret checks.
	PublicClient bool   `json:"publicClient"`
	Secret       string `json:"secret,omitempty"`
	// RedirectURIs are matched exactly, except for a trailing "*" wildcard
	// and the loopback port rule (RFC 8252 §7.3).
	RedirectURIs []string `json:"redirectUris"`
	// BaseURL is the target of the error page's "Back to Application" link.
	BaseURL string `json:"baseUrl,omitempty"`

	StandardFlowEnabled       bool `json:"standardFlowEnabled"`
	DirectAccessGrantsEnabled bool `json:"directAccessGrantsEnabled"`
	ServiceAccountsEnabled    bool `json:"serviceAccountsEnabled"`
	ConsentRequired           bool `json:"consentRequired"`
	// PKCEMethod is Keycloak's "pkce.code.challenge.method" attribute:
	// "S256", "plain", or "" when PKCE is optional.
	PKCEMethod string `json:"pkceCodeChallengeMethod"`

	// DefaultClientScopes are granted on every request.
	DefaultClientScopes []string `json:"defaultClientScopes"`
	// OptionalClientScopes are granted when the scope parameter requests them.
	OptionalClientScopes []string `json:"optionalClientScopes"`
}

// UserConfig is one user of a realm.
type UserConfig struct {
	Username      string `json:"username"`
	Email         string `json:"email,omitempty"`
	EmailVerified bool   `json:"emailVerified"`
	FirstName     string `json:"firstName,omitempty"`
	LastName      string `json:"lastName,omitempty"`
	Enabled       bool   `json:"enabled"`
	// Password is the user's only credential. It is a local test value,
	// never a real one.
	Password string `json:"password"`
	// RequiredActions pending for the user ("UPDATE_PASSWORD" and so on)
	// stop the login: the browser is sent to the required-action page and
	// the password grant returns "Account is not fully set up".
	RequiredActions []string `json:"requiredActions,omitempty"`
}

// Realm returns the realm config with the given name (RealmTrial or
// RealmProduction), or nil for another name.
func (c *Config) Realm(name string) *RealmConfig {
	switch name {
	case RealmTrial:
		return &c.Trial
	case RealmProduction:
		return &c.Production
	}
	return nil
}

// Client returns the client with the given ID.
func (r *RealmConfig) Client(clientID string) (ClientConfig, bool) {
	for _, c := range r.Clients {
		if c.ClientID == clientID {
			return c, true
		}
	}
	return ClientConfig{}, false
}

// User returns the user with the given username, compared without regard
// to case as Keycloak stores usernames in lower case.
func (r *RealmConfig) User(username string) (UserConfig, bool) {
	for _, u := range r.Users {
		if strings.EqualFold(u.Username, username) {
			return u, true
		}
	}
	return UserConfig{}, false
}

// cloneRealmConfig returns a deep copy, so a running realm never shares
// slices with its caller.
func cloneRealmConfig(r RealmConfig) RealmConfig {
	out := r
	out.Clients = make([]ClientConfig, len(r.Clients))
	for i, c := range r.Clients {
		c.RedirectURIs = slices.Clone(c.RedirectURIs)
		c.DefaultClientScopes = slices.Clone(c.DefaultClientScopes)
		c.OptionalClientScopes = slices.Clone(c.OptionalClientScopes)
		out.Clients[i] = c
	}
	out.Users = make([]UserConfig, len(r.Users))
	for i, u := range r.Users {
		u.RequiredActions = slices.Clone(u.RequiredActions)
		out.Users[i] = u
	}
	return out
}

func seconds(n int) time.Duration { return time.Duration(n) * time.Second }

// LoadConfig reads and validates a JSON config file. Unknown fields are
// errors, so a misspelt field name does not silently fall back to a default.
func LoadConfig(path string) (Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return Config{}, fmt.Errorf("could not read emulator config: %w", err)
	}
	return ParseConfig(path, data)
}

// ParseConfig decodes and validates a JSON config. name identifies the
// source in errors, usually the file path.
func ParseConfig(name string, data []byte) (Config, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var cfg Config
	if err := dec.Decode(&cfg); err != nil {
		return Config{}, fmt.Errorf("could not parse emulator config %s: %w", name, err)
	}
	if dec.More() {
		return Config{}, fmt.Errorf("could not parse emulator config %s: data after the top-level object", name)
	}
	if err := cfg.Validate(); err != nil {
		return Config{}, fmt.Errorf("invalid emulator config %s: %w", name, err)
	}
	return cfg, nil
}
