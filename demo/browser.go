package demo

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"

	"github.com/kseries-tools/ksauth/diagnose"
	"github.com/kseries-tools/ksauth/internal/kcform"
)

// maxBrowserRequests bounds one sign-in: the authorization request, the
// login POST, a consent POST and the redirects between them take about
// five.
const maxBrowserRequests = 12

// consentChoice is the button the browser presses on a consent page.
type consentChoice string

const (
	consentAccept consentChoice = "accept"
	consentCancel consentChoice = "cancel"
)

// browser acts for the person at the browser in scenarios where the
// flow waits for a callback, and for the integrator's own front end in
// scenarios that obtain a code outside the flow. It keeps cookies, fills
// in Keycloak's login form, submits a consent page and stops at the
// redirect that leaves the realm.
type browser struct {
	client *http.Client
}

// newBrowser returns a browser that sends through the lab's recording
// client with its own cookie jar and follows no redirect by itself.
func (l *lab) newBrowser() *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{client: &http.Client{
		Transport: l.client.Transport, Jar: jar, Timeout: httpTimeout,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}

// signIn opens authURL, signs in as username, presses choice on a consent
// page, and returns the URL of the first redirect that leaves the realm's
// host: the authorization response for the client (RFC 6749 §4.1.2).
func (b *browser) signIn(ctx context.Context, authURL, username, password string, choice consentChoice) (*url.URL, error) {
	realm, err := url.Parse(authURL)
	if err != nil {
		return nil, fmt.Errorf("invalid authorization URL: %w", err)
	}
	ctx = withStep(ctx, diagnose.StepAuthorize)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, authURL, nil)
	if err != nil {
		return nil, err
	}
	loggedIn := false
	for range maxBrowserRequests {
		req.Header.Set("Accept", "text/html,application/xhtml+xml")
		resp, err := b.client.Do(req)
		if err != nil {
			return nil, fmt.Errorf("browser could not load %s: %w", req.URL.Redacted(), err)
		}
		body, err := io.ReadAll(io.LimitReader(resp.Body, diagnose.MaxBody))
		resp.Body.Close()
		if err != nil {
			return nil, fmt.Errorf("browser could not read %s: %w", req.URL.Redacted(), err)
		}
		if loc, err := resp.Location(); err == nil {
			if !strings.EqualFold(loc.Host, realm.Host) {
				return loc, nil
			}
			req, err = http.NewRequestWithContext(ctx, http.MethodGet, loc.String(), nil)
			if err != nil {
				return nil, err
			}
			continue
		}
		if resp.StatusCode != http.StatusOK {
			return nil, fmt.Errorf("browser stopped at HTTP %d from %s: %s", resp.StatusCode, req.URL.Redacted(), pageSummary(body))
		}
		forms := kcform.Read(body)
		var form kcform.Form
		var values url.Values
		if login, ok := kcform.Login(forms); ok && !loggedIn {
			form, values = login, login.Submission("login")
			values.Set("username", username)
			values.Set("password", password)
			loggedIn = true
		} else if consent, ok := kcform.Consent(forms); ok {
			form, values = consent, consent.Submission(string(choice))
		} else {
			return nil, fmt.Errorf("browser stopped at a page it cannot fill in: %s", pageSummary(body))
		}
		if req, err = form.Request(ctx, resp.Request.URL, realm, values); err != nil {
			return nil, err
		}
	}
	return nil, fmt.Errorf("browser did not leave the realm within %d requests", maxBrowserRequests)
}

// pageSummary names a page by its Keycloak message or title.
func pageSummary(body []byte) string {
	p := diagnose.ParsePage(body)
	switch {
	case p.Message != "":
		return fmt.Sprintf("page %q shows %q", p.ID, p.Message)
	case p.Title != "":
		return fmt.Sprintf("page %q titled %q", p.ID, p.Title)
	}
	return "a page without a Keycloak message"
}

// deliver sends the authorization response to the client's redirect URI,
// as a browser follows the realm's redirect. The flow's callback server
// records the request itself, so it is not recorded here.
func deliver(ctx context.Context, loc *url.URL) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, loc.String(), nil)
	if err != nil {
		return err
	}
	client := &http.Client{Transport: newTransport(), Timeout: httpTimeout}
	defer client.CloseIdleConnections()
	resp, err := client.Do(req)
	if err != nil {
		return fmt.Errorf("browser could not deliver the redirect to the callback: %w", err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	return resp.Body.Close()
}
