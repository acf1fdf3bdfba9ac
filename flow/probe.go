package flow

import (
	"context"
	"fmt"
	"github.com/kseries-tools/ksauth/internal/kcform"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"

	"github.com/kseries-tools/ksauth/diagnose"
	"github.com/kseries-tools/ksauth/internal/redact"
)

// probe runs the probe step: it sends an authorization request as a browser
// would, with its own state, nonce and PKCE values, follows no redirect and
// reads the response. The login page, or a redirect further into the realm's
// login, is a pass. An error page, an error redirect to the client
// (RFC 6749 §4.1.2.1) or anything else fails the step before a browser is
// opened.
//
// NOTE: with port 0 in the redirect URI the probe sends port 0, because the
// callback server has not chosen its port yet. Keycloak's loopback rule
// ignores the port, so this only matters for a redirect URI registered
// with an exact port.
func (r *runner) probe(ctx context.Context) *Error {
	t := r.timeline.begin(diagnose.StepProbe)
	ev := r.evidence(diagnose.StepProbe)
	params, err := newAuthParams(r.cfg.Rand)
	if err != nil {
		ev.Detail = "could not create the probe request"
		return r.failure(t, ev, err)
	}
	target := authCodeURL(r.oauthConfig(r.cfg.RedirectURI), params)
	ctx, capture := withCapture(withStep(ctx, diagnose.StepProbe))
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, target, nil)
	if err != nil {
		ev.Detail = "could not create the probe request"
		return r.failure(t, ev, err)
	}
	// Keycloak 26 responds to an Accept: application/json request with
	// JSON instead of its error page, so the probe requests HTML like a
	// browser.
	req.Header.Set("Accept", "text/html,application/xhtml+xml")
	resp, err := r.noFollow.Do(req)
	if err != nil {
		ev.Kind, ev.Detail = diagnose.FindingTransport, "could not send the authorization request"
		return r.failure(t, ev, err)
	}
	body, _ := io.ReadAll(io.LimitReader(resp.Body, diagnose.MaxBody))
	resp.Body.Close()
	addResponse(&ev, capture)

	redirectURI, _ := url.Parse(r.cfg.RedirectURI)
	verdict := readAuthResponse(resp, body, redirectURI)
	if verdict.ok {
		t.ok("%s", verdict.detail)
		return nil
	}
	ev.Detail = verdict.detail
	if ev.Detail == "" {
		ev.Detail = describeResponse(ev)
	}
	if verdict.redirect != nil {
		ev.Redirect = verdict.redirect
		ev.Error = verdict.redirect.Get("error")
		ev.ErrorDescription = verdict.redirect.Get("error_description")
		ev.ErrorURI = verdict.redirect.Get("error_uri")
	}
	return r.failure(t, ev, nil)
}

// authVerdict is the flow's reading of an authorization endpoint response:
// whether the login can go on, a one-line detail, and the parameters of a
// redirect to the client.
type authVerdict struct {
	ok       bool
	detail   string
	redirect url.Values
}

// readAuthResponse classifies the authorization endpoint's response to a
// request without cookies. The detail is empty for a status other than a
// redirect or 200.
func readAuthResponse(resp *http.Response, body []byte, redirectURI *url.URL) authVerdict {
	if loc, err := resp.Location(); err == nil {
		return readAuthRedirect(loc, resp.Request.URL, redirectURI)
	}
	if resp.StatusCode == http.StatusOK {
		if _, found := kcform.Login(kcform.Read(body)); found {
			return authVerdict{ok: true, detail: "login page shown"}
		}
		page := diagnose.ParsePage(body)
		return authVerdict{detail: fmt.Sprintf("expected the login page, got page %q", firstOf(page.ID, page.Title, "without a Keycloak page ID"))}
	}
	// Any other status is described from the evidence by the caller.
	return authVerdict{}
}

// readAuthRedirect classifies a redirect from the authorization endpoint:
// to the client's redirect URI with an error or a code, or further into the
// realm's own pages.
func readAuthRedirect(loc, from, redirectURI *url.URL) authVerdict {
	if !sameEndpoint(loc, redirectURI) {
		if strings.EqualFold(loc.Host, from.Host) {
			return authVerdict{ok: true, detail: "login continues at " + loc.Path}
		}
		return authVerdict{detail: fmt.Sprintf("redirected to %s, neither the realm nor the redirect URI", loc.Redacted())}
	}
	q := loc.Query()
	if code := q.Get("code"); code != "" {
		q.Set("code", redact.Marker(code))
	}
	switch {
	case q.Get("error") != "":
		detail := "server redirected with error=" + q.Get("error")
		if d := q.Get("error_description"); d != "" {
			detail += ": " + d
		}
		return authVerdict{detail: detail, redirect: q}
	case q.Has("code"):
		return authVerdict{ok: true, detail: "server redirected with a code at once"}
	}
	return authVerdict{detail: "redirected to the redirect URI without code or error", redirect: q}
}

// sameEndpoint reports whether u is at the endpoint of target: same scheme,
// host, port and path, whatever the query.
func sameEndpoint(u, target *url.URL) bool {
	return strings.EqualFold(u.Scheme, target.Scheme) &&
		strings.EqualFold(hostPort(u), hostPort(target)) &&
		cleanPath(u.Path) == cleanPath(target.Path)
}

// hostPort returns the URL's host with the scheme's default port filled in.
func hostPort(u *url.URL) string {
	port := u.Port()
	if port == "" {
		port = "80"
		if strings.EqualFold(u.Scheme, "https") {
			port = "443"
		}
	}
	return net.JoinHostPort(u.Hostname(), port)
}

func cleanPath(p string) string {
	if p == "" {
		return "/"
	}
	return p
}

func firstOf(values ...string) string {
	for _, v := range values {
		if v != "" {
			return v
		}
	}
	return ""
}
