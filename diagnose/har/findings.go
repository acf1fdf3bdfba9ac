package har

import (
	"fmt"
	"net/url"
	"slices"
	"time"

	"github.com/kseries-tools/ksauth/diagnose"
	"github.com/kseries-tools/ksauth/envs"
)

// IDs of the findings that only a HAR shows and the catalogue has no entry
// for. They appear in Step.Diagnoses next to catalogue IDs.
const (
	// IDClientSecretInBody is a token request that sent client_secret in
	// the form body (client_secret_post) instead of an Authorization:
	// Basic header, which the K-Series guide and ksauth use.
	IDClientSecretInBody = "client-secret-in-body"
	// IDTokenHostDiffers is a token request sent to another host or realm
	// than the authorization request whose code it exchanges, when the
	// environment registry cannot distinguish the hosts' tiers.
	IDTokenHostDiffers = "token-host-differs"
	// IDCodeAgeUnknown is a token request whose code the HAR never shows
	// being issued, so its age cannot be checked.
	IDCodeAgeUnknown = "code-age-unknown"
)

// finding is one fact a HAR shows about a token request beyond its
// response: the code's age or reuse, the host or redirect URI it went to,
// or how the client authenticated.
type finding struct {
	id       string
	evidence []string
	cause    string
	// warning keeps the finding a warning even on a failed step.
	warning bool
}

// tokenFindings checks a token request against the sign-in before it and
// completes ctx with what it finds: the code's age and reuse, the refresh
// token's reuse and age, the host and the redirect URI.
func (f *flow) tokenFindings(s *Step, e Entry, form url.Values, ctx *diagnose.Context) []finding {
	var out []finding
	switch form.Get("grant_type") {
	case grantAuthorizationCode:
		out = append(out, f.codeFindings(s, e, form, ctx)...)
	case grantRefreshToken:
		out = append(out, f.refreshFindings(e, form, ctx)...)
	}
	if ctx.ClientAuth == "post" {
		out = append(out, finding{id: IDClientSecretInBody, warning: true,
			evidence: []string{"the form body carries client_secret; K-Series clients authenticate with an Authorization: Basic header"}})
	}
	return out
}

// codeFindings checks an authorization_code request. RFC 6749 §4.1.2
// makes codes short-lived and single-use, so it checks the code's age and
// whether it was sent before. It also compares the host and redirect URI
// with those of the authorization request.
func (f *flow) codeFindings(s *Step, e Entry, form url.Values, ctx *diagnose.Context) []finding {
	var out []finding
	code := form.Get("code")
	issue, issued := f.codes[code]
	switch {
	case code == "":
		s.Notes = append(s.Notes, "the token request has no code parameter")
	case !issued:
		out = append(out, finding{id: IDCodeAgeUnknown, warning: true, evidence: []string{
			"the HAR does not show the redirect that carried this code, so its age is unknown"}})
	default:
		out = append(out, f.codeAge(s, e, issue, ctx)...)
	}

	if prev, sent := f.codeSent[code]; code != "" && sent {
		ctx.CodeReused = true
		out = append(out, finding{id: diagnose.IDInvalidCodeGrant,
			evidence: []string{fmt.Sprintf("the same code was sent in entry %d", f.steps[prev].Entry)},
			cause:    "the code was already exchanged once: codes are single-use"})
	}

	a := f.authFor(code)
	if a == nil {
		return out
	}
	out = append(out, hostFindings(a, e)...)

	tokenURI := form.Get("redirect_uri")
	if a.redirectURI != "" && tokenURI != a.redirectURI {
		ev := []string{"authorization request redirect_uri: " + a.redirectURI,
			"token request redirect_uri: " + tokenURI}
		if tokenURI == "" {
			ev[1] = "the token request has no redirect_uri, which RFC 6749 §4.1.3 requires when the authorization request had one"
		} else if diff, ok := diagnose.CompareRedirectURI(tokenURI, a.redirectURI); ok {
			ev = append(ev, diff.Detail)
		}
		out = append(out, finding{id: diagnose.IDTokenRedirectURIMismatch, evidence: ev})
	}
	return out
}

