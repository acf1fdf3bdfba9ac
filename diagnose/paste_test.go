package diagnose

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/kseries-tools/ksauth/envs"
)

const (
	pastedSecret = "s3cr3t-Value-1234567890"
	pastedCode   = "4f1c2a7e-1111-2222-3333-444455556666.aaaa.bbbb"
)

func basicOf(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }

func TestReadPastedKinds(t *testing.T) {
	tests := []struct {
		name  string
		input string
		kind  Kind
		want  string // first diagnosis ID, "" for none
	}{
		{"error redirect", "https://localhost/?error=access_denied&state=x&iss=" + envs.TrialIssuer, KindErrorRedirect, IDAccessDenied},
		{"error query alone", "error=invalid_scope&error_description=Invalid+scopes%3A+financial_api", KindErrorRedirect, IDInvalidScope},
		{"callback", "https://localhost/?state=x&session_state=y&code=" + pastedCode, KindCallback, ""},
		{"authorization url", "https://auth.lsk-trial.app/realms/k-series/protocol/openid-connect/auth?response_type=code&client_id=devp-v2-demo-x&scope=financial_api&redirect_uri=https%3A%2F%2Flocalhost%2F", KindAuthorizeURL, IDInvalidScope},
		{"json with status", "400 Bad Request\n{\"error\":\"invalid_grant\",\"error_description\":\"Code not valid\"}", KindJSON, IDInvalidCodeGrant},
		{"json alone", `{"error":"invalid_request","error_description":"Missing form parameter: grant_type"}`, KindJSON, IDInvalidRequest},
		{"http response", "HTTP/1.1 401 Unauthorized\nContent-Type: application/json\n\n{\"error\":\"unauthorized_client\",\"error_description\":\"Invalid client or Invalid client credentials\"}", KindHTTPResponse, IDInvalidClientCredentials},
		{"html page", `<html><head><title>Sign in to K-Series</title></head><body data-page-id="login-error"><h1 id="kc-page-title">We are sorry...</h1><div id="kc-error-message"><p class="instruction">Invalid parameter: redirect_uri</p></div></body></html>`, KindHTML, IDRedirectURIMismatch},
		{"page text", "We are sorry...\n\nClient not found.", KindPageText, IDWrongEnvironment},
		{"curl", "curl -X POST https://auth.lsk-trial.app/realms/k-series/protocol/openid-connect/token \\\n  -H 'Content-Type: application/x-www-form-urlencoded' \\\n  -u 'devp-v2-demo-x:" + pastedSecret + "' \\\n  -d grant_type=authorization_code -d code=" + pastedCode + " \\\n  --data-urlencode 'redirect_uri=https://localhost/'", KindCurl, ""},
		{"token form", "grant_type=authorization_code&code=" + pastedCode + "&redirect_uri=https%3A%2F%2Flocalhost%2F&client_id=devp-v2-demo-x&client_secret=" + pastedSecret, KindTokenForm, ""},
		{"basic header", "Authorization: Basic " + basicOf("devp-v2-demo-x:"+pastedSecret+"\n"), KindBasicHeader, IDInvalidClientCredentials},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rep, err := ReadPasted([]byte(tt.input), Context{})
			if err != nil {
				t.Fatalf("ReadPasted() error = %v", err)
			}
			if len(rep.Parts) != 1 {
				t.Fatalf("parts = %d (%v), want 1", len(rep.Parts), rep.Kinds)
			}
			p := rep.Parts[0]
			if p.Kind != tt.kind {
				t.Errorf("kind = %q, want %q", p.Kind, tt.kind)
			}
			got := ""
			if len(p.Diagnoses) > 0 {
				got = p.Diagnoses[0].ID
			}
			if got != tt.want {
				t.Errorf("first diagnosis = %q (all %v), want %q", got, ids(p.Diagnoses), tt.want)
			}
			if p.Summary == "" {
				t.Error("summary is empty")
			}
		})
	}
}

