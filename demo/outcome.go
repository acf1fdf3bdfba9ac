package demo

import (
	"mime"
	"net/http"
	"net/url"
	"strings"

	"github.com/kseries-tools/ksauth/diagnose"
	"github.com/kseries-tools/ksauth/flow"
	"github.com/kseries-tools/ksauth/internal/redact"
)

// Outcome is the record of one scenario run: the mistake, the failing
// request and its response, and the diagnoses ksauth gave.
type Outcome struct {
	Scenario string        `json:"scenario"`
	Summary  string        `json:"summary"`
	Mistake  string        `json:"mistake"`
	Step     diagnose.Step `json:"step"`
	Expected string        `json:"expected"`
	// Env is the environment the failing request went to.
	Env string `json:"env"`

	// Request is the failing request, redacted.
	Request *Request `json:"request,omitempty"`
	// Response is the server's response to it, or the local finding.
	Response Response `json:"response"`
	// Steps is the timeline of the run up to the failure.
	Steps []flow.StepRecord `json:"steps"`
	// Diagnoses are diagnose.Match's explanations, most likely first.
	Diagnoses []diagnose.Diagnosis `json:"diagnoses"`

	// Got and GotStep are the first failure diagnosis's ID and step, empty
	// when nothing was diagnosed.
	Got     string        `json:"got"`
	GotStep diagnose.Step `json:"got_step,omitempty"`
	// Pass is true when Got is Expected at Step.
	Pass bool `json:"pass"`
	// Error explains why the scenario produced no diagnosis: the mistake went
	// unnoticed, or the scenario could not be staged.
	Error string `json:"error,omitempty"`
}

// Request is a request as sent, with secrets replaced by redact.Marker
// values: the Authorization header's credentials, and the password,
// client_secret, code, code_verifier and token parameters.
type Request struct {
	Method string `json:"method"`
	URL    string `json:"url"`
	// Header holds the request headers that matter: Authorization,
	// Content-Type.
	Header map[string]string `json:"header,omitempty"`
	// Form is the form body's parameters.
	Form url.Values `json:"form,omitempty"`
	// Observed is true for a request the flow saw arrive rather than
	// sent: the browser's redirect to the callback.
	Observed bool `json:"observed,omitempty"`
}

// Response is the server's exact response, or the local finding when no
// response arrived or the flow rejected one.
type Response struct {
	Status      int    `json:"status,omitempty"`
	ContentType string `json:"content_type,omitempty"`
	// Error, ErrorDescription are the OAuth error fields of a JSON body or
	// an error redirect.
	Error            string `json:"error,omitempty"`
	ErrorDescription string `json:"error_description,omitempty"`
	// Redirect is the error redirect's or callback's query, code redacted.
	Redirect string `json:"redirect,omitempty"`
	// Page is the message of a Keycloak page, or the title of another
	// HTML page.
	Page string `json:"page,omitempty"`
	// Server is the Server header, which names a proxy.
	Server string `json:"server,omitempty"`
	// Finding describes the flow's local finding: a state or issuer mismatch,
	// a refused connection.
	Finding string `json:"finding,omitempty"`
}

// setEvidence records the evidence of the failure and its diagnoses.
func (o *Outcome) setEvidence(ev diagnose.Evidence, ds []diagnose.Diagnosis) {
	o.Response = responseOf(ev)
	if ds != nil {
		o.Diagnoses = ds
	}
}

// judge sets Got, GotStep and Pass from the first failure diagnosis.
func (o *Outcome) judge() {
	for _, d := range o.Diagnoses {
		if d.Failed() {
			o.Got, o.GotStep = d.ID, d.Step
			break
		}
	}
	o.Pass = o.Error == "" && o.Got == o.Expected && o.GotStep == o.Step
}

// responseOf reads the response from evidence.
func responseOf(ev diagnose.Evidence) Response {
	a := Response{Status: ev.Status, Error: ev.Error, ErrorDescription: ev.ErrorDescription}
	if ev.Header != nil {
		a.ContentType, _, _ = mime.ParseMediaType(ev.Header.Get("Content-Type"))
		a.Server = ev.Header.Get("Server")
	}
	if ev.Redirect != nil {
		a.Redirect = redactedQuery(ev.Redirect)
		if a.Error == "" {
			a.Error, a.ErrorDescription = ev.Redirect.Get("error"), ev.Redirect.Get("error_description")
		}
	}
	if ev.Page != nil {
		a.Page = firstNonEmpty(ev.Page.Message, ev.Page.Title)
	}
	switch {
	case ev.Status == 0 && ev.Err != nil:
		a.Finding = strings.TrimPrefix(ev.Detail+": "+ev.Err.Error(), ": ")
	case ev.Kind != diagnose.FindingNone && ev.Kind != diagnose.FindingLoginForm:
		a.Finding = ev.Detail
	}
	return a
}

// requestOf returns the redacted form of an exchange's request.
func requestOf(ex flow.Exchange) *Request {
	ex = ex.Redacted()
	r := &Request{Method: ex.Method, URL: ex.URL, Observed: ex.Observed}
	for _, name := range []string{"Authorization", "Content-Type"} {
		if v := ex.RequestHeader.Get(name); v != "" {
			if r.Header == nil {
				r.Header = map[string]string{}
			}
			r.Header[name] = v
		}
	}
	media, _, _ := mime.ParseMediaType(ex.RequestHeader.Get("Content-Type"))
	if media == "application/x-www-form-urlencoded" && len(ex.RequestBody) > 0 {
		if form, err := url.ParseQuery(string(ex.RequestBody)); err == nil {
			r.Form = form
		}
	}
	return r
}

// callbackRequest returns the redirect a browser delivered to the flow's
// callback, with the code redacted.
func callbackRequest(loc string) *Request {
	u, err := url.Parse(loc)
	if err != nil {
		return nil
	}
	u.RawQuery = redactedQuery(u.Query())
	return &Request{Method: http.MethodGet, URL: u.String(), Observed: true}
}

// redactedQuery encodes query parameters with the code replaced by a
// marker.
func redactedQuery(q url.Values) string {
	out := url.Values{}
	for k, v := range q {
		out[k] = append([]string(nil), v...)
	}
	for _, name := range []string{"code", "access_token", "id_token"} {
		for i, v := range out[name] {
			if !strings.HasPrefix(v, "[redacted") {
				out[name][i] = redact.Marker(v)
			}
		}
	}
	return out.Encode()
}

func firstNonEmpty(values ...string) string {
	for _, v := range values {
		if v != "" {
			return v
		}
	}
	return ""
}
