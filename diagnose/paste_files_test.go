package diagnose

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// readPasteFile reads testdata/paste/name with ReadPasted. The files are
// pastes as users send them, with made-up clients, hosts and secrets.
func readPasteFile(t *testing.T, name string) Report {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "paste", name))
	if err != nil {
		t.Fatal(err)
	}
	rep, err := ReadPasted(data, Context{})
	if err != nil {
		t.Fatalf("ReadPasted(%s) error = %v", name, err)
	}
	return rep
}

// reportIDs returns the IDs of every diagnosis of every part, with
// warnings marked "warning:".
func reportIDs(rep Report) []string {
	var out []string
	for _, p := range rep.Parts {
		for _, d := range p.Diagnoses {
			if d.Failed() {
				out = append(out, d.ID)
			} else {
				out = append(out, "warning:"+d.ID)
			}
		}
	}
	return out
}

// reportText joins every summary, evidence and cause of a report.
func reportText(rep Report) string {
	var b strings.Builder
	for _, p := range rep.Parts {
		b.WriteString(p.Summary + "\n")
		for _, d := range p.Diagnoses {
			b.WriteString(strings.Join(d.Evidence, "\n") + "\n" + strings.Join(d.Causes, "\n") + "\n")
		}
	}
	return b.String()
}

