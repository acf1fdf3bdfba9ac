package demo

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"time"

	"golang.org/x/oauth2"

	"github.com/kseries-tools/ksauth/diagnose"
	"github.com/kseries-tools/ksauth/envs"
	"github.com/kseries-tools/ksauth/envs/emulator"
	"github.com/kseries-tools/ksauth/flow"
)

// appRedirectURI is the redirect URI of the integrator's app in scenarios
// that obtain a code outside the flow. Nothing listens there and nothing
// is sent there: the browser stops at the realm's redirect and the demo
// reads the code from it.
const appRedirectURI = "http://127.0.0.1:8765/callback"

// codeGrant is an authorization code obtained by a real sign-in, with what
// the token request needs to redeem it.
type codeGrant struct {
	env         envs.Env
	client      emulator.ClientConfig
	redirectURI string
	scope       string
	code        string
	verifier    string
	// arrivedWall and arrivedEmulator are when the code arrived, on the
	// wall clock and on the emulator's clock, for the code's age.
	arrivedWall     time.Time
	arrivedEmulator time.Time
	// duration is how long the sign-in took.
	duration time.Duration
}

// age returns the code's age as the emulator measures it: the wall time since
// it arrived plus any time the emulator's clock was moved forward.
func (g codeGrant) age(l *lab) time.Duration {
	age := time.Since(g.arrivedWall)
	if l.clock != nil {
		age += l.clock.Now().Sub(g.arrivedEmulator)
	}
	return age
}

// authorizeCode signs in through the browser as the integrator's front end
// does: an authorization request with state, nonce and a PKCE S256
// challenge (RFC 7636 §4.3), the login form filled in with the trial demo
// user, and the code read from the redirect.
func (l *lab) authorizeCode(ctx context.Context, client emulator.ClientConfig, redirectURI string) (codeGrant, error) {
	g := codeGrant{env: l.trial, client: client, redirectURI: redirectURI, scope: "openid",
		verifier: oauth2.GenerateVerifier()}
	conf := &oauth2.Config{ClientID: client.ClientID, RedirectURL: redirectURI, Scopes: []string{g.scope},
		Endpoint: oauth2.Endpoint{AuthURL: l.trial.Endpoints().Authorization}}
	authURL := conf.AuthCodeURL(oauth2.GenerateVerifier(), oauth2.S256ChallengeOption(g.verifier),
		oauth2.SetAuthURLParam("nonce", oauth2.GenerateVerifier()))

	began := time.Now()
	loc, err := l.newBrowser().signIn(ctx, authURL, l.seed.user.Username, l.seed.user.Password, consentAccept)
	if err != nil {
		return g, fmt.Errorf("could not obtain a code for the scenario: %w", err)
	}
	g.duration = time.Since(began)
	g.arrivedWall = time.Now()
	if l.clock != nil {
		g.arrivedEmulator = l.clock.Now()
	}
	g.code = loc.Query().Get("code")
	if g.code == "" {
		return g, fmt.Errorf("could not obtain a code for the scenario: the realm redirected without one (error %q)",
			loc.Query().Get("error"))
	}
	return g, nil
}

// codeForm returns the token request body that redeems g (RFC 6749
// §4.1.3, RFC 7636 §4.5).
func (g codeGrant) codeForm() url.Values {
	return url.Values{
		"grant_type":    {"authorization_code"},
		"code":          {g.code},
		"redirect_uri":  {g.redirectURI},
		"code_verifier": {g.verifier},
	}
}

// context returns the request context of a token request that redeems g.
func (g codeGrant) context() diagnose.Context {
	return diagnose.Context{Env: g.env.Name, Issuer: g.env.Issuer, ClientID: g.client.ClientID,
		RedirectURI: g.redirectURI, Scope: g.scope, GrantType: "authorization_code", PKCE: true}
}

