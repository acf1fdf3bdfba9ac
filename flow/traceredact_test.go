package flow

import (
	"net/http"
	"strings"
	"testing"

	"github.com/kseries-tools/ksauth/internal/redact"
)

func TestRedactedHidesHTMLInputs(t *testing.T) {
	tests := []struct {
		name, page, secret, want string
	}{
		{"consent form action code",
			`<form method="POST"><input type="hidden" name="code" value="OlJcmcLK2WIs_-GqL96tpw1q"></form>`,
			"OlJcmcLK2WIs_-GqL96tpw1q", `value="` + redact.Marker("OlJcmcLK2WIs_-GqL96tpw1q") + `"`},
		{"form_post value before name",
			`<input value='c0de.v4lue.42' type=hidden name=code>`,
			"c0de.v4lue.42", `value='` + redact.Marker("c0de.v4lue.42") + `'`},
		{"unquoted token",
			`<INPUT TYPE=hidden NAME=access_token VALUE=eyJhbGciOi.payload.sig>`,
			"eyJhbGciOi.payload.sig", `VALUE=` + redact.Marker("eyJhbGciOi.payload.sig")},
		{"escaped password",
			`<input name="password" value="p&amp;ss-w0rd">`,
			"p&amp;ss-w0rd", `value="` + redact.Marker("p&ss-w0rd") + `"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ex := Exchange{ResponseHeader: http.Header{"Content-Type": {"text/html;charset=utf-8"}},
				ResponseBody: []byte(tc.page)}
			got := string(ex.Redacted().ResponseBody)
			if strings.Contains(got, tc.secret) {
				t.Errorf("redacted page still shows the value: %s", got)
			}
			if !strings.Contains(got, tc.want) {
				t.Errorf("redacted page = %s, want it to contain %s", got, tc.want)
			}
		})
	}
}

func TestRedactedKeepsOtherHTMLInputs(t *testing.T) {
	page := `<input type="text" name="username" value="demo"><input name="data-code" value="keep-me-visible">`
	ex := Exchange{ResponseHeader: http.Header{"Content-Type": {"text/html"}}, ResponseBody: []byte(page)}
	if got := string(ex.Redacted().ResponseBody); got != page {
		t.Errorf("redacted page = %s, want it unchanged", got)
	}
}
