package diagnose

import (
	"fmt"
	"net/http"
	"strings"
	"time"
)

// ClockSkewThreshold is how far the local clock may differ from the
// server's Date header before ksauth reports clock skew. The Date header
// has one-second resolution and includes the network delay, so 30 seconds
// is well above that noise while still far below the 300-second access
// token lifetime that skew breaks.
const ClockSkewThreshold = 30 * time.Second

// addClockSkew adds a clock-skew diagnosis when the server's Date and the
// local clock differ by more than ClockSkewThreshold, or when a refresh
// token only seconds old is reported "Token is not active". It ranks first
// when the failure itself is about time.
func addClockSkew(ev Evidence, out []Diagnosis) []Diagnosis {
	var facts []string
	if !ev.ServerTime.IsZero() && !ev.LocalTime.IsZero() {
		skew := ev.LocalTime.Sub(ev.ServerTime)
		if skew.Abs() > ClockSkewThreshold {
			dir := "ahead of"
			if skew < 0 {
				dir = "behind"
			}
			facts = append(facts, fmt.Sprintf("the local clock is %s %s the server's Date header (%s)",
				skew.Abs().Round(time.Second), dir, ev.ServerTime.UTC().Format(http.TimeFormat)))
		}
	}
	age := ev.Context.RefreshTokenAge
	if ev.ErrorDescription == "Token is not active" && age > 0 && age < time.Minute {
		facts = append(facts, fmt.Sprintf("the refresh token was issued %s before and is already not active",
			age.Round(time.Second)))
	}
	if len(facts) == 0 {
		return out
	}
	d := newDiagnosis(IDClockSkew, stepOr(ev.Step, StepVerify), facts...)
	if timeRelated(ev) || (len(out) == 1 && out[0].ID == IDUnknown) {
		return append([]Diagnosis{d}, out...)
	}
	return append(out, d)
}

// timeRelated reports whether the failure is one that clock skew causes.
func timeRelated(ev Evidence) bool {
	if ev.ErrorDescription == "Token is not active" {
		return true
	}
	if ev.Err == nil {
		return false
	}
	msg := strings.ToLower(ev.Err.Error())
	for _, s := range []string{"expired", "nbf", "not yet valid", "before the", "issued in the future", "iat"} {
		if strings.Contains(msg, s) {
			return true
		}
	}
	return false
}

// verifyDiagnosis classifies a token verification failure by the error
// texts of github.com/coreos/go-oidc/v3 (v3.21).
func verifyDiagnosis(ev Evidence) Diagnosis {
	step := stepOr(ev.Step, StepVerify)
	facts := []string{ev.Detail}
	if ev.Err != nil {
		facts = append(facts, "error: "+ev.Err.Error())
	}
	msg := ""
	if ev.Err != nil {
		msg = strings.ToLower(ev.Err.Error())
	}
	if strings.Contains(msg, "issued by a different provider") || strings.Contains(msg, "issuer") {
		d := newDiagnosis(IDIssuerMismatch, step, facts...)
		d.addEvidence(issuerFacts("", ev.ExpectedIssuer)...)
		return d
	}
	d := newDiagnosis(IDTokenVerificationFailed, step, facts...)
	switch {
	case strings.Contains(msg, "signature"):
		d.leadWith("the signature does not verify against the realm's keys (another realm, or keys rotated)")
	case strings.Contains(msg, "audience"):
		d.leadWith("the audience or nonce differs from the request's")
	case strings.Contains(msg, "nonce"):
		d.leadWith("the nonce differs from the one sent: the token belongs to another sign-in")
	case timeRelated(ev):
		d.leadWith("the token is expired or not yet valid, often because of clock skew")
	}
	return d
}

// matchUnexpected matches answers that are not what the endpoint returns:
// a 404 or 405, HTML where JSON was due, or a Bearer challenge without an
// error code.
func matchUnexpected(ev Evidence) []Diagnosis {
	step := stepOr(ev.Step, StepToken)
	ct := contentType(ev)
	jsonStep := step == StepToken || step == StepRefresh || step == StepDiscovery
	switch {
	case ev.Status == http.StatusUnauthorized && ev.Header != nil &&
		strings.HasPrefix(strings.ToLower(ev.Header.Get("WWW-Authenticate")), "bearer"):
		d := newDiagnosis(IDInvalidToken, stepOr(ev.Step, StepVerify), statusEvidence(ev)...)
		d.addEvidence("WWW-Authenticate " + ev.Header.Get("WWW-Authenticate"))
		d.leadWith("no token or a malformed Authorization: Bearer header was sent")
		return []Diagnosis{d}
	case ev.Status == http.StatusNotFound || ev.Status == http.StatusMethodNotAllowed,
		jsonStep && ev.Status > 0 && ct != "" && ct != "application/json":
		d := newDiagnosis(IDUnexpectedResponse, step, statusEvidence(ev)...)
		if ct != "" {
			d.addEvidence(fmt.Sprintf("Content-Type %s where application/json was expected", ct))
		}
		if p := proxyName(ev); p != "" {
			d.addEvidence("answered by " + p)
			d.lead(causeProxy)
		}
		if ev.Status == http.StatusMethodNotAllowed {
			d.lead(causeWrongMethod)
		}
		d.addEvidence(bodyExcerpt(ev.Body))
		return []Diagnosis{d}
	}
	return nil
}

// unknownDiagnosis shows the raw evidence when no rule matched.
func unknownDiagnosis(ev Evidence) Diagnosis {
	d := newDiagnosis(IDUnknown, stepOr(ev.Step, StepToken), statusEvidence(ev)...)
	if ev.ErrorURI != "" {
		d.addEvidence(fmt.Sprintf("error_uri %q", ev.ErrorURI))
	}
	if ev.Page != nil {
		d.addEvidence(pageEvidence(*ev.Page)...)
		if ev.Page.ID != "" {
			d.addEvidence("page " + ev.Page.ID)
		}
	}
	if ev.Kind != FindingNone {
		d.addEvidence("finding " + string(ev.Kind))
	}
	d.addEvidence(ev.Detail)
	if ev.Err != nil {
		d.addEvidence("error: " + ev.Err.Error())
	}
	if ct := contentType(ev); ct != "" {
		d.addEvidence("Content-Type " + ct)
	}
	d.addEvidence(bodyExcerpt(ev.Body))
	if ev.Error == "invalid_grant" {
		d.leadWith("Keycloak sends invalid_grant for an expired or reused code, a redirect_uri mismatch, a PKCE " +
			"failure and a rejected refresh token; this description matches none of the known ones")
	}
	if len(d.Evidence) == 0 {
		d.addEvidence("no status, error or message was recorded")
	}
	return d
}
