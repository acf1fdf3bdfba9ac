package har

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"strings"

	"github.com/kseries-tools/ksauth/internal/redact"
)

// Policy chooses what redaction keeps. The zero value redacts everything
// secret.
type Policy struct {
	// ShowTokens keeps authorization codes and access, ID and refresh
	// tokens. Client secrets, passwords, PKCE verifiers, Authorization
	// headers and cookie values are redacted either way.
	ShowTokens bool
}

// secretNames are parameter and JSON field names whose values are always
// redacted.
var secretNames = []string{"client_secret", "password", "code_verifier", "client_assertion"}

// tokenNames are parameter and JSON field names whose values are redacted
// unless Policy.ShowTokens is set. "token" is the parameter of RFC 7009
// revocation and RFC 7662 introspection. id_token_hint is the ID token a
// logout URL carries.
var tokenNames = []string{"code", "access_token", "id_token", "refresh_token", "token",
	"id_token_hint", "device_code", "subject_token"}

// The patterns find hidden values in JSON bodies and in the hidden inputs
// of a form_post response page.
var (
	secretJSON = jsonFieldPattern(secretNames)
	tokenJSON  = jsonFieldPattern(tokenNames)
	secretHTML = htmlInputPattern(secretNames)
	tokenHTML  = htmlInputPattern(tokenNames)
)

func jsonFieldPattern(names []string) *regexp.Regexp {
	return regexp.MustCompile(`("(?:` + strings.Join(names, "|") + `)"\s*:\s*)("(?:[^"\\]|\\.)*")`)
}

func htmlInputPattern(names []string) *regexp.Regexp {
	return regexp.MustCompile(`(?i)(<input[^>]*\bname=["']?(?:` + strings.Join(names, "|") +
		`)["']?[^>]*\bvalue=")([^"]*)(")`)
}

// hides reports whether the policy redacts the value of the parameter or
// JSON field name.
func (p Policy) hides(name string) bool {
	for _, s := range secretNames {
		if name == s {
			return true
		}
	}
	if p.ShowTokens {
		return false
	}
	for _, s := range tokenNames {
		if name == s {
			return true
		}
	}
	return false
}

// markerPrefix starts every value redact.Marker returns.
const markerPrefix = redact.MarkerPrefix

// mark returns v replaced by its redaction marker. A value that already is
// a marker is returned unchanged, so that redacting twice keeps the marker
// of the original value and equal values still match across entries.
func mark(v string) string {
	if v == "" || strings.HasPrefix(v, markerPrefix) {
		return v
	}
	return redact.Marker(v)
}

// redactQuery redacts hidden parameters of a query string or form body,
// keeping the order and encoding of the others.
func redactQuery(raw string, p Policy) string {
	if raw == "" {
		return raw
	}
	parts := strings.Split(raw, "&")
	for i, part := range parts {
		rawName, rawValue, found := strings.Cut(part, "=")
		name, err := url.QueryUnescape(rawName)
		if !found || err != nil || rawValue == "" || !p.hides(name) {
			continue
		}
		value, err := url.QueryUnescape(rawValue)
		if err != nil {
			value = rawValue
		}
		parts[i] = rawName + "=" + url.QueryEscape(mark(value))
	}
	return strings.Join(parts, "&")
}

// RedactURL returns raw with the hidden parameters of its query and of its
// fragment redacted. The rest of the URL is kept byte for byte.
func RedactURL(raw string, p Policy) string {
	rest, fragment, hasFragment := strings.Cut(raw, "#")
	base, query, hasQuery := strings.Cut(rest, "?")
	out := base
	if hasQuery {
		out += "?" + redactQuery(query, p)
	}
	if hasFragment {
		out += "#" + redactQuery(fragment, p)
	}
	return out
}

// redactJSONText redacts hidden fields anywhere in a JSON text, keeping
// its layout. It works on truncated or invalid JSON too.
func redactJSONText(text string, p Policy) string {
	patterns := []*regexp.Regexp{secretJSON}
	if !p.ShowTokens {
		patterns = append(patterns, tokenJSON)
	}
	for _, re := range patterns {
		text = re.ReplaceAllStringFunc(text, func(m string) string {
			sub := re.FindStringSubmatch(m)
			var value string
			if json.Unmarshal([]byte(sub[2]), &value) != nil {
				value = sub[2]
			}
			return sub[1] + `"` + mark(value) + `"`
		})
	}
	return text
}

