package diagnose

import (
	"encoding/json"
	"fmt"
	"mime"
	"net/http"
	"strings"
)

// Match explains the evidence of one failed step. It returns the matching
// diagnoses, most likely first, and never an empty slice: when no rule
// matches it returns "unknown" with the raw evidence.
//
// Rules are tried in this order, and the first group that matches wins:
//  1. local findings and errors that flow reports (Evidence.Kind, Err);
//  2. HTTP 5xx answers;
//  3. Keycloak page messages, read with the request context;
//  4. OAuth error codes of redirects and JSON bodies, with the step and the
//     grant type first and Keycloak's descriptions second (rules.go);
//  5. HTML or a 404/405 where JSON was due.
//
// A clock-skew finding is added to any result when the server's Date and
// the local clock differ by more than ClockSkewThreshold.
func Match(ev Evidence) []Diagnosis {
	ev = normalise(ev)
	var out []Diagnosis
	for _, m := range []func(Evidence) []Diagnosis{
		matchLocal, matchServerError, matchPage, matchRedirect, matchByRules, matchUnexpected,
	} {
		if out = m(ev); len(out) > 0 {
			break
		}
	}
	if len(out) == 0 {
		out = []Diagnosis{unknownDiagnosis(ev)}
	}
	out = addIssuerCheck(ev, out)
	out = addClockSkew(ev, out)
	return dedupeByID(out)
}

// normalise fills the OAuth error fields from the redirect parameters, the
// JSON body or the WWW-Authenticate header, and the page from an HTML body,
// so that rules read one place.
func normalise(ev Evidence) Evidence {
	if ev.Error == "" && ev.Redirect.Get("error") != "" {
		ev.Error = ev.Redirect.Get("error")
		ev.ErrorDescription = ev.Redirect.Get("error_description")
		ev.ErrorURI = ev.Redirect.Get("error_uri")
	}
	if ev.Error == "" && looksJSON(ev.Body) {
		var body struct {
			Error            string `json:"error"`
			ErrorDescription string `json:"error_description"`
			ErrorURI         string `json:"error_uri"`
		}
		if json.Unmarshal([]byte(ev.Body), &body) == nil {
			ev.Error, ev.ErrorDescription, ev.ErrorURI = body.Error, body.ErrorDescription, body.ErrorURI
		}
	}
	if ev.Error == "" && ev.Header != nil {
		ev.Error, ev.ErrorDescription = bearerError(ev.Header.Get("WWW-Authenticate"))
	}
	if ev.Page == nil && isHTML(ev) && ev.Body != "" {
		if p := ParsePage([]byte(ev.Body)); p != (Page{}) {
			ev.Page = &p
		}
	}
	return ev
}

func looksJSON(body string) bool {
	return strings.HasPrefix(strings.TrimSpace(body), "{")
}

// contentType returns the media type of the Content-Type header, or "".
func contentType(ev Evidence) string {
	if ev.Header == nil {
		return ""
	}
	mt, _, err := mime.ParseMediaType(ev.Header.Get("Content-Type"))
	if err != nil {
		return strings.ToLower(strings.TrimSpace(ev.Header.Get("Content-Type")))
	}
	return mt
}

func isHTML(ev Evidence) bool {
	ct := contentType(ev)
	if ct != "" {
		return ct == "text/html"
	}
	b := strings.ToLower(strings.TrimSpace(ev.Body))
	return strings.HasPrefix(b, "<!doctype html") || strings.HasPrefix(b, "<html")
}

// statusEvidence quotes the status line and, for JSON and redirects, the
// OAuth error fields.
func statusEvidence(ev Evidence) []string {
	var out []string
	if ev.Status > 0 {
		out = append(out, strings.TrimSpace(fmt.Sprintf("HTTP %d %s", ev.Status, http.StatusText(ev.Status))))
	}
	if ev.Error != "" {
		out = append(out, fmt.Sprintf("error %q", capText(ev.Error, maxDescriptionRunes)))
	}
	if ev.ErrorDescription != "" {
		out = append(out, fmt.Sprintf("error_description %q", capText(ev.ErrorDescription, maxDescriptionRunes)))
	}
	return out
}

func stepOr(step, fallback Step) Step {
	if step == "" {
		return fallback
	}
	return step
}

// dedupeByID keeps the first diagnosis of each ID, merging the evidence of
// later ones into it.
func dedupeByID(ds []Diagnosis) []Diagnosis {
	var out []Diagnosis
	seen := map[string]int{}
	for _, d := range ds {
		if i, ok := seen[d.ID]; ok {
			out[i].addEvidence(d.Evidence...)
			continue
		}
		seen[d.ID] = len(out)
		out = append(out, d)
	}
	return out
}