func TestReadPastedBadInput(t *testing.T) {
	tests := []struct {
		name  string
		input []byte
		want  error
	}{
		{"empty", nil, ErrEmpty},
		{"blank", []byte(" \n\t\n"), ErrEmpty},
		{"nul bytes", []byte("abc\x00def"), ErrBinary},
		{"invalid utf-8", []byte{0xff, 0xfe, 0x41}, ErrBinary},
		{"prose", []byte("hello, my login does not work"), ErrUnrecognised},
		{"broken json", []byte(`{"error": "invalid_grant", "error_description": `), ErrUnrecognised},
		{"html without page", []byte("<div><p>hello</p></div>"), ErrUnrecognised},
		{"har", []byte(`{"log":{"version":"1.2","entries":[]}}`), ErrHAR},
		{"broken har", []byte(`{"log": {"version":"1.2","entries":[{`), ErrHAR},
		{"unclosed quote curl", []byte("curl -d 'grant_type=x https://a/token"), ErrUnrecognised},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ReadPasted(tt.input, Context{})
			if !errors.Is(err, tt.want) {
				t.Errorf("ReadPasted() error = %v, want %v", err, tt.want)
			}
		})
	}
}

func TestReadPastedMalformedURL(t *testing.T) {
	_, err := ReadPasted([]byte("https://auth.lsk-prod.app/realms/%zz?client_id=x"), Context{})
	if !errors.Is(err, ErrUnrecognised) || !strings.Contains(err.Error(), "could not be parsed") {
		t.Errorf("error = %v, want an unrecognised URL that could not be parsed", err)
	}
}

func TestReadPastedFromBound(t *testing.T) {
	big := bytes.Repeat([]byte("x"), MaxPaste+100)
	copy(big, "Client not found\n")
	rep, err := ReadPastedFrom(bytes.NewReader(big), Context{})
	if err != nil {
		t.Fatalf("ReadPastedFrom() error = %v", err)
	}
	if !rep.Truncated {
		t.Error("Truncated = false for input longer than MaxPaste")
	}
}

func TestReadPastedTranscript(t *testing.T) {
	input := `$ curl -s https://auth.lsk-prod.app/realms/k-series/protocol/openid-connect/token \
    -H "Authorization: Basic ` + basicOf("devp-v2-demo-abc:"+pastedSecret) + `" \
    -d grant_type=refresh_token -d refresh_token=eyJhbGciOiJIUzUxMiJ9.eyJzdWIiOiIxIn0.c2ln
{"error":"invalid_grant","error_description":"Session not active"}
`
	rep, err := ReadPasted([]byte(input), Context{})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Parts) != 2 || rep.Parts[0].Kind != KindCurl || rep.Parts[1].Kind != KindJSON {
		t.Fatalf("kinds = %v, want curl then json-body", rep.Kinds)
	}
	if got := ids(rep.Parts[0].Diagnoses); !strings.Contains(strings.Join(got, " "), IDWrongEnvironment) {
		t.Errorf("curl diagnoses = %v, want wrong-environment for a trial client on production", got)
	}
	response := rep.Parts[1].Diagnoses
	if response[0].ID != IDInvalidRefreshToken || response[0].Step != StepRefresh {
		t.Errorf("response diagnosis = %s at %s, want invalid-refresh-token at refresh", response[0].ID, response[0].Step)
	}
}

func TestReadPastedHintContext(t *testing.T) {
	hint := Context{Env: "production", ClientID: "devp-v2-demo-abc"}
	rep, err := ReadPasted([]byte("We are sorry... Client not found."), hint)
	if err != nil {
		t.Fatal(err)
	}
	if got := rep.Parts[0].Diagnoses[0].ID; got != IDWrongEnvironment {
		t.Errorf("first diagnosis = %q, want wrong-environment from the hint", got)
	}
	hint = Context{RegisteredRedirectURI: "https://localhost/"}
	rep, err = ReadPasted([]byte("Invalid parameter: redirect_uri\nredirect_uri used: http://localhost/"), hint)
	if err != nil {
		t.Fatal(err)
	}
	if !containsText(rep.Parts[0].Diagnoses[0].Evidence, `the scheme is "http" where "https" is expected`) {
		t.Errorf("evidence = %q, want the scheme difference", rep.Parts[0].Diagnoses[0].Evidence)
	}
}

