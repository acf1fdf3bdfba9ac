package emulator

// K-Series scope names a seeded client may request beyond its defaults: the
// error guide's list, then the ones from the platform's scope page.
var kseriesOptionalScopes = []string{
	"financial-api", "orders-api", "items", "offline_access", "staff-api",
	"propertymanagement", "reservations-api",
}

// kseriesDefaultScopes are added to every request, as the platform's V2
// migration FAQ states for "profile" and "email".
var kseriesDefaultScopes = []string{"profile", "email"}

// SeedClient is a seeded client's credentials.
type SeedClient struct {
	ClientID string
	Secret   string
}

// SeedUser is a seeded user's credentials.
type SeedUser struct {
	Username string
	Password string
}

// Seed lists the credentials and redirect URIs of DefaultConfig, so that
// callers such as "ksauth demo" can drive the seeded realms. Every secret
// and password in it is a local test value.
type Seed struct {
	// LoopbackRedirectURI is registered on every seeded client without a
	// port. Keycloak's installed-application rule (RFC 8252 §7.3) then
	// accepts it with any port, for example http://127.0.0.1:53117/callback.
	LoopbackRedirectURI string
	// LocalhostRedirectURI is the same for http://localhost.
	LocalhostRedirectURI string
	// HTTPSRedirectURI is registered exactly, with its port and trailing
	// slash, so the same URI without the slash is a mismatch.
	HTTPSRedirectURI string

	// TrialClient is the trial demo client: confidential, standard flow
	// only (no direct access grants, no service accounts), PKCE optional.
	TrialClient SeedClient
	// TrialConsentClient is TrialClient with user consent required.
	TrialConsentClient SeedClient
	// TrialPKCEClient is TrialClient with PKCE S256 required.
	TrialPKCEClient SeedClient
	// TrialServiceAccountClient has service accounts on and direct access
	// grants off: client_credentials succeeds, the password grant gets
	// 400 unauthorized_client.
	TrialServiceAccountClient SeedClient
	// TrialDirectGrantClient has direct access grants on and service
	// accounts off: the password grant succeeds, client_credentials gets
	// 401 unauthorized_client.
	TrialDirectGrantClient SeedClient
	// TrialUser signs in on the trial realm.
	TrialUser SeedUser
	// TrialDisabledUser is disabled: the right password gets "Account is
	// disabled, contact your administrator." on the login form.
	TrialDisabledUser SeedUser
	// TrialSetupUser has a pending UPDATE_PASSWORD required action.
	TrialSetupUser SeedUser

	// ProductionClient is the production client, unknown to the trial
	// realm, as trial clients are unknown to production.
	ProductionClient SeedClient
	// ProductionUser signs in on the production realm, with a password
	// different from TrialUser's.
	ProductionUser SeedUser
}

// DefaultSeed returns the credentials of DefaultConfig.
func DefaultSeed() Seed {
	return Seed{
		LoopbackRedirectURI:       "http://127.0.0.1/callback",
		LocalhostRedirectURI:      "http://localhost/callback",
		HTTPSRedirectURI:          "https://localhost:8443/callback/",
		TrialClient:               SeedClient{"devp-v2-demo-ksauth-3f9c2a7e51d84b06a1c5e8f2d7b49a60", "kQ7vN2xR9mT4bW8zL3pF6hJ1sD5gY0cA"},
		TrialConsentClient:        SeedClient{"devp-v2-demo-consent-8b1e4d2f9a6c47e3b05d1f8a2c7e6b94", "Vb3nM8qW1eR6tY4uI9oP2aS7dF5gH0jK"},
		TrialPKCEClient:           SeedClient{"devp-v2-demo-pkce-c5a09e3d7b2f48a1964e0d8b3f1a7c25", "Zx4cV9bN2mQ7wE1rT6yU3iO8pA5sD0fG"},
		TrialServiceAccountClient: SeedClient{"devp-v2-demo-service-0e6d3b9a4c7f42e18d5a2b6c9f0e3d71", "Qm5wN8eB2rV6tC1yX4uZ7iL0oK3pJ9hG"},
		TrialDirectGrantClient:    SeedClient{"devp-v2-demo-direct-a94f1c6e2d8b47053e9c1a7f4b2d6e80", "Ty2uR7iW4oE9pQ1aS6dF3gH8jK5lZ0xC"},
		TrialUser:                 SeedUser{"demo", "trial-demo-pass-7431"},
		TrialDisabledUser:         SeedUser{"disabled-demo", "trial-disabled-pass-5120"},
		TrialSetupUser:            SeedUser{"setup-demo", "trial-setup-pass-8806"},
		ProductionClient:          SeedClient{"devp-v2-ksauth-7d2e9f4a1b6c48d3a5e0f9b2c8d4e1a7", "Hj6kL1zX8cV3bN5mQ0wE7rT2yU9iO4pA"},
		ProductionUser:            SeedUser{"demo", "prod-demo-pass-2958"},
	}
}

