package emulator

import (
	"bytes"
	"encoding/json"
	"mime"
	"net/http"
	"strings"
)

// Headers Keycloak 26 sends on every response.
func setSecurityHeaders(h http.Header) {
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Robots-Tag", "none")
}

// setPageHeaders adds the headers of Keycloak's rendered pages.
func setPageHeaders(h http.Header) {
	h.Set("Content-Security-Policy", "frame-src 'self'; frame-ancestors 'self'; object-src 'none';")
	h.Set("X-Frame-Options", "SAMEORIGIN")
}

// noStorePage is the Cache-Control of Keycloak's login-flow pages and
// redirects.
const noStorePage = "no-store, must-revalidate, max-age=0"

// writeJSON writes v as compact JSON without a trailing newline and
// without HTML escaping, as Keycloak's Jackson output is.
func writeJSON(w http.ResponseWriter, status int, v any) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		http.Error(w, "could not encode the response", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Frame-Options", "SAMEORIGIN") // recorded on Keycloak 26.7.1's JSON responses
	w.WriteHeader(status)
	_, _ = w.Write(bytes.TrimSuffix(buf.Bytes(), []byte("\n")))
}

// oauthError is an OAuth 2.0 error response body (RFC 6749 §5.2).
type oauthError struct {
	Error       string `json:"error"`
	Description string `json:"error_description,omitempty"`
}

// writeTokenError writes a token-endpoint error: JSON with the no-store
// headers that Keycloak's TokenEndpoint always sets.
func writeTokenError(w http.ResponseWriter, status int, code, description string) {
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Pragma", "no-cache")
	writeJSON(w, status, oauthError{Error: code, Description: description})
}

// writeTokenJSON writes a successful token-endpoint response.
func writeTokenJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Pragma", "no-cache")
	writeJSON(w, http.StatusOK, v)
}

// wantsJSON reports whether the Accept header requests JSON by name. Since
// Keycloak 26, error pages respond to such requests with {"error": message}.
// NOTE: Keycloak's exact media-type match is unverified. A wildcard Accept
// ("*/*") gets HTML here.
func wantsJSON(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept"), ",") {
		mediaType, _, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err == nil && mediaType == "application/json" {
			return true
		}
	}
	return false
}

// errorPage renders Keycloak's "We are sorry..." page (error.ftl) with
// the given status and message, or the JSON form for JSON requests.
func (rl *Realm) errorPage(w http.ResponseWriter, r *http.Request, status int, message string, c *client) {
	if wantsJSON(r) {
		writeJSON(w, status, map[string]string{"error": message})
		return
	}
	data := errorPageData{pageData: rl.pageData("login-error", "We are sorry..."), Message: message}
	if c != nil && c.BaseURL != "" {
		data.BackURL = c.BaseURL
	}
	rl.renderPage(w, status, pageError, data)
}

// renderPage writes one of the login theme's pages.
func (rl *Realm) renderPage(w http.ResponseWriter, status int, name string, data any) {
	var buf bytes.Buffer
	if err := pages.ExecuteTemplate(&buf, name, data); err != nil {
		rl.logError("could not render page", err, "page", name)
		http.Error(w, "could not render the page", http.StatusInternalServerError)
		return
	}
	h := w.Header()
	setPageHeaders(h)
	h.Set("Content-Type", "text/html;charset=utf-8")
	h.Set("Content-Language", "en")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}
