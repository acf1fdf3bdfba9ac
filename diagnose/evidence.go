// Package diagnose explains K-Series sign-in failures. It holds the
// catalogue of diagnoses, the rules that match a failed step's evidence to
// them, the offline preflight checks, and the reader of pasted artifacts
// (ReadPasted). It performs no network I/O: the flow runner collects
// evidence and hands it here.
package diagnose

import (
	"net/http"
	"net/url"
	"time"
)

// Step is one step of the sign-in flow. The names are stable: they appear
// in output, in JSON and in tests.
type Step string

// The flow's steps, in order.
const (
	StepPreflight Step = "preflight"
	StepDiscovery Step = "discovery"
	StepProbe     Step = "probe"
	StepAuthorize Step = "authorize"
	StepCallback  Step = "callback"
	StepToken     Step = "token"
	StepVerify    Step = "verify"
	StepRefresh   Step = "refresh"
)

// Steps lists every step in flow order.
var Steps = []Step{StepPreflight, StepDiscovery, StepProbe, StepAuthorize,
	StepCallback, StepToken, StepVerify, StepRefresh}

// MaxBody is how many bytes of a response body evidence keeps.
const MaxBody = 64 << 10

// Context is what the client sent or meant to send: the request context a
// rule needs to tell apart causes that share one error code.
type Context struct {
	// Env is the environment name in use ("trial", "local"), if known.
	Env string `json:"env,omitempty"`
	// Issuer is the realm URL the request went to, if known.
	Issuer string `json:"issuer,omitempty"`
	// ClientID is the client ID sent.
	ClientID string `json:"client_id,omitempty"`
	// RedirectURI is the redirect_uri of the authorization request.
	RedirectURI string `json:"redirect_uri,omitempty"`
	// TokenRedirectURI is the redirect_uri of the token request, when it
	// differs from RedirectURI or when only the token request is known.
	TokenRedirectURI string `json:"token_redirect_uri,omitempty"`
	// RegisteredRedirectURI is the redirect URI registered for the client,
	// when the user knows it.
	RegisteredRedirectURI string `json:"registered_redirect_uri,omitempty"`
	// Scope is the raw scope parameter as sent.
	Scope string `json:"scope,omitempty"`
	// GrantType is the token request's grant_type.
	GrantType string `json:"grant_type,omitempty"`
	// ClientAuth is how the client authenticated at the token endpoint:
	// "basic", "post", "none" or "" when unknown.
	ClientAuth string `json:"client_auth,omitempty"`
	// BasicUser is the client ID decoded from an Authorization: Basic
	// header. The secret is never kept.
	BasicUser string `json:"basic_user,omitempty"`
	// BasicProblem describes a malformed Basic header ("not base64", "no
	// colon", "trailing newline"), or is empty.
	BasicProblem string `json:"basic_problem,omitempty"`
	// PKCE is true when the authorization request carried a code_challenge.
	PKCE bool `json:"pkce,omitempty"`
	// CodeAge is the authorization code's age when it was sent, if known.
	CodeAge time.Duration `json:"-"`
	// CodeAgeIsMax is true when CodeAge is only an upper bound of the
	// code's age, as in paste mode, where the redirect itself is unseen.
	CodeAgeIsMax bool `json:"code_age_is_max,omitempty"`
	// CodeReused is true when the same code was sent before.
	CodeReused bool `json:"code_reused,omitempty"`
	// RefreshReused is true when the refresh token sent had been used before.
	RefreshReused bool `json:"refresh_reused,omitempty"`
	// Username is the login name typed, never the password.
	Username string `json:"username,omitempty"`
	// RefreshTokenAge is how long before the refresh request the refresh
	// token was issued, if known. A "Token is not active" answer for a
	// token only seconds old points to clock skew, not expiry.
	RefreshTokenAge time.Duration `json:"-"`
}

