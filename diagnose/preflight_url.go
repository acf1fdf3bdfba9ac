package diagnose

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/kseries-tools/ksauth/envs"
)

// wrongHost is a host that appears in public K-Series material or code but
// does not serve the V2 sign-in.
type wrongHost struct {
	id   string
	fact string
}

// wrongHosts are the hosts seen used by mistake for the V2 sign-in.
var wrongHosts = map[string]wrongHost{
	"auth.lsk.lightspeed.app":       {IDWrongEnvironment, "auth.lsk.lightspeed.app is not a K-Series sign-in host; use auth.lsk-prod.app for production or auth.lsk-trial.app for trial"},
	"api.lsk-demo.app":              {IDWrongEnvironment, "api.lsk-demo.app is not the sign-in host; trial signs in at auth.lsk-trial.app"},
	"api.lsk-prod.app":              {IDWrongEnvironment, "api.lsk-prod.app is not the sign-in host; production signs in at auth.lsk-prod.app"},
	"developer-portal.lsk-demo.app": {IDWrongEnvironment, "developer-portal.lsk-demo.app is the developer portal, not the sign-in host; trial signs in at auth.lsk-trial.app"},
	"developer-portal.lsk-prod.app": {IDWrongEnvironment, "developer-portal.lsk-prod.app is the developer portal, not the sign-in host; production signs in at auth.lsk-prod.app"},
	"api.lsk.lightspeed.app":        {IDV1Client, "api.lsk.lightspeed.app is the V1 API host; the V2 sign-in for production is auth.lsk-prod.app"},
	"api.trial.lsk.lightspeed.app":  {IDV1Client, "api.trial.lsk.lightspeed.app is the V1 trial API host; the V2 sign-in for trial is auth.lsk-trial.app"},
}

// checkEnvHost checks the environment's issuer: its host and its path.
func checkEnvHost(env envs.Env) []Diagnosis {
	if env.Issuer == "" {
		return nil
	}
	out := checkURLHost(env.Issuer)
	if strings.HasSuffix(env.Issuer, "/") {
		out = append(out, newWarning(IDIssuerMismatch, StepPreflight,
			fmt.Sprintf("issuer %s ends with a slash; the realm's issuer has none", env.Issuer)))
	}
	return out
}

// checkURLHost checks an authorization, token or issuer URL for wrong
// hosts, V1 endpoints and paths outside the k-series realm.
func checkURLHost(raw string) []Diagnosis {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || u.Host == "" {
		return []Diagnosis{newDiagnosis(IDUnexpectedResponse, StepPreflight,
			fmt.Sprintf("URL %q has no host; use the realm's URL, such as %s", raw, envs.ProductionIssuer))}
	}
	host := strings.ToLower(u.Hostname())
	var out []Diagnosis
	if w, ok := wrongHosts[host]; ok {
		out = append(out, newDiagnosis(w.id, StepPreflight, w.fact))
	}
	if strings.HasPrefix(u.Path, "/oauth/") {
		out = append(out, oauthPathChecks(host, u.Path)...)
	}
	if strings.HasPrefix(u.Path, "/auth/realms/") {
		out = append(out, newDiagnosis(IDUnexpectedResponse, StepPreflight,
			fmt.Sprintf("path %s has the /auth prefix that Keycloak 17 removed; drop it", u.Path)))
	}
	if realm, ok := realmOf(u.Path); ok && realm != "k-series" && !isLoopback(host) {
		out = append(out, newDiagnosis(IDUnexpectedResponse, StepPreflight,
			fmt.Sprintf("realm %q in %s is not the K-Series realm k-series", realm, u.Path)))
	}
	if u.Scheme == "http" && !isLoopback(host) {
		out = append(out, newDiagnosis(IDTLSError, StepPreflight,
			fmt.Sprintf("%s uses http; K-Series hosts require https", u.Host)))
	}
	return dedupe(out)
}

