package diagnose

import (
	"encoding/base64"
	"strings"
	"testing"
)

func TestDecodeBasic(t *testing.T) {
	b64 := func(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }
	tests := []struct {
		name, header, clientID, problem, warning string
		secretLength                             int
	}{
		{"valid", "Basic " + b64("devp-v2-demo-x:abc123"), "devp-v2-demo-x", "", "", 6},
		{"with header name", "Authorization: Basic " + b64("devp-v2-demo-x:abc123"), "devp-v2-demo-x", "", "", 6},
		{"lower case scheme", "basic " + b64("devp-v2-demo-x:abc123"), "devp-v2-demo-x", "", "", 6},
		{"missing padding", "Basic " + strings.TrimRight(b64("devp-v2-demo-x:abc1"), "="), "devp-v2-demo-x", "", "", 4},
		{"trailing newline", "Basic " + b64("devp-v2-demo-x:abc123\n"), "devp-v2-demo-x", "ends with a newline", "", 6},
		{"no colon", "Basic " + b64("devp-v2-demo-x"), "devp-v2-demo-x", "no colon", "", 0},
		{"plain text", "Basic devp-v2-demo-x:abc123", "", "not Base64-encoded", "", 0},
		{"not base64", "Basic !!!", "", "not valid base64", "", 0},
		{"base64url", "Basic " + base64.RawURLEncoding.EncodeToString([]byte("devp-v2-demo-x:a?>~~")), "", "base64url", "", 0},
		{"placeholder", "Authorization: Basic <base64_value>", "", "placeholder", "", 0},
		{"empty", "Basic", "", "no credentials", "", 0},
		{"bearer", "Bearer eyJhbGciOi", "", "Bearer token", "", 0},
		{"no scheme", b64("devp-v2-demo-x:abc123"), "devp-v2-demo-x", `does not start with the "Basic" scheme`, "", 6},
		{"empty secret", "Basic " + b64("devp-v2-demo-x:"), "devp-v2-demo-x", "secret after the colon is empty", "", 0},
		{"empty client", "Basic " + b64(":abc"), "", "client ID before the colon is empty", "", 3},
		{"binary", "Basic " + base64.StdEncoding.EncodeToString([]byte{0xff, 0xfe, 0xfd}), "", "not text", "", 0},
		{"plus in secret", "Basic " + b64("devp-v2-demo-x:a+b"), "devp-v2-demo-x", "", "form-decode", 3},
		{"encoded client id", "Basic " + b64("devp%2Dv2-demo-x:abc"), "devp-v2-demo-x", "", "", 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := DecodeBasic(tt.header)
			if got.ClientID != tt.clientID {
				t.Errorf("ClientID = %q, want %q", got.ClientID, tt.clientID)
			}
			if got.SecretLength != tt.secretLength {
				t.Errorf("SecretLength = %d, want %d", got.SecretLength, tt.secretLength)
			}
			if tt.problem == "" && len(got.Problems) > 0 {
				t.Errorf("Problems = %q, want none", got.Problems)
			}
			if tt.problem != "" && !containsText(got.Problems, tt.problem) {
				t.Errorf("Problems = %q, want one naming %q", got.Problems, tt.problem)
			}
			if tt.warning != "" && !containsText(got.Warnings, tt.warning) {
				t.Errorf("Warnings = %q, want one naming %q", got.Warnings, tt.warning)
			}
		})
	}
}

func TestDecodeBasicKeepsNoSecret(t *testing.T) {
	const secret = "Very-Secret-Value-42"
	b := DecodeBasic("Basic " + base64.StdEncoding.EncodeToString([]byte("devp-v2-demo-x:"+secret+"\n")))
	all := append(append([]string{b.ClientID}, b.Problems...), b.Warnings...)
	if containsText(all, secret) {
		t.Errorf("DecodeBasic() result shows the secret: %+v", b)
	}
}
