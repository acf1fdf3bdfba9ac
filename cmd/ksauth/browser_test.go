package main

import (
	"context"
	"encoding/json"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/kseries-tools/ksauth/diagnose"
	"github.com/kseries-tools/ksauth/envs/emulator"
	"github.com/kseries-tools/ksauth/internal/localtls"
)

// The tests in this file sign in with a real Chromium. "ksauth login"
// prints the URL to open, Chromium opens it, and the test types a person's
// steps into the emulator's login and consent pages. The redirect then
// lands on the command's callback server, over https or http.

func TestBrowserLoginHTTPSCallback(t *testing.T) {
	chromium := chromiumPath(t)
	spki := trustedCallbackCert(t)
	envFile, seed := startEmulator(t)
	callbackArgs, rules := httpsCallback(t, seed.HTTPSRedirectURI)
	login := startBrowserLogin(t, envFile, seed.TrialClient, seed.HTTPSRedirectURI, callbackArgs...)
	b := newBrowser(t, chromium, spki, rules)

	b.do(t, "open the login URL", chromedp.Navigate(login.waitOpenURL(t)))
	b.waitFor(t, "wait for the login page", "#kc-form-login")
	typeCredentials(t, b, seed.TrialUser.Username, seed.TrialUser.Password)
	page := waitCallbackPage(t, b)

	checkBrowserLogin(t, login.wait(t), page, seed.TrialClient, seed.TrialUser, seed.HTTPSRedirectURI)
	b.checkLoopbackOnly(t)
}

func TestBrowserLoginStartURL(t *testing.T) {
	chromium := chromiumPath(t)
	// The true command replaces the browser command: it takes the URL and
	// exits, and the test opens that URL in Chromium.
	if _, err := exec.LookPath("true"); err != nil {
		t.Skip("no true command on PATH to replace the browser command")
	}
	spki := trustedCallbackCert(t)
	envFile, seed := startEmulator(t)
	callbackArgs, rules := httpsCallback(t, seed.HTTPSRedirectURI)
	args := []string{"login", "--env", envFile, "--client-id", seed.TrialClient.ClientID,
		"--redirect-uri", seed.HTTPSRedirectURI, "--scope", "openid offline_access", "--browser-command", "true", "--json"}
	login := startLoginCommand(t, map[string]string{"KSAUTH_CLIENT_SECRET": seed.TrialClient.Secret}, append(args, callbackArgs...)...)
	b := newBrowser(t, chromium, spki, rules)

	startURL := login.waitStderrURL(t, startURLPattern)
	if want := "https://localhost:8443/ksauth/start"; startURL != want {
		t.Errorf("start URL = %s, want %s", startURL, want)
	}
	b.do(t, "open the start URL", chromedp.Navigate(startURL))
	b.waitFor(t, "wait for the login page", "#kc-form-login")
	typeCredentials(t, b, seed.TrialUser.Username, seed.TrialUser.Password)
	page := waitCallbackPage(t, b)

	checkBrowserLogin(t, login.wait(t), page, seed.TrialClient, seed.TrialUser, seed.HTTPSRedirectURI)
	b.checkLoopbackOnly(t)
}