func TestPasteFiles(t *testing.T) {
	tests := []struct {
		file string
		// want are diagnosis IDs that must appear, without lists IDs that
		// must not, in reportIDs form.
		want, without []string
		// contains and lacks are texts the report must or must not contain.
		contains, lacks []string
		// kinds, when set, are the report's kinds.
		kinds []Kind
	}{
		{file: "proxy-502-cloudflare.txt", want: []string{IDServerError}, contains: []string{"HTTP 502", "cloudflare"}},
		{file: "proxy-504-nginx.txt", want: []string{IDServerError}, contains: []string{"HTTP 504", "nginx"}},
		{file: "resteasy-404.txt", want: []string{IDUnexpectedResponse}, without: []string{IDUnknown},
			contains: []string{"the path below the realm is wrong"}},
		{file: "31-wrapped.txt", want: []string{IDInvalidScope}, lacks: []string{"Thanks"},
			contains: []string{`"financial_api" is not a K-Series scope`, `"items-api" is not a K-Series scope`,
				"iss https://auth.lsk-trial.app/realms/k-series is the trial realm"}},
		{file: "31b-wrapped-quoted.txt", want: []string{IDInvalidScope}, lacks: []string{"Thanks"},
			contains: []string{`"financial_api" is not a K-Series scope`, "iss https://auth.lsk-trial.app/realms/k-series is the trial realm"}},
		{file: "33-amp.txt", kinds: []Kind{KindAuthorizeURL}, want: []string{IDWrongEnvironment},
			contains: []string{`for client "devp-v2-demo-acme"`}, lacks: []string{"amp;"}},
		{file: "41-chrome-headers.txt", kinds: []Kind{KindHTTPResponse}, want: []string{IDInvalidClientCredentials},
			contains: []string{"HTTP 401 Unauthorized"}},
		{file: "09-token.txt", kinds: []Kind{KindJSON},
			contains: []string{"iss https://auth.lsk-trial.app/realms/k-series", "aud account", "azp devp-v2-demo-acme-pos",
				`scope "openid financial-api"`, "exp 2026-12-02T08:26:40Z"},
			lacks: []string{"eyJ", "SecretRefreshSig", "preferred_username"}},
		{file: "oauth-callback-registered.txt", want: []string{IDRedirectURIMismatch}, without: []string{IDV1Client},
			contains: []string{"a trailing slash was added", "registered redirect URI https://app.shop.example.com/oauth/callback"}},
		{file: "04-curlexe.txt", without: []string{IDV1Client}, kinds: []Kind{KindCurl, KindJSON},
			want: []string{IDInvalidClientCredentials}, lacks: []string{"contains spaces", "secret of 0 characters"},
			contains: []string{`for client "devp-v2-demo-acme-pos"`}},
		{file: "21-crlf-curl.txt", kinds: []Kind{KindCurl, KindJSON}, lacks: []string{"contains spaces"}},
		{file: "25-ps-backtick.txt", kinds: []Kind{KindCurl, KindJSON}, want: []string{IDTokenRedirectURIMismatch},
			contains: []string{`for client "devp-v2-demo-acme-pos"`}},
		{file: "11b-v1-url.txt", want: []string{IDV1Client, "warning:" + IDV1Client}, without: []string{IDInvalidScope},
			lacks: []string{`"and"`, `"got"`}, contains: []string{`page message "Client not found."`},
			kinds: []Kind{KindAuthorizeURL, KindPageText}},
		{file: "05-powershell.txt", lacks: []string{"%20-Body", "$body", `realm " "`, "no Authorization header"},
			want: []string{IDWrongEnvironment, IDInvalidClientCredentials}, without: []string{"warning:" + IDInvalidClientCredentials},
			kinds: []Kind{KindEndpointURL, KindErrorText, KindTokenForm}},
		{file: "12-refresh.txt", want: []string{IDInvalidRefreshToken},
			without: []string{IDInvalidRequest, IDInvalidClientCredentials, "warning:" + IDInvalidClientCredentials}},
		{file: "06-console.txt", lacks: []string{"%20500", "Internal%20Server"}, without: []string{"warning:" + IDRedirectURIMismatch}},
		{file: "01-slack.txt", lacks: []string{"blank page", "Thanks"},
			contains: []string{"iss https://auth.lsk-trial.app/realms/k-series is the trial realm"}},
		{file: "30-slack-angle.txt", want: []string{IDInvalidScope}, lacks: []string{"|", "..."}, kinds: []Kind{KindErrorRedirect}},
		{file: "32-markdown.txt", want: []string{IDAccessDenied}, lacks: []string{"x)"}},
		{file: "35-prose-after.txt", want: []string{IDAccessDenied}, lacks: []string{"x,", "nothing"}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			rep := readPasteFile(t, tt.file)
			if tt.kinds != nil && !slices.Equal(rep.Kinds, tt.kinds) {
				t.Errorf("kinds = %v, want %v", rep.Kinds, tt.kinds)
			}
			got := reportIDs(rep)
			for _, id := range tt.want {
				if !slices.Contains(got, id) {
					t.Errorf("diagnoses %v lack %s", got, id)
				}
			}
			for _, id := range tt.without {
				if slices.Contains(got, id) {
					t.Errorf("diagnoses %v contain %s", got, id)
				}
			}
			text := reportText(rep)
			for _, s := range tt.contains {
				if !strings.Contains(text, s) {
					t.Errorf("report lacks %q:\n%s", s, text)
				}
			}
			for _, s := range tt.lacks {
				if strings.Contains(text, s) {
					t.Errorf("report contains %q:\n%s", s, text)
				}
			}
		})
	}
}

func TestCheckURLHostOAuthPath(t *testing.T) {
	tests := []struct {
		url  string
		want []string
	}{
		{"https://api.lsk.lightspeed.app/oauth/token", []string{IDV1Client}},
		{"https://auth.lsk-prod.app/oauth/token", []string{IDUnexpectedResponse}},
		{"https://app.shop.example.com/oauth/callback", nil},
	}
	for _, tt := range tests {
		if got := ids(checkURLHost(tt.url)); !slices.Equal(got, tt.want) {
			t.Errorf("checkURLHost(%s) = %v, want %v", tt.url, got, tt.want)
		}
	}
}