// Page is what a Keycloak HTML page shows: its page ID and messages.
type Page struct {
	// ID is the body's data-page-id ("login-error", "login-login").
	ID string `json:"id,omitempty"`
	// Title is the document title.
	Title string `json:"title,omitempty"`
	// Heading is the h1#kc-page-title text ("We are sorry...").
	Heading string `json:"heading,omitempty"`
	// Message is the page's message: the error page's instruction, the
	// login form's field error or its alert.
	Message string `json:"message,omitempty"`
}

// Evidence is what one failed step, or one pasted artifact, shows. Flow
// fills in what it saw; empty fields mean "not seen".
type Evidence struct {
	Step    Step    `json:"step"`
	Context Context `json:"context"`

	// Status is the HTTP status code, 0 when no response arrived.
	Status int `json:"status,omitempty"`
	// Header holds the response headers that matter: Content-Type,
	// WWW-Authenticate, Location, Date, Server.
	Header http.Header `json:"header,omitempty"`
	// Body is the response body, capped at MaxBody bytes.
	Body string `json:"body,omitempty"`

	// Error, ErrorDescription and ErrorURI are the OAuth error fields of a
	// JSON body (RFC 6749 §5.2) or an error redirect (§4.1.2.1).
	Error            string `json:"error,omitempty"`
	ErrorDescription string `json:"error_description,omitempty"`
	ErrorURI         string `json:"error_uri,omitempty"`

	// Redirect holds the parameters of a redirect to the client: the
	// callback's query, or the Location of an error redirect.
	Redirect url.Values `json:"redirect,omitempty"`
	// ExpectedState and ExpectedIssuer are what the callback should carry
	// in state and iss (RFC 9207).
	ExpectedState  string `json:"-"`
	ExpectedIssuer string `json:"expected_issuer,omitempty"`

	// Page is the Keycloak page shown, when the response was HTML.
	Page *Page `json:"page,omitempty"`

	// Err is the local failure, such as a refused connection, a TLS error,
	// a listener that could not bind or a token that failed verification.
	Err error `json:"-"`
	// Detail is a short fact the step found, such as "discovery issuer
	// https://x differs from https://y", for rules that match local checks.
	Detail string `json:"detail,omitempty"`
	// Kind names a local finding without an HTTP response, one of the
	// Finding constants.
	Kind Finding `json:"kind,omitempty"`

	// ServerTime is the response's Date header, and LocalTime the local
	// clock when it arrived, for the clock-skew check.
	ServerTime time.Time `json:"-"`
	LocalTime  time.Time `json:"-"`
}

// Finding names a failure that the flow found locally, without a server
// error response.
type Finding string

// Local findings that flow reports in Evidence.Kind.
const (
	FindingNone           Finding = ""
	FindingStateMismatch  Finding = "state-mismatch"
	FindingIssuerMismatch Finding = "issuer-mismatch"
	FindingNoCallback     Finding = "no-callback"
	FindingListen         Finding = "listen"
	FindingTransport      Finding = "transport"
	FindingVerify         Finding = "verify"
	FindingScopesMissing  Finding = "scopes-missing"
	FindingLoginForm      Finding = "login-form"
)

// Diagnosis is one explanation of a failure: which catalogue entry matched,
// at which step, on which evidence, and what to do.
type Diagnosis struct {
	ID       string   `json:"id"`
	Step     Step     `json:"step"`
	Title    string   `json:"title"`
	Evidence []string `json:"evidence"`
	Causes   []string `json:"causes"`
	Fix      string   `json:"fix"`
	Guide    string   `json:"guide,omitempty"`
	// Severity is SeverityError for a failure and SeverityWarning for a
	// finding that will not stop the sign-in by itself. Empty means
	// SeverityError.
	Severity string `json:"severity,omitempty"`
	// refined records the causes that replace catalogue causes, so that a
	// later, more exact cause replaces them in turn (see refine).
	refined []refinedCause
}

// Diagnosis severities.
const (
	SeverityError   = "error"
	SeverityWarning = "warning"
)

// Failed reports whether the diagnosis is a failure rather than a warning.
func (d Diagnosis) Failed() bool {
	return d.Severity != SeverityWarning
}
