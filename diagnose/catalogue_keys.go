package diagnose

import "slices"

// causeKey names one catalogue cause, so that a cause found from the
// evidence can replace the general cause it refines. Keys are explicit:
// two causes are never matched by how similar their texts are.
type causeKey string

// Keys of catalogue causes, grouped by entry.
const (
	causeCodeExpired causeKey = "code-expired"
	causeCodeReused  causeKey = "code-reused"
	causeCodeOther   causeKey = "code-other"

	causeRefreshExpired causeKey = "refresh-expired"
	causeRefreshReused  causeKey = "refresh-reused"
	causeRefreshBroken  causeKey = "refresh-malformed"
	causeRefreshOther   causeKey = "refresh-other-client"

	causePKCEMismatch  causeKey = "pkce-mismatch"
	causePKCELost      causeKey = "pkce-lost"
	causePKCEMalformed causeKey = "pkce-malformed"
	causePKCEMissing   causeKey = "pkce-missing"

	causeScopeName        causeKey = "scope-name"
	causeScopeSeparator   causeKey = "scope-separator"
	causeScopeUnprovision causeKey = "scope-not-provisioned"

	causeSecretWrong     causeKey = "secret-wrong"
	causeHeaderMissing   causeKey = "header-missing"
	causeHeaderMalformed causeKey = "header-malformed"
	causeClientUnknown   causeKey = "client-unknown"

	causeRequiredAction causeKey = "required-action"
	causeAccountLocked  causeKey = "account-locked"
	causeConsentRevoked causeKey = "consent-revoked"

	causeServerFailed causeKey = "server-failed"
	causeServerDecode causeKey = "server-decode"

	causeWrongURL    causeKey = "wrong-url"
	causeProxy       causeKey = "proxy"
	causeWrongMethod causeKey = "wrong-method"

	causeCookiesBlocked causeKey = "cookies-blocked"
	causePageStale      causeKey = "page-stale"
	causeFormResent     causeKey = "form-resent"

	causeGrantNotEnabled causeKey = "grant-not-enabled"
	causeCodeFlowOff     causeKey = "code-flow-disabled"

	causeClientIDTypo   causeKey = "client-id-typo"
	causeClientDisabled causeKey = "client-disabled"
)

// causeRef locates a keyed cause: the entry and the index in its Causes.
type causeRef struct {
	id    string
	index int
}

// causeRefs locates every cause key in the catalogue.
var causeRefs = map[causeKey]causeRef{
	causeCodeExpired: {IDInvalidCodeGrant, 0},
	causeCodeReused:  {IDInvalidCodeGrant, 1},
	causeCodeOther:   {IDInvalidCodeGrant, 2},

	causeRefreshExpired: {IDInvalidRefreshToken, 0},
	causeRefreshReused:  {IDInvalidRefreshToken, 1},
	causeRefreshBroken:  {IDInvalidRefreshToken, 2},
	causeRefreshOther:   {IDInvalidRefreshToken, 3},

	causePKCEMismatch:  {IDPKCEFailed, 0},
	causePKCELost:      {IDPKCEFailed, 1},
	causePKCEMalformed: {IDPKCEFailed, 2},
	causePKCEMissing:   {IDPKCEFailed, 3},

	causeScopeName:        {IDInvalidScope, 0},
	causeScopeSeparator:   {IDInvalidScope, 1},
	causeScopeUnprovision: {IDInvalidScope, 2},

	causeSecretWrong:     {IDInvalidClientCredentials, 0},
	causeHeaderMissing:   {IDInvalidClientCredentials, 1},
	causeHeaderMalformed: {IDInvalidClientCredentials, 2},
	causeClientUnknown:   {IDInvalidClientCredentials, 3},

	causeRequiredAction: {IDAccountNotSetUp, 0},
	causeAccountLocked:  {IDAccountDisabled, 1},
	causeConsentRevoked: {IDAccessDenied, 2},

	causeServerFailed: {IDServerError, 0},
	causeServerDecode: {IDServerError, 1},

	causeWrongURL:    {IDUnexpectedResponse, 0},
	causeProxy:       {IDUnexpectedResponse, 1},
	causeWrongMethod: {IDUnexpectedResponse, 2},

	causeCookiesBlocked: {IDCookieNotFound, 0},
	causePageStale:      {IDCookieNotFound, 1},
	causeFormResent:     {IDCookieNotFound, 2},

	causeGrantNotEnabled: {IDUnauthorizedClient, 0},
	causeCodeFlowOff:     {IDUnauthorizedClient, 1},

	causeClientIDTypo:   {IDUnknownClient, 0},
	causeClientDisabled: {IDUnknownClient, 1},
}

// refinedCause records that a diagnosis's cause text replaced the
// catalogue cause of a key.
type refinedCause struct {
	key  causeKey
	text string
}

// keyedCause returns the catalogue text of key in entry id, or "" when
// key belongs to another entry.
func keyedCause(id string, key causeKey) string {
	ref, ok := causeRefs[key]
	if !ok || ref.id != id {
		return ""
	}
	e := catalogue[id]
	if ref.index >= len(e.Causes) {
		return ""
	}
	return e.Causes[ref.index]
}

// refine puts cause first in the diagnosis's causes, in place of the
// causes it refines: the catalogue causes of keys, any cause an earlier
// refine put for the same keys, and an equal cause. An empty cause
// changes nothing.
func (d *Diagnosis) refine(cause string, keys ...causeKey) {
	if cause == "" {
		return
	}
	drop := map[string]bool{cause: true}
	for _, k := range keys {
		drop[keyedCause(d.ID, k)] = true
		for _, r := range d.refined {
			if r.key == k {
				drop[r.text] = true
			}
		}
	}
	rest := slices.DeleteFunc(slices.Clone(d.Causes), func(c string) bool { return drop[c] })
	d.Causes = append([]string{cause}, rest...)
	d.refined = slices.Clip(d.refined)
	for _, k := range keys {
		d.refined = append(d.refined, refinedCause{k, cause})
	}
}

// lead puts the catalogue cause of key first.
func (d *Diagnosis) lead(key causeKey) {
	d.refine(keyedCause(d.ID, key), key)
}

// demote moves the cause of key, as the catalogue or a refine wrote it,
// to the end of the causes, when the evidence makes it unlikely.
func (d *Diagnosis) demote(key causeKey) {
	texts := []string{keyedCause(d.ID, key)}
	for _, r := range d.refined {
		if r.key == key {
			texts = append(texts, r.text)
		}
	}
	var moved []string
	rest := slices.DeleteFunc(slices.Clone(d.Causes), func(c string) bool {
		if c != "" && slices.Contains(texts, c) {
			moved = append(moved, c)
			return true
		}
		return false
	})
	d.Causes = append(rest, moved...)
}
