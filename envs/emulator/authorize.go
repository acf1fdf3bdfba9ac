package emulator

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// Page messages of the authorization endpoint (Keycloak 26 messages_en).
const (
	msgInvalidRequest      = "Invalid Request"
	msgClientNotFound      = "Client not found."
	msgClientDisabled      = "Client disabled."
	msgInvalidRedirectURI  = "Invalid parameter: redirect_uri"
	msgRegistrationBlocked = "Registration not allowed"
)

// maxFormBytes caps request bodies the emulator parses.
const maxFormBytes = 1 << 20

// authRequest is a validated authorization request.
type authRequest struct {
	params         url.Values // as received, for the KC_RESTART cookie
	resp           authResponse
	responseType   string
	responseMode   *string // the response_mode parameter, nil when absent
	rawRedirectURI *string // the redirect_uri parameter, nil when absent
	state          *string // nil when absent, and "state=" is present and empty
	scope          string
	scopePresent   bool
	nonce          string
	pkceMethod     string // "" when PKCE is not used
	pkceChallenge  string
	prompts        []string
	maxAge         int // seconds, -1 when absent
}

// first returns the first value of a parameter and whether it was sent.
func first(values url.Values, key string) (string, bool) {
	v, ok := values[key]
	if !ok || len(v) == 0 {
		return "", false
	}
	return v[0], true
}

func firstPtr(values url.Values, key string) *string {
	if v, ok := first(values, key); ok {
		return &v
	}
	return nil
}

// handleAuth serves the authorization endpoint (RFC 6749 §3.1), GET with
// query parameters or POST with a form body.
func (rl *Realm) handleAuth(w http.ResponseWriter, r *http.Request) {
	params, err := authParams(w, r)
	if err != nil {
		ev := eventOf(r)
		ev.fail(eventLoginError, "invalid_request")
		ev.reason = "unparseable request parameters"
		rl.errorPage(w, r, http.StatusBadRequest, msgInvalidRequest, nil)
		return
	}
	rl.authorize(w, r, params, nil)
}

func authParams(w http.ResponseWriter, r *http.Request) (url.Values, error) {
	if r.Method == http.MethodPost {
		setPageHeaders(w.Header())
		r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
		if err := r.ParseForm(); err != nil {
			return nil, err
		}
		return r.PostForm, nil
	}
	return url.ParseQuery(r.URL.RawQuery)
}

// authorize validates an authorization request and starts or skips the
// login. notice is shown above the login form, for restarted logins.
func (rl *Realm) authorize(w http.ResponseWriter, r *http.Request, params url.Values, notice *alert) {
	c, req, ok := rl.validateAuthRequest(w, r, params)
	if !ok {
		return
	}
	rl.startLogin(w, r, c, req, notice)
}

// validateAuthRequest runs Keycloak 26's authorization endpoint checks in
// its order. Failures before the redirect URI is trusted get the error page,
// and later ones are redirected to the client (RFC 6749 §4.1.2.1). It
// reports false when it has already written the response.
func (rl *Realm) validateAuthRequest(w http.ResponseWriter, r *http.Request, params url.Values) (*client, authRequest, bool) {
	ev := eventOf(r)
	c, ok := rl.checkAuthClient(w, r, params)
	if !ok {
		return nil, authRequest{}, false
	}
	req := newAuthRequest(params, c)
	if v, ok := first(params, "max_age"); ok {
		n, err := strconv.Atoi(v)
		if err != nil {
			ev.fail(eventLoginError, "invalid_request")
			ev.reason = "invalid max_age"
			rl.errorPage(w, r, http.StatusBadRequest, msgInvalidRequest, c)
			return nil, req, false
		}
		req.maxAge = n
	}
	openid := req.scopePresent && hasScope(req.scope, scopeOpenID)
	uri := c.verifyRedirectURI(deref(req.rawRedirectURI), req.rawRedirectURI != nil, openid)
	if uri == "" {
		ev.fail(eventLoginError, "invalid_redirect_uri")
		rl.errorPage(w, r, http.StatusBadRequest, msgInvalidRedirectURI, c)
		return nil, req, false
	}
	req.resp.redirectURI = uri
	if code, description := rl.checkAuthParams(c, params, &req); code != "" {
		ev.fail(eventLoginError, eventErrorFor(code))
		ev.reason = description
		rl.deliver(w, req.resp, rl.errorParams(code, description, req.state))
		return nil, req, false
	}
	return c, req, true
}

// checkAuthClient checks client_id and the client (steps 1 to 3 of
// Keycloak's check order) and writes the error page on failure.
func (rl *Realm) checkAuthClient(w http.ResponseWriter, r *http.Request, params url.Values) (*client, bool) {
	ev := eventOf(r)
	ids := params["client_id"]
	if len(ids) != 1 {
		ev.fail(eventLoginError, "invalid_request")
		ev.reason = "Parameter 'client_id' not present or present multiple times in the HTTP request parameters"
		rl.errorPage(w, r, http.StatusBadRequest, msgInvalidRequest, nil)
		return nil, false
	}
	ev.clientID = ids[0]
	c := rl.clients[ids[0]]
	switch {
	case c == nil:
		ev.fail(eventLoginError, "client_not_found")
		rl.errorPage(w, r, http.StatusBadRequest, msgClientNotFound, nil)
		return nil, false
	case !c.Enabled:
		ev.fail(eventLoginError, "client_disabled")
		rl.errorPage(w, r, http.StatusBadRequest, msgClientDisabled, nil)
		return nil, false
	}
	return c, true
}

func newAuthRequest(params url.Values, c *client) authRequest {
	req := authRequest{
		params:         params,
		resp:           authResponse{mode: modeQuery, clientID: c.ClientID},
		responseMode:   firstPtr(params, "response_mode"),
		rawRedirectURI: firstPtr(params, "redirect_uri"),
		state:          firstPtr(params, "state"),
		maxAge:         -1,
	}
	req.responseType, _ = first(params, "response_type")
	req.scope, req.scopePresent = first(params, "scope")
	req.nonce, _ = first(params, "nonce")
	if p, ok := first(params, "prompt"); ok {
		req.prompts = strings.Fields(p)
	}
	return req
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// eventErrorFor maps a redirect error code to the Keycloak event error.
func eventErrorFor(code string) string {
	switch code {
	case "unauthorized_client":
		return "not_allowed"
	case "invalid_scope":
		return "invalid_request"
	}
	return "invalid_request"
}
