package redact

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"testing"
)

func TestToken(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"empty", "", ""},
		{"short", "abc", "(redacted)"},
		{"jwt", "eyJhbGciOiJSUzI1NiJ9.payload.sig", "eyJh…(redacted)"},
	}
	for _, tt := range tests {
		if got := Token(tt.in); got != tt.want {
			t.Errorf("%s: Token(%q) = %q, want %q", tt.name, tt.in, got, tt.want)
		}
	}
}

func TestMarkerStableAndHidden(t *testing.T) {
	a, b := Marker("s3cret-value"), Marker("s3cret-value")
	if a != b {
		t.Errorf("Marker not stable: %q != %q", a, b)
	}
	if strings.Contains(a, "s3cret") {
		t.Errorf("Marker %q shows the value", a)
	}
	if Marker("other") == a {
		t.Error("different values share a marker")
	}
}

func TestMarkerNotPlainHash(t *testing.T) {
	sum := sha256.Sum256([]byte("trial-demo-pass-7431"))
	plain := hex.EncodeToString(sum[:4])
	m := Marker("trial-demo-pass-7431")
	if strings.Contains(m, plain) {
		t.Errorf("Marker %q is the unkeyed SHA-256 prefix, which allows offline guessing", m)
	}
	if !strings.HasPrefix(m, MarkerPrefix) {
		t.Errorf("Marker %q does not start with %q", m, MarkerPrefix)
	}
}
