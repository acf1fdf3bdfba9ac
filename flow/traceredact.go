package flow

import (
	"encoding/json"
	"html"
	"mime"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"

	"github.com/kseries-tools/ksauth/internal/redact"
)

// secretParams are the form, query and JSON fields whose values Redacted
// replaces: credentials, codes and tokens.
var secretParams = []string{
	"password", "client_secret", "client_assertion", "code", "code_verifier",
	"access_token", "refresh_token", "id_token", "token",
}

// secretHeaders are the headers whose values Redacted replaces.
var secretHeaders = []string{"Authorization", "Cookie", "Set-Cookie", "Proxy-Authorization"}

// Redacted returns a copy of the exchange with credentials, codes, tokens
// and cookies replaced by redact.Marker values, so that the same value can
// still be recognised across exchanges. It replaces the Authorization and
// cookie headers, the secretParams fields in the URL's query, in a
// Location header, in a form body and in a JSON object body, and the
// values of HTML input elements named for them. A form_post response page
// carries the code in a hidden input, and Keycloak 26's consent form
// carries its action code in one named "code".
func (ex Exchange) Redacted() Exchange {
	ex.URL = redactURL(ex.URL)
	ex.RequestHeader = redactHeader(ex.RequestHeader)
	ex.ResponseHeader = redactHeader(ex.ResponseHeader)
	ex.RequestBody = redactBody(ex.RequestBody, ex.RequestHeader.Get("Content-Type"))
	ex.ResponseBody = redactBody(ex.ResponseBody, ex.ResponseHeader.Get("Content-Type"))
	return ex
}

func redactHeader(h http.Header) http.Header {
	if h == nil {
		return nil
	}
	h = h.Clone()
	for _, name := range secretHeaders {
		values := h.Values(name)
		for i, v := range values {
			values[i] = redactHeaderValue(name, v)
		}
	}
	if loc := h.Get("Location"); loc != "" {
		h.Set("Location", redactURL(loc))
	}
	return h
}

// redactHeaderValue keeps an Authorization scheme and cookie names, which
// show a reader what was sent, and hides the rest.
func redactHeaderValue(name, v string) string {
	switch name {
	case "Authorization", "Proxy-Authorization":
		if scheme, cred, ok := strings.Cut(v, " "); ok {
			return scheme + " " + redact.Marker(cred)
		}
	case "Cookie":
		parts := strings.Split(v, ";")
		for i, p := range parts {
			if n, val, ok := strings.Cut(strings.TrimSpace(p), "="); ok {
				parts[i] = n + "=" + redact.Marker(val)
			}
		}
		return strings.Join(parts, "; ")
	case "Set-Cookie":
		cookie, attrs, _ := strings.Cut(v, ";")
		if n, val, ok := strings.Cut(cookie, "="); ok && val != "" {
			if attrs != "" {
				attrs = ";" + attrs
			}
			return n + "=" + redact.Marker(val) + attrs
		}
		return v
	}
	return redact.Marker(v)
}

func redactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.RawQuery == "" {
		return raw
	}
	q := u.Query()
	if redactValues(q) {
		u.RawQuery = q.Encode()
	}
	return u.String()
}

// redactValues replaces secret values in place and reports whether any was
// found.
func redactValues(v url.Values) bool {
	found := false
	for _, name := range secretParams {
		for i, s := range v[name] {
			v[name][i] = redact.Marker(s)
			found = true
		}
	}
	return found
}

func redactBody(body []byte, contentType string) []byte {
	if len(body) == 0 {
		return body
	}
	media, _, _ := mime.ParseMediaType(contentType)
	switch media {
	case "application/x-www-form-urlencoded":
		v, err := url.ParseQuery(string(body))
		if err == nil && redactValues(v) {
			return []byte(v.Encode())
		}
	case "text/html":
		return redactHTMLInputs(body)
	case "application/json":
		var obj map[string]any
		if json.Unmarshal(body, &obj) != nil {
			return body
		}
		found := false
		for _, name := range secretParams {
			if s, ok := obj[name].(string); ok {
				obj[name] = redact.Marker(s)
				found = true
			}
		}
		if out, err := json.Marshal(obj); found && err == nil {
			return out
		}
	}
	return body
}

// The patterns find an input element, its name and its value attribute,
// in any attribute order and with double, single or no quotes.
var (
	inputTag   = regexp.MustCompile(`(?i)<input\b[^>]*>`)
	inputName  = regexp.MustCompile(`(?i)\sname\s*=\s*["']?([^"'\s>]+)`)
	inputValue = regexp.MustCompile(`(?i)(\svalue\s*=\s*)("[^"]*"|'[^']*'|[^\s>]+)`)
)

// redactHTMLInputs replaces the value of every input element whose name
// is one of secretParams.
func redactHTMLInputs(body []byte) []byte {
	return inputTag.ReplaceAllFunc(body, func(tag []byte) []byte {
		name := inputName.FindSubmatch(tag)
		if name == nil || !slices.Contains(secretParams, string(name[1])) {
			return tag
		}
		return inputValue.ReplaceAllFunc(tag, func(attr []byte) []byte {
			sub := inputValue.FindSubmatch(attr)
			value, quote := string(sub[2]), ""
			if value[0] == '"' || value[0] == '\'' {
				value, quote = value[1:len(value)-1], value[:1]
			}
			return []byte(string(sub[1]) + quote + redact.Marker(html.UnescapeString(value)) + quote)
		})
	})
}
