package flow

import (
	"fmt"

	"github.com/kseries-tools/ksauth/diagnose"
)

// preflight runs the preflight step: diagnose.Preflight's offline checks of
// the client ID, scopes, redirect URI and secret against the environment.
// For Refresh (login false) only the client ID and secret are checked,
// because no authorization request is sent. Its findings go into
// Result.Diagnoses, and the flow runs on even after an error finding, so
// that the server's response can confirm it. The step fails when a finding
// has error severity.
func (r *runner) preflight(login bool) {
	t := r.timeline.begin(diagnose.StepPreflight)
	in := diagnose.PreflightInput{ClientID: r.cfg.ClientID, ClientSecret: r.cfg.ClientSecret}
	if login {
		in.RedirectURI, in.RegisteredRedirectURI = r.cfg.RedirectURI, r.cfg.RegisteredRedirectURI
		in.Scope, in.CheckRequired = r.scopeParam(), true
	}
	found := diagnose.Preflight(r.cfg.Env, in)
	r.addDiagnoses(found)
	errs := 0
	for _, d := range found {
		if d.Failed() {
			errs++
		}
	}
	switch {
	case errs > 0:
		t.fail(fmt.Sprintf("%d of %d findings are errors, and the flow runs on so the server's response can confirm them", errs, len(found)))
	case len(found) > 0:
		t.ok("%d %s", len(found), plural(len(found), "warning", "warnings"))
	default:
		t.ok("no findings")
	}
}

// plural returns one when n is 1, else many.
func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
