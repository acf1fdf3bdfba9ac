package emulator

import (
	"net/http"
	"net/url"
	"strings"
)

// Response modes Keycloak 26 accepts (case-sensitive), from OAuth 2.0
// Multiple Response Type Encoding Practices, the Form Post Response Mode
// and JARM.
const (
	modeQuery        = "query"
	modeFragment     = "fragment"
	modeFormPost     = "form_post"
	modeJWT          = "jwt"
	modeQueryJWT     = "query.jwt"
	modeFragmentJWT  = "fragment.jwt"
	modeFormPostJWT  = "form_post.jwt"
	formPostPageName = "form_post"
)

// param is one authorization response parameter. Responses keep
// Keycloak's parameter order, so they are lists, not maps.
type param struct {
	name, value string
}

// encodeParams form-encodes params in order, as Keycloak's redirects do
// (spaces as "+").
func encodeParams(params []param) string {
	var b strings.Builder
	for i, p := range params {
		if i > 0 {
			b.WriteByte('&')
		}
		b.WriteString(url.QueryEscape(p.name))
		b.WriteByte('=')
		b.WriteString(url.QueryEscape(p.value))
	}
	return b.String()
}

// authResponse is the destination and response mode of an authorization
// response.
type authResponse struct {
	redirectURI string
	mode        string // a resolved mode: never "" or "jwt"
	clientID    string // the JARM audience
}

// deliver sends the authorization response parameters to the client
// (RFC 6749 §4.1.2): a 302 for the query and fragment modes, an
// auto-submitting form for form_post. JARM modes wrap the parameters in
// one signed "response" parameter.
func (rl *Realm) deliver(w http.ResponseWriter, resp authResponse, params []param) {
	mode := resp.mode
	if base, ok := strings.CutSuffix(mode, ".jwt"); ok {
		jwt, err := rl.signJARM(resp.clientID, params)
		if err != nil {
			rl.logError("could not sign the JARM response", err)
			http.Error(w, "could not sign the authorization response", http.StatusInternalServerError)
			return
		}
		params, mode = []param{{"response", jwt}}, base
	}
	switch mode {
	case modeFormPost:
		w.Header().Set("Cache-Control", noStorePage)
		rl.renderFormPost(w, resp.redirectURI, params)
	case modeFragment:
		base, _, _ := strings.Cut(resp.redirectURI, "#")
		redirect(w, base+"#"+encodeParams(params))
	default:
		redirect(w, appendQuery(resp.redirectURI, encodeParams(params)))
	}
}

// appendQuery adds an encoded query to uri, keeping any query it has and
// any fragment after it.
func appendQuery(uri, query string) string {
	base, fragment, hasFragment := strings.Cut(uri, "#")
	sep := "?"
	if strings.Contains(base, "?") {
		sep = "&"
	}
	out := base + sep + query
	if hasFragment {
		out += "#" + fragment
	}
	return out
}

// redirect sends a 302 with no body, with the Cache-Control Keycloak's
// login-flow redirects carry.
func redirect(w http.ResponseWriter, location string) {
	w.Header().Set("Cache-Control", noStorePage)
	w.Header().Set("Location", location)
	w.WriteHeader(http.StatusFound)
}

// renderFormPost writes the auto-submitting form of the form_post response
// mode. Keycloak 26 sends it as text/html with the inputs in parameter
// order.
func (rl *Realm) renderFormPost(w http.ResponseWriter, action string, params []param) {
	setPageHeaders(w.Header())
	w.Header().Set("Content-Type", "text/html")
	w.WriteHeader(http.StatusOK)
	data := formPostData{Action: action}
	for _, p := range params {
		data.Params = append(data.Params, formParam{Name: p.name, Value: p.value})
	}
	if err := pages.ExecuteTemplate(w, formPostPageName, data); err != nil {
		rl.logError("could not render the form_post page", err)
	}
}

// signJARM signs the response parameters as a JWT Secured Authorization
// Response (JARM §2.1) with iss, aud and exp.
// NOTE: Keycloak's JARM lifetime setting was not checked, so the realm's
// code lifespan is used.
func (rl *Realm) signJARM(clientID string, params []param) (string, error) {
	body := map[string]any{
		"iss": rl.Issuer(),
		"aud": clientID,
		"exp": rl.now().Add(seconds(rl.cfg.AccessCodeLifespan)).Unix(),
	}
	for _, p := range params {
		if p.name != "iss" {
			body[p.name] = p.value
		}
	}
	return rl.keys.signRS256(body)
}

// successParams are a code response's parameters in Keycloak 26's order:
// state, session_state, iss, code. form_post uses code, iss, state,
// session_state, as recorded from Keycloak 26.7.1.
func (rl *Realm) successParams(mode string, state *string, sessionState, code string) []param {
	var stateParams []param
	if state != nil {
		stateParams = []param{{"state", *state}}
	}
	if mode == modeFormPost {
		params := []param{{"code", code}, {"iss", rl.Issuer()}}
		params = append(params, stateParams...)
		return append(params, param{"session_state", sessionState})
	}
	params := append(stateParams, param{"session_state", sessionState}, param{"iss", rl.Issuer()})
	return append(params, param{"code", code})
}

// errorParams are an error response's parameters in Keycloak 26's order:
// error, error_description (left out when empty), state (whenever the
// request had one, even empty), iss (RFC 9207 §2).
func (rl *Realm) errorParams(code, description string, state *string) []param {
	params := []param{{"error", code}}
	if description != "" {
		params = append(params, param{"error_description", description})
	}
	if state != nil {
		params = append(params, param{"state", *state})
	}
	return append(params, param{"iss", rl.Issuer()})
}
