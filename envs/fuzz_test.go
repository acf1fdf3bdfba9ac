package envs

import (
	"strings"
	"testing"
)

// FuzzParse checks that any environment file, JSON or TOML, yields an Env
// or an error, never a panic, and that an accepted Env has an issuer.
func FuzzParse(f *testing.F) {
	f.Add("env.json", `{"name": "staging", "tier": "trial", "issuer": "https://auth.example.test/realms/k-series"}`)
	f.Add("env.json", `{"name": "x", "tier": "production", "issuer": "http://127.0.0.1:8401/realms/k-series", "scopes": ["items"], "code_lifespan_seconds": 30}`)
	f.Add("env.toml", "name = \"t\"\ntier = \"trial\"\nissuer = \"https://auth.example.test/realms/k-series\"\naliases = [\"a.example.test\"]\n")
	f.Add("env.json", `{"name": 1}`)
	f.Add("env.toml", "name = [")
	f.Add("env.json", "")
	f.Fuzz(func(t *testing.T, name, data string) {
		env, err := Parse(name, []byte(data))
		if err != nil {
			return
		}
		if strings.TrimSpace(env.Issuer) == "" {
			t.Errorf("Parse(%q) accepted an environment without an issuer", data)
		}
	})
}
