package diagnose

import "fmt"

// requiredActionPage is a Keycloak page that requests the user to complete a
// required action before the sign-in can finish.
type requiredActionPage struct {
	// pageID is the body's data-page-id: Keycloak's login theme sets it to
	// "login-" followed by the template name without ".ftl".
	pageID string
	// heading is the page's h1 in Keycloak 26's messages_en.
	heading string
	// action is the required action's provider ID.
	action string
}

// requiredActionPages are the pages of Keycloak 26's built-in required
// actions. NOTE: only login-login-update-password was observed, on the
// emulator, which follows Keycloak 26.7.1. The other page IDs are derived
// from the login theme's template names.
var requiredActionPages = []requiredActionPage{
	{pageID: "login-login-update-password", heading: "Update password", action: "UPDATE_PASSWORD"},
	{pageID: "login-login-update-profile", heading: "Update Account Information", action: "UPDATE_PROFILE or VERIFY_PROFILE"},
	{pageID: "login-update-user-profile", heading: "Update Account Information", action: "VERIFY_PROFILE"},
	{pageID: "login-login-verify-email", heading: "Email verification", action: "VERIFY_EMAIL"},
	{pageID: "login-login-config-totp", heading: "Mobile Authenticator Setup", action: "CONFIGURE_TOTP"},
	{pageID: "login-terms", heading: "Terms and Conditions", action: "TERMS_AND_CONDITIONS"},
	{pageID: "login-update-email", heading: "Update email", action: "UPDATE_EMAIL"},
	{pageID: "login-webauthn-register", heading: "Passkey Registration", action: "webauthn-register"},
	{pageID: "login-login-recovery-authn-code-config", heading: "Recovery Authentication Codes", action: "CONFIGURE_RECOVERY_AUTHN_CODES"},
}

// findRequiredAction returns the required-action page p is, by its page ID
// or, for copied page text without one, by its heading.
func findRequiredAction(p Page) (requiredActionPage, bool) {
	for _, r := range requiredActionPages {
		if p.ID == r.pageID {
			return r, true
		}
	}
	if p.ID != "" {
		return requiredActionPage{}, false
	}
	for _, r := range requiredActionPages {
		if p.Heading != "" && normMessage(p.Heading) == normMessage(r.heading) {
			return r, true
		}
	}
	return requiredActionPage{}, false
}

// matchRequiredAction reports a sign-in that stopped at a required-action
// page: the credentials were right, but the account must be completed in a
// browser first.
func matchRequiredAction(ev Evidence) []Diagnosis {
	if ev.Page == nil {
		return nil
	}
	r, ok := findRequiredAction(*ev.Page)
	if !ok {
		return nil
	}
	step := stepOr(ev.Step, StepAuthorize)
	facts := append(statusEvidence(ev), pageEvidence(*ev.Page)...)
	facts = append(facts, fmt.Sprintf("page %s is Keycloak's page for the required action %s", r.pageID, r.action))
	d := newDiagnosis(IDAccountNotSetUp, step, facts...)
	if user := ev.Context.Username; user != "" {
		d.addEvidence(fmt.Sprintf("user %s signed in with the right password and was then asked for this action", user))
	}
	d.refine(fmt.Sprintf("the account has the required action %s pending (%s)", r.action, r.heading), causeRequiredAction)
	return []Diagnosis{d}
}
