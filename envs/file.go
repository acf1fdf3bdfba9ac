package envs

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/BurntSushi/toml"
)

// fileEnv is the on-disk shape of a custom environment, in JSON or TOML.
type fileEnv struct {
	Name                string   `json:"name" toml:"name"`
	Tier                string   `json:"tier" toml:"tier"`
	Issuer              string   `json:"issuer" toml:"issuer"`
	ClientIDPrefix      string   `json:"client_id_prefix" toml:"client_id_prefix"`
	Aliases             []string `json:"aliases" toml:"aliases"`
	Scopes              []string `json:"scopes" toml:"scopes"`
	CodeLifespanSeconds int      `json:"code_lifespan_seconds" toml:"code_lifespan_seconds"`
	Description         string   `json:"description" toml:"description"`
}

// Load reads a custom environment from a JSON or TOML file (chosen by the
// ".toml" extension). Fields: name, tier ("trial" or "production"), issuer,
// and optionally client_id_prefix (default from the tier), aliases, scopes
// (default the platform's), code_lifespan_seconds (default 15) and
// description.
func Load(path string) (Env, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return Env{}, fmt.Errorf("could not read environment file: %w", err)
	}
	return Parse(path, data)
}

// Parse reads a custom environment from the contents of a file named
// name, as Load does: TOML when name ends in ".toml", else JSON. Unknown
// fields are rejected, so a misspelt field is not silently ignored.
func Parse(name string, data []byte) (Env, error) {
	var f fileEnv
	if strings.EqualFold(filepath.Ext(name), ".toml") {
		md, err := toml.Decode(string(data), &f)
		if err != nil {
			return Env{}, fmt.Errorf("could not parse environment file %s: %w", name, err)
		}
		if undec := md.Undecoded(); len(undec) > 0 {
			return Env{}, fmt.Errorf("environment file %s: unknown field %q", name, undec[0].String())
		}
	} else {
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&f); err != nil {
			return Env{}, fmt.Errorf("could not parse environment file %s as JSON: %w", name, err)
		}
	}
	e, err := f.env()
	if err != nil {
		return Env{}, fmt.Errorf("environment file %s: %w", name, err)
	}
	return e, nil
}

func (f fileEnv) env() (Env, error) {
	if f.Name == "" {
		return Env{}, errors.New(`missing "name"`)
	}
	tier := Tier(f.Tier)
	if tier != TierTrial && tier != TierProduction {
		return Env{}, fmt.Errorf(`invalid "tier" %q: use "trial" or "production"`, f.Tier)
	}
	issuer := strings.TrimSuffix(f.Issuer, "/")
	u, err := url.Parse(issuer)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return Env{}, fmt.Errorf(`invalid "issuer" %q: use the realm URL, such as %s`, f.Issuer, TrialIssuer)
	}
	if f.CodeLifespanSeconds < 0 {
		return Env{}, fmt.Errorf(`invalid "code_lifespan_seconds" %d: use a positive number`, f.CodeLifespanSeconds)
	}
	e := Local(f.Name, tier, issuer)
	e.Local = isLoopbackHost(u.Hostname())
	e.Aliases = f.Aliases
	e.Description = f.Description
	if e.Description == "" {
		e.Description = "custom environment (" + string(tier) + ")"
	}
	if f.ClientIDPrefix != "" {
		e.ClientIDPrefix = f.ClientIDPrefix
	}
	if len(f.Scopes) > 0 {
		e.Scopes = f.Scopes
	}
	if f.CodeLifespanSeconds > 0 {
		e.CodeLifespan = time.Duration(f.CodeLifespanSeconds) * time.Second
	}
	return e, nil
}

func isLoopbackHost(h string) bool {
	return h == "localhost" || strings.HasPrefix(h, "127.") || h == "::1"
}

// Resolve returns the built-in environment named nameOrPath, or else reads
// the environment file at that path.
func Resolve(nameOrPath string) (Env, error) {
	if e, err := Lookup(nameOrPath); err == nil {
		return e, nil
	}
	if _, err := os.Stat(nameOrPath); err != nil {
		if errors.Is(err, fs.ErrNotExist) && looksLikePath(nameOrPath) {
			return Env{}, fmt.Errorf("environment file %s not found: check the path, or use one of %s",
				nameOrPath, strings.Join(Names(), ", "))
		}
		if errors.Is(err, fs.ErrNotExist) {
			return Env{}, fmt.Errorf("unknown environment %q: use one of %s, or the path of an environment file",
				nameOrPath, strings.Join(Names(), ", "))
		}
		return Env{}, fmt.Errorf("could not read environment file: %w", err)
	}
	return Load(nameOrPath)
}

// looksLikePath reports whether an --env value names a file rather than
// an environment: it has a directory separator or a file extension.
func looksLikePath(s string) bool {
	return strings.ContainsAny(s, `/\`) || filepath.Ext(s) != ""
}