func TestReadBasicContinuation(t *testing.T) {
	for _, line := range []string{
		`-H "Authorization: Basic ` + basicOf("devp-v2-demo-x:"+pastedSecret) + `" ^`,
		`Authorization: Basic ` + basicOf("devp-v2-demo-x:"+pastedSecret) + " `",
	} {
		rep, err := ReadPasted([]byte(line), Context{})
		if err != nil {
			t.Fatalf("ReadPasted(%q) error = %v", line, err)
		}
		if got := reportIDs(rep); len(got) != 0 {
			t.Errorf("ReadPasted(%q) diagnoses = %v, want none", line, got)
		}
		if s := rep.Parts[0].Summary; !strings.Contains(s, `client "devp-v2-demo-x"`) {
			t.Errorf("summary = %q, want client devp-v2-demo-x", s)
		}
	}
}

func TestResponseShowsClientAuthPassed(t *testing.T) {
	curl := "curl -X POST https://auth.lsk-trial.app/realms/k-series/protocol/openid-connect/token \\\n" +
		"  -H 'Authorization: Basic " + basicOf("devp-v2-demo-x:"+pastedSecret+"\n") + "' \\\n" +
		"  -d grant_type=authorization_code -d code=" + pastedCode + " -d redirect_uri=https://localhost/\n" +
		`{"error":"invalid_grant","error_description":"Code not valid"}`
	rep, err := ReadPasted([]byte(curl), Context{})
	if err != nil {
		t.Fatal(err)
	}
	got := reportIDs(rep)
	want := []string{"warning:" + IDInvalidClientCredentials, IDInvalidCodeGrant}
	if !slices.Equal(got, want) {
		t.Errorf("diagnoses = %v, want %v", got, want)
	}
	if text := reportText(rep); !strings.Contains(text, "answered another request than this one") {
		t.Errorf("report does not state that the response is for another request:\n%s", text)
	}
}

func TestWrappedURLStopsAtProse(t *testing.T) {
	in := "https://localhost/?error=access_denied&error_description=User+denied+consent&state=Zx9\nThanks,\nMaria"
	rep, err := ReadPasted([]byte(in), Context{})
	if err != nil {
		t.Fatal(err)
	}
	if p := rep.Parts[0]; p.Lines != "1" {
		t.Errorf("URL part lines = %s, want 1", p.Lines)
	}
	if text := reportText(rep); strings.Contains(text, "Thanks") {
		t.Errorf("report joins the prose after the URL:\n%s", text)
	}
}

func TestHTMLEscapedURL(t *testing.T) {
	rep := readPasteFile(t, "33-amp.txt")
	ctx := rep.Parts[0].Context
	if ctx == nil || ctx.RedirectURI != "https://localhost/" || ctx.Scope != "openid financial-api" {
		t.Errorf("context = %+v, want redirect_uri https://localhost/ and scope \"openid financial-api\"", ctx)
	}
}

func TestKsauthJSONOutput(t *testing.T) {
	doc := `{
  "command": "diagnose",
  "ok": false,
  "diagnoses": [
    {"id": "invalid-scope", "step": "authorize", "title": "Requested scope is not valid for the client",
     "evidence": ["error \"invalid_scope\""], "causes": ["a scope name is misspelled"], "fix": "Request valid scopes."}
  ]
}`
	rep, err := ReadPasted([]byte(doc), Context{})
	if err != nil {
		t.Fatal(err)
	}
	if got := reportIDs(rep); !slices.Equal(got, []string{IDInvalidScope}) {
		t.Errorf("diagnoses = %v, want [%s]", got, IDInvalidScope)
	}
	if s := rep.Parts[0].Summary; !strings.Contains(s, "ksauth diagnose --json output") {
		t.Errorf("summary = %q, want it to name ksauth's output", s)
	}
	if rep.OK {
		t.Error("report OK = true, want false for a document with a failure")
	}
}