// codeAge records how long after the redirect that carried the code the
// token request started, and flags a code older than its lifespan.
func (f *flow) codeAge(s *Step, e Entry, issue codeIssue, ctx *diagnose.Context) []finding {
	if issue.at.IsZero() || e.Start.IsZero() {
		s.Notes = append(s.Notes, "the HAR has no usable times for the code's redirect or the token request")
		return nil
	}
	age := e.Start.Sub(issue.at)
	if age < 0 {
		s.Notes = append(s.Notes, fmt.Sprintf("the token request started %s before the redirect carrying its code arrived; "+
			"the HAR's times are out of step", (-age).Round(time.Millisecond)))
		age = 0
	}
	ms := milliseconds(age)
	s.CodeAgeMS = &ms
	ctx.CodeAge = age
	from := fmt.Sprintf("the redirect in entry %d", f.steps[issue.step].Entry)
	if issue.atCallback {
		from = fmt.Sprintf("the callback in entry %d (the code was issued earlier, so it was older still)", f.steps[issue.step].Entry)
	}
	s.Notes = append(s.Notes, fmt.Sprintf("code age %.0f ms, counted from %s", ms, from))
	lifespan := codeLifespan(e.URL)
	if age < lifespan {
		return nil
	}
	return []finding{{id: diagnose.IDInvalidCodeGrant,
		evidence: []string{fmt.Sprintf("the code was %s old when exchanged; K-Series codes live about %s",
			age.Round(time.Millisecond), lifespan)},
		cause: fmt.Sprintf("the code expired: it was exchanged after %s", age.Round(time.Millisecond))}}
}

// codeLifespan returns the code lifespan of the environment a URL's host
// belongs to, or the platform default.
func codeLifespan(rawURL string) time.Duration {
	if u, err := url.Parse(rawURL); err == nil {
		if env, ok := envs.ForHost(u.Host); ok && env.CodeLifespan > 0 {
			return env.CodeLifespan
		}
	}
	return envs.DefaultCodeLifespan
}

// hostFindings compares the token request's host and realm with those of
// the authorization request. Keycloak only accepts a code at the realm
// that issued it.
func hostFindings(a *authRequest, e Entry) []finding {
	_, tokenIssuer := classify(e)
	tokenEnv, tokenHost := envOf(e.URL)
	if tokenHost == "" || a.host == "" {
		return nil
	}
	sameRealm := tokenIssuer == "" || a.issuer == "" || tokenIssuer == a.issuer
	if sameRealm && tokenHost == a.host {
		return nil
	}
	ev := []string{"authorization request to " + orHost(a.issuer, a.host), "token request to " + orHost(tokenIssuer, tokenHost)}
	authEnv, _ := envs.Lookup(a.env)
	tokEnv, _ := envs.Lookup(tokenEnv)
	switch {
	case a.env != "" && tokenEnv != "" && authEnv.Tier != tokEnv.Tier:
		ev = append(ev, fmt.Sprintf("the code was issued by %s (%s) and sent to %s (%s)", a.env, authEnv.Tier, tokenEnv, tokEnv.Tier))
		return []finding{{id: diagnose.IDWrongEnvironment, evidence: ev,
			cause: "the token request went to the other environment than the authorization request"}}
	case a.env != "" && a.env == tokenEnv && sameRealm:
		// Two hosts of one environment, such as auth.lsk-trial.app and
		// auth.lsk-demo.app, serve the same realm.
		return nil
	}
	return []finding{{id: IDTokenHostDiffers, evidence: ev}}
}

func orHost(issuer, host string) string {
	if issuer != "" {
		return issuer
	}
	return host
}