// oauthPathChecks checks a path under /oauth/, where the V1 API hosts
// serve authorize and token. On a V1 host it shows a V1 client, and on a
// K-Series V2 host it is a wrong path. On any other host it is the
// client's own URL, such as a redirect URI /oauth/callback.
func oauthPathChecks(host, path string) []Diagnosis {
	if w, ok := wrongHosts[host]; ok && w.id == IDV1Client {
		return []Diagnosis{newDiagnosis(IDV1Client, StepPreflight,
			fmt.Sprintf("path %s on %s is a V1 endpoint; V2 uses /realms/k-series/protocol/openid-connect/", path, host))}
	}
	if env, ok := envs.ForHost(host); ok && !env.Local {
		return []Diagnosis{newDiagnosis(IDUnexpectedResponse, StepPreflight,
			fmt.Sprintf("path %s is a V1 endpoint path, which %s does not serve; V2 uses /realms/k-series/protocol/openid-connect/", path, host))}
	}
	return nil
}

// realmOf returns the realm name of a Keycloak path "/realms/<name>/...".
func realmOf(path string) (string, bool) {
	_, rest, ok := strings.Cut(path, "/realms/")
	if !ok {
		return "", false
	}
	name, _, _ := strings.Cut(rest, "/")
	return name, name != ""
}

// checkRedirect checks the redirect URI's form (RFC 6749 §3.1.2) and the
// platform's HTTPS rule, then compares it with the registered URI.
func checkRedirect(env envs.Env, in PreflightInput) []Diagnosis {
	raw := in.RedirectURI
	if raw == "" {
		if in.CheckRequired {
			return []Diagnosis{newDiagnosis(IDRedirectURIMismatch, StepPreflight, "no redirect URI is given")}
		}
		return nil
	}
	var out []Diagnosis
	for _, f := range redirectFormFacts(raw) {
		if f.platformOnly && env.Local {
			continue
		}
		if f.warning {
			out = append(out, newWarning(IDRedirectURIMismatch, StepPreflight, f.fact))
		} else {
			out = append(out, newDiagnosis(IDRedirectURIMismatch, StepPreflight, f.fact))
		}
	}
	if in.RegisteredRedirectURI != "" {
		if diff, ok := CompareRedirectURI(raw, in.RegisteredRedirectURI); ok {
			d := newDiagnosis(IDRedirectURIMismatch, StepPreflight,
				"redirect URI in use: "+raw, "registered redirect URI: "+in.RegisteredRedirectURI, diff.Detail)
			out = append(out, d)
		}
	}
	return out
}

// redirectFormFacts returns the problems of a redirect URI's form.
func redirectFormFacts(raw string) []problem {
	if raw != strings.TrimSpace(raw) {
		return []problem{{fact: fmt.Sprintf("redirect URI %q has leading or trailing whitespace", raw)}}
	}
	if strings.Contains(strings.ToLower(raw), "%3a%2f%2f") {
		return []problem{{fact: fmt.Sprintf("redirect URI %q is still URL-encoded; give it decoded, such as https://localhost/", raw)}}
	}
	u, err := url.Parse(raw)
	switch {
	case err != nil:
		return []problem{{fact: fmt.Sprintf("redirect URI %q is not a valid URL: %v", raw, unwrapURLError(err))}}
	case u.Scheme == "" || u.Host == "" && u.Opaque == "":
		return []problem{{fact: fmt.Sprintf("redirect URI %q is not absolute; give the scheme and host, such as https://localhost/", raw)}}
	}
	var out []problem
	if u.Fragment != "" || strings.Contains(raw, "#") {
		out = append(out, problem{fact: fmt.Sprintf("redirect URI %q has a fragment, which RFC 6749 §3.1.2 forbids", raw)})
	}
	switch {
	case u.Scheme == "http" && !isLoopback(u.Hostname()):
		out = append(out, problem{fact: fmt.Sprintf("redirect URI %q uses http on a non-local host; K-Series requires https", raw)})
	case u.Scheme == "http":
		out = append(out, problem{fact: fmt.Sprintf("redirect URI %q uses http; K-Series registers https redirect URIs, such as https://localhost/", raw),
			warning: true, platformOnly: true})
	}
	return out
}

// unwrapURLError returns the reason of a *url.Error without the repeated
// URL.
func unwrapURLError(err error) error {
	if ue, ok := err.(*url.Error); ok {
		return ue.Err
	}
	return err
}
