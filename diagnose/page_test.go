package diagnose

import (
	"strings"
	"testing"

	"github.com/kseries-tools/ksauth/internal/recording"
)

func TestParsePageRecordings(t *testing.T) {
	all, err := recording.All(recording.Dir(t))
	if err != nil {
		t.Fatal(err)
	}
	const restart = "Restart login cookie not found. It may have expired; it may have been deleted or cookies are " +
		"disabled in your browser. If cookies are disabled then enable them. Click Back to Application to login again."
	tests := []struct {
		name, id, heading, message string
	}{
		{"oidc/authorization/unknown-client-id", "login-error", "We are sorry...", "Client not found."},
		{"oidc/authorization/second-realm-error-page", "login-error", "We are sorry...", "Client not found."},
		{"oidc/authorization/invalid-redirect-uri", "login-error", "We are sorry...", "Invalid parameter: redirect_uri"},
		{"oidc/authorization/max-age-invalid", "login-error", "We are sorry...", "Invalid Request"},
		{"oidc/authorization/login-actions-invalid-client-data", "login-error", "We are sorry...", "Invalid Request"},
		{"oidc/authorization/required-action-invalid-client-data", "login-error", "We are sorry...", "Invalid Request"},
		{"oidc/authorization/login-actions-restart-cookie-missing", "login-error", "We are sorry...", restart},
		{"oidc/authorization/login-actions-unknown-client", "login-error", "We are sorry...", restart},
		{"oidc/authorization/pkce-plain", "login-error", "We are sorry...", restart},
		{"oidc/authorization/prompt-create", "login-error", "We are sorry...", "Registration not allowed"},
		{"oidc/authorization/login-page", "login-login", "Sign in to your account", ""},
		{"oidc/authorization/session-code-wrong-execution", "login-login-page-expired", "Page has expired",
			"To restart the login process Click here . To continue the login process Click here ."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, ok := all[tt.name]
			if !ok {
				t.Skipf("recording %s not present", tt.name)
			}
			p := ParsePage([]byte(r.Body))
			if p.ID != tt.id {
				t.Errorf("ID = %q, want %q", p.ID, tt.id)
			}
			if p.Heading != tt.heading {
				t.Errorf("Heading = %q, want %q", p.Heading, tt.heading)
			}
			if p.Message != tt.message {
				t.Errorf("Message = %q, want %q", p.Message, tt.message)
			}
			if !strings.HasPrefix(p.Title, "Sign in to ") {
				t.Errorf("Title = %q, want Sign in to <realm>", p.Title)
			}
		})
	}
}

func TestParsePageEveryHTMLRecording(t *testing.T) {
	all, err := recording.All(recording.Dir(t))
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for name, r := range all {
		if !strings.HasPrefix(r.Header.Get("Content-Type"), "text/html") || r.Body == "" {
			continue
		}
		n++
		p := ParsePage([]byte(r.Body))
		if p.Title == "" {
			t.Errorf("%s: no title read", name)
		}
	}
	if n < 10 {
		t.Errorf("read %d HTML recordings, want at least 10", n)
	}
}

// The recordings have no login page with an error, so these follow the
// keycloak.v2 and keycloak (v1) theme templates of Keycloak 26.
func TestParsePageLoginErrors(t *testing.T) {
	tests := []struct {
		name, html, want string
	}{
		{"v2 field error container", `<body data-page-id="login-login"><div id="input-error-container-username">
			<span id="input-error-username" class="pf-v5-c-helper-text__item-text" aria-live="polite">Invalid username or password.</span>
			</div></body>`, "Invalid username or password."},
		{"v2 field error only", `<div id="input-error-username"><span>Invalid password.</span></div>`, "Invalid password."},
		{"v1 theme span", `<span id="input-error" class="kc-feedback-text" aria-live="polite">
			Invalid username or password.</span>`, "Invalid username or password."},
		{"v2 alert", `<div class="pf-v5-c-alert pf-m-danger"><span class="pf-v5-screen-reader">Danger alert:</span>
			<span class="pf-v5-c-alert__title kc-feedback-text">Account is disabled, contact your administrator.</span></div>`,
			"Account is disabled, contact your administrator."},
		{"fragment instruction", `<p class="instruction">Client not found.</p>`, "Client not found."},
		{"not html", "hello", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ParsePage([]byte(tt.html)).Message; got != tt.want {
				t.Errorf("Message = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestPageText(t *testing.T) {
	tests := []struct {
		name, text, heading, message string
		ok                           bool
	}{
		{"guide text", "We are sorry… Client not found", "We are sorry...", "Client not found.", true},
		{"with period and lines", "We are sorry...\n\n   Client not found.\n« Back to Application", "We are sorry...", "Client not found.", true},
		{"lower case spacing", "we are sorry   invalid parameter:   redirect_uri", "We are sorry...", "Invalid parameter: redirect_uri", true},
		{"login message", "Invalid username or password", "", "Invalid username or password.", true},
		{"cookie", "Restart login cookie not found. It may have expired", "", "Restart login cookie not found.", true},
		{"unknown message", "We are sorry...\nSomething new happened\n« Back to Application", "We are sorry...", "Something new happened", true},
		{"page expired", "Page has expired\nTo restart the login process Click here", "Page has expired", "Page has expired", true},
		{"unrelated", "hello world", "", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, ok := PageText(tt.text)
			if ok != tt.ok {
				t.Fatalf("ok = %v, want %v", ok, tt.ok)
			}
			if p.Heading != tt.heading {
				t.Errorf("Heading = %q, want %q", p.Heading, tt.heading)
			}
			if p.Message != tt.message {
				t.Errorf("Message = %q, want %q", p.Message, tt.message)
			}
		})
	}
}
