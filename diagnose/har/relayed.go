package har

import (
	"encoding/json"
	"mime"
	"slices"
	"strings"
)

// An application that exchanges the code on its own server calls the
// token endpoint out of the browser's sight. The HAR then shows only the
// application's response to the browser, which often passes Keycloak's
// error on, either as it came or wrapped in the application's own JSON.

// maxRelayedBody is the largest response body, in bytes, that Read keeps
// for an entry outside a sign-in to look for a relayed OAuth error in it.
// An OAuth error response is a few hundred bytes.
const maxRelayedBody = 16 << 10

// maxRelayedText is the maximum number of characters of such a body's JSON
// string that Read decodes, which is maxRelayedBody in base64. Longer
// strings are skipped unread.
const maxRelayedText = maxRelayedBody/3*4 + 6

// maxRelayDepth is the maximum nesting depth in the application's JSON at
// which the OAuth error object is looked for.
const maxRelayDepth = 4

// relayedError is an OAuth error response (RFC 6749 §5.2) found in the
// JSON body of an application's response.
type relayedError struct {
	code, description, uri string
	// status is the token endpoint's status when the application's JSON
	// names it beside the error object, such as {"status": 400, "body":
	// {...}}, and 0 otherwise.
	status int
}

// tokenErrorCodes are the error codes a token endpoint returns on their
// own, without an error_description: RFC 6749 §5.2 and Keycloak 26's
// unknown_error, and the plain messages Keycloak 26 puts in "error" when
// the URL is wrong.
var tokenErrorCodes = []string{"invalid_request", "invalid_client", "invalid_grant", "unauthorized_client",
	"unsupported_grant_type", "invalid_scope", "unknown_error",
	"Realm does not exist", "HTTP 404 Not Found", "HTTP 405 Method Not Allowed", "Protocol not found"}

// resourceErrorCodes are RFC 6750 §3.1 errors, which resource servers and
// userinfo return, never the token endpoint.
var resourceErrorCodes = []string{"invalid_token", "insufficient_scope"}

// mayCarryRelayedError reports whether a response outside a sign-in is
// worth keeping to look for a relayed OAuth error: an error status and a
// content type that can be JSON. An empty type counts, because HAR files
// may write the content's mimeType after its text.
func mayCarryRelayedError(status int, contentType string) bool {
	if status < 400 {
		return false
	}
	media, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		return strings.TrimSpace(contentType) == ""
	}
	return media == "application/json" || strings.HasSuffix(media, "+json") ||
		media == "text/plain" || media == "x-unknown"
}

// relayedTokenError returns the OAuth error that an entry's error response
// relays, and false when it relays none.
func relayedTokenError(e Entry) (relayedError, bool) {
	if len(e.ResponseBody) == 0 || len(e.ResponseBody) > maxRelayedBody ||
		!mayCarryRelayedError(e.Status, headerValue(e.ResponseHeader, "Content-Type")) {
		return relayedError{}, false
	}
	var v any
	if json.Unmarshal(e.ResponseBody, &v) != nil {
		return relayedError{}, false
	}
	return findOAuthError(v, 0)
}

// findOAuthError looks for an OAuth error object in a decoded JSON value:
// the value itself, or an object or array inside it up to maxRelayDepth
// levels down, or a string there that contains the upstream body as JSON
// text. Object keys are searched in sorted order, so the result does not
// depend on map order.
func findOAuthError(v any, depth int) (relayedError, bool) {
	if depth > maxRelayDepth {
		return relayedError{}, false
	}
	switch v := v.(type) {
	case string:
		text := strings.TrimSpace(v)
		var inner map[string]any
		if depth > 0 && strings.HasPrefix(text, "{") && json.Unmarshal([]byte(text), &inner) == nil {
			return findOAuthError(inner, depth+1)
		}
	case []any:
		for _, item := range v {
			if found, ok := findOAuthError(item, depth+1); ok {
				return found, true
			}
		}
	case map[string]any:
		if found, ok := oauthErrorObject(v); ok {
			return found, true
		}
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			found, ok := findOAuthError(v[k], depth+1)
			if !ok {
				continue
			}
			if found.status == 0 && depth > 0 {
				// The root object's status is the application's own.
				found.status = upstreamStatus(v)
			}
			return found, true
		}
	}
	return relayedError{}, false
}

// oauthErrorObject returns the error fields of an object shaped as RFC
// 6749 §5.2 or as Keycloak's JSON error page: an "error" string, with an
// "error_description" unless the code is one of tokenErrorCodes.
func oauthErrorObject(obj map[string]any) (relayedError, bool) {
	code, _ := obj["error"].(string)
	description, hasDescription := obj["error_description"].(string)
	uri, _ := obj["error_uri"].(string)
	switch {
	case code == "" || slices.Contains(resourceErrorCodes, code):
		return relayedError{}, false
	case slices.Contains(tokenErrorCodes, code):
	case !hasDescription || !isErrorCode(code):
		return relayedError{}, false
	}
	return relayedError{code: code, description: description, uri: uri}, true
}

// isErrorCode reports whether s is made of the characters RFC 6749 §5.2
// allows in an error code: printable ASCII other than space, '"' and '\'.
func isErrorCode(s string) bool {
	for _, c := range []byte(s) {
		if c < 0x21 || c > 0x7e || c == '"' || c == '\\' {
			return false
		}
	}
	return true
}

// upstreamStatus returns a 4xx status named in a wrapper object, under
// "status", "statusCode" or "status_code", and 0 when there is none.
func upstreamStatus(obj map[string]any) int {
	for _, key := range []string{"status", "statusCode", "status_code"} {
		if n, ok := obj[key].(float64); ok && n >= 400 && n <= 499 && n == float64(int(n)) {
			return int(n)
		}
	}
	return 0
}
