package har

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"os"
	"strings"
	"testing"
	"unicode/utf8"
)

// harOf returns a HAR file with the given entries, written as JSON text.
func harOf(entries ...string) string {
	return `{"log":{"version":"1.2","creator":{"name":"test","version":"1"},"entries":[` +
		strings.Join(entries, ",") + `]}}`
}

func readAll(t *testing.T, input string) ([]Entry, Info, error) {
	t.Helper()
	var got []Entry
	info, err := Read(strings.NewReader(input), func(e Entry) error {
		got = append(got, e)
		return nil
	})
	return got, info, err
}

const tokenURL = "https://auth.lsk-trial.app/realms/k-series/protocol/openid-connect/token"

func TestReadDecodesBase64Body(t *testing.T) {
	body := `{"error":"invalid_grant","error_description":"Code not valid"}`
	entry := `{"startedDateTime":"2026-12-04T10:00:00.000Z","time":5,
		"request":{"method":"POST","url":"` + tokenURL + `","headers":[]},
		"response":{"status":400,"headers":[],"content":{"mimeType":"application/json","encoding":"base64",
		"text":"` + base64.StdEncoding.EncodeToString([]byte(body)) + `"}}}`
	got, _, err := readAll(t, harOf(entry))
	if err != nil {
		t.Fatalf("Read: %v", err)
	}
	if len(got) != 1 || string(got[0].ResponseBody) != body {
		t.Fatalf("body = %q, want %q", got[0].ResponseBody, body)
	}
}

func TestReadReportsInvalidBase64(t *testing.T) {
	entry := `{"startedDateTime":"2026-12-04T10:00:00Z","request":{"method":"POST","url":"` + tokenURL + `"},
		"response":{"status":400,"content":{"encoding":"base64","text":"!!not base64!!"}}}`
	got, info, err := readAll(t, harOf(entry))
	if err != nil {
		t.Fatalf("Read: %v", err)
	}
	if len(got) != 1 || len(got[0].ResponseBody) != 0 {
		t.Errorf("entries %d, body %q, want one entry without body", len(got), got[0].ResponseBody)
	}
	if len(info.Unread) != 1 || !strings.Contains(info.Unread[0], "not valid base64") {
		t.Errorf("Unread = %q, want the base64 problem", info.Unread)
	}
}

func TestReadCapsSignInBodies(t *testing.T) {
	long := strings.Repeat("a", 3*MaxBody)
	entry := `{"startedDateTime":"2026-12-04T10:00:00Z","request":{"method":"POST","url":"` + tokenURL + `",
		"postData":{"mimeType":"text/plain","text":"` + long + `"}},
		"response":{"status":200,"content":{"mimeType":"text/plain","text":"` + long + `"}}}`
	got, _, err := readAll(t, harOf(entry))
	if err != nil {
		t.Fatalf("Read: %v", err)
	}
	e := got[0]
	if len(e.RequestBody) != MaxBody || !e.RequestBodyTruncated {
		t.Errorf("request body %d bytes, truncated %v, want %d and true", len(e.RequestBody), e.RequestBodyTruncated, MaxBody)
	}
	if len(e.ResponseBody) != MaxBody || !e.ResponseBodyTruncated {
		t.Errorf("response body %d bytes, truncated %v, want %d and true", len(e.ResponseBody), e.ResponseBodyTruncated, MaxBody)
	}
}

func TestReadDropsOtherBodies(t *testing.T) {
	entry := `{"startedDateTime":"2026-12-04T10:00:00Z","request":{"method":"GET","url":"https://cdn.example.test/app.js"},
		"response":{"status":200,"content":{"mimeType":"text/javascript","text":"console.log(1)"}}}`
	got, _, err := readAll(t, harOf(entry))
	if err != nil {
		t.Fatalf("Read: %v", err)
	}
	if len(got[0].ResponseBody) != 0 || !got[0].BodiesDropped {
		t.Errorf("body %q dropped %v, want empty and true", got[0].ResponseBody, got[0].BodiesDropped)
	}
}