// refreshFindings checks a refresh_token request: whether the refresh
// token was used before and how old it was.
func (f *flow) refreshFindings(e Entry, form url.Values, ctx *diagnose.Context) []finding {
	rt := form.Get("refresh_token")
	if rt == "" {
		return nil
	}
	if issue, ok := f.refreshIssued[rt]; ok && !issue.at.IsZero() && !e.Start.IsZero() {
		ctx.RefreshTokenAge = e.Start.Sub(issue.at)
	}
	var out []finding
	if prev, sent := f.refreshSent[rt]; sent {
		ctx.RefreshReused = true
		out = append(out, finding{id: diagnose.IDInvalidRefreshToken,
			evidence: []string{fmt.Sprintf("the same refresh token was sent in entry %d", f.steps[prev].Entry)},
			cause:    "the token was already used and the server rotates refresh tokens"})
	}
	if _, issued := f.refreshIssued[rt]; issued && f.latestRefresh != "" && rt != f.latestRefresh {
		newer := f.refreshIssued[f.latestRefresh]
		out = append(out, finding{id: diagnose.IDInvalidRefreshToken,
			evidence: []string{fmt.Sprintf("a newer refresh token was issued in entry %d; this one is an earlier token",
				f.steps[newer.step].Entry)},
			cause: "the client kept an old refresh token instead of the one the last response returned"})
	}
	return out
}

// apply adds the findings to the step's diagnoses. A finding whose ID the
// step already has adds its evidence there. On a failed step a finding is
// an error and replaces an "unknown" diagnosis. On a successful step it
// is a warning, because the server accepted the request anyway.
func (s *Step) apply(findings []finding) {
	for _, fd := range findings {
		if i := slices.IndexFunc(s.Diagnoses, func(d diagnose.Diagnosis) bool { return d.ID == fd.id }); i >= 0 {
			addEvidence(&s.Diagnoses[i], fd.evidence)
			continue
		}
		d := fd.diagnosis(s.Name)
		if s.Status == StatusFailed && !fd.warning {
			s.Diagnoses = slices.DeleteFunc(s.Diagnoses, func(d diagnose.Diagnosis) bool { return d.ID == diagnose.IDUnknown })
			s.Diagnoses = append([]diagnose.Diagnosis{d}, s.Diagnoses...)
			continue
		}
		d.Severity = diagnose.SeverityWarning
		s.Diagnoses = append(s.Diagnoses, d)
	}
}

// diagnosis turns a finding into a diagnosis: the catalogue entry of its
// ID, or the HAR-only text.
func (fd finding) diagnosis(step diagnose.Step) diagnose.Diagnosis {
	d := diagnose.Diagnosis{ID: fd.id, Step: step, Severity: diagnose.SeverityError,
		Evidence: slices.Clone(fd.evidence)}
	if entry, ok := diagnose.Lookup(fd.id); ok {
		d.Title, d.Causes, d.Fix, d.Guide = entry.Title, entry.Causes, entry.Fix, entry.Guide
	} else if text, ok := harOnly[fd.id]; ok {
		d.Title, d.Causes, d.Fix = text.title, slices.Clone(text.causes), text.fix
	}
	if fd.cause != "" {
		d.Causes = append([]string{fd.cause}, slices.DeleteFunc(slices.Clone(d.Causes),
			func(c string) bool { return c == fd.cause })...)
	}
	return d
}

func addEvidence(d *diagnose.Diagnosis, facts []string) {
	for _, fact := range facts {
		if fact != "" && !slices.Contains(d.Evidence, fact) {
			d.Evidence = append(d.Evidence, fact)
		}
	}
}

// harOnlyText is the title, causes and fix of a finding that has no
// catalogue entry.
type harOnlyText struct {
	title  string
	causes []string
	fix    string
}

var harOnly = map[string]harOnlyText{
	IDClientSecretInBody: {
		title: "Client secret sent in the form body",
		causes: []string{
			"the client library defaults to client_secret_post, or auto-detection retried with the secret in the body",
			"the secret sits in request logs and proxies that record form bodies",
		},
		fix: "Send the client ID and secret in an Authorization: Basic header (client_secret_basic) and drop client_secret from the body.",
	},
	IDTokenHostDiffers: {
		title: "Token request sent to another server than the authorization request",
		causes: []string{
			"the token URL is configured separately from the authorization URL and points elsewhere",
			"a proxy or gateway rewrites one of the two URLs",
		},
		fix: "Derive both endpoints from one issuer, {issuer}/protocol/openid-connect/auth and /token, as discovery lists them.",
	},
	IDCodeAgeUnknown: {
		title: "Code's age cannot be checked",
		causes: []string{
			"the recording started after the redirect that carried the code",
			"the code reached the application through another browser or device",
		},
		fix: "Record the HAR from before the sign-in starts, with the browser's Preserve log option on.",
	},
}
