package har

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/kseries-tools/ksauth/diagnose"
)

// IDCallbackRejected is a callback to which the application responded
// with an error status, rejecting the redirect for a reason that only its
// server log shows. It appears in Step.Diagnoses next to catalogue IDs.
const IDCallbackRejected = "callback-rejected"

func init() {
	harOnly[IDCallbackRejected] = harOnlyText{
		title: "Application rejected the callback",
		causes: []string{
			"the application found no sign-in waiting for this state: its session cookie was lost or blocked " +
				"(SameSite, another browser or tab), or the sign-in took too long",
			"the application's exchange of the code failed on its server, which the browser does not record",
			"the callback reached a path or method the application does not serve",
		},
		fix: "Read the application's server log for this request: it records why the callback was rejected, " +
			"including the token endpoint's answer when the application exchanges the code there. " +
			"Then start the sign-in again from the application, in one browser tab.",
	}
}

// rejectedCallback diagnoses a callback to which the application
// responded with an error status. A response that relays an OAuth error
// shows that the application exchanged the code while handling the
// callback, so it is diagnosed as that exchange. Any other error status
// fails the step, except 404 and 405, which only warn: nothing serves the
// redirect URI, which is expected when the code is copied from the
// address bar.
func (f *flow) rejectedCallback(s *Step, e Entry) {
	if relayed, ok := relayedTokenError(e); ok {
		f.failRelayed(s, e, diagnose.StepToken, relayed, requestFields(e))
		return
	}
	evidence := []string{strings.TrimSpace(fmt.Sprintf("the application responded to the callback with HTTP %d %s",
		e.Status, http.StatusText(e.Status)))}
	if isHTMLBody(e) {
		if title := diagnose.ParsePage(e.ResponseBody).Title; title != "" {
			evidence = append(evidence, fmt.Sprintf("page title %q", title))
		}
	}
	d := finding{id: IDCallbackRejected, evidence: evidence}.diagnosis(diagnose.StepCallback)
	if e.Status == http.StatusNotFound || e.Status == http.StatusMethodNotAllowed {
		d.Severity = diagnose.SeverityWarning
		d.Causes = append([]string{"nothing serves the redirect URI: expected when the code is copied from " +
			"the address bar, a failure when an application should receive it"}, d.Causes...)
	} else {
		s.Status = StatusFailed
	}
	s.Diagnoses = append(s.Diagnoses, d)
}