func TestReadIgnoresBrowserExtensions(t *testing.T) {
	entry := `{"_initiator":{"type":"script","stack":{"callFrames":[]}},"_priority":"High","_resourceType":"fetch",
		"_fromCache":"disk","startedDateTime":"2026-12-04T10:00:00.000Z","time":3,
		"request":{"method":"POST","url":"` + tokenURL + `","_isLinkPreload":false,"headers":[{"name":"content-type","value":"application/x-www-form-urlencoded"}]},
		"response":{"status":200,"_transferSize":120,"_error":null,"_fetchedViaServiceWorker":false,"content":{"size":2,"mimeType":"application/json","text":"{}"}},
		"timings":{"blocked":1,"send":0.1,"wait":1,"receive":0.5,"_blocked_queueing":0.4},"_securityState":"secure"}`
	got, info, err := readAll(t, `{"log":{"_ext":{"a":[1]},"version":"1.2","creator":{"name":"WebInspector","version":"537.36"},
		"entries":[`+entry+`],"_comment":"x"}}`)
	if err != nil {
		t.Fatalf("Read: %v", err)
	}
	if len(info.Unread) != 0 {
		t.Errorf("Unread = %q, want nothing", info.Unread)
	}
	if len(got) != 1 || got[0].Status != 200 || got[0].Timings.Wait != 1 || got[0].Error != "" {
		t.Errorf("entry = %+v, want status 200, wait 1 and no error", got[0])
	}
}

func TestReadNotesWrongTypes(t *testing.T) {
	bad := `{"startedDateTime":"not a time","time":"slow","request":{"method":"GET","url":42},"response":{"status":"200"}}`
	good := `{"startedDateTime":"2026-12-04T10:00:00Z","request":{"method":"GET","url":"` + tokenURL + `"},"response":{"status":200}}`
	got, info, err := readAll(t, harOf(bad, good))
	if err != nil {
		t.Fatalf("Read: %v", err)
	}
	if len(got) != 2 || info.Entries != 2 {
		t.Fatalf("entries delivered %d, counted %d, want 2 and 2", len(got), info.Entries)
	}
	if len(info.Unread) == 0 || !strings.HasPrefix(info.Unread[0], "entry 1: ") {
		t.Errorf("Unread = %q, want problems of entry 1", info.Unread)
	}
	if got[1].Status != 200 {
		t.Errorf("second entry status = %d, want 200", got[1].Status)
	}
}

func TestReadKeepsResponseAfterBadRequestField(t *testing.T) {
	entry := `{"startedDateTime":"2026-12-04T10:00:00Z","request":{"method":"POST","url":"` + tokenURL + `","headers":"none"},
		"response":{"status":400,"content":{"mimeType":"application/json","text":"{\"error\":\"invalid_grant\"}"}}}`
	got, info, err := readAll(t, harOf(entry))
	if err != nil {
		t.Fatalf("Read: %v", err)
	}
	if got[0].Status != 400 || string(got[0].ResponseBody) != `{"error":"invalid_grant"}` {
		t.Errorf("status %d body %q, want 400 and the error body", got[0].Status, got[0].ResponseBody)
	}
	if len(info.Unread) != 1 || !strings.Contains(info.Unread[0], "request.headers") {
		t.Errorf("Unread = %q, want request.headers named", info.Unread)
	}
}

func TestReadTruncatedKeepsEarlierEntries(t *testing.T) {
	entry := `{"startedDateTime":"2026-12-04T10:00:00Z","request":{"method":"GET","url":"` + tokenURL + `"},"response":{"status":200}}`
	full := harOf(entry, entry, entry)
	for cut := len(`{"log":{"version":"1.2"`); cut < len(full)-1; cut += 7 {
		got, info, err := readAll(t, full[:cut])
		var readErr *ReadError
		if !errors.As(err, &readErr) {
			t.Fatalf("cut at %d: error %v, want *ReadError", cut, err)
		}
		if !readErr.Truncated {
			t.Errorf("cut at %d: Truncated = false, want true", cut)
		}
		if len(got) != info.Entries || readErr.Entries != info.Entries {
			t.Errorf("cut at %d: delivered %d, counted %d, error says %d", cut, len(got), info.Entries, readErr.Entries)
		}
	}
}