// DefaultConfig returns the seeded config that "ksauth demo" and the tests
// use, and DefaultSeed returns its credentials. Both realms are named
// "k-series". Every client is confidential, has the standard flow on and
// registers the three redirect URIs of Seed.
//
// Trial realm clients, by demo use:
//   - TrialClient: the normal sign-in, and the scenarios that change one
//     request value (redirect URI, scope, secret, code reuse, PKCE
//     verifier). Its password and client_credentials grants both get
//     unauthorized_client.
//   - TrialConsentClient: the consent page, accepted or denied
//     (access_denied).
//   - TrialPKCEClient: PKCE required with S256 ("Missing parameter:
//     code_challenge_method" without it).
//   - TrialServiceAccountClient: the client without direct access grants.
//   - TrialDirectGrantClient: the client without service accounts.
//
// Trial users: TrialUser signs in, TrialDisabledUser is disabled,
// TrialSetupUser has a required action pending.
//
// Production realm: ProductionClient and ProductionUser. A trial client
// sent to production (or the reverse) gets "Client not found.", the
// wrong-environment failure.
func DefaultConfig() Config {
	s := DefaultSeed()
	redirects := []string{s.LoopbackRedirectURI, s.LocalhostRedirectURI, s.HTTPSRedirectURI}
	return Config{
		Trial: RealmConfig{
			Realm: "k-series",
			Clients: []ClientConfig{
				seedClient(s.TrialClient, "ksauth demo", redirects),
				withConsent(seedClient(s.TrialConsentClient, "ksauth consent demo", redirects)),
				withPKCE(seedClient(s.TrialPKCEClient, "ksauth PKCE demo", redirects)),
				withServiceAccounts(seedClient(s.TrialServiceAccountClient, "ksauth service account demo", redirects)),
				withDirectGrants(seedClient(s.TrialDirectGrantClient, "ksauth direct grant demo", redirects)),
			},
			Users: []UserConfig{
				seedUser(s.TrialUser, "demo@trial.ksauth.test", "Dana", "Demo"),
				disabled(seedUser(s.TrialDisabledUser, "disabled@trial.ksauth.test", "Dexter", "Disabled")),
				withActions(seedUser(s.TrialSetupUser, "setup@trial.ksauth.test", "Sam", "Setup"), "UPDATE_PASSWORD"),
			},
		},
		Production: RealmConfig{
			Realm: "k-series",
			Clients: []ClientConfig{
				seedClient(s.ProductionClient, "ksauth production demo", redirects),
			},
			Users: []UserConfig{
				seedUser(s.ProductionUser, "demo@prod.ksauth.test", "Dana", "Demo"),
			},
		},
	}.withSeedLifespans()
}

// withSeedLifespans sets the platform's lifespans on both realms: codes
// live 15 seconds, access tokens 300, SSO sessions 1800 idle and 36000 at
// most, and refresh tokens rotate with no reuse.
func (c Config) withSeedLifespans() Config {
	for _, r := range []*RealmConfig{&c.Trial, &c.Production} {
		r.AccessCodeLifespan = 15
		r.AccessCodeLifespanLogin = 1800
		r.AccessTokenLifespan = 300
		r.SSOSessionIdleTimeout = 1800
		r.SSOSessionMaxLifespan = 36000
		r.OfflineSessionIdleTimeout = 2592000
		r.RevokeRefreshToken = true
		r.RefreshTokenMaxReuse = 0
	}
	return c
}

func seedClient(sc SeedClient, name string, redirectURIs []string) ClientConfig {
	return ClientConfig{
		ClientID:             sc.ClientID,
		Name:                 name,
		Enabled:              true,
		Secret:               sc.Secret,
		RedirectURIs:         append([]string(nil), redirectURIs...),
		StandardFlowEnabled:  true,
		DefaultClientScopes:  append([]string(nil), kseriesDefaultScopes...),
		OptionalClientScopes: append([]string(nil), kseriesOptionalScopes...),
	}
}

func withConsent(c ClientConfig) ClientConfig {
	c.ConsentRequired = true
	return c
}

func withPKCE(c ClientConfig) ClientConfig {
	c.PKCEMethod = PKCEMethodS256
	return c
}

func seedUser(su SeedUser, email, first, last string) UserConfig {
	return UserConfig{
		Username: su.Username, Email: email, EmailVerified: true,
		FirstName: first, LastName: last, Enabled: true, Password: su.Password,
	}
}

func withServiceAccounts(c ClientConfig) ClientConfig {
	c.ServiceAccountsEnabled = true
	return c
}

func withDirectGrants(c ClientConfig) ClientConfig {
	c.DirectAccessGrantsEnabled = true
	return c
}

func disabled(u UserConfig) UserConfig {
	u.Enabled = false
	return u
}

func withActions(u UserConfig, actions ...string) UserConfig {
	u.RequiredActions = actions
	return u
}