func TestReadPastedTokenRedirectMismatch(t *testing.T) {
	input := "https://auth.lsk-trial.app/realms/k-series/protocol/openid-connect/auth?response_type=code&client_id=devp-v2-demo-x&scope=items&redirect_uri=https%3A%2F%2Flocalhost%2F\n" +
		"curl -u devp-v2-demo-x:" + pastedSecret + " -d grant_type=authorization_code -d code=" + pastedCode +
		" -d redirect_uri=https://localhost https://auth.lsk-trial.app/realms/k-series/protocol/openid-connect/token\n"
	rep, err := ReadPasted([]byte(input), Context{})
	if err != nil {
		t.Fatal(err)
	}
	if got := allIDs(rep); !strings.Contains(got, IDTokenRedirectURIMismatch) {
		t.Errorf("diagnoses = %s, want token-redirect-uri-mismatch", got)
	}
}

func TestCurlChecks(t *testing.T) {
	const tokenURL = "https://auth.lsk-trial.app/realms/k-series/protocol/openid-connect/token"
	tests := []struct {
		name, cmd, want string
	}{
		{"json body", "curl " + tokenURL + " -u devp-v2-demo-x:" + pastedSecret + ` --json '{"grant_type":"authorization_code"}'`, IDInvalidRequest},
		{"no grant type", "curl " + tokenURL + " -u devp-v2-demo-x:" + pastedSecret + " -d code=" + pastedCode, IDInvalidRequest},
		{"misspelled grant", "curl " + tokenURL + " -u devp-v2-demo-x:" + pastedSecret + " -d grant_type=authorisation_code", IDInvalidRequest},
		{"no credentials", "curl " + tokenURL + " -d grant_type=authorization_code -d code=" + pastedCode + " -d redirect_uri=https://localhost/", IDInvalidClientCredentials},
		{"basic not base64", "curl " + tokenURL + ` -H "Authorization: Basic devp-v2-demo-x:` + pastedSecret + `" -d grant_type=authorization_code -d code=c -d redirect_uri=https://localhost/`, IDInvalidClientCredentials},
		{"secret newline", "curl " + tokenURL + ` -H 'Authorization: Basic ` + basicOf("devp-v2-demo-x:"+pastedSecret+"\n") + `' -d grant_type=authorization_code -d code=c -d redirect_uri=https://localhost/`, IDInvalidClientCredentials},
		{"v1 client", "curl " + tokenURL + " -u devp-1234-2345:" + pastedSecret + " -d grant_type=authorization_code -d code=c -d redirect_uri=https://localhost/", IDV1Client},
		{"get method", "curl -X GET " + tokenURL + " -u devp-v2-demo-x:" + pastedSecret + " -d grant_type=authorization_code -d code=c -d redirect_uri=https://localhost/", IDUnexpectedResponse},
		{"v1 endpoint", "curl https://api.lsk.lightspeed.app/oauth/token -u devp-v2-x:" + pastedSecret + " -d grant_type=authorization_code -d code=c -d redirect_uri=https://localhost/", IDV1Client},
		{"short verifier", "curl " + tokenURL + " -u devp-v2-demo-x:" + pastedSecret + " -d grant_type=authorization_code -d code=c -d redirect_uri=https://localhost/ -d code_verifier=abc", IDPKCEFailed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rep, err := ReadPasted([]byte(tt.cmd), Context{})
			if err != nil {
				t.Fatal(err)
			}
			if got := allIDs(rep); !strings.Contains(" "+got+" ", " "+tt.want+" ") {
				t.Errorf("diagnoses = %s, want %s", got, tt.want)
			}
		})
	}
}

