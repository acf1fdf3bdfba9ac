package diagnose

import (
	"strings"
	"testing"
)

// guideExamples are the error guide's worked examples, pasted the way a
// customer copies them: page text, error URLs broken over lines, JSON
// bodies with the label above them.
var guideExamples = []struct {
	name, input, want string
}{
	{"wrong environment", `We are sorry… Client not found
Error: Client not found
  • Client ID: devp-v2-demo-dasxtrial-b69ffe954c5cd33c57a79a94780eb2ab — belongs to trial (prefix: devp-v2-demo)
  • Authorization URL used:
https://auth.lsk-prod.app/realms/k-series/protocol/openid-connect/auth
  ?response_type=code
  &client_id=devp-v2-demo-dasxtrial-b69ffe954c5cd33c57a79a94780eb2ab
  &scope=financial-api
  &redirect_uri=https%3A%2F%2Flocalhost%2F
`, IDWrongEnvironment},
	{"incorrect redirect uri", `We are sorry… Invalid parameter: redirect_uri
Error: Invalid parameter: redirect_uri
Used in request https://localhost
Registered on server https://localhost/
`, IDRedirectURIMismatch},
	{"invalid scope", `https://localhost/?error=invalid_scope
  &error_description=Invalid+scopes%3A+financial-api+items+offline_access+orders-api
  &iss=https%3A%2F%2Fauth.lsk-prod.app%2Frealms%2Fk-series
`, IDInvalidScope},
	{"user credentials", "Invalid username or password\n", IDInvalidUserCredentials},
	{"code grant", `Response:
{
  "error": "invalid_grant",
  "error_description": "Code not valid"
}
`, IDInvalidCodeGrant},
	{"client credentials", `{
  "error": "invalid_client",
  "error_description": "Invalid client or Invalid client credentials"
}`, IDInvalidClientCredentials},
	{"token redirect uri", `{
  "error": "invalid_grant",
  "error_description": "Incorrect redirect_uri"
}`, IDTokenRedirectURIMismatch},
	{"refresh token", `HTTP/1.1 400 Bad Request
Content-Type: application/json

{"error":"invalid_grant","error_description":"Token is not active"}`, IDInvalidRefreshToken},
	{"unauthorized client", `{
  "error": "unauthorized_client",
  "error_description": "Client not allowed for direct access grants"
}`, IDUnauthorizedClient},
}

func TestGuideExamplesPasted(t *testing.T) {
	for _, tt := range guideExamples {
		t.Run(tt.name, func(t *testing.T) {
			rep, err := ReadPasted([]byte(tt.input), Context{})
			if err != nil {
				t.Fatalf("ReadPasted() error = %v", err)
			}
			if got := firstIDs(rep); len(got) == 0 || got[0] != tt.want {
				t.Errorf("first diagnoses of the parts = %v, want %s first", got, tt.want)
			}
			if rep.OK {
				t.Error("Report.OK = true for a failure")
			}
		})
	}
}

func TestGuideRedirectExampleNamesSlash(t *testing.T) {
	rep, err := ReadPasted([]byte(guideExamples[1].input), Context{})
	if err != nil {
		t.Fatal(err)
	}
	d := rep.Parts[0].Diagnoses[0]
	if !containsText(d.Evidence, "the trailing slash is missing") {
		t.Errorf("evidence = %q, want the missing trailing slash named", d.Evidence)
	}
}

func TestGuideWrongEnvironmentNeedsNoPage(t *testing.T) {
	url := "https://auth.lsk-prod.app/realms/k-series/protocol/openid-connect/auth?response_type=code" +
		"&client_id=devp-v2-demo-dasxtrial-b69ffe954c5cd33c57a79a94780eb2ab&scope=financial-api&redirect_uri=https%3A%2F%2Flocalhost%2F"
	rep, err := ReadPasted([]byte(url), Context{})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Parts) != 1 || rep.Parts[0].Kind != KindAuthorizeURL {
		t.Fatalf("parts = %+v, want one authorization URL", rep.Parts)
	}
	if got := ids(rep.Parts[0].Diagnoses); len(got) != 1 || got[0] != IDWrongEnvironment {
		t.Errorf("diagnoses = %v, want [wrong-environment]", got)
	}
}

// firstIDs returns the first diagnosis ID of each part that has one.
func firstIDs(rep Report) []string {
	var out []string
	for _, p := range rep.Parts {
		if len(p.Diagnoses) > 0 {
			out = append(out, p.Diagnoses[0].ID)
		}
	}
	return out
}

// allIDs returns every diagnosis ID of the report.
func allIDs(rep Report) string {
	var out []string
	for _, p := range rep.Parts {
		out = append(out, ids(p.Diagnoses)...)
	}
	return strings.Join(out, " ")
}
