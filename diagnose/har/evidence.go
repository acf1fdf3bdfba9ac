package har

import (
	"crypto/tls"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"syscall"
	"time"

	"github.com/kseries-tools/ksauth/diagnose"
)

// evidenceHeaders are the response headers evidence keeps.
var evidenceHeaders = []string{"Content-Type", "WWW-Authenticate", "Location", "Date", "Server"}

// responseEvidence returns what a redacted entry's response shows, for
// diagnose.Match. The caller fills in the context.
func responseEvidence(e Entry, step diagnose.Step) diagnose.Evidence {
	ev := diagnose.Evidence{Step: step, Status: e.Status, Body: string(e.ResponseBody), Header: http.Header{}}
	for _, name := range evidenceHeaders {
		if v := headerValue(e.ResponseHeader, name); v != "" {
			ev.Header.Set(name, v)
		}
	}
	if loc := e.Location(); loc != "" {
		ev.Header.Set("Location", loc)
		if params := locationParams(loc); params.Has("error") {
			ev.Redirect = params
			ev.Error = params.Get("error")
			ev.ErrorDescription = params.Get("error_description")
			ev.ErrorURI = params.Get("error_uri")
		}
	}
	if ev.Error == "" {
		ev.Error, ev.ErrorDescription, ev.ErrorURI = jsonError(e.ResponseBody)
	}
	if isHTMLBody(e) {
		if page := diagnose.ParsePage(e.ResponseBody); page != (diagnose.Page{}) {
			ev.Page = &page
		}
	}
	if e.Status == 0 {
		ev.Err = browserError(e)
		ev.Kind = diagnose.FindingTransport
	}
	if date, err := http.ParseTime(ev.Header.Get("Date")); err == nil {
		ev.ServerTime, ev.LocalTime = date, responseTime(e)
	}
	return ev
}

// jsonError returns the OAuth error fields of a JSON body (RFC 6749 §5.2).
func jsonError(body []byte) (code, description, uri string) {
	var fields struct {
		Error            any `json:"error"`
		ErrorDescription any `json:"error_description"`
		ErrorURI         any `json:"error_uri"`
	}
	if json.Unmarshal(body, &fields) != nil {
		return "", "", ""
	}
	str := func(v any) string {
		s, _ := v.(string)
		return s
	}
	return str(fields.Error), str(fields.ErrorDescription), str(fields.ErrorURI)
}

func isHTMLBody(e Entry) bool {
	if strings.Contains(strings.ToLower(headerValue(e.ResponseHeader, "Content-Type")), "html") {
		return true
	}
	start := strings.ToLower(strings.TrimSpace(string(e.ResponseBody[:min(len(e.ResponseBody), 64)])))
	return strings.HasPrefix(start, "<!doctype html") || strings.HasPrefix(start, "<html")
}

// responseTime returns when the response's first byte arrived: the start
// plus the timings up to the end of waiting, or plus the whole time when
// the timings do not show it.
func responseTime(e Entry) time.Time {
	if ms, ok := e.Timings.untilResponse(); ok {
		return e.Start.Add(time.Duration(ms * float64(time.Millisecond)))
	}
	return e.Start.Add(e.Duration)
}

// browserError turns the error text recorded for a request without a
// response into an error that diagnose.Match can classify. Chrome writes
// net::ERR_* codes, Firefox NS_ERROR_* codes, and ksauth the text of Go's
// net/http errors, such as "dial tcp 127.0.0.1:8080: connect: connection
// refused".
func browserError(e Entry) error {
	msg := e.Error
	if msg == "" {
		return errors.New("no response was recorded for this request")
	}
	upper := strings.ToUpper(msg)
	has := func(words ...string) bool {
		for _, w := range words {
			if strings.Contains(upper, w) {
				return true
			}
		}
		return false
	}
	var cause error
	switch {
	case has("CONNECTION_REFUSED", "CONNECTION REFUSED"):
		cause = syscall.ECONNREFUSED
	case has("NAME_NOT_RESOLVED", "UNKNOWN_HOST", "NO SUCH HOST"):
		cause = &net.DNSError{Err: "no such host", Name: hostOfURL(e.URL), IsNotFound: true}
	case has("TIMED_OUT", "NET_TIMEOUT", "I/O TIMEOUT", "DEADLINE EXCEEDED", "TIMEOUT EXCEEDED"):
		cause = os.ErrDeadlineExceeded
	case has("CONNECTION_RESET", "NET_RESET", "CONNECTION RESET"):
		cause = syscall.ECONNRESET
	case has("CERT", "SSL", "X509", "TLS:"):
		cause = &tls.CertificateVerificationError{Err: errors.New(msg)}
	default:
		return errors.New(msg)
	}
	return fmt.Errorf("the browser reported %s: %w", msg, cause)
}

func hostOfURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	return u.Hostname()
}

// clientAuth returns how a token request authenticated the client, and
// the client ID and problem of its Basic header. The header must be read
// before redaction, because a redacted one yields no user.
func clientAuth(header http.Header, form url.Values) (method, basicUser, problem string) {
	scheme, credentials, _ := strings.Cut(strings.TrimSpace(headerValue(header, "Authorization")), " ")
	switch {
	case strings.EqualFold(scheme, "Basic"):
		method = "basic"
		basicUser, problem = parseBasic(credentials)
	case form.Get("client_secret") != "":
		method = "post"
	case form.Has("client_assertion"):
		method = "" // private_key_jwt or client_secret_jwt, which Context has no name for
	default:
		method = "none"
	}
	return method, basicUser, problem
}

// parseBasic decodes Basic credentials (RFC 7617). Keycloak 20 and later
// form-decode the user and secret, as RFC 6749 §2.3.1 requires.
func parseBasic(credentials string) (user, problem string) {
	credentials = strings.TrimSpace(credentials)
	if strings.HasPrefix(credentials, markerPrefix) {
		return "", ""
	}
	raw, err := base64.StdEncoding.DecodeString(credentials)
	if err != nil {
		return "", "not base64"
	}
	text := string(raw)
	if strings.HasSuffix(text, "\n") {
		problem = "trailing newline: the value was encoded with echo without -n"
		text = strings.TrimRight(text, "\r\n")
	}
	user, _, found := strings.Cut(text, ":")
	if !found {
		return "", "no colon between client ID and secret"
	}
	if decoded, err := url.QueryUnescape(user); err == nil {
		user = decoded
	}
	return user, problem
}
