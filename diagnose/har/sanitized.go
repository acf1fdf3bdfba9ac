package har

import (
	"strings"

	"github.com/kseries-tools/ksauth/diagnose"
)

// sanitizedAuthFact replaces "no Authorization header" as a fact when the
// HAR may be a sanitized export.
const sanitizedAuthFact = "the HAR shows no Authorization header; browsers' sanitized exports remove it, " +
	"so check the request itself"

// credentialTracker records whether any entry of a HAR carries the
// headers that sanitized exports remove.
//
// NOTE: Chrome DevTools' "Export HAR (sanitized)" drops the request's
// Authorization and Cookie headers, the response's Set-Cookie headers and
// both cookie lists, and writes no mark into the file: its creator is
// "WebInspector" either way (devtools-frontend front_end/models/har/Log.ts).
// A browser's file without any of these headers is therefore only
// presumed sanitized.
type credentialTracker struct {
	seen bool
}

// add notes the credential headers of one entry.
func (c *credentialTracker) add(e Entry) {
	if c.seen {
		return
	}
	c.seen = headerValue(e.RequestHeader, "Authorization") != "" ||
		headerValue(e.RequestHeader, "Cookie") != "" ||
		headerValue(e.ResponseHeader, "Set-Cookie") != ""
}

// mayBeSanitized reports whether a HAR may have had its credential
// headers removed: a browser wrote it and no entry carries any.
func (c *credentialTracker) mayBeSanitized(info Info) bool {
	return !c.seen && browserExport(info)
}

// browserExport reports whether a browser's developer tools wrote the
// HAR. Chromium browsers (Chrome, Edge) name the creator "WebInspector"
// and Firefox names it "Firefox". The other names match other browsers'
// tools by product name.
func browserExport(info Info) bool {
	name := strings.ToLower(info.Creator.Name)
	for _, browser := range []string{"webinspector", "web inspector", "firefox", "edge", "chrome", "safari"} {
		if strings.Contains(name, browser) {
			return true
		}
	}
	return false
}

// authMayBeHidden reports whether a token request that shows no client
// authentication may have had its Authorization header removed by a
// sanitized export.
func (f *flow) authMayBeHidden(auth tokenAuth) bool {
	return auth.method == "none" && f.mayBeSanitized
}

// noteHiddenAuth adds sanitizedAuthFact to a step's client authentication
// diagnoses.
func noteHiddenAuth(s *Step) {
	for i, d := range s.Diagnoses {
		if d.ID == diagnose.IDInvalidClientCredentials || d.ID == diagnose.IDUnauthorizedClient {
			addEvidence(&s.Diagnoses[i], []string{sanitizedAuthFact})
		}
	}
}