func TestBrowserLoginUserCertificate(t *testing.T) {
	chromium := chromiumPath(t)
	generatedDir := isolateConfigDir(t)
	userCert, err := localtls.Load(localtls.Options{Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	envFile, seed := startEmulator(t)
	callbackArgs, rules := httpsCallback(t, seed.HTTPSRedirectURI)
	callbackArgs = append(callbackArgs, "--tls-cert", userCert.CertPath, "--tls-key", userCert.KeyPath)
	login := startBrowserLogin(t, envFile, seed.TrialClient, seed.HTTPSRedirectURI, callbackArgs...)
	// Chromium trusts only the user's certificate, so the sign-in fails
	// if the callback serves any other.
	b := newBrowser(t, chromium, spkiHash(userCert), rules)

	b.do(t, "open the login URL", chromedp.Navigate(login.waitOpenURL(t)))
	b.waitFor(t, "wait for the login page", "#kc-form-login")
	typeCredentials(t, b, seed.TrialUser.Username, seed.TrialUser.Password)
	page := waitCallbackPage(t, b)

	r := login.wait(t)
	checkBrowserLogin(t, r, page, seed.TrialClient, seed.TrialUser, seed.HTTPSRedirectURI)
	if !strings.Contains(r.stderr, userCert.CertPath) {
		t.Errorf("stderr does not name the certificate %s:\n%s", userCert.CertPath, r.stderr)
	}
	if _, err := os.Stat(filepath.Join(generatedDir, localtls.CertName)); err == nil {
		t.Errorf("ksauth generated a certificate in %s although --tls-cert was given", generatedDir)
	}
	b.checkLoopbackOnly(t)
}

func TestBrowserLoginWrongPasswordFirst(t *testing.T) {
	chromium := chromiumPath(t)
	spki := trustedCallbackCert(t)
	envFile, seed := startEmulator(t)
	redirectURI := "http://127.0.0.1:0/callback"
	login := startBrowserLogin(t, envFile, seed.TrialClient, redirectURI)
	b := newBrowser(t, chromium, spki, loopbackOnly)

	b.do(t, "open the login URL", chromedp.Navigate(login.waitOpenURL(t)))
	b.waitFor(t, "wait for the login page", "#kc-form-login")
	typeCredentials(t, b, seed.TrialUser.Username, seed.ProductionUser.Password)
	// Keycloak's v2 login theme shows the credential error under the
	// username field, and its older v1 theme in span#input-error.
	loginError := "#input-error-username, #input-error"
	b.waitFor(t, "wait for the login error", loginError)
	message := browserValue(t, b, "read the login error", chromedp.Text(chromedp.CSS(loginError)))
	if got := strings.TrimSpace(message); got != "Invalid username or password." {
		t.Errorf("login page message = %q, want %q", got, "Invalid username or password.")
	}
	loginHTML := browserValue(t, b, "read the login page HTML", chromedp.OuterHTML(chromedp.CSS("html")))
	if strings.Contains(loginHTML, seed.ProductionUser.Password) {
		t.Errorf("the login page shown after the failed attempt contains the password that was typed")
	}
	select {
	case <-login.done:
		t.Fatalf("ksauth login exited after the wrong password, before the browser signed in\nstderr:\n%s", login.stderr.String())
	default:
	}

	typeCredentials(t, b, seed.TrialUser.Username, seed.TrialUser.Password)
	page := waitCallbackPage(t, b)

	checkBrowserLogin(t, login.wait(t), page, seed.TrialClient, seed.TrialUser, redirectURI)
	b.checkLoopbackOnly(t)
}

func TestBrowserLoginWithConsent(t *testing.T) {
	chromium := chromiumPath(t)
	spki := trustedCallbackCert(t)
	envFile, seed := startEmulator(t)
	redirectURI := "http://localhost:0/callback"
	login := startBrowserLogin(t, envFile, seed.TrialConsentClient, redirectURI)
	b := newBrowser(t, chromium, spki, loopbackOnly)

	b.do(t, "open the login URL", chromedp.Navigate(login.waitOpenURL(t)))
	b.waitFor(t, "wait for the login page", "#kc-form-login")
	typeCredentials(t, b, seed.TrialUser.Username, seed.TrialUser.Password)
	if !acceptConsent(t, b) {
		t.Fatalf("the consent page was not shown for %s, which requires consent (page: %s)", seed.TrialConsentClient.ClientID, b.location())
	}
	page := waitCallbackPage(t, b)

	checkBrowserLogin(t, login.wait(t), page, seed.TrialConsentClient, seed.TrialUser, redirectURI)
	b.checkLoopbackOnly(t)
}

func TestBrowserLoginConsentDenied(t *testing.T) {
	chromium := chromiumPath(t)
	spki := trustedCallbackCert(t)
	envFile, seed := startEmulator(t)
	login := startBrowserLogin(t, envFile, seed.TrialConsentClient, "http://127.0.0.1:0/callback")
	b := newBrowser(t, chromium, spki, loopbackOnly)

	b.do(t, "open the login URL", chromedp.Navigate(login.waitOpenURL(t)))
	b.waitFor(t, "wait for the login page", "#kc-form-login")
	typeCredentials(t, b, seed.TrialUser.Username, seed.TrialUser.Password)
	b.waitFor(t, "wait for the consent page", "#kc-oauth")
	b.do(t, "deny the consent", chromedp.Click(chromedp.CSS(`#kc-oauth input[name="cancel"]`)))
	page := waitCallbackPage(t, b)

	checkBrowserFailure(t, login.wait(t), page, diagnose.IDAccessDenied, seed.TrialConsentClient, seed.TrialUser)
}

func TestBrowserLoginWrongSecretOnPage(t *testing.T) {
	chromium := chromiumPath(t)
	spki := trustedCallbackCert(t)
	envFile, seed := startEmulator(t)
	callbackArgs, rules := httpsCallback(t, seed.HTTPSRedirectURI)
	// The authorization request carries no secret, so the probe and the
	// login pass and the token exchange is the first step to fail.
	wrongSecret := emulator.SeedClient{ClientID: seed.TrialClient.ClientID, Secret: seed.TrialConsentClient.Secret}
	login := startBrowserLogin(t, envFile, wrongSecret, seed.HTTPSRedirectURI, callbackArgs...)
	b := newBrowser(t, chromium, spki, rules)

	b.do(t, "open the login URL", chromedp.Navigate(login.waitOpenURL(t)))
	b.waitFor(t, "wait for the login page", "#kc-form-login")
	typeCredentials(t, b, seed.TrialUser.Username, seed.TrialUser.Password)
	page := waitCallbackPage(t, b)

	checkBrowserFailure(t, login.wait(t), page, diagnose.IDInvalidClientCredentials, wrongSecret, seed.TrialUser)
}

// startBrowserLogin runs "ksauth login --no-browser --json" for client on
// the env file's realm, with the client secret in $KSAUTH_CLIENT_SECRET.
func startBrowserLogin(t *testing.T, envFile string, client emulator.SeedClient, redirectURI string, extra ...string) *loginRun {
	t.Helper()
	args := []string{"login", "--env", envFile, "--client-id", client.ClientID, "--redirect-uri", redirectURI,
		"--scope", "openid offline_access", "--no-browser", "--json"}
	return startLoginCommand(t, map[string]string{"KSAUTH_CLIENT_SECRET": client.Secret}, append(args, extra...)...)
}

// typeCredentials types username and password into the login form shown
// in the browser and submits it.
func typeCredentials(t *testing.T, b *browser, username, password string) {
	t.Helper()
	b.do(t, "fill in the login form",
		chromedp.WaitVisible(chromedp.ID("username")),
		clearLoginForm,
		chromedp.SendKeys(chromedp.ID("username"), username),
		chromedp.SendKeys(chromedp.ID("password"), password),
		chromedp.Click(chromedp.ID("kc-login")))
}

// clearLoginForm empties the username and password fields, which the
// login page fills in again after a failed attempt.
var clearLoginForm = chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
	_, err := chromedp.Evaluate[bool](`(() => {
		for (const id of ["username", "password"]) document.getElementById(id).value = "";
		return true;
	})()`)(ctx, t)
	return err
})

