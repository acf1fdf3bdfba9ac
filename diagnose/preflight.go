package diagnose

import (
	"fmt"
	"strings"

	"github.com/kseries-tools/ksauth/envs"
)

// PreflightInput is the set of values a sign-in will use, which Preflight
// checks offline.
// Empty fields are not checked, except that an empty ClientID or
// RedirectURI is reported as missing when CheckRequired is set.
type PreflightInput struct {
	// ClientID is the client ID to be sent.
	ClientID string
	// ClientSecret is the secret to be sent. Preflight reports problems of
	// its shape (whitespace, quotes) and never copies it into a Diagnosis.
	ClientSecret string
	// RedirectURI is the redirect_uri to be sent.
	RedirectURI string
	// RegisteredRedirectURI is the redirect URI registered for the client,
	// when the user knows it.
	RegisteredRedirectURI string
	// Scope is the raw scope value, before URL encoding.
	Scope string
	// URL is an authorization or token URL in use when it is not derived
	// from the environment, such as a pasted URL or a configured endpoint.
	URL string
	// CheckRequired reports a missing client ID or redirect URI.
	CheckRequired bool
}

// Preflight checks the values of a sign-in against env without contacting
// any server. It checks, in order: the environment's host and PreflightInput.URL
// (wrong hosts, V1 endpoints), the client ID against the environment (the
// other tier, V1 clients, unknown prefixes, whitespace), the scope names,
// the redirect URI's form and its match with the registered URI, and the
// secret's shape. Every finding is a Diagnosis at StepPreflight; findings
// that will not fail the sign-in by themselves have SeverityWarning. It
// returns nil when nothing was found.
func Preflight(env envs.Env, in PreflightInput) []Diagnosis {
	var out []Diagnosis
	out = append(out, checkEnvHost(env)...)
	if in.URL != "" {
		out = append(out, checkURLHost(in.URL)...)
	}
	out = append(out, checkClientID(env, in)...)
	if in.Scope != "" || in.CheckRequired {
		out = append(out, scopeDiagnoses(in.Scope, validatorFor(env))...)
	}
	out = append(out, checkRedirect(env, in)...)
	out = append(out, checkSecret(in.ClientSecret)...)
	return dedupe(out)
}

// checkClientID compares the client ID's prefix with the environment.
func checkClientID(env envs.Env, in PreflightInput) []Diagnosis {
	id := in.ClientID
	switch {
	case id == "" && in.CheckRequired:
		return []Diagnosis{newDiagnosis(IDUnknownClient, StepPreflight, "no client ID is given")}
	case id == "":
		return nil
	case id != strings.TrimSpace(id) || strings.ContainsAny(id, " \t\r\n"):
		d := newDiagnosis(IDUnknownClient, StepPreflight,
			fmt.Sprintf("client ID %q contains whitespace, which Keycloak compares as part of the ID", id))
		d.refine("the client ID has stray whitespace, often from copying it", causeClientIDTypo)
		return []Diagnosis{d}
	}
	kind := envs.ClassifyClientID(id)
	if kind == envs.ClientV1 {
		return []Diagnosis{newDiagnosis(IDV1Client, StepPreflight,
			fmt.Sprintf("client %s starts %q but not %q: it is a V1 client", id, envs.V1Prefix, envs.ProductionPrefix+"-"))}
	}
	if fact, ok := tierMismatch(id, env); ok {
		return []Diagnosis{newDiagnosis(IDWrongEnvironment, StepPreflight, fact, envHint(kind.Tier()))}
	}
	if kind == envs.ClientUnknown && env.ClientIDPrefix != "" && !strings.HasPrefix(id, env.ClientIDPrefix) {
		return []Diagnosis{newWarning(IDUnknownClient, StepPreflight,
			fmt.Sprintf("client ID %s does not start with %s, the prefix of %s clients", id, env.ClientIDPrefix, env.Tier))}
	}
	return nil
}

// envHint names the host of a tier, as a fix fact.
func envHint(tier envs.Tier) string {
	switch tier {
	case envs.TierTrial:
		return "trial clients sign in at auth.lsk-trial.app (also served as " + envs.TrialAliasHost + ")"
	case envs.TierProduction:
		return "production clients sign in at auth.lsk-prod.app"
	}
	return ""
}

// scopeDiagnoses turns scope problems into one invalid-scope Diagnosis,
// a warning when every problem is a warning.
func scopeDiagnoses(raw string, valid scopeValidator) []Diagnosis {
	findings := checkScopes(raw, valid)
	if len(findings) == 0 {
		return nil
	}
	d := newWarning(IDInvalidScope, StepPreflight, fmt.Sprintf("scope %q", raw))
	for _, f := range findings {
		d.addEvidence(f.fact)
		if !f.warning {
			d.Severity = SeverityError
		}
	}
	if strings.ContainsAny(raw, ",+") {
		d.lead(causeScopeSeparator)
	}
	return []Diagnosis{d}
}

// checkSecret reports problems of the secret's shape. Keycloak compares the
// secret exactly, so whitespace copied with it fails authentication.
func checkSecret(secret string) []Diagnosis {
	if secret == "" {
		return nil
	}
	var facts []string
	if strings.ContainsAny(secret, "\r\n") {
		facts = append(facts, "the client secret contains a line break")
	}
	if secret != strings.TrimSpace(secret) {
		facts = append(facts, "the client secret has leading or trailing whitespace")
	}
	if len(secret) >= 2 && strings.ContainsAny(secret[:1], `"'`) && secret[len(secret)-1] == secret[0] {
		facts = append(facts, "the client secret is wrapped in quotes, which are sent as part of it")
	}
	if envs.ClassifyClientID(secret) != envs.ClientUnknown {
		facts = append(facts, "the client secret starts like a client ID (devp-); the two may be swapped")
	}
	if len(facts) == 0 {
		return nil
	}
	d := newDiagnosis(IDInvalidClientCredentials, StepPreflight, facts...)
	d.addEvidence(fmt.Sprintf("the secret is %d characters long (not shown)", len(secret)))
	d.leadWith("the client secret was copied with extra characters")
	return []Diagnosis{d}
}

// dedupe drops later diagnoses with the ID and severity of an earlier one,
// merging their evidence into it.
func dedupe(ds []Diagnosis) []Diagnosis {
	var out []Diagnosis
	for _, d := range ds {
		merged := false
		for i := range out {
			if out[i].ID == d.ID && out[i].Step == d.Step && out[i].Severity == d.Severity {
				out[i].addEvidence(d.Evidence...)
				merged = true
				break
			}
		}
		if !merged {
			out = append(out, d)
		}
	}
	return out
}