func TestReadCallbackErrorReturned(t *testing.T) {
	stop := errors.New("stop here")
	entry := `{"request":{"method":"GET","url":"` + tokenURL + `"},"response":{"status":200}}`
	calls := 0
	_, err := Read(strings.NewReader(harOf(entry, entry)), func(Entry) error {
		calls++
		return stop
	})
	if err != stop || calls != 1 {
		t.Errorf("error %v after %d calls, want the callback's error after 1", err, calls)
	}
}

func TestReadSkipsByteOrderMark(t *testing.T) {
	_, info, err := readAll(t, "\xef\xbb\xbf"+harOf())
	if err != nil || info.Version != "1.2" {
		t.Errorf("version %q error %v, want 1.2 and nil", info.Version, err)
	}
}

func TestLooksLikeHAR(t *testing.T) {
	chrome, err := os.ReadFile("testdata/chrome-success.har")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		input string
		want  bool
	}{
		{"chrome export", string(chrome[:512]), true},
		{"whole file", string(chrome), true},
		{"just opened", `{"log": {`, true},
		{"with BOM", "\xef\xbb\xbf" + `{"log":{"version":"1.2"`, true},
		{"extension first", `{"_meta":{"x":1},"log":{"entries":[`, true},
		{"empty", "", false},
		{"token JSON", `{"error":"invalid_grant","error_description":"Code not valid"}`, false},
		{"log not object", `{"log": "text"}`, false},
		{"unknown log field", `{"log":{"foo":1}}`, false},
		{"URL", "http://127.0.0.1/callback?code=x", false},
		{"array", `[{"log":{}}]`, false},
	}
	for _, tt := range tests {
		if got := LooksLikeHAR([]byte(tt.input)); got != tt.want {
			t.Errorf("%s: LooksLikeHAR = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestRedactStreamsFile(t *testing.T) {
	data, err := os.ReadFile("testdata/chrome-success.har")
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	info, err := Redact(bytes.NewReader(data), &out, Policy{})
	if err != nil {
		t.Fatalf("Redact: %v", err)
	}
	if info.Entries != 7 {
		t.Errorf("entries = %d, want 7", info.Entries)
	}
	if !json.Valid(out.Bytes()) {
		t.Fatalf("redacted HAR is not valid JSON")
	}
	assertNoSecrets(t, out.Bytes(), "s3cr3t-Client-Value-9f8e7d", "Secr3t-Pass!", "7d0c2a1e-5b6f-4c3d",
		"dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk", "c2lnbmF0dXJlLWFjY2Vzcw", "cmVmcmVzaC1vbmU",
		"c2Vzc2lvbi1jb29raWU", "def456.keycloak-0")
	if bytes.Contains(out.Bytes(), []byte(`"_initiator"`)) {
		t.Errorf("redacted HAR keeps Chrome's _initiator field")
	}
	rep, err := Diagnose(bytes.NewReader(out.Bytes()))
	if err != nil {
		t.Fatalf("Diagnose of the redacted HAR: %v", err)
	}
	if !rep.OK || len(rep.Steps) != 5 {
		t.Errorf("redacted HAR: OK %v with %d steps, want true with 5", rep.OK, len(rep.Steps))
	}
}

func TestReadCapsEscapedBodyOnBoundary(t *testing.T) {
	// Each \u00e9 escape is six characters of JSON and two bytes of body,
	// so the cut falls between escapes and must not split one.
	escaped := strings.Repeat(`\u00e9`, 20000)
	entry := `{"startedDateTime":"2026-12-04T10:00:00Z","request":{"method":"POST","url":"` + tokenURL + `"},
		"response":{"status":400,"content":{"mimeType":"text/plain","text":"` + escaped + `"}}}`
	got, _, err := readAll(t, harOf(entry))
	if err != nil {
		t.Fatalf("Read: %v", err)
	}
	body := got[0].ResponseBody
	if !got[0].ResponseBodyTruncated {
		t.Errorf("ResponseBodyTruncated = false, want true")
	}
	if len(body) == 0 || len(body) > MaxBody || !utf8.Valid(body) {
		t.Errorf("body is %d bytes, valid UTF-8 %v, want 1..%d valid bytes", len(body), utf8.Valid(body), MaxBody)
	}
	if strings.Trim(string(body), "é") != "" {
		t.Errorf("body contains characters other than é")
	}
}