func TestBasicHeaderWrongClientForHost(t *testing.T) {
	rep, err := ReadPasted([]byte("Authorization: Basic "+basicOf(prodClient+":"+pastedSecret)), Context{Env: "trial"})
	if err != nil {
		t.Fatal(err)
	}
	if got := allIDs(rep); got != IDWrongEnvironment {
		t.Errorf("diagnoses = %s, want wrong-environment", got)
	}
}

func TestReportHidesSecrets(t *testing.T) {
	jwt := "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ1c2VyIn0.c2lnbmF0dXJlLXZhbHVl"
	input := strings.Join([]string{
		"curl https://auth.lsk-trial.app/realms/k-series/protocol/openid-connect/token -u 'devp-v2-demo-x:" + pastedSecret + "' -d grant_type=authorization_code -d code=" + pastedCode + " -d redirect_uri=https://localhost/ -d code_verifier=" + strings.Repeat("v", 50),
		"Authorization: Basic " + basicOf("devp-v2-demo-x:"+pastedSecret),
		"grant_type=refresh_token&refresh_token=" + jwt + "&client_secret=" + pastedSecret,
		"https://localhost/?code=" + pastedCode + "&state=s&iss=" + envs.ProductionIssuer,
		"HTTP/1.1 200 OK",
		"Content-Type: application/json",
		"",
		`{"access_token":"` + jwt + `","refresh_token":"` + jwt + `x"}`,
		"",
		`{"error":"weird","error_description":"code=` + pastedCode + ` token ` + jwt + `"}`,
	}, "\n")
	rep, err := ReadPasted([]byte(input), Context{})
	if err != nil {
		t.Fatal(err)
	}
	out, err := json.Marshal(rep)
	if err != nil {
		t.Fatal(err)
	}
	for _, secret := range []string{pastedSecret, pastedCode, jwt, strings.Repeat("v", 50), basicOf("devp-v2-demo-x:" + pastedSecret)} {
		if bytes.Contains(out, []byte(secret)) {
			t.Errorf("report shows secret %q:\n%s", secret, out)
		}
	}
	if len(rep.Parts) < 5 {
		t.Errorf("parts = %v, want at least five", rep.Kinds)
	}
}

func TestReadPastedCapsParts(t *testing.T) {
	input := strings.Repeat(`{"error":"invalid_grant","error_description":"Code not valid"}`+"\nnoise\n", MaxParts)
	rep, err := ReadPasted([]byte(input), Context{})
	if err != nil {
		t.Fatal(err)
	}
	if !rep.Truncated {
		t.Error("Truncated = false for more than MaxParts parts")
	}
	if len(rep.Parts) > MaxParts {
		t.Errorf("parts = %d, want at most %d", len(rep.Parts), MaxParts)
	}
	if len(rep.Notes) > maxNotes+2 {
		t.Errorf("notes = %d, want at most %d", len(rep.Notes), maxNotes+2)
	}
}

func TestReadPastedErrorText(t *testing.T) {
	tests := []struct{ name, text, want string }{
		{"log line", "2026-03-01 token request failed: invalid_grant (Code not valid)", IDInvalidCodeGrant},
		{"description only", "the server said: Invalid client or Invalid client credentials", IDInvalidClientCredentials},
		{"code only", "we get unauthorized_client every time", IDUnauthorizedClient},
		{"scope prefix", "error invalid_scope: Invalid scopes: financial_api items", IDInvalidScope},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rep, err := ReadPasted([]byte(tt.text), Context{})
			if err != nil {
				t.Fatal(err)
			}
			if rep.Parts[0].Kind != KindErrorText {
				t.Errorf("kind = %q, want error-text", rep.Parts[0].Kind)
			}
			if got := firstIDs(rep); len(got) == 0 || got[0] != tt.want {
				t.Errorf("diagnoses = %v, want %s first", got, tt.want)
			}
		})
	}
	rep, err := ReadPasted([]byte("error invalid_scope: Invalid scopes: financial_api items"), Context{})
	if err != nil {
		t.Fatal(err)
	}
	if d := rep.Parts[0].Diagnoses[0]; !containsText(d.Evidence, `did you mean "financial-api"?`) {
		t.Errorf("evidence = %q, want the scope suggestion", d.Evidence)
	}
}