// basicAuth returns a correct client_secret_basic header value: the client
// ID and secret form-encoded, joined by a colon and Base64-encoded
// (RFC 6749 §2.3.1).
func basicAuth(clientID, secret string) string {
	raw := url.QueryEscape(clientID) + ":" + url.QueryEscape(secret)
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(raw))
}

// tokenRequest is one token endpoint request the demo builds by hand, as
// an integrator's own code would.
type tokenRequest struct {
	env envs.Env
	// step is the flow step the request belongs to: token or refresh.
	step diagnose.Step
	form url.Values
	// authorization is the raw Authorization header, or "" for none.
	authorization string
	// context is the request context for diagnose.
	context diagnose.Context
}

// evidenceHeaders are the response headers evidence keeps, as flow keeps
// them.
var evidenceHeaders = []string{"Content-Type", "WWW-Authenticate", "Location", "Date", "Server"}

// send posts the request to the environment's token endpoint and returns
// the evidence of the response: status, headers, capped body, the OAuth
// error fields of a JSON body (RFC 6749 §5.2), or the transport failure.
func (l *lab) send(ctx context.Context, tr tokenRequest) diagnose.Evidence {
	ev := diagnose.Evidence{Step: tr.step, Context: tr.context}
	ev.Context.Env, ev.Context.Issuer = tr.env.Name, tr.env.Issuer
	ctx = withStep(ctx, tr.step)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, tr.env.Endpoints().Token, strings.NewReader(tr.form.Encode()))
	if err != nil {
		ev.Err, ev.Detail = err, "could not build the token request"
		return ev
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	if tr.authorization != "" {
		req.Header.Set("Authorization", tr.authorization)
	}
	resp, err := l.client.Do(req)
	if err != nil {
		ev.Kind, ev.Err, ev.Detail = diagnose.FindingTransport, err, "could not reach the token endpoint"
		return ev
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, diagnose.MaxBody))
	fillResponse(&ev, resp, body)
	return ev
}

// fillResponse copies an HTTP response into the evidence.
func fillResponse(ev *diagnose.Evidence, resp *http.Response, body []byte) {
	ev.Status = resp.StatusCode
	ev.Header = http.Header{}
	for _, name := range evidenceHeaders {
		if v := resp.Header.Values(name); len(v) > 0 {
			ev.Header[name] = v
		}
	}
	ev.Body = string(body)
	media, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type"))
	switch media {
	case "application/json":
		var fields struct {
			Error            string `json:"error"`
			ErrorDescription string `json:"error_description"`
			ErrorURI         string `json:"error_uri"`
		}
		if json.Unmarshal(body, &fields) == nil {
			ev.Error, ev.ErrorDescription, ev.ErrorURI = fields.Error, fields.ErrorDescription, fields.ErrorURI
		}
	case "text/html":
		if p := diagnose.ParsePage(body); p != (diagnose.Page{}) {
			ev.Page = &p
		}
	}
	if t, err := http.ParseTime(resp.Header.Get("Date")); err == nil {
		ev.ServerTime, ev.LocalTime = t, time.Now()
	}
	switch {
	case ev.Error != "" && ev.ErrorDescription != "":
		ev.Detail = fmt.Sprintf("server returned %s: %s (HTTP %d)", ev.Error, ev.ErrorDescription, ev.Status)
	case ev.Error != "":
		ev.Detail = fmt.Sprintf("server returned %s (HTTP %d)", ev.Error, ev.Status)
	default:
		ev.Detail = fmt.Sprintf("server returned HTTP %d (%s)", ev.Status, resp.Header.Get("Content-Type"))
	}
}

// stepRecord returns a timeline entry for a step the demo ran itself.
func stepRecord(step diagnose.Step, failed bool, d time.Duration, detail string) flow.StepRecord {
	status := flow.StatusOK
	if failed {
		status = flow.StatusFailed
	}
	return flow.StepRecord{Name: step, Status: status, Duration: d, Detail: detail}
}
