package diagnose

import (
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/kseries-tools/ksauth/internal/recording"
)

// recordedDiagnoses names, for every recording of Keycloak 26.7.1, the
// diagnosis its response must get first, or "" for a successful response.
// The grant is the one the recording's name implies the token request sent.
var recordedDiagnoses = []struct {
	name, grant, want string
}{
	{"oidc/authorization/implicit-flow", "", IDUnauthorizedClient},
	{"oidc/authorization/invalid-redirect-uri", "", IDRedirectURIMismatch},
	{"oidc/authorization/invalid-response-mode", "", IDInvalidRequest},
	{"oidc/authorization/login-actions-invalid-client-data", "", IDInvalidRequest},
	{"oidc/authorization/login-actions-restart-cookie-missing", "", IDCookieNotFound},
	{"oidc/authorization/login-actions-unknown-client", "", IDCookieNotFound},
	{"oidc/authorization/login-actions-unparseable-body", "", IDServerError},
	{"oidc/authorization/login-page", "", ""},
	{"oidc/authorization/max-age-invalid", "", IDInvalidRequest},
	{"oidc/authorization/missing-response-type", "", IDInvalidRequest},
	{"oidc/authorization/pkce-invalid-challenge-method", "", IDPKCEFailed},
	{"oidc/authorization/pkce-missing-challenge", "", IDPKCEFailed},
	{"oidc/authorization/pkce-plain", "", IDCookieNotFound},
	{"oidc/authorization/prompt-create", "", IDInvalidRequest},
	{"oidc/authorization/prompt-none-no-session", "", IDLoginRequired},
	{"oidc/authorization/redirect-form-content-type", "", IDInvalidRequest},
	{"oidc/authorization/redirect-json-content-type", "", IDInvalidRequest},
	{"oidc/authorization/replayed-session-code", "", IDCookieNotFound},
	{"oidc/authorization/required-action-invalid-client-data", "", IDInvalidRequest},
	{"oidc/authorization/required-action-redirect", "", ""},
	{"oidc/authorization/response-mode-form-post", "", ""},
	{"oidc/authorization/response-mode-fragment", "", ""},
	// Without a client ID and host, "Client not found." ranks the guide's
	// environment mismatch first and the unknown client second.
	{"oidc/authorization/second-realm-error-page", "", IDWrongEnvironment},
	{"oidc/authorization/second-realm-error-redirect", "", IDInvalidRequest},
	{"oidc/authorization/session-code-wrong-execution", "", IDCookieNotFound},
	{"oidc/authorization/sso-redirect", "", ""},
	{"oidc/authorization/unknown-client-id", "", IDWrongEnvironment},
	{"oidc/authorization/unsupported-response-type", "", IDInvalidRequest},
	{"oidc/authorization/unsupported-scope", "", IDInvalidScope},
	{"oidc/certs/master", "", ""},
	{"oidc/certs/unknown-realm", "", IDUnexpectedResponse},
	{"oidc/discovery/master", "", ""},
	{"oidc/discovery/unknown-realm", "", IDUnexpectedResponse},
	{"oidc/introspection/active-access-token", "", ""},
	{"oidc/introspection/unauthenticated-client", "", IDInvalidClientCredentials},
	{"oidc/protocol/bare", "", IDUnexpectedResponse},
	{"oidc/protocol/unknown-realm", "", IDUnexpectedResponse},
	{"oidc/protocol/unknown-under-registered", "", IDUnexpectedResponse},
	{"oidc/protocol/unknown", "", IDUnexpectedResponse},
	{"oidc/revocation/access-token", "", ""},
	{"oidc/revocation/refresh-token", "", ""},
	{"oidc/revocation/unknown-token", "", IDInvalidToken},
	{"oidc/revocation/wrong-client", "", IDInvalidClientCredentials},
	{"oidc/token/authorization-code-grant", grantCode, ""},
	{"oidc/token/client-credentials-grant", grantClient, ""},
	{"oidc/token/disabled-user", grantPassword, IDAccountDisabled},
	{"oidc/token/duplicated-parameter", grantCode, IDInvalidRequest},
	{"oidc/token/invalid-refresh-token", grantRefresh, IDInvalidRefreshToken},
	{"oidc/token/missing-grant-type", "", IDInvalidRequest},
	{"oidc/token/password-grant-admin-cli", grantPassword, ""},
	{"oidc/token/pkce-verifier-mismatch", grantCode, IDPKCEFailed},
	{"oidc/token/refresh-after-logout", grantRefresh, IDInvalidRefreshToken},
	{"oidc/token/refresh-token-grant", grantRefresh, ""},
	{"oidc/token/replayed-code", grantCode, IDInvalidCodeGrant},
	{"oidc/token/required-action-pending", grantPassword, IDAccountNotSetUp},
	{"oidc/token/unknown-client", grantCode, IDInvalidClientCredentials},
	{"oidc/token/unknown-grant-type", "urn:example:unknown", IDInvalidRequest},
	{"oidc/token/wrong-client-secret", grantCode, IDInvalidClientCredentials},
	{"oidc/token/wrong-password", grantPassword, IDInvalidUserCredentials},
	{"oidc/userinfo/get-with-valid-token", "", ""},
	{"oidc/userinfo/invalid-token", "", IDInvalidToken},
	{"oidc/userinfo/lightweight-token", "", IDInvalidToken},
	{"oidc/userinfo/missing-authorization-header", "", IDInvalidToken},
	{"oidc/userinfo/post-with-valid-token", "", ""},
	{"oidc/userinfo/second-realm", "", IDInvalidToken},
	{"oidc/userinfo/token-without-openid-scope", "", IDScopeNotGranted},
}

