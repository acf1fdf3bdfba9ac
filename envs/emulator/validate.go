package emulator

import (
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strings"
)

// realmNamePattern limits realm names to characters that need no escaping
// in a URL path.
var realmNamePattern = regexp.MustCompile(`^[A-Za-z0-9._-]+$`)

// Validate checks the config and returns every problem found, each naming
// the field path (for example trial.clients[1].redirectUris[0]) and value.
func (c *Config) Validate() error {
	var errs []error
	errs = append(errs, c.Trial.validate(RealmTrial)...)
	errs = append(errs, c.Production.validate(RealmProduction)...)
	return errors.Join(errs...)
}

func (r *RealmConfig) validate(path string) []error {
	var errs []error
	if !realmNamePattern.MatchString(r.Realm) {
		errs = append(errs, fmt.Errorf("%s.realm: invalid realm name %q: use letters, digits, '.', '_' or '-'", path, r.Realm))
	}
	lifespans := []struct {
		name  string
		value int
	}{
		{"accessCodeLifespan", r.AccessCodeLifespan},
		{"accessCodeLifespanLogin", r.AccessCodeLifespanLogin},
		{"accessTokenLifespan", r.AccessTokenLifespan},
		{"ssoSessionIdleTimeout", r.SSOSessionIdleTimeout},
		{"ssoSessionMaxLifespan", r.SSOSessionMaxLifespan},
		{"offlineSessionIdleTimeout", r.OfflineSessionIdleTimeout},
	}
	for _, l := range lifespans {
		if l.value <= 0 {
			errs = append(errs, fmt.Errorf("%s.%s: lifespan must be a positive number of seconds, got %d", path, l.name, l.value))
		}
	}
	if r.RefreshTokenMaxReuse < 0 {
		errs = append(errs, fmt.Errorf("%s.refreshTokenMaxReuse: must not be negative, got %d", path, r.RefreshTokenMaxReuse))
	}
	seen := map[string]bool{}
	for i, cl := range r.Clients {
		p := fmt.Sprintf("%s.clients[%d]", path, i)
		if seen[cl.ClientID] {
			errs = append(errs, fmt.Errorf("%s.clientId: duplicate client ID %q", p, cl.ClientID))
		}
		seen[cl.ClientID] = true
		errs = append(errs, cl.validate(p)...)
	}
	users := map[string]bool{}
	for i, u := range r.Users {
		p := fmt.Sprintf("%s.users[%d]", path, i)
		key := strings.ToLower(u.Username)
		if users[key] {
			errs = append(errs, fmt.Errorf("%s.username: duplicate username %q", p, u.Username))
		}
		users[key] = true
		errs = append(errs, u.validate(p)...)
	}
	return errs
}

func (c *ClientConfig) validate(path string) []error {
	var errs []error
	if strings.TrimSpace(c.ClientID) == "" {
		errs = append(errs, fmt.Errorf("%s.clientId: missing client ID", path))
	}
	if !c.PublicClient && c.Secret == "" {
		errs = append(errs, fmt.Errorf("%s.secret: confidential client %q has no secret: set one or make it public", path, c.ClientID))
	}
	if c.StandardFlowEnabled && len(c.RedirectURIs) == 0 {
		errs = append(errs, fmt.Errorf("%s.redirectUris: client %q has the standard flow on but no redirect URIs", path, c.ClientID))
	}
	for i, uri := range c.RedirectURIs {
		if err := validateRedirectURI(uri); err != nil {
			errs = append(errs, fmt.Errorf("%s.redirectUris[%d]: %w", path, i, err))
		}
	}
	switch c.PKCEMethod {
	case "", PKCEMethodS256, PKCEMethodPlain:
	default:
		errs = append(errs, fmt.Errorf("%s.pkceCodeChallengeMethod: unsupported method %q: use \"S256\", \"plain\" or \"\"", path, c.PKCEMethod))
	}
	errs = append(errs, validateScopes(path, c)...)
	return errs
}

func validateRedirectURI(uri string) error {
	if strings.TrimSpace(uri) == "" {
		return errors.New("empty redirect URI")
	}
	if uri == "*" {
		return nil
	}
	u, err := url.Parse(uri)
	if err != nil {
		return fmt.Errorf("invalid redirect URI %q: %w", uri, err)
	}
	if u.Scheme == "" {
		return fmt.Errorf("redirect URI %q is not absolute: relative URIs need a root URL, which the emulator does not support", uri)
	}
	return nil
}

func validateScopes(path string, c *ClientConfig) []error {
	var errs []error
	seen := map[string]string{}
	lists := []struct {
		name   string
		scopes []string
	}{{"defaultClientScopes", c.DefaultClientScopes}, {"optionalClientScopes", c.OptionalClientScopes}}
	for _, l := range lists {
		for i, s := range l.scopes {
			p := fmt.Sprintf("%s.%s[%d]", path, l.name, i)
			switch {
			case s == "" || strings.ContainsAny(s, " \t\r\n"):
				errs = append(errs, fmt.Errorf("%s: invalid scope name %q: it must be one non-empty word", p, s))
			case s == scopeOpenID:
				errs = append(errs, fmt.Errorf("%s: scope %q is always accepted and must not be listed", p, s))
			case seen[s] != "":
				errs = append(errs, fmt.Errorf("%s: scope %q is already listed in %s", p, s, seen[s]))
			}
			seen[s] = l.name
		}
	}
	return errs
}

func (u *UserConfig) validate(path string) []error {
	var errs []error
	if strings.TrimSpace(u.Username) == "" {
		errs = append(errs, fmt.Errorf("%s.username: missing username", path))
	}
	if u.Password == "" {
		errs = append(errs, fmt.Errorf("%s.password: user %q has no password", path, u.Username))
	}
	for i, a := range u.RequiredActions {
		if strings.TrimSpace(a) == "" {
			errs = append(errs, fmt.Errorf("%s.requiredActions[%d]: empty required action", path, i))
		}
	}
	return errs
}
