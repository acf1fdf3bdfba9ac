package diagnose

import (
	"encoding/base64"
	"net/http"
	"strings"
	"testing"
)

// requiredActionHTML is a Keycloak 26 keycloak.v2 page as the emulator
// renders it for a pending UPDATE_PASSWORD: its form action carries the
// client_data parameter, base64url JSON that starts with "eyJ".
func requiredActionHTML(pageID, heading string) string {
	clientData := base64.RawURLEncoding.EncodeToString([]byte(`{"ru":"http://127.0.0.1/callback","rt":"code","st":"abc"}`))
	return `<!DOCTYPE html><html><head><title>Sign in to K-Series</title></head>` +
		`<body data-page-id="` + pageID + `"><h1 id="kc-page-title">` + heading + `</h1>` +
		`<form id="kc-passwd-update-form" action="http://127.0.0.1/realms/k-series/login-actions/required-action?execution=UPDATE_PASSWORD&client_data=` +
		clientData + `" method="post"><input name="password-new" type="password"/></form></body></html>`
}

func TestMatchRequiredActionPages(t *testing.T) {
	for _, r := range requiredActionPages {
		t.Run(r.pageID, func(t *testing.T) {
			ev := Evidence{Step: StepAuthorize, Status: http.StatusOK,
				Header: http.Header{"Content-Type": {"text/html;charset=utf-8"}},
				Body:   requiredActionHTML(r.pageID, r.heading), Context: Context{Username: "setup-demo"}}
			ds := Match(ev)
			if ds[0].ID != IDAccountNotSetUp {
				t.Fatalf("diagnosis = %q, want %s", ds[0].ID, IDAccountNotSetUp)
			}
			if ds[0].Step != StepAuthorize {
				t.Errorf("step = %s, want authorize", ds[0].Step)
			}
			if !strings.Contains(ds[0].Causes[0], r.action) {
				t.Errorf("first cause %q does not name %s", ds[0].Causes[0], r.action)
			}
			if !strings.Contains(strings.Join(ds[0].Evidence, "\n"), "setup-demo") {
				t.Errorf("evidence %q does not name the user", ds[0].Evidence)
			}
		})
	}
}

func TestPastedRequiredActionText(t *testing.T) {
	rep, err := ReadPasted([]byte("K-Series\nUpdate password\nNew Password\nConfirm password\nSubmit\n"), Context{})
	if err != nil {
		t.Fatalf("ReadPasted: %v", err)
	}
	if len(rep.Parts) != 1 || len(rep.Parts[0].Diagnoses) == 0 {
		t.Fatalf("parts = %+v, want one part with a diagnosis", rep.Parts)
	}
	if got := rep.Parts[0].Diagnoses[0].ID; got != IDAccountNotSetUp {
		t.Errorf("diagnosis = %q, want %s", got, IDAccountNotSetUp)
	}
}

func TestBodyExcerptClientDataIsNotToken(t *testing.T) {
	body := requiredActionHTML("login-some-other-page", "Something else")
	got := bodyExcerpt(body)
	if strings.Contains(got, "token") {
		t.Errorf("bodyExcerpt = %q, want no mention of tokens for client_data", got)
	}
	if !strings.HasPrefix(got, "page text: ") || !strings.Contains(got, "Something else") {
		t.Errorf("bodyExcerpt = %q, want the page's visible text", got)
	}
}

func TestBodyExcerptHidesJWT(t *testing.T) {
	body := `{"access_token":"eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln"}`
	got := bodyExcerpt(body)
	if strings.Contains(got, "eyJ") {
		t.Errorf("bodyExcerpt = %q shows the token", got)
	}
	if !strings.Contains(got, "not shown") {
		t.Errorf("bodyExcerpt = %q, want a note that the body is not shown", got)
	}
	if !containsTokens("Bearer eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln") {
		t.Error("containsTokens misses a bare JWT")
	}
}
