package flow

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"strings"

	"github.com/kseries-tools/ksauth/diagnose"
)

// matchEvidence explains a failed step's evidence. The flow itself never
// decides what a failure means.
var matchEvidence = diagnose.Match

// evidenceHeaders are the response headers evidence keeps.
var evidenceHeaders = []string{"Content-Type", "WWW-Authenticate", "Location", "Date", "Server"}

// evidence returns an Evidence for step with the request context filled in.
func (r *runner) evidence(step diagnose.Step) diagnose.Evidence {
	r.mu.Lock()
	defer r.mu.Unlock()
	return diagnose.Evidence{Step: step, Context: r.reqCtx}
}

// failure ends the timed step as failed, gets diagnose's explanations of
// the evidence and returns the step's error. A cancelled run gets no
// diagnoses: the interruption explains itself.
func (r *runner) failure(t *stepTimer, ev diagnose.Evidence, err error) *Error {
	if ev.Kind == diagnose.FindingTransport && ev.Err == nil {
		// diagnose names a transport failure (refused, timed out, TLS)
		// from the error itself.
		ev.Err = err
	}
	e := &Error{Step: t.name, Evidence: ev, Err: err}
	if !errors.Is(err, context.Canceled) {
		e.Diagnoses = matchEvidence(ev)
	}
	t.fail(strings.TrimPrefix(e.Error(), string(t.name)+": "))
	r.addDiagnoses(e.Diagnoses)
	return e
}

// addResponse copies the response captured under a step into the evidence:
// the status, the headers that matter and the body capped at
// diagnose.MaxBody. It adds the Keycloak page of an HTML body, the OAuth
// error fields of a JSON body (RFC 6749 §5.2), and the server's Date with
// the local time for the clock-skew check. It reports false when no
// response arrived.
func addResponse(ev *diagnose.Evidence, c *captured) bool {
	status, header, body, local, ok := c.response()
	if !ok {
		return false
	}
	ev.Status = status
	ev.Header = http.Header{}
	for _, name := range evidenceHeaders {
		if v := header.Values(name); len(v) > 0 {
			ev.Header[name] = v
		}
	}
	ev.Body = string(body[:min(len(body), diagnose.MaxBody)])
	media, _, _ := mime.ParseMediaType(header.Get("Content-Type"))
	switch {
	case media == "text/html":
		if page := diagnose.ParsePage(body); page != (diagnose.Page{}) {
			ev.Page = &page
		}
	case media == "application/json" || strings.HasSuffix(media, "+json"):
		var fields struct {
			Error            any    `json:"error"`
			ErrorDescription string `json:"error_description"`
			ErrorURI         string `json:"error_uri"`
		}
		if json.Unmarshal(body, &fields) == nil {
			if s, ok := fields.Error.(string); ok {
				ev.Error = s
			}
			ev.ErrorDescription, ev.ErrorURI = fields.ErrorDescription, fields.ErrorURI
		}
	}
	if t, err := http.ParseTime(header.Get("Date")); err == nil {
		ev.ServerTime, ev.LocalTime = t, local
	}
	return true
}

// describeResponse summarises a captured response for Evidence.Detail:
// the OAuth error, the page's message, or the status and content type.
func describeResponse(ev diagnose.Evidence) string {
	switch {
	case ev.Error != "" && ev.ErrorDescription != "":
		return fmt.Sprintf("server returned %s: %s (HTTP %d)", ev.Error, ev.ErrorDescription, ev.Status)
	case ev.Error != "":
		return fmt.Sprintf("server returned %s (HTTP %d)", ev.Error, ev.Status)
	case ev.Page != nil && ev.Page.Message != "":
		return fmt.Sprintf("page shows %q (HTTP %d)", ev.Page.Message, ev.Status)
	}
	ct := ev.Header.Get("Content-Type")
	if ct == "" {
		ct = "no content type"
	}
	return fmt.Sprintf("unexpected HTTP %d response (%s)", ev.Status, ct)
}
