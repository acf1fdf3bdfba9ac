package flow

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestWriteTraceRedactsAndTimes(t *testing.T) {
	ex := Exchange{
		Step: "token", Method: http.MethodPost, URL: "http://127.0.0.1:8400/realms/k-series/protocol/openid-connect/token",
		RequestHeader: http.Header{"Authorization": {"Basic ZGV2cC12Mi1kZW1vOnMzY3JldA=="},
			"Content-Type": {"application/x-www-form-urlencoded"}},
		RequestBody:    []byte("grant_type=authorization_code&code=abc.def.ghi&code_verifier=v3rifier-value"),
		Status:         http.StatusOK,
		Proto:          "HTTP/1.1",
		ResponseHeader: http.Header{"Content-Type": {"application/json"}},
		ResponseBody:   []byte(`{"access_token":"eyJhbGciOi.payload.sig","token_type":"Bearer"}`),
		Duration:       3 * time.Millisecond,
		Timings:        Timings{Connect: time.Millisecond, Send: 100 * time.Microsecond, Wait: 1500 * time.Microsecond},
	}
	var b strings.Builder
	WriteTrace(&b, ex.Redacted())
	out := b.String()
	for _, secret := range []string{"ZGV2cC12Mi1kZW1vOnMzY3JldA==", "abc.def.ghi", "v3rifier-value", "eyJhbGciOi.payload.sig"} {
		if strings.Contains(out, secret) {
			t.Errorf("trace shows %q:\n%s", secret, out)
		}
	}
	for _, want := range []string{
		"--> token POST http://127.0.0.1:8400/realms/k-series/protocol/openid-connect/token",
		"    Authorization: Basic [redacted hmac:",
		"grant_type=authorization_code",
		"<-- 200 OK HTTP/1.1  3.00 ms (dns 0.00 ms, connect 1.00 ms, first byte 2.60 ms)",
		`"token_type":"Bearer"`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("trace lacks %q:\n%s", want, out)
		}
	}
}

func TestWriteTraceCutsLongBodies(t *testing.T) {
	body := strings.Repeat("é", traceBodyLimit) // Two bytes each, so the cut splits one.
	var b strings.Builder
	WriteTrace(&b, Exchange{Step: "probe", Method: http.MethodGet, URL: "http://127.0.0.1:1/", Status: 200,
		ResponseHeader: http.Header{"Content-Type": {"text/html"}}, ResponseBody: []byte(body)})
	out := b.String()
	if !strings.Contains(out, "… (4096 more bytes)") {
		t.Errorf("trace does not mark the cut body:\n%.200s", out[len(out)-200:])
	}
	if strings.ContainsRune(out, '\uFFFD') {
		t.Error("trace holds a broken UTF-8 character at the cut")
	}
}

func TestWriteTraceTransportError(t *testing.T) {
	var b strings.Builder
	WriteTrace(&b, Exchange{Step: "discovery", Method: http.MethodGet, URL: "http://127.0.0.1:1/",
		Duration: time.Millisecond, Err: errConnRefused})
	if want := "<-- no response after 1.00 ms: connection refused"; !strings.Contains(b.String(), want) {
		t.Errorf("trace lacks %q:\n%s", want, b.String())
	}
}

type stringError string

func (e stringError) Error() string { return string(e) }

const errConnRefused = stringError("connection refused")
