package diagnose

import (
	"slices"
	"strings"

	"github.com/kseries-tools/ksauth/envs"
)

// allRules is the rule table in matching order.
var allRules = append(slices.Clone(rules), requestRules...)

// matchByRules matches the OAuth error code with the rule table: the code,
// the step and the grant type first, Keycloak's description second. Every
// matching rule yields a diagnosis, in table order. An error code whose
// description matches no rule falls back to codeRules.
func matchByRules(ev Evidence) []Diagnosis {
	if ev.Error == "" {
		return nil
	}
	ev.Step = stepOr(ev.Step, defaultStep(ev))
	grant := grantOf(ev)
	var out []Diagnosis
	for _, r := range allRules {
		if !r.matchesCode(ev.Error) || !r.matchesDescription(ev.ErrorDescription) || !r.appliesTo(grant) {
			continue
		}
		d := newDiagnosis(r.id, ev.Step, statusEvidence(ev)...)
		d.refine(r.cause, r.refines...)
		enrich(&d, ev)
		out = append(out, d)
	}
	if len(out) > 0 {
		return withWrongEnvironment(ev, out)
	}
	for _, id := range codeRules[ev.Error] {
		d := newDiagnosis(id, ev.Step, statusEvidence(ev)...)
		enrich(&d, ev)
		out = append(out, d)
	}
	return out
}

func (r rule) matchesCode(code string) bool {
	if r.codePrefix {
		return strings.HasPrefix(code, r.code)
	}
	return code == r.code
}

func (r rule) matchesDescription(desc string) bool {
	switch {
	case r.desc == "":
		return true
	case r.prefix:
		return strings.HasPrefix(desc, r.desc)
	}
	return desc == r.desc
}

// appliesTo reports whether the rule applies to the grant type. When the
// grant type is unknown, only rules with a description apply, because the
// description is then the only sign of the grant.
func (r rule) appliesTo(grant string) bool {
	if len(r.grants) == 0 {
		return true
	}
	if grant == "" {
		return r.desc != ""
	}
	return slices.Contains(r.grants, grant)
}

// grantOf returns the grant type of the failed request: the context's, or
// refresh_token at the refresh step, or "" when unknown.
func grantOf(ev Evidence) string {
	if g := strings.TrimSpace(ev.Context.GrantType); g != "" {
		return g
	}
	if ev.Step == StepRefresh {
		return grantRefresh
	}
	return ""
}

// defaultStep guesses the step of evidence that names none: the callback
// for a redirect, the refresh step for a refresh grant, else the token
// step.
func defaultStep(ev Evidence) Step {
	switch {
	case ev.Redirect.Get("error") != "":
		return StepAuthorize
	case ev.Context.GrantType == grantRefresh:
		return StepRefresh
	}
	return StepToken
}

// bearerError reads error and error_description from a WWW-Authenticate
// Bearer challenge (RFC 6750 §3), such as Keycloak's userinfo answer
// `Bearer realm="k-series", error="invalid_token", error_description="..."`.
func bearerError(challenge string) (code, desc string) {
	rest, ok := cutPrefixFold(strings.TrimSpace(challenge), "Bearer")
	if !ok {
		return "", ""
	}
	for rest != "" {
		var key, val string
		rest = strings.TrimLeft(rest, " ,")
		key, rest, ok = strings.Cut(rest, "=")
		if !ok {
			break
		}
		if strings.HasPrefix(rest, `"`) {
			val, rest, _ = strings.Cut(rest[1:], `"`)
		} else {
			val, rest, _ = strings.Cut(rest, ",")
		}
		switch strings.TrimSpace(key) {
		case "error":
			code = val
		case "error_description":
			desc = val
		}
	}
	return code, desc
}

func cutPrefixFold(s, prefix string) (string, bool) {
	if len(s) < len(prefix) || !strings.EqualFold(s[:len(prefix)], prefix) {
		return s, false
	}
	return s[len(prefix):], true
}

// withWrongEnvironment puts a wrong-environment diagnosis before a client
// authentication failure when the realm has no such client (Keycloak 26
// returns invalid_client). It does so only when the client ID belongs to
// the other tier than the realm the request went to. The token and refresh
// steps show no "Client not found." page, so this is where the mix-up is
// named. An unauthorized_client response means the realm has the client,
// so it is left as it is.
func withWrongEnvironment(ev Evidence, out []Diagnosis) []Diagnosis {
	if out[0].ID != IDInvalidClientCredentials || ev.Error != "invalid_client" {
		return out
	}
	env, ok := requestEnv(ev.Context)
	if !ok {
		return out
	}
	id := firstNonEmpty(ev.Context.BasicUser, ev.Context.ClientID)
	fact, mismatch := tierMismatch(id, env)
	if !mismatch {
		return out
	}
	facts := append(statusEvidence(ev), fact, envHint(envs.ClassifyClientID(id).Tier()))
	wrong := newDiagnosis(IDWrongEnvironment, ev.Step, facts...)
	return append([]Diagnosis{wrong}, out...)
}