// redactHTMLText redacts the hidden inputs of a form_post page, where an
// authorization response carries code and tokens in the page.
func redactHTMLText(text string, p Policy) string {
	patterns := []*regexp.Regexp{secretHTML}
	if !p.ShowTokens {
		patterns = append(patterns, tokenHTML)
	}
	for _, re := range patterns {
		text = re.ReplaceAllStringFunc(text, func(m string) string {
			sub := re.FindStringSubmatch(m)
			return sub[1] + mark(sub[2]) + sub[3]
		})
	}
	return text
}

// redactBody redacts a request or response body by its media type. JSON
// redaction also runs on bodies of other types, because servers often
// label JSON as text/plain.
func redactBody(text, mimeType string, p Policy) string {
	mimeType = strings.ToLower(mimeType)
	switch {
	case strings.Contains(mimeType, "x-www-form-urlencoded"):
		return redactQuery(text, p)
	case mimeType == "" && looksLikeForm(text):
		return redactQuery(text, p)
	case strings.Contains(mimeType, "html"):
		return redactJSONText(redactHTMLText(text, p), p)
	}
	return redactJSONText(text, p)
}

// looksLikeForm reports whether an unlabelled body reads as a form body:
// one line of name=value pairs.
func looksLikeForm(text string) bool {
	return strings.Contains(text, "=") && !strings.ContainsAny(text, " \n\t{<\"")
}

// redactBase64Body redacts a base64-encoded body and encodes it again. A
// body that is not valid base64 is returned unchanged, because nothing in
// it can be read.
func redactBase64Body(text, mimeType string, p Policy) string {
	raw, err := base64.StdEncoding.DecodeString(text)
	if err != nil {
		return text
	}
	redacted := redactBody(string(raw), mimeType, p)
	if redacted == string(raw) {
		return text
	}
	return base64.StdEncoding.EncodeToString([]byte(redacted))
}

// RedactHeader returns a header value with its secrets redacted: the
// credentials of Authorization (the scheme word stays), every cookie
// value, and the hidden parameters of URL-valued headers such as Location
// and Referer.
func RedactHeader(name, value string, p Policy) string {
	switch strings.ToLower(name) {
	case "authorization", "proxy-authorization":
		scheme, credentials, found := strings.Cut(strings.TrimSpace(value), " ")
		if !found {
			return mark(value)
		}
		return scheme + " " + mark(strings.TrimSpace(credentials))
	case "cookie":
		return redactCookiePairs(value, "; ")
	case "set-cookie":
		pair, attributes, found := strings.Cut(value, ";")
		if found {
			return redactCookiePairs(pair, "") + ";" + attributes
		}
		return redactCookiePairs(pair, "")
	case "location", "referer", "content-location", ":path":
		return RedactURL(value, p)
	}
	return value
}

// redactCookiePairs redacts the values of "name=value" pairs separated by
// sep, or of the single pair when sep is empty.
func redactCookiePairs(header, sep string) string {
	pairs := []string{header}
	if sep != "" {
		pairs = strings.Split(header, strings.TrimSpace(sep))
	}
	for i, pair := range pairs {
		name, value, found := strings.Cut(strings.TrimSpace(pair), "=")
		if found {
			pairs[i] = name + "=" + mark(value)
		}
	}
	return strings.Join(pairs, sep)
}

// redactHeaders returns a copy of h with every value redacted.
func redactHeaders(h http.Header, p Policy) http.Header {
	if h == nil {
		return nil
	}
	out := make(http.Header, len(h))
	for name, values := range h {
		for _, v := range values {
			out[name] = append(out[name], RedactHeader(name, v, p))
		}
	}
	return out
}

// RedactEntry returns a copy of e with its secrets redacted: the URL, the
// headers, both bodies and RedirectURL.
func RedactEntry(e Entry, p Policy) Entry {
	e.URL = RedactURL(e.URL, p)
	e.RedirectURL = RedactURL(e.RedirectURL, p)
	e.RequestHeader = redactHeaders(e.RequestHeader, p)
	e.ResponseHeader = redactHeaders(e.ResponseHeader, p)
	if len(e.RequestBody) > 0 {
		mime := headerValue(e.RequestHeader, "Content-Type")
		e.RequestBody = []byte(redactBody(string(e.RequestBody), mime, p))
	}
	if len(e.ResponseBody) > 0 {
		mime := headerValue(e.ResponseHeader, "Content-Type")
		e.ResponseBody = []byte(redactBody(string(e.ResponseBody), mime, p))
	}
	return e
}

// headerValue returns the first value of the named header, matching the
// name without regard to case, as HTTP/2 captures use lower-case names.
func headerValue(h http.Header, name string) string {
	if v := h.Get(name); v != "" {
		return v
	}
	for k, values := range h {
		if strings.EqualFold(k, name) && len(values) > 0 {
			return values[0]
		}
	}
	return ""
}
