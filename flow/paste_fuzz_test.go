package flow

import (
	"errors"
	"testing"
)

// FuzzParsePastedRedirect checks that anything pasted yields an absolute
// http(s) URL or an ErrInvalidInput error, never a panic.
func FuzzParsePastedRedirect(f *testing.F) {
	f.Add("https://localhost:8443/callback/?code=abc&state=xyz&iss=http%3A%2F%2F127.0.0.1")
	f.Add("state=xyz&code=abc")
	f.Add("?error=access_denied&state=s")
	f.Add("not a url at all")
	f.Add("")
	f.Add("javascript:alert(1)")
	f.Add("https://[::1")
	f.Fuzz(func(t *testing.T, raw string) {
		u, err := parsePastedRedirect(raw, "https://localhost:8443/callback/")
		if err != nil {
			if !errors.Is(err, ErrInvalidInput) {
				t.Errorf("parsePastedRedirect(%q) error %v does not wrap ErrInvalidInput", raw, err)
			}
			return
		}
		if u.Scheme != "http" && u.Scheme != "https" {
			t.Errorf("parsePastedRedirect(%q) = %s, want an http(s) URL", raw, u)
		}
	})
}
