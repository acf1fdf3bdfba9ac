package flow

import (
	"context"
	"fmt"
	"github.com/kseries-tools/ksauth/internal/kcform"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"

	"github.com/kseries-tools/ksauth/diagnose"
)

// maxLoginRequests bounds the headless login's requests: the authorization
// request, the login POST, a consent POST and the redirects between them
// take about six.
const maxLoginRequests = 12

// loginHeadless signs in without a browser. It sends the authorization
// request with a cookie jar, fills in Keycloak's login form
// (form#kc-form-login) with the username and password, accepts the consent
// page if one is shown, and follows redirects on the realm's host only.
// It stops at the redirect to the redirect URI and delivers it to the
// callback server with a real HTTP GET. It returns nil once delivered, or
// the authorize step's error with the page or response that stopped it.
func (r *runner) loginHeadless(ctx context.Context) *Error {
	jar, _ := cookiejar.New(nil)
	client := &http.Client{Transport: r.client.Transport, Jar: jar, Timeout: r.client.Timeout,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	ctx = withStep(ctx, diagnose.StepAuthorize)
	realm, _ := url.Parse(r.authURL)
	redirect, _ := url.Parse(r.server.redirectURI())

	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, r.authURL, nil)
	submitted, consented := false, false
	for range maxLoginRequests {
		reqCtx, capture := withCapture(req.Context())
		req = req.WithContext(reqCtx)
		req.Header.Set("Accept", "text/html,application/xhtml+xml")
		resp, err := client.Do(req)
		if err != nil {
			return r.loginFailure(capture, err, "could not reach the login page")
		}
		body, err := io.ReadAll(io.LimitReader(resp.Body, diagnose.MaxBody))
		resp.Body.Close()
		if err != nil {
			return r.loginFailure(capture, err, "could not read the login page")
		}

		if loc, err := resp.Location(); err == nil {
			if sameEndpoint(loc, redirect) {
				return r.deliver(ctx, loc)
			}
			if !strings.EqualFold(loc.Host, realm.Host) {
				return r.loginFailure(capture, nil, fmt.Sprintf("login redirected to %s, outside the realm", loc.Redacted()))
			}
			req, _ = http.NewRequestWithContext(ctx, http.MethodGet, loc.String(), nil)
			continue
		}
		if resp.StatusCode != http.StatusOK {
			return r.loginFailure(capture, nil, "")
		}

		forms := kcform.Read(body)
		form, isLogin := kcform.Login(forms)
		switch {
		case isLogin && submitted:
			return r.loginFailure(capture, nil, "login form shown again after the credentials were sent")
		case isLogin:
			values := form.Submission("login")
			values.Set("username", r.cfg.Username)
			values.Set("password", r.cfg.Password)
			submitted = true
			req, err = form.Request(ctx, resp.Request.URL, realm, values)
		case !consented && hasConsent(forms):
			form, _ = kcform.Consent(forms)
			consented = true
			r.narrate("The realm asked for consent to the requested scopes; accepting it, as the user would")
			req, err = form.Request(ctx, resp.Request.URL, realm, form.Submission("accept"))
		default:
			return r.loginFailure(capture, nil, otherPage)
		}
		if err != nil {
			return r.loginFailure(capture, err, "could not submit the login form")
		}
	}
	return r.loginFailure(&captured{}, nil, fmt.Sprintf("login did not reach the redirect URI within %d requests", maxLoginRequests))
}

// otherPage is the headless login's detail for a page that is neither the
// login form nor the consent page.
const otherPage = "expected the login form, got another page"

func hasConsent(forms []kcform.Form) bool {
	_, ok := kcform.Consent(forms)
	return ok
}

// deliver hands the redirect the login stopped at to the callback server.
func (r *runner) deliver(ctx context.Context, loc *url.URL) *Error {
	if err := r.server.deliver(ctx, loc); err != nil {
		ev := r.evidence(diagnose.StepAuthorize)
		ev.Kind, ev.Err = diagnose.FindingTransport, err
		ev.Detail = "could not deliver the redirect to the callback server"
		return &Error{Step: diagnose.StepAuthorize, Evidence: ev, Err: err}
	}
	return nil
}

// loginFailure builds the authorize step's error from the last response of
// the headless login. An empty detail is filled in from the response.
func (r *runner) loginFailure(capture *captured, err error, detail string) *Error {
	ev := r.evidence(diagnose.StepAuthorize)
	responded := addResponse(&ev, capture)
	switch {
	case !responded && err != nil:
		ev.Kind, ev.Err = diagnose.FindingTransport, err
	case ev.Page != nil && (ev.Page.ID == "login-login" || strings.HasPrefix(detail, "login form")):
		ev.Kind = diagnose.FindingLoginForm
	}
	switch {
	case ev.Page != nil && ev.Page.Message != "" && detail != "":
		detail += fmt.Sprintf(": page shows %q", ev.Page.Message)
	case ev.Page != nil && ev.Page.ID != "" && detail == otherPage:
		detail += fmt.Sprintf(": page %s", ev.Page.ID)
		if ev.Page.Heading != "" {
			detail += fmt.Sprintf(" (%q)", ev.Page.Heading)
		}
	}
	if detail == "" {
		detail = describeResponse(ev)
	}
	ev.Detail = "headless login: " + detail
	return &Error{Step: diagnose.StepAuthorize, Evidence: ev, Err: err}
}
