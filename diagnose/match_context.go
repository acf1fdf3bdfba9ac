package diagnose

import (
	"fmt"
	"strings"
	"time"

	"github.com/kseries-tools/ksauth/envs"
)

// enrich adds what the request context shows to a diagnosis: the facts
// that tell its causes apart, with the cause they point to put first.
func enrich(d *Diagnosis, ev Evidence) {
	ctx := ev.Context
	switch d.ID {
	case IDInvalidCodeGrant:
		codeContext(d, ev)
	case IDTokenRedirectURIMismatch:
		if ctx.RedirectURI != "" && ctx.TokenRedirectURI != "" {
			d.addEvidence("authorization request redirect_uri: "+ctx.RedirectURI,
				"token request redirect_uri: "+ctx.TokenRedirectURI)
			if diff, ok := CompareRedirectURI(ctx.TokenRedirectURI, ctx.RedirectURI); ok {
				d.addEvidence(diff.Detail)
			}
		}
	case IDRedirectURIMismatch:
		redirectContext(d, ctx)
	case IDInvalidClientCredentials:
		clientAuthContext(d, ev)
	case IDInvalidScope:
		scopeEvidence(d, ev)
	case IDInvalidUserCredentials, IDAccountDisabled:
		if env, ok := requestEnv(ctx); ok {
			d.addEvidence(fmt.Sprintf("the sign-in went to %s (%s); users of the other environment do not exist there",
				env.Host(), env.Tier))
		}
	case IDInvalidRefreshToken:
		if ctx.RefreshReused {
			d.addEvidence("this refresh token had been used before")
			d.lead(causeRefreshReused)
		}
	case IDUnauthorizedClient, IDInvalidRequest:
		if ctx.GrantType != "" {
			d.addEvidence(fmt.Sprintf("grant_type %q", ctx.GrantType))
		}
	}
}

// codeContext adds the code's age and reuse, which tell an expired code
// from a reused one, because Keycloak returns "Code not valid" for both. A code
// younger than the lifespan had not expired, so that cause goes last.
func codeContext(d *Diagnosis, ev Evidence) {
	ctx := ev.Context
	lifespan := envs.DefaultCodeLifespan
	if env, ok := requestEnv(ctx); ok && env.CodeLifespan > 0 {
		lifespan = env.CodeLifespan
	}
	if ctx.CodeAge > 0 {
		age := ctx.CodeAge.Round(time.Millisecond)
		if ctx.CodeAgeIsMax {
			d.addEvidence(fmt.Sprintf("the code was at most %s old when exchanged, counted from when the authorization URL was shown; K-Series codes live about %s", age, lifespan))
		} else {
			d.addEvidence(fmt.Sprintf("the code was %s old when exchanged; K-Series codes live about %s", age, lifespan))
		}
		switch {
		case ctx.CodeAgeIsMax && ctx.CodeAge < lifespan:
			d.demote(causeCodeExpired)
		case ctx.CodeAgeIsMax:
			// Only an upper bound: expiry is likely but not proven.
		case ctx.CodeAge >= lifespan:
			d.refine(fmt.Sprintf("the code expired: it was exchanged after %s, and K-Series codes are valid for about %s",
				age, lifespan), causeCodeExpired)
		case ev.ErrorDescription != "Code is expired":
			d.demote(causeCodeExpired)
		}
	}
	if ctx.CodeReused {
		d.addEvidence("the same code was sent before")
		d.lead(causeCodeReused)
	}
}

// redirectContext compares the redirect URI in use with the registered one
// and checks its form.
func redirectContext(d *Diagnosis, ctx Context) {
	if ctx.RedirectURI != "" {
		d.addEvidence("redirect_uri in the request: " + ctx.RedirectURI)
		for _, p := range redirectFormFacts(ctx.RedirectURI) {
			d.addEvidence(p.fact)
		}
	}
	if ctx.RegisteredRedirectURI == "" {
		return
	}
	d.addEvidence("registered redirect URI: " + ctx.RegisteredRedirectURI)
	if ctx.RedirectURI == "" {
		return
	}
	if diff, ok := CompareRedirectURI(ctx.RedirectURI, ctx.RegisteredRedirectURI); ok {
		d.addEvidence(diff.Detail)
		d.leadWith(causeMentioning(d.Causes, redirectCauseWord(diff.Part)))
		return
	}
	d.addEvidence("the redirect URI is identical to the registered one, so the registration on the server differs from the one given")
}

// redirectCauseWord returns the word that the catalogue's redirect URI
// cause for a differing part contains.
func redirectCauseWord(part string) string {
	switch part {
	case "trailing slash", "scheme":
		return part
	}
	return "typo"
}

// causeMentioning returns the first cause containing word, or "".
func causeMentioning(causes []string, word string) string {
	for _, c := range causes {
		if strings.Contains(c, word) {
			return c
		}
	}
	return ""
}

// clientAuthContext says which client authentication failure Keycloak 26
// reports, and adds the environment and Basic header problems.
func clientAuthContext(d *Diagnosis, ev Evidence) {
	ctx := ev.Context
	switch ev.Error {
	case "invalid_client":
		d.addEvidence("Keycloak 26 answers invalid_client when it does not know the client ID, or the client is disabled")
	case "unauthorized_client":
		d.addEvidence("Keycloak 26 answers unauthorized_client when it knows the client but the secret is wrong or missing")
	}
	id := firstNonEmpty(ctx.BasicUser, ctx.ClientID)
	if env, ok := requestEnv(ctx); ok {
		if fact, mismatch := tierMismatch(id, env); mismatch {
			d.addEvidence(fact)
			d.refine("the client belongs to the other environment: "+fact, causeClientUnknown)
		}
	}
	if ctx.BasicProblem != "" {
		d.addEvidence("Authorization header: " + ctx.BasicProblem)
		d.lead(causeHeaderMalformed)
	}
	switch ctx.ClientAuth {
	case "none":
		d.addEvidence("the request had no Authorization header and no client_secret")
		d.lead(causeHeaderMissing)
	case "post":
		d.addEvidence("the client secret was sent in the form body (client_secret_post), not in a Basic header")
	}
	if ctx.BasicUser != "" && ctx.ClientID != "" && ctx.BasicUser != ctx.ClientID {
		d.addEvidence(fmt.Sprintf("the Basic header names client %s but the request names %s", ctx.BasicUser, ctx.ClientID))
	}
}