// acceptConsent waits for the page after the login form and presses Yes
// when it is the consent page. It reports whether it was.
func acceptConsent(t *testing.T, b *browser) bool {
	t.Helper()
	b.waitFor(t, "wait for the consent or callback page", "#kc-oauth, h1.ok, h1.failed")
	consent := browserValue(t, b, "look for the consent form", chromedp.Evaluate[bool](`document.querySelector("#kc-oauth") !== null`))
	if consent {
		b.do(t, "accept the consent", chromedp.Click(chromedp.CSS(`#kc-oauth input[name="accept"]`)))
	}
	return consent
}

// callbackPage is the page the browser shows after the redirect to the
// callback.
type callbackPage struct {
	url, html, heading, text string
}

// waitCallbackPage waits for ksauth's result page and reads it.
func waitCallbackPage(t *testing.T, b *browser) callbackPage {
	t.Helper()
	b.waitFor(t, "wait for the callback page", "h1.ok, h1.failed")
	return callbackPage{
		url:     browserValue(t, b, "read the callback URL", chromedp.Location()),
		html:    browserValue(t, b, "read the callback HTML", chromedp.OuterHTML(chromedp.CSS("html"))),
		heading: browserValue(t, b, "read the callback heading", chromedp.Text(chromedp.CSS("h1"))),
		text:    browserValue(t, b, "read the callback text", chromedp.Text(chromedp.CSS("body"))),
	}
}

