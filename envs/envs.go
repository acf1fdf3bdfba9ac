// Package envs is the registry of K-Series environments: the built-in trial
// and production realms, the local emulator's two realms, and custom
// environments read from a file.
package envs

import (
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"
)

// Tier is the platform environment a realm belongs to or stands for.
type Tier string

// The two platform tiers. Clients and users are never shared between them.
const (
	TierTrial      Tier = "trial"
	TierProduction Tier = "production"
)

// Env is one K-Series authorization server: a Keycloak realm and the facts
// a client needs to sign in against it.
type Env struct {
	// Name identifies the environment on the command line ("trial").
	Name string `json:"name"`
	// Tier is the platform tier the realm is, or stands for in the emulator.
	Tier Tier `json:"tier"`
	// Issuer is the realm's issuer URL, with no trailing slash. Endpoints
	// follow Keycloak's layout below it.
	Issuer string `json:"issuer"`
	// ClientIDPrefix is the prefix every V2 client ID of this tier has.
	ClientIDPrefix string `json:"client_id_prefix"`
	// Aliases are other hosts that serve the same realm.
	Aliases []string `json:"aliases,omitempty"`
	// Scopes are the scope names the platform grants, beyond openid,
	// profile and email.
	Scopes []string `json:"scopes"`
	// CodeLifespan is how long an authorization code stays valid.
	CodeLifespan time.Duration `json:"-"`
	// Local is true for the emulator's realms, which only run on loopback.
	Local bool `json:"local,omitempty"`
	// Description is one line for listings.
	Description string `json:"description,omitempty"`
}

// Endpoints are the realm URLs a client uses, in Keycloak 26's layout.
type Endpoints struct {
	Discovery     string `json:"discovery"`
	Authorization string `json:"authorization"`
	Token         string `json:"token"`
	JWKS          string `json:"jwks"`
	UserInfo      string `json:"userinfo"`
}

// Endpoints returns the realm's endpoint URLs derived from its issuer.
func (e Env) Endpoints() Endpoints {
	oidc := e.Issuer + "/protocol/openid-connect"
	return Endpoints{
		Discovery:     e.Issuer + "/.well-known/openid-configuration",
		Authorization: oidc + "/auth",
		Token:         oidc + "/token",
		JWKS:          oidc + "/certs",
		UserInfo:      oidc + "/userinfo",
	}
}

// Host returns the issuer's host, with the port when the issuer has one.
func (e Env) Host() string {
	u, err := url.Parse(e.Issuer)
	if err != nil {
		return ""
	}
	return u.Host
}

// Hosts returns the issuer's host followed by the aliases.
func (e Env) Hosts() []string {
	return append([]string{e.Host()}, e.Aliases...)
}

// StandardScopes are the OpenID Connect scopes every realm accepts.
var StandardScopes = []string{"openid", "profile", "email"}

// PlatformScopes are the scope names K-Series clients can be provisioned
// for: the error guide's list, then the ones from the platform's scope page.
// A "reservation-<platform code>" scope is valid too; see ValidScope.
var PlatformScopes = []string{
	"financial-api", "orders-api", "items", "offline_access", "staff-api",
	"propertymanagement", "reservations-api",
}

// DefaultCodeLifespan is the authorization code lifetime the platform
// documents: about 15 seconds, single use.
const DefaultCodeLifespan = 15 * time.Second

// Built-in issuers. The error guide names auth.lsk-trial.app for trial and
// the platform's V2 migration FAQ names auth.lsk-demo.app; both are trial.
const (
	TrialIssuer      = "https://auth.lsk-trial.app/realms/k-series"
	TrialAliasHost   = "auth.lsk-demo.app"
	ProductionIssuer = "https://auth.lsk-prod.app/realms/k-series"
)

// Client ID prefixes. A trial V2 client ID starts "devp-v2-demo", a
// production one "devp-v2" without "demo", and a V1 client "devp-".
const (
	TrialPrefix      = "devp-v2-demo"
	ProductionPrefix = "devp-v2"
	V1Prefix         = "devp-"
)

// Local emulator addresses used by "ksauth emulator" and the local
// environments when no other address is given.
const (
	LocalTrialAddr      = "127.0.0.1:8400"
	LocalProductionAddr = "127.0.0.1:8401"
)

// Builtin returns the built-in environments: trial, production, and local
// and local-production for the emulator at its default addresses.
func Builtin() []Env {
	return []Env{
		{Name: "trial", Tier: TierTrial, Issuer: TrialIssuer, ClientIDPrefix: TrialPrefix,
			Aliases: []string{TrialAliasHost}, Scopes: PlatformScopes, CodeLifespan: DefaultCodeLifespan,
			Description: "K-Series trial realm"},
		{Name: "production", Tier: TierProduction, Issuer: ProductionIssuer, ClientIDPrefix: ProductionPrefix,
			Scopes: PlatformScopes, CodeLifespan: DefaultCodeLifespan,
			Description: "K-Series production realm"},
		Local("local", TierTrial, "http://"+LocalTrialAddr+"/realms/k-series"),
		Local("local-production", TierProduction, "http://"+LocalProductionAddr+"/realms/k-series"),
	}
}

// Local returns an environment for an emulator realm with the given issuer.
func Local(name string, tier Tier, issuer string) Env {
	prefix := TrialPrefix
	if tier == TierProduction {
		prefix = ProductionPrefix
	}
	return Env{Name: name, Tier: tier, Issuer: issuer, ClientIDPrefix: prefix, Scopes: PlatformScopes,
		CodeLifespan: DefaultCodeLifespan, Local: true,
		Description: "ksauth emulator realm standing for " + string(tier)}
}

// Lookup returns the built-in environment with the given name.
func Lookup(name string) (Env, error) {
	for _, e := range Builtin() {
		if e.Name == name {
			return e, nil
		}
	}
	return Env{}, fmt.Errorf("unknown environment %q: use one of %s, or the path of an environment file",
		name, strings.Join(Names(), ", "))
}

// Names returns the built-in environment names in listing order.
func Names() []string {
	var names []string
	for _, e := range Builtin() {
		names = append(names, e.Name)
	}
	return names
}

// ForHost returns the built-in environment whose issuer host or alias is
// host. The port is ignored for the public hosts.
func ForHost(host string) (Env, bool) {
	host = strings.ToLower(host)
	for _, e := range Builtin() {
		for _, h := range e.Hosts() {
			if strings.EqualFold(h, host) || (!e.Local && strings.EqualFold(hostOnly(h), hostOnly(host))) {
				return e, true
			}
		}
	}
	return Env{}, false
}

func hostOnly(hostport string) string {
	if u, err := url.Parse("//" + hostport); err == nil {
		return u.Hostname()
	}
	return hostport
}

// ValidScope reports whether name is a scope the platform grants.
func ValidScope(name string) bool {
	if strings.HasPrefix(name, "reservation-") && len(name) > len("reservation-") {
		return true
	}
	return slices.Contains(StandardScopes, name) || slices.Contains(PlatformScopes, name)
}
