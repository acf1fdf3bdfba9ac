package diagnose

import (
	"fmt"
	"strings"
)

// matchLocal matches the findings that flow reports without a server error
// response: Evidence.Kind, and Err when no response arrived.
func matchLocal(ev Evidence) []Diagnosis {
	step := stepOr(ev.Step, StepAuthorize)
	switch ev.Kind {
	case FindingStateMismatch:
		return []Diagnosis{stateDiagnosis(ev, step)}
	case FindingIssuerMismatch:
		d := newDiagnosis(IDIssuerMismatch, step, ev.Detail)
		if iss := ev.Redirect.Get("iss"); iss != "" || ev.ExpectedIssuer != "" {
			d.addEvidence(issuerFacts(iss, ev.ExpectedIssuer)...)
		}
		return []Diagnosis{d}
	case FindingNoCallback:
		return []Diagnosis{newDiagnosis(IDNoCallback, step, ev.Detail)}
	case FindingScopesMissing:
		return []Diagnosis{newDiagnosis(IDScopeNotGranted, stepOr(ev.Step, StepVerify), ev.Detail)}
	case FindingVerify:
		return []Diagnosis{verifyDiagnosis(ev)}
	case FindingListen:
		d := newDiagnosis(IDCallbackUnavailable, step, ev.Detail)
		listenFacts(&d, ev.Err)
		return []Diagnosis{d}
	case FindingTransport:
		if d, ok := transportDiagnosis(ev); ok {
			return []Diagnosis{d}
		}
	}
	if ev.Kind == FindingNone && ev.Err != nil && ev.Status == 0 {
		if isListenError(ev.Err) {
			d := newDiagnosis(IDCallbackUnavailable, step, ev.Detail)
			listenFacts(&d, ev.Err)
			return []Diagnosis{d}
		}
		if d, ok := transportDiagnosis(ev); ok {
			return []Diagnosis{d}
		}
	}
	return nil
}

// stateDiagnosis reports a callback whose state differs from the request's
// (RFC 6749 §10.12). The values are not shown, only their lengths, because
// state may carry the client's own data.
func stateDiagnosis(ev Evidence, step Step) Diagnosis {
	got := ev.Redirect.Get("state")
	d := newDiagnosis(IDStateMismatch, stepOr(step, StepCallback), ev.Detail)
	switch {
	case !ev.Redirect.Has("state"):
		d.addEvidence("the callback has no state parameter")
		d.leadWith("the state was changed or dropped on the way (RFC 6749 §10.12)")
	case ev.ExpectedState != "":
		d.addEvidence(fmt.Sprintf("the callback's state (%d characters) differs from the state sent (%d characters)",
			len(got), len(ev.ExpectedState)))
	default:
		d.addEvidence("the callback's state differs from the state sent")
	}
	return d
}

// issuerFacts compares a received issuer with the expected one.
func issuerFacts(got, want string) []string {
	facts := []string{}
	if got != "" {
		facts = append(facts, "issuer received: "+got, issuerEnvFact(got))
	}
	if want != "" {
		facts = append(facts, "issuer expected: "+want)
	}
	if got != "" && want != "" && strings.TrimSuffix(got, "/") == strings.TrimSuffix(want, "/") {
		facts = append(facts, "the two differ only in a trailing slash")
	}
	return facts
}

// addIssuerCheck adds an issuer mismatch when a redirect carries an iss
// (RFC 9207 §2.4) that differs from the expected issuer. It replaces an
// "unknown" result, because the mismatch then explains the failure.
func addIssuerCheck(ev Evidence, out []Diagnosis) []Diagnosis {
	iss := ev.Redirect.Get("iss")
	if iss == "" || ev.ExpectedIssuer == "" || iss == ev.ExpectedIssuer {
		return out
	}
	d := newDiagnosis(IDIssuerMismatch, stepOr(ev.Step, StepCallback), issuerFacts(iss, ev.ExpectedIssuer)...)
	if len(out) == 1 && out[0].ID == IDUnknown {
		return []Diagnosis{d}
	}
	return append(out, d)
}

// matchServerError matches HTTP 5xx answers.
func matchServerError(ev Evidence) []Diagnosis {
	if ev.Status < 500 || ev.Status > 599 {
		return nil
	}
	if ds := matchByRules(ev); len(ds) > 0 && ds[0].ID == IDServerError {
		return ds
	}
	d := newDiagnosis(IDServerError, stepOr(ev.Step, StepToken), statusEvidence(ev)...)
	if server := proxyName(ev); server != "" {
		d.addEvidence("answered by " + server)
	}
	if ev.Status == 502 || ev.Status == 503 || ev.Status == 504 {
		d.refine("a proxy or load balancer in front of the server failed or timed out", causeServerFailed)
	}
	if ct := contentType(ev); ct != "" {
		d.addEvidence("Content-Type " + ct)
	}
	d.addEvidence(bodyExcerpt(ev.Body))
	return []Diagnosis{d}
}

// proxyName returns the Server header, or a proxy named in an HTML body.
func proxyName(ev Evidence) string {
	if ev.Header != nil && ev.Header.Get("Server") != "" {
		return "server " + ev.Header.Get("Server")
	}
	body := strings.ToLower(ev.Body)
	for _, name := range []string{"nginx", "cloudflare", "apache", "envoy", "haproxy", "traefik"} {
		if strings.Contains(body, name) {
			return name + " (named in the body)"
		}
	}
	return ""
}
