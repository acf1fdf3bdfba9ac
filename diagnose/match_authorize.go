package diagnose

import (
	"fmt"
	"strings"

	"github.com/kseries-tools/ksauth/envs"
)

// matchClientNotFound explains Keycloak's "Client not found." page from
// the request context: the client ID's prefix against the host's
// environment. Keycloak 26.7.1 shows the same page for an unknown, empty
// or other-environment client ID.
func matchClientNotFound(ev Evidence, facts []string) []Diagnosis {
	id := strings.TrimSpace(ev.Context.ClientID)
	env, envKnown := requestEnv(ev.Context)
	kind := envs.ClassifyClientID(id)

	if kind == envs.ClientV1 {
		d := newDiagnosis(IDV1Client, ev.Step, append(facts, clientFact(id))...)
		return []Diagnosis{d}
	}
	if fact, ok := tierMismatch(id, env); envKnown && ok {
		wrong := newDiagnosis(IDWrongEnvironment, ev.Step, append(facts, fact, envHint(kind.Tier()))...)
		other := newDiagnosis(IDUnknownClient, ev.Step, facts...)
		return []Diagnosis{wrong, other}
	}
	if id != "" && envKnown {
		d := newDiagnosis(IDUnknownClient, ev.Step, append(facts, clientFact(id), envFact(env))...)
		if kind == envs.ClientUnknown {
			d.refine("the client ID does not start with devp-v2, so it is not a K-Series V2 client ID", causeClientIDTypo)
		} else {
			d.addEvidence("the client ID's prefix matches the environment, so the ID itself is not known there")
		}
		if id != ev.Context.ClientID {
			d.refine("the client ID has stray whitespace, often from copying it", causeClientIDTypo)
		}
		return []Diagnosis{d}
	}
	wrong := newDiagnosis(IDWrongEnvironment, ev.Step, append(facts,
		"the client ID or the host is not known, so their environments could not be compared; "+
			"give the client ID and the environment to tell the causes apart")...)
	wrong.addEvidence(clientFact(id))
	other := newDiagnosis(IDUnknownClient, ev.Step, facts...)
	return []Diagnosis{wrong, other}
}

// matchRedirect matches an error redirect to the client (RFC 6749
// §4.1.2.1) by its error code, then by its description.
func matchRedirect(ev Evidence) []Diagnosis {
	if ev.Redirect.Get("error") == "" {
		return nil
	}
	ev.Step = stepOr(ev.Step, StepAuthorize)
	ds := matchByRules(ev)
	if len(ds) == 0 {
		return nil
	}
	for i := range ds {
		ds[i].addEvidence(issuerEnvFact(ev.Redirect.Get("iss")))
	}
	return ds
}

// scopeEvidence explains an invalid_scope answer. Keycloak 26 lists the
// whole requested scope in "Invalid scopes: ...", so when every listed name
// is valid the client lacks a scope rather than a name being wrong.
func scopeEvidence(d *Diagnosis, ev Evidence) {
	valid := envs.ValidScope
	if env, ok := requestEnv(ev.Context); ok {
		valid = validatorFor(env)
	}
	names, fromDesc := scopesFromDescription(ev.ErrorDescription)
	raw := strings.Join(names, " ")
	if !fromDesc || ev.Context.Scope != "" {
		raw = ev.Context.Scope
		names = splitScopes(raw)
	}
	if len(names) == 0 {
		return
	}
	findings := checkScopes(raw, valid)
	for _, f := range findings {
		d.addEvidence(f.fact)
	}
	if len(findings) == 0 {
		d.addEvidence(fmt.Sprintf("all %d requested scopes (%s) are valid K-Series names; Keycloak lists the "+
			"whole request, not only the rejected names", len(names), strings.Join(names, ", ")))
		d.lead(causeScopeUnprovision)
	}
	if strings.ContainsAny(raw, ",+") {
		d.lead(causeScopeSeparator)
	}
}
