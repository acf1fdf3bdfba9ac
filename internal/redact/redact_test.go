package redact

import (
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