// recordingEvidence builds the evidence flow would hand to Match for a
// recorded response: the step from the path, the status, headers, body and
// the parameters of a redirect.
func recordingEvidence(r recording.Response, grant string) Evidence {
	ev := Evidence{Step: recordingStep(r.Path, grant), Status: r.Status, Header: r.Header, Body: r.Body,
		Context: Context{GrantType: grant}}
	if loc := r.Header.Get("Location"); loc != "" {
		if u, err := url.Parse(loc); err == nil {
			ev.Redirect = urlParams(u)
		}
	}
	return ev
}

func recordingStep(path, grant string) Step {
	switch {
	case strings.HasSuffix(path, "/token") && grant == grantRefresh:
		return StepRefresh
	case strings.HasSuffix(path, "/token"):
		return StepToken
	case strings.HasSuffix(path, "/auth"), strings.Contains(path, "login"):
		return StepAuthorize
	case strings.Contains(path, "/userinfo"), strings.Contains(path, "/introspect"), strings.Contains(path, "/revoke"):
		return StepVerify
	}
	return StepDiscovery
}

func TestMatchRecordings(t *testing.T) {
	all, err := recording.All(recording.Dir(t))
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range recordedDiagnoses {
		if tt.want == "" {
			continue
		}
		t.Run(tt.name, func(t *testing.T) {
			r, ok := all[tt.name]
			if !ok {
				t.Skipf("recording %s not present", tt.name)
			}
			got := Match(recordingEvidence(r, tt.grant))
			if got[0].ID != tt.want {
				t.Errorf("Match()[0].ID = %q, want %q (all %v)", got[0].ID, tt.want, ids(got))
			}
		})
	}
}

func TestReadPastedRecordings(t *testing.T) {
	dir := recording.Dir(t)
	all, err := recording.All(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range recordedDiagnoses {
		t.Run(tt.name, func(t *testing.T) {
			if _, ok := all[tt.name]; !ok {
				t.Skipf("recording %s not present", tt.name)
			}
			text := readRecordingText(t, dir, tt.name)
			rep, err := ReadPasted([]byte(text), Context{GrantType: tt.grant})
			if err != nil {
				t.Fatalf("ReadPasted() error = %v", err)
			}
			if len(rep.Parts) != 1 {
				t.Fatalf("parts = %v, want one", rep.Kinds)
			}
			got := firstIDs(rep)
			switch {
			case tt.want == "" && !rep.OK:
				t.Errorf("diagnoses = %v, want none for a successful answer", got)
			case tt.want != "" && (len(got) == 0 || got[0] != tt.want):
				t.Errorf("diagnoses = %v, want %s first", got, tt.want)
			}
		})
	}
}

func TestRecordingTableComplete(t *testing.T) {
	all, err := recording.All(recording.Dir(t))
	if err != nil {
		t.Fatal(err)
	}
	for name := range all {
		if !slices.ContainsFunc(recordedDiagnoses, func(r struct{ name, grant, want string }) bool { return r.name == name }) {
			t.Errorf("recording %s has no row in recordedDiagnoses", name)
		}
	}
}

func readRecordingText(t *testing.T, dir, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, name+".http"))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
