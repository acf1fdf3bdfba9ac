package flow

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
)

// ErrInvalidInput is wrapped by the error Run returns when the paste login
// (LoginPaste) reads something that is not the URL the browser was
// redirected to: empty input, plain text, or a bare code. Run returns it
// as a plain error, not as an *Error, because no step of the flow failed
// and there is nothing to diagnose. The caller should request the full URL
// again.
var ErrInvalidInput = errors.New("invalid pasted redirect URL")

// pasteHint is the instruction on what to paste, for ErrInvalidInput
// messages.
const pasteHint = "paste the full URL from the browser's address bar after the sign-in, such as " +
	"http://127.0.0.1:8765/callback?state=...&code=..."

// parsePastedRedirect reads the redirect URL the user pasted in paste mode.
// It accepts an absolute http or https URL, and a bare query string such as
// "state=...&code=..." or "?state=...", which it reads as the query of
// redirectURI. Any other input gives an error wrapping ErrInvalidInput.
// The pasted text is never quoted in the error, because it may contain a
// code.
func parsePastedRedirect(raw, redirectURI string) (*url.URL, error) {
	text := strings.TrimSpace(raw)
	if text == "" {
		return nil, fmt.Errorf("%w: nothing was pasted: %s", ErrInvalidInput, pasteHint)
	}
	if query, ok := bareQuery(text); ok {
		u, err := url.Parse(redirectURI)
		if err != nil {
			return nil, fmt.Errorf("%w: could not read the redirect URI %q: %w", ErrInvalidInput, redirectURI, err)
		}
		u.RawQuery, u.Fragment = query, ""
		return u, nil
	}
	u, err := url.Parse(text)
	if err != nil || !u.IsAbs() || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return nil, fmt.Errorf("%w: the pasted text (%d characters) is not an absolute http or https URL: %s",
			ErrInvalidInput, len(text), pasteHint)
	}
	q := u.Query()
	if q.Has("response_type") && q.Has("client_id") && !q.Has("code") && !q.Has("error") {
		return nil, fmt.Errorf("%w: this is the authorization request, the URL to open before signing in; "+
			"sign in with it, then %s", ErrInvalidInput, pasteHint)
	}
	if !q.Has("code") && !q.Has("error") {
		return nil, fmt.Errorf("%w: the pasted URL has neither a code nor an error parameter, so it is not "+
			"the redirect after the sign-in, or it was cut short: %s", ErrInvalidInput, pasteHint)
	}
	return u, nil
}

// bareQuery reports whether text is a query string without the URL before
// it, as copied from the end of the address bar: it starts with "?", or
// it parses as parameters that include state, code or error.
func bareQuery(text string) (string, bool) {
	if strings.HasPrefix(text, "?") {
		return text[1:], true
	}
	if strings.ContainsAny(text, " \t\r\n/:") {
		return "", false
	}
	values, err := url.ParseQuery(text)
	if err != nil {
		return "", false
	}
	for _, key := range []string{"state", "code", "error"} {
		if values.Has(key) {
			return text, true
		}
	}
	return "", false
}