func TestSettledWarningJSON(t *testing.T) {
	rep := readPasteFile(t, "05-powershell.txt")
	var warning *Diagnosis
	for _, p := range rep.Parts {
		for i, d := range p.Diagnoses {
			if d.ID == IDWrongEnvironment && p.Kind == KindTokenForm {
				warning = &p.Diagnoses[i]
			}
		}
	}
	if warning == nil {
		t.Fatalf("no wrong-environment finding on the form part: %v", reportIDs(rep))
	}
	data, err := json.Marshal(warning)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), `"severity":"warning"`) {
		t.Errorf("JSON %s lacks \"severity\":\"warning\"", data)
	}
	var flat []string
	for _, d := range rep.Diagnoses() {
		flat = append(flat, d.ID+"/"+d.Severity)
	}
	want := []string{IDWrongEnvironment + "/error", IDInvalidClientCredentials + "/error"}
	if !slices.Equal(flat, want) {
		t.Errorf("Report.Diagnoses() = %v, want %v", flat, want)
	}
}

func TestNetworkPanelErrorRedirect(t *testing.T) {
	in := "Request URL: https://localhost/?error=invalid_scope&error_description=Invalid+scopes%3A+openid+items-api&state=x\n" +
		"Request Method: GET\nStatus Code: 404 Not Found\n"
	rep, err := ReadPasted([]byte(in), Context{})
	if err != nil {
		t.Fatal(err)
	}
	if got := reportIDs(rep); !slices.Equal(got, []string{IDInvalidScope}) {
		t.Errorf("diagnoses = %v, want [%s]", got, IDInvalidScope)
	}
}

func TestLabelledEndpointURL(t *testing.T) {
	rep, err := ReadPasted([]byte("We used https://auth.lsk-prod.app/realms/k-series/protocol/openid-connect/token"), Context{})
	if err != nil {
		t.Fatal(err)
	}
	if k := rep.Parts[0].Kind; k != KindEndpointURL {
		t.Errorf("kind = %s, want %s", k, KindEndpointURL)
	}
}

func TestNetworkPanelRequestHeaderRedacted(t *testing.T) {
	header := "Basic " + basicOf("devp-v2-demo-x:"+pastedSecret)
	in := "Request URL: https://auth.lsk-trial.app/realms/k-series/protocol/openid-connect/token\n" +
		"Request Method: POST\nStatus Code: 401 Unauthorized\ncontent-type: application/json\nauthorization: " + header + "\n\n" +
		`{"error":"unauthorized_client","error_description":"Invalid client or Invalid client credentials"}`
	rep, err := ReadPasted([]byte(in), Context{})
	if err != nil {
		t.Fatal(err)
	}
	data, err := json.Marshal(rep)
	if err != nil {
		t.Fatal(err)
	}
	for _, secret := range []string{pastedSecret, basicOf("devp-v2-demo-x:" + pastedSecret)} {
		if strings.Contains(string(data), secret) {
			t.Errorf("report contains the secret %q", secret)
		}
	}
}

func TestWrappedURLStopsAtFormBody(t *testing.T) {
	in := "https://auth.lsk-trial.app/realms/k-series/protocol/openid-connect/token\n" +
		"grant_type=authorization_code&code=" + pastedCode + "&redirect_uri=https%3A%2F%2Flocalhost%2F"
	rep, err := ReadPasted([]byte(in), Context{})
	if err != nil {
		t.Fatal(err)
	}
	if want := []Kind{KindEndpointURL, KindTokenForm}; !slices.Equal(rep.Kinds, want) {
		t.Errorf("kinds = %v, want %v", rep.Kinds, want)
	}
}

func TestCutOffURLSkipped(t *testing.T) {
	_, err := ReadPasted([]byte("+ Invoke-RestMethod -Method Post -Uri https://auth.lsk-prod.app/realms/ ..."), Context{})
	if !errors.Is(err, ErrUnrecognised) {
		t.Fatalf("ReadPasted(cut-off URL) error = %v, want ErrUnrecognised", err)
	}
	if !strings.Contains(err.Error(), "cut off") {
		t.Errorf("error = %q, want it to say the URL is cut off", err)
	}
}