func TestReadPastedCurlVerbose(t *testing.T) {
	input := `*   Trying 1.2.3.4:443...
> POST /realms/k-series/protocol/openid-connect/token HTTP/1.1
> Host: auth.lsk-prod.app
> Authorization: Basic ` + basicOf("devp-v2-prod-1:"+pastedSecret) + `
> Content-Type: application/x-www-form-urlencoded
>
< HTTP/1.1 400 Bad Request
< Content-Type: application/json
<
{"error":"invalid_grant","error_description":"PKCE verification failed: Code mismatch"}`
	rep, err := ReadPasted([]byte(input), Context{})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(allIDs(rep), IDPKCEFailed) {
		t.Errorf("diagnoses = %s (kinds %v), want pkce-failed", allIDs(rep), rep.Kinds)
	}
	if out, _ := json.Marshal(rep); bytes.Contains(out, []byte(pastedSecret)) {
		t.Errorf("report shows the secret: %s", out)
	}
}

func TestReadPastedHTMLFragment(t *testing.T) {
	rep, err := ReadPasted([]byte("<div>We are sorry...<br>Invalid parameter: redirect_uri</div>"), Context{})
	if err != nil {
		t.Fatal(err)
	}
	if got := firstIDs(rep); len(got) == 0 || got[0] != IDRedirectURIMismatch {
		t.Errorf("diagnoses = %v, want redirect-uri-mismatch", got)
	}
}

func TestCurlDataFromFile(t *testing.T) {
	rep, err := ReadPasted([]byte("curl -d @body.txt https://auth.lsk-trial.app/realms/k-series/protocol/openid-connect/token"), Context{})
	if err != nil {
		t.Fatal(err)
	}
	if got := allIDs(rep); got != "" {
		t.Errorf("diagnoses = %s, want none for a body read from a file", got)
	}
}

func TestReadPastedRedirectIssuerMismatch(t *testing.T) {
	input := "https://auth.lsk-trial.app/realms/k-series/protocol/openid-connect/auth?response_type=code&client_id=devp-v2-demo-x&scope=items&redirect_uri=https%3A%2F%2Flocalhost%2F\n" +
		"https://localhost/?error=access_denied&iss=https%3A%2F%2Fauth.lsk-prod.app%2Frealms%2Fk-series\n"
	rep, err := ReadPasted([]byte(input), Context{})
	if err != nil {
		t.Fatal(err)
	}
	if got := ids(rep.Parts[1].Diagnoses); strings.Join(got, " ") != IDAccessDenied+" "+IDIssuerMismatch {
		t.Errorf("redirect diagnoses = %v, want [access-denied issuer-mismatch]", got)
	}
}

func TestReadPastedEndpointURL(t *testing.T) {
	rep, err := ReadPasted([]byte("Token URL: https://auth.lsk-prod.app/auth/realms/k-series/protocol/openid-connect/token"), Context{})
	if err != nil {
		t.Fatal(err)
	}
	if p := rep.Parts[0]; p.Kind != KindEndpointURL || len(p.Diagnoses) == 0 || p.Diagnoses[0].ID != IDUnexpectedResponse {
		t.Errorf("part = %+v, want an endpoint URL with unexpected-response for the /auth prefix", p)
	}
}

