package diagnose

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/kseries-tools/ksauth/envs"
)

// requestEnv returns the environment a request went to: the built-in
// environment of the issuer's host when that host is known, else the
// built-in environment named by ctx.Env. Environment files are not read.
func requestEnv(ctx Context) (envs.Env, bool) {
	if host := hostOf(ctx.Issuer); host != "" {
		if e, ok := envs.ForHost(host); ok {
			return e, true
		}
	}
	if ctx.Env != "" {
		if e, err := envs.Lookup(ctx.Env); err == nil {
			if e.Local && ctx.Issuer != "" {
				// A local realm listens where it was started, not on the
				// built-in default address.
				e.Issuer = ctx.Issuer
			}
			return e, true
		}
	}
	return envs.Env{}, false
}

// hostOf returns the host (with port) of a URL, or "" when rawURL has none.
func hostOf(rawURL string) string {
	u, err := url.Parse(strings.TrimSpace(rawURL))
	if err != nil {
		return ""
	}
	return u.Host
}

// tierMismatch compares the tier a client ID's prefix names with the tier
// of the environment the request went to. It returns a fact such as
// "client devp-v2-demo-x is a trial client; the request went to
// auth.lsk-prod.app (production)" and true when they differ.
func tierMismatch(clientID string, env envs.Env) (string, bool) {
	kind := envs.ClassifyClientID(clientID)
	if kind.Tier() == "" || env.Tier == "" || kind.Tier() == env.Tier {
		return "", false
	}
	return fmt.Sprintf("client %s is a %s; the request went to %s (%s)",
		strings.TrimSpace(clientID), kind, env.Host(), env.Tier), true
}

// clientFact describes a client ID's kind, such as "client devp-1234 is a
// V1 client".
func clientFact(clientID string) string {
	id := strings.TrimSpace(clientID)
	if id == "" {
		return ""
	}
	return fmt.Sprintf("client %s is a %s", id, envs.ClassifyClientID(id))
}

// envFact describes the environment a request went to, such as
// "the request went to auth.lsk-prod.app (production)".
func envFact(env envs.Env) string {
	if env.Issuer == "" {
		return ""
	}
	return fmt.Sprintf("the request went to %s (%s)", env.Host(), env.Tier)
}

// issuerEnvFact names the environment an iss value belongs to, such as
// "iss https://auth.lsk-prod.app/realms/k-series is the production realm".
func issuerEnvFact(iss string) string {
	if iss == "" {
		return ""
	}
	e, ok := envs.ForHost(hostOf(iss))
	if u, err := url.Parse(iss); !ok && err == nil && isLoopback(u.Hostname()) {
		return fmt.Sprintf("iss %s is a realm on this machine, such as the ksauth emulator", iss)
	}
	if !ok {
		return fmt.Sprintf("iss %s is not a built-in K-Series realm", iss)
	}
	return fmt.Sprintf("iss %s is the %s realm (%s)", iss, e.Tier, e.Name)
}