// checkBrowserLogin checks the login command's exit code and JSON, and the
// callback page the browser shows, after a sign-in that should succeed.
func checkBrowserLogin(t *testing.T, r result, page callbackPage, client emulator.SeedClient, user emulator.SeedUser, redirectURI string) {
	t.Helper()
	r.wantCode(t, exitOK)

	var doc struct {
		OK      bool   `json:"ok"`
		Command string `json:"command"`
		Env     string `json:"env"`
		Steps   []struct{ Name, Status string }
		Tokens  struct {
			AccessToken  string `json:"access_token"`
			IDToken      string `json:"id_token"`
			RefreshToken string `json:"refresh_token"`
		}
	}
	if err := json.Unmarshal([]byte(r.stdout), &doc); err != nil {
		t.Fatalf("stdout is not JSON: %v\n%s", err, r.stdout)
	}
	if !doc.OK {
		t.Errorf("JSON ok = false, want true")
	}
	if doc.Command != "login" {
		t.Errorf("JSON command = %q, want login", doc.Command)
	}
	tokens := map[string]string{"access_token": doc.Tokens.AccessToken, "id_token": doc.Tokens.IDToken, "refresh_token": doc.Tokens.RefreshToken}
	for name, value := range tokens {
		if !strings.HasSuffix(value, "(redacted)") {
			t.Errorf("JSON tokens.%s = %q, want a redacted token", name, value)
		}
	}
	steps := map[string]string{}
	for _, s := range doc.Steps {
		steps[s.Name] = s.Status
	}
	for _, name := range []string{"authorize", "callback", "token", "verify"} {
		if steps[name] != "ok" {
			t.Errorf("JSON step %s status = %q, want ok (steps: %v)", name, steps[name], steps)
		}
	}

	callbackURL, err := url.Parse(page.url)
	if err != nil {
		t.Fatalf("callback URL %q: %v", page.url, err)
	}
	if !sameRedirectURI(callbackURL, redirectURI) {
		t.Errorf("browser ended on %s, want the redirect URI %s", callbackURL.Redacted(), redirectURI)
	}
	if got := strings.TrimSpace(page.heading); got != "Signed in" {
		t.Errorf("callback page heading = %q, want %q\n%s", got, "Signed in", page.text)
	}
	for field, want := range map[string]string{"user": user.Username, "client": client.ClientID, "environment": doc.Env} {
		if want == "" || !strings.Contains(page.text, want) {
			t.Errorf("callback page does not show the %s %q:\n%s", field, want, page.text)
		}
	}

	code := callbackURL.Query().Get("code")
	if code == "" {
		t.Errorf("callback URL %s has no code parameter", callbackURL.Redacted())
	}
	secrets := map[string]string{"client secret": client.Secret, "password": user.Password, "authorization code": code}
	for secretName, value := range secrets {
		if value != "" && strings.Contains(page.html, value) {
			t.Errorf("callback page HTML contains the %s", secretName)
		}
		if value != "" && strings.Contains(r.stdout+r.stderr, value) {
			t.Errorf("ksauth login output contains the %s", secretName)
		}
	}
	if strings.Contains(page.html, "eyJ") {
		t.Errorf("callback page HTML contains a JWT (eyJ…)")
	}
}

// sameRedirectURI reports whether u is at redirectURI, whose port 0 stands
// for any port.
func sameRedirectURI(u *url.URL, redirectURI string) bool {
	want, err := url.Parse(redirectURI)
	if err != nil {
		return false
	}
	samePort := want.Port() == "0" || want.Port() == u.Port()
	return u.Scheme == want.Scheme && u.Hostname() == want.Hostname() && samePort && u.Path == want.Path
}

// checkBrowserFailure checks the login command's exit code and JSON, and
// the callback page the browser shows, after a sign-in that should fail
// with the diagnosis wantID.
func checkBrowserFailure(t *testing.T, r result, page callbackPage, wantID string, client emulator.SeedClient, user emulator.SeedUser) {
	t.Helper()
	r.wantCode(t, exitFailed)

	var doc struct {
		OK        bool `json:"ok"`
		Diagnoses []struct{ ID, Step string }
	}
	if err := json.Unmarshal([]byte(r.stdout), &doc); err != nil {
		t.Fatalf("stdout is not JSON: %v\n%s", err, r.stdout)
	}
	if doc.OK {
		t.Errorf("JSON ok = true, want false")
	}
	if len(doc.Diagnoses) == 0 || doc.Diagnoses[0].ID != wantID {
		t.Errorf("JSON diagnoses = %+v, want %s first", doc.Diagnoses, wantID)
	}

	if got := strings.TrimSpace(page.heading); got == "Signed in" || got == "" {
		t.Errorf("callback page heading = %q, want the diagnosis title\n%s", got, page.text)
	}
	if !strings.Contains(page.text, wantID) {
		t.Errorf("callback page does not name the diagnosis %s:\n%s", wantID, page.text)
	}
	if !strings.Contains(page.html, `class="failed"`) {
		t.Errorf("callback page is not marked failed:\n%s", page.html)
	}

	secrets := map[string]string{"client secret": client.Secret, "password": user.Password}
	if callbackURL, err := url.Parse(page.url); err == nil {
		secrets["authorization code"] = callbackURL.Query().Get("code")
	}
	for secretName, value := range secrets {
		if value != "" && strings.Contains(page.html, value) {
			t.Errorf("callback page HTML contains the %s", secretName)
		}
		if value != "" && strings.Contains(r.stdout+r.stderr, value) {
			t.Errorf("ksauth login output contains the %s", secretName)
		}
	}
}