func TestShellWords(t *testing.T) {
	tests := []struct{ in, want string }{
		{`curl -d 'a b' "c\"d" e\ f`, `curl|-d|a b|c"d|e f`},
		{"curl \\\n  -u x:y", "curl|-u|x:y"},
		{"curl ^\n -d a", "curl|-d|a"},
		{"curl \"a\\\nb\"", "curl|ab"},
		{"$ curl x", "curl|x"},
	}
	for _, tt := range tests {
		got, err := shellWords(tt.in)
		if err != nil {
			t.Errorf("shellWords(%q) error = %v", tt.in, err)
			continue
		}
		if strings.Join(got, "|") != tt.want {
			t.Errorf("shellWords(%q) = %q, want %q", tt.in, strings.Join(got, "|"), tt.want)
		}
	}
	if _, err := shellWords(`curl 'open`); err == nil {
		t.Error("shellWords(unclosed quote) error = nil, want an error")
	}
}

func TestReadPastedStatusLineThenJSON(t *testing.T) {
	for _, input := range []string{
		"HTTP/1.1 400 Bad Request\n{\"error\":\"invalid_grant\",\"error_description\":\"Code not valid\"}",
		"HTTP/1.1 400 Bad Request\nContent-Type: application/json\n{\"error\":\"invalid_grant\",\"error_description\":\"Code not valid\"}",
		"< HTTP/2 400\n< content-type: application/json\n<\n{\"error\":\"invalid_grant\",\"error_description\":\"Code not valid\"}",
	} {
		rep, err := ReadPasted([]byte(input), Context{})
		if err != nil {
			t.Fatalf("ReadPasted(%q) error = %v", input, err)
		}
		if got := firstIDs(rep); len(rep.Parts) != 1 || len(got) == 0 || got[0] != IDInvalidCodeGrant {
			t.Errorf("ReadPasted(%q) = %v (kinds %v), want one part with invalid-code-grant", input, got, rep.Kinds)
		}
	}
}

func TestReadPastedFormPost(t *testing.T) {
	input := `<HTML><BODY><FORM METHOD="POST" ACTION="https://localhost/"><INPUT TYPE="HIDDEN" NAME="code" VALUE="` + pastedCode + `" /></FORM></BODY></HTML>`
	rep, err := ReadPasted([]byte(input), Context{})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Parts[0].Kind != KindCallback || !rep.OK {
		t.Errorf("part = %+v, want a callback without failure", rep.Parts[0])
	}
	if out, _ := json.Marshal(rep); bytes.Contains(out, []byte(pastedCode)) {
		t.Errorf("report shows the code: %s", out)
	}
}

func TestScrubKeepsWords(t *testing.T) {
	sec := newSecrets()
	for in, want := range map[string]string{
		"the Basic header is malformed":                 "the Basic header is malformed",
		"not Basic base64(client_id:client_secret)":     "not Basic base64(client_id:client_secret)",
		"Authorization: Basic ZGV2cC12Mi1kZW1vLXg6eQ==": "Authorization: Basic (redacted)",
		"Bearer abcdefgh1234":                           "Bearer (redacted)",
	} {
		if got := sec.scrub(in); got != want {
			t.Errorf("scrub(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestReadPastedLegacyEncoding(t *testing.T) {
	rep, err := ReadPasted([]byte("We are sorry\x85 Client not found"), Context{})
	if err != nil {
		t.Fatalf("ReadPasted(Windows-1252 text) error = %v", err)
	}
	if got := firstIDs(rep); len(got) == 0 || got[0] != IDWrongEnvironment {
		t.Errorf("diagnoses = %v, want wrong-environment first", got)
	}
	if _, err := ReadPasted([]byte{0x89, 'P', 'N', 'G', 0x0d, 0x0a, 0x1a, 0x0a, 0xff, 0xd8}, Context{}); !errors.Is(err, ErrBinary) {
		t.Errorf("ReadPasted(PNG header) error = %v, want ErrBinary", err)
	}
}
