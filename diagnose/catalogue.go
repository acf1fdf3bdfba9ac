package diagnose

import (
	"slices"
)

// Entry is one catalogue entry: a failure ksauth can name, where it occurs,
// why it usually happens and how to fix it.
type Entry struct {
	// ID is the stable identifier used in output, JSON and tests.
	ID string `json:"id"`
	// Title is a one-line name for the failure.
	Title string `json:"title"`
	// Steps are the flow steps where the failure shows.
	Steps []Step `json:"steps"`
	// Causes are the likely causes, most likely first.
	Causes []string `json:"causes"`
	// Fix says what to do.
	Fix string `json:"fix"`
	// Guide is the title of the K-Series authentication error guide's
	// section the entry comes from, or empty for entries beyond the guide.
	Guide string `json:"guide,omitempty"`
}

// Diagnosis IDs. The first nine are the error guide's entries; the rest
// cover failures the guide does not list. The values are stable.
const (
	IDWrongEnvironment         = "wrong-environment"
	IDRedirectURIMismatch      = "redirect-uri-mismatch"
	IDInvalidScope             = "invalid-scope"
	IDInvalidUserCredentials   = "invalid-user-credentials"
	IDInvalidCodeGrant         = "invalid-code-grant"
	IDInvalidClientCredentials = "invalid-client-credentials"
	IDTokenRedirectURIMismatch = "token-redirect-uri-mismatch"
	IDInvalidRefreshToken      = "invalid-refresh-token"
	IDUnauthorizedClient       = "unauthorized-client"

	IDV1Client                = "v1-client"
	IDUnknownClient           = "unknown-client"
	IDPKCEFailed              = "pkce-failed"
	IDStateMismatch           = "state-mismatch"
	IDIssuerMismatch          = "issuer-mismatch"
	IDAccessDenied            = "access-denied"
	IDLoginRequired           = "login-required"
	IDAccountDisabled         = "account-disabled"
	IDAccountNotSetUp         = "account-not-set-up"
	IDNoCallback              = "no-callback"
	IDCallbackUnavailable     = "callback-unavailable"
	IDEndpointUnreachable     = "endpoint-unreachable"
	IDTLSError                = "tls-error"
	IDInvalidRequest          = "invalid-request"
	IDUnexpectedResponse      = "unexpected-response"
	IDServerError             = "server-error"
	IDCookieNotFound          = "cookie-not-found"
	IDClockSkew               = "clock-skew"
	IDScopeNotGranted         = "scope-not-granted"
	IDInvalidToken            = "invalid-token"
	IDTokenVerificationFailed = "token-verification-failed"
	IDUnknown                 = "unknown"
)

// catalogueOrder is the order Entries returns: the guide's nine in the
// guide's order, then the others grouped by step.
var catalogueOrder = []string{
	IDWrongEnvironment, IDRedirectURIMismatch, IDInvalidScope,
	IDInvalidUserCredentials, IDInvalidCodeGrant, IDInvalidClientCredentials,
	IDTokenRedirectURIMismatch, IDInvalidRefreshToken, IDUnauthorizedClient,

	IDV1Client, IDUnknownClient, IDPKCEFailed, IDInvalidRequest,
	IDAccessDenied, IDLoginRequired, IDAccountDisabled, IDAccountNotSetUp,
	IDCookieNotFound, IDNoCallback, IDCallbackUnavailable, IDStateMismatch,
	IDIssuerMismatch, IDEndpointUnreachable, IDTLSError, IDUnexpectedResponse,
	IDServerError, IDScopeNotGranted, IDInvalidToken,
	IDTokenVerificationFailed, IDClockSkew, IDUnknown,
}

// catalogue holds every entry by ID. It is filled from guideEntries,
// serverEntries and localEntries.
var catalogue = func() map[string]Entry {
	m := map[string]Entry{}
	for _, list := range [][]Entry{guideEntries, serverEntries, localEntries} {
		for _, e := range list {
			m[e.ID] = e
		}
	}
	return m
}()

// Lookup returns the catalogue entry with the given ID.
func Lookup(id string) (Entry, bool) {
	e, ok := catalogue[id]
	if !ok {
		return Entry{}, false
	}
	return e.clone(), true
}

// Entries returns every catalogue entry: the guide's nine in the guide's
// order, then the others.
func Entries() []Entry {
	out := make([]Entry, 0, len(catalogueOrder))
	for _, id := range catalogueOrder {
		out = append(out, catalogue[id].clone())
	}
	return out
}

func (e Entry) clone() Entry {
	e.Steps = slices.Clone(e.Steps)
	e.Causes = slices.Clone(e.Causes)
	return e
}

// newDiagnosis returns a failure diagnosis for the catalogue entry id at
// step, carrying the entry's title, causes, fix and guide section. An ID
// missing from the catalogue is a programming error and yields "unknown".
func newDiagnosis(id string, step Step, evidence ...string) Diagnosis {
	e, ok := Lookup(id)
	if !ok {
		e, _ = Lookup(IDUnknown)
	}
	d := Diagnosis{
		ID:       e.ID,
		Step:     step,
		Title:    e.Title,
		Evidence: []string{},
		Causes:   e.Causes,
		Fix:      e.Fix,
		Guide:    e.Guide,
		Severity: SeverityError,
	}
	d.addEvidence(evidence...)
	return d
}

// newWarning returns a warning diagnosis: a finding that does not stop the
// sign-in by itself.
func newWarning(id string, step Step, evidence ...string) Diagnosis {
	d := newDiagnosis(id, step, evidence...)
	d.Severity = SeverityWarning
	return d
}

// leadWith puts cause first in the diagnosis's causes, removing an equal
// cause further down. A cause that replaces a catalogue cause it restates
// in more detail uses refine with that cause's key instead. An empty
// cause changes nothing.
func (d *Diagnosis) leadWith(cause string) {
	d.refine(cause)
}

// addEvidence appends facts, each capped at maxEvidenceBytes, skipping
// empty strings and repeats.
func (d *Diagnosis) addEvidence(facts ...string) {
	for _, f := range facts {
		f = capBytes(f, maxEvidenceBytes)
		if f != "" && !slices.Contains(d.Evidence, f) {
			d.Evidence = append(d.Evidence, f)
		}
	}
}
