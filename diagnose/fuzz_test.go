package diagnose

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/url"
	"strings"
	"testing"
	"unicode/utf8"
)

// The fuzz targets read their seed corpus from testdata/fuzz/<target>.
// Run one with: go test -run x -fuzz FuzzReadPasted -fuzztime 20s ./diagnose

func FuzzReadPasted(f *testing.F) {
	for _, ex := range guideExamples {
		f.Add([]byte(ex.input))
	}
	f.Fuzz(func(t *testing.T, input []byte) {
		rep, err := ReadPasted(input, Context{})
		if err != nil {
			if !errors.Is(err, ErrEmpty) && !errors.Is(err, ErrBinary) && !errors.Is(err, ErrUnrecognised) && !errors.Is(err, ErrHAR) {
				t.Fatalf("ReadPasted() error %v is none of the sentinel errors", err)
			}
			return
		}
		if len(rep.Parts) == 0 {
			t.Fatal("ReadPasted() returned no parts and no error")
		}
		for _, p := range rep.Parts {
			if p.Kind == "" || p.Summary == "" || p.Diagnoses == nil {
				t.Fatalf("part %+v lacks a kind, summary or diagnoses slice", p)
			}
			for _, d := range p.Diagnoses {
				if _, ok := Lookup(d.ID); !ok {
					t.Fatalf("diagnosis ID %q is not in the catalogue", d.ID)
				}
			}
		}
		if _, err := json.Marshal(rep); err != nil {
			t.Fatalf("json.Marshal(report) error = %v", err)
		}
	})
}

func FuzzDecodeBasic(f *testing.F) {
	f.Add("devp-v2-demo-x", "s3cret", "Basic ")
	f.Add("devp-v2-prod-1", "a+b%c\n", "Authorization: basic ")
	f.Add("", ":", "")
	f.Fuzz(func(t *testing.T, clientID, secret, prefix string) {
		DecodeBasic(prefix + clientID + ":" + secret)
		b := DecodeBasic("Basic " + base64.StdEncoding.EncodeToString([]byte(clientID+":"+secret)))
		if strings.ContainsAny(clientID, ":%+\r\n\t ") || !utf8.ValidString(clientID) || !utf8.ValidString(secret) ||
			strings.ContainsAny(secret, "\r\n\t ") {
			return
		}
		if clientID != "" && b.ClientID != clientID {
			t.Errorf("ClientID = %q, want %q", b.ClientID, clientID)
		}
		if b.SecretLength != len(secret) {
			t.Errorf("SecretLength = %d, want %d", b.SecretLength, len(secret))
		}
	})
}

func FuzzParsePage(f *testing.F) {
	f.Add(`<body data-page-id="login-error"><h1 id="kc-page-title">We are sorry...</h1><p class="instruction">Client not found.</p></body>`)
	f.Add(`<div id="input-error-username"><span>Invalid password.</span>`)
	f.Add("<html><p class=\"instruction\"><script>x</script>")
	f.Fuzz(func(t *testing.T, doc string) {
		p := ParsePage([]byte(doc))
		for _, s := range []string{p.ID, p.Title, p.Heading, p.Message} {
			if s != strings.TrimSpace(s) && s != p.ID {
				t.Errorf("page text %q is not trimmed", s)
			}
		}
		PageText(doc)
	})
}

func FuzzMatch(f *testing.F) {
	f.Add(400, "invalid_grant", "Code not valid", `{"error":"invalid_grant"}`, "authorization_code", "token", "")
	f.Add(302, "", "", "", "", "authorize", "error=invalid_scope&error_description=Invalid+scopes%3A+x")
	f.Add(200, "", "", "<html><h1 id=\"kc-page-title\">We are sorry...</h1></html>", "", "", "")
	f.Add(401, "", "", "", "", "verify", "")
	f.Fuzz(func(t *testing.T, status int, code, desc, body, grant, step, query string) {
		ev := Evidence{Step: Step(step), Status: status, Error: code, ErrorDescription: desc, Body: body,
			Context: Context{GrantType: grant}}
		if q, err := url.ParseQuery(query); err == nil {
			ev.Redirect = q
		}
		got := Match(ev)
		if len(got) == 0 {
			t.Fatal("Match() returned no diagnosis")
		}
		for _, d := range got {
			if _, ok := Lookup(d.ID); !ok {
				t.Fatalf("diagnosis ID %q is not in the catalogue", d.ID)
			}
			if len(d.Evidence) == 0 && d.ID == IDUnknown {
				t.Fatal("unknown diagnosis without evidence")
			}
		}
	})
}

func FuzzReportRedaction(f *testing.F) {
	f.Add("s3cr3t-Value-123", "4f1c2a7e-1111.aaaa.bbbb")
	f.Add("Pass+word%2F==9", "Code-1234567")
	f.Fuzz(func(t *testing.T, secret, code string) {
		// Values with upper case, lower case and digits cannot occur in
		// the report's own text by chance.
		if !secretShaped(secret) || !secretShaped(code) || strings.Trim(secret+code, pkceChars+"+/=%") != "" {
			return
		}
		const tokenURL = "https://auth.lsk-trial.app/realms/k-series/protocol/openid-connect/token"
		input := strings.Join([]string{
			"curl " + tokenURL + " -u 'devp-v2-demo-x:" + secret + "' -d grant_type=authorization_code -d code=" + code,
			"Authorization: Basic " + base64.StdEncoding.EncodeToString([]byte("devp-v2-demo-x:"+secret)),
			"grant_type=authorization_code&client_id=devp-v2-demo-x&client_secret=" + url.QueryEscape(secret) + "&code=" + code,
			"https://localhost/?state=s&code=" + code,
		}, "\n")
		rep, err := ReadPasted([]byte(input), Context{})
		if err != nil {
			t.Fatalf("ReadPasted() error = %v", err)
		}
		out, _ := json.Marshal(rep)
		for _, v := range []string{secret, code} {
			if strings.Contains(string(out), v) {
				t.Fatalf("report shows %q:\n%s", v, out)
			}
		}
	})
}

func secretShaped(s string) bool {
	return len(s) >= 10 && strings.ContainsAny(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") &&
		strings.ContainsAny(s, "abcdefghijklmnopqrstuvwxyz") && strings.ContainsAny(s, "0123456789")
}
