package main

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/kseries-tools/ksauth/demo"
	"github.com/kseries-tools/ksauth/envs/emulator"
	"github.com/kseries-tools/ksauth/flow"
	"github.com/kseries-tools/ksauth/internal/redact"
)

// secretTap collects the secret values that the runs of one test sent or
// were issued, read from the raw exchanges through exchangeTap. They are
// the seeded client secrets and passwords, their Basic header values,
// each authorization code, code_verifier, access, ID and refresh token,
// and the cookies.
type secretTap struct {
	mu sync.Mutex
	// kinds maps each secret value to what it is, such as "code".
	kinds map[string]string
}

// newSecretTap installs a tap for the test's runs, seeded with the
// emulator's client secrets and passwords.
func newSecretTap(t *testing.T) *secretTap {
	t.Helper()
	tap := &secretTap{kinds: map[string]string{}}
	seed := emulator.DefaultSeed()
	clients := []emulator.SeedClient{seed.TrialClient, seed.TrialConsentClient, seed.TrialPKCEClient,
		seed.TrialServiceAccountClient, seed.TrialDirectGrantClient, seed.ProductionClient}
	for _, c := range clients {
		tap.add("client secret", c.Secret)
		tap.add("Basic credentials", base64.StdEncoding.EncodeToString([]byte(c.ClientID+":"+c.Secret)))
	}
	users := []emulator.SeedUser{seed.TrialUser, seed.TrialDisabledUser, seed.TrialSetupUser, seed.ProductionUser}
	for _, u := range users {
		tap.add("password", u.Password)
	}
	collect := func(ex flow.Exchange) { tap.addExchange(ex) }
	exchangeTap.Store(&collect)
	t.Cleanup(func() { exchangeTap.Store(nil) })
	return tap
}

// minSecretLen keeps short values, such as a test's "x", out of the
// search, where they would match ordinary text.
const minSecretLen = 8

func (s *secretTap) add(kind, value string) {
	if len(value) < minSecretLen {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.kinds[value]; !ok {
		s.kinds[value] = kind
	}
	// A JWT's signature makes it usable, so the signature must not appear
	// even apart from the rest of the token.
	if parts := strings.Split(value, "."); len(parts) == 3 && strings.HasPrefix(value, "eyJ") && len(parts[2]) >= minSecretLen {
		s.kinds[parts[2]] = kind + " signature"
	}
}

// secretParams are the request and redirect parameters that carry a
// secret.
var secretParams = map[string]string{
	"code": "code", "code_verifier": "code_verifier", "refresh_token": "refresh token",
	"access_token": "access token", "id_token": "ID token", "client_secret": "client secret",
	"password": "password", "token": "token",
}

// addExchange records the secrets of one raw exchange: the parameters of
// its URL, form body and redirect, its Authorization header and the tokens
// of a JSON response.
func (s *secretTap) addExchange(ex flow.Exchange) {
	s.addParams(ex.URL)
	s.addParams(ex.ResponseHeader.Get("Location"))
	if form, err := url.ParseQuery(string(ex.RequestBody)); err == nil {
		s.addValues(form)
	}
	s.addAuthorization(ex.RequestHeader)
	s.addCookies(ex.RequestHeader, ex.ResponseHeader)
	var tokens struct {
		AccessToken  string `json:"access_token"`
		IDToken      string `json:"id_token"`
		RefreshToken string `json:"refresh_token"`
	}
	if json.Unmarshal(ex.ResponseBody, &tokens) == nil {
		s.add("access token", tokens.AccessToken)
		s.add("ID token", tokens.IDToken)
		s.add("refresh token", tokens.RefreshToken)
	}
}

func (s *secretTap) addParams(rawURL string) {
	u, err := url.Parse(rawURL)
	if err != nil || rawURL == "" {
		return
	}
	s.addValues(u.Query())
	if frag, err := url.ParseQuery(u.EscapedFragment()); err == nil {
		s.addValues(frag)
	}
}

func (s *secretTap) addValues(v url.Values) {
	for name, kind := range secretParams {
		for _, value := range v[name] {
			s.add(kind, value)
		}
	}
}

// addAuthorization records a Basic header's encoded value and decoded
// secret, and a Bearer token.
func (s *secretTap) addAuthorization(h http.Header) {
	scheme, value, _ := strings.Cut(h.Get("Authorization"), " ")
	switch strings.ToLower(scheme) {
	case "basic":
		s.add("Basic credentials", value)
		if raw, err := base64.StdEncoding.DecodeString(value); err == nil {
			_, secret, _ := strings.Cut(string(raw), ":")
			if decoded, err := url.QueryUnescape(secret); err == nil {
				secret = decoded
			}
			s.add("client secret", secret)
		}
	case "bearer":
		s.add("access token", value)
	}
}

// addCookies records the values of the cookies a request sent and a
// response set, such as Keycloak's KEYCLOAK_IDENTITY session cookie.
func (s *secretTap) addCookies(request, response http.Header) {
	for _, c := range (&http.Request{Header: request}).Cookies() {
		s.add("cookie", c.Value)
	}
	for _, c := range (&http.Response{Header: response}).Cookies() {
		s.add("cookie", c.Value)
	}
}

// count returns how many values of each kind were collected.
func (s *secretTap) count() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[string]int{}
	for _, kind := range s.kinds {
		out[kind]++
	}
	return out
}

// values returns the secrets of a kind.
func (s *secretTap) values(kind string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for v, k := range s.kinds {
		if k == kind {
			out = append(out, v)
		}
	}
	return out
}

// wantAbsent fails the test for each secret found in text, in its raw,
// form-encoded or path-encoded form. A failure names the secret by its
// redaction marker only.
func (s *secretTap) wantAbsent(t *testing.T, label, where, text string) {
	t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	var leaks []string
	for value, kind := range s.kinds {
		for _, form := range []string{value, url.QueryEscape(value), url.PathEscape(value)} {
			if strings.Contains(text, form) {
				leaks = append(leaks, kind+" "+redact.Marker(value))
				break
			}
		}
	}
	sort.Strings(leaks)
	for _, leak := range leaks {
		t.Errorf("%s: %s contains the %s", label, where, leak)
	}
}

// runRedacted runs ksauth with --verbose and --har, checks the HAR file's
// mode, and fails on any collected secret in stdout, stderr or the HAR.
func (s *secretTap) runRedacted(t *testing.T, label, stdin string, env map[string]string, args ...string) result {
	t.Helper()
	path := filepath.Join(t.TempDir(), "run.har")
	args = append(args, "--verbose", "--har", path)
	r := ksauth(t, stdin, env, args...)
	info, err := os.Stat(path)
	if err != nil {
		t.Fatalf("%s: no HAR file written: %v\nstderr:\n%s", label, err, r.stderr)
	}
	if mode := info.Mode().Perm(); mode != 0o600 {
		t.Errorf("%s: HAR file mode = %o, want 600", label, mode)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	s.wantAbsent(t, label, "stdout", r.stdout)
	s.wantAbsent(t, label, "stderr", r.stderr)
	s.wantAbsent(t, label, "the HAR file", string(data))
	return r
}

// wantCollected fails unless the tap saw at least one value of each kind,
// which shows that the search had something to find.
func (s *secretTap) wantCollected(t *testing.T, kinds ...string) {
	t.Helper()
	got := s.count()
	for _, kind := range kinds {
		if got[kind] == 0 {
			t.Errorf("no %s was collected from the runs (collected %v)", kind, got)
		}
	}
}

func TestRedactionDemoAndScenarios(t *testing.T) {
	tap := newSecretTap(t)
	tap.runRedacted(t, "demo", "", nil, "demo").wantCode(t, exitOK)
	tap.runRedacted(t, "demo --json", "", nil, "demo", "--json").wantCode(t, exitOK)
	tap.wantCollected(t, "code", "code_verifier", "access token", "ID token", "refresh token",
		"access token signature", "Basic credentials", "cookie")

	for _, sc := range demo.Scenarios() {
		for _, format := range []string{"text", "json"} {
			label := "demo --scenario " + sc.ID + " (" + format + ")"
			args := []string{"demo", "--scenario", sc.ID}
			if format == "json" {
				args = append(args, "--json")
			}
			r := tap.runRedacted(t, label, "", nil, args...)
			if r.code != exitOK {
				t.Errorf("%s: exit code = %d, want %d (expected diagnosis not produced)\n%s", label, r.code, exitOK, r.stdout)
			}
		}
	}
}

func TestRedactionDemoAll(t *testing.T) {
	tap := newSecretTap(t)
	tap.runRedacted(t, "demo --all --json", "", nil, "demo", "--all", "--json").wantCode(t, exitOK)
	tap.wantCollected(t, "code", "code_verifier", "access token", "refresh token")
}

func TestRedactionLoginRefreshCheck(t *testing.T) {
	tap := newSecretTap(t)
	envFile, seed := startEmulator(t)
	client := seed.TrialClient
	env := map[string]string{"KSAUTH_CLIENT_SECRET": client.Secret, "KSAUTH_PASSWORD": seed.TrialUser.Password}
	login := []string{"login", "--env", envFile, "--client-id", client.ClientID,
		"--redirect-uri", "http://127.0.0.1:0/callback", "--username", seed.TrialUser.Username}

	r := tap.runRedacted(t, "login", "", env, append(login, "--scope", "openid offline_access", "--refresh-check", "--json")...)
	r.wantCode(t, exitOK)
	tap.runRedacted(t, "login (text)", "", env, append(login, "--scope", "openid")...).wantCode(t, exitOK)

	wrong := map[string]string{"KSAUTH_CLIENT_SECRET": client.Secret, "KSAUTH_PASSWORD": seed.ProductionUser.Password}
	tap.runRedacted(t, "login with a wrong password", "", wrong, append(login, "--json")...).wantCode(t, exitFailed)
	tap.runRedacted(t, "login failing the probe", "", env, append(login, "--scope", "openid financial_api")...).wantCode(t, exitFailed)

	// The refresh token comes from a run that shows tokens, whose own
	// output is not searched; the refresh run must not show it.
	withTokens := ksauth(t, "", env, append(login, "--scope", "openid", "--show-tokens", "--json")...)
	withTokens.wantCode(t, exitOK)
	var doc struct {
		Tokens struct {
			RefreshToken string `json:"refresh_token"`
		}
	}
	if err := json.Unmarshal([]byte(withTokens.stdout), &doc); err != nil || doc.Tokens.RefreshToken == "" {
		t.Fatalf("login --show-tokens --json gave no refresh token (err %v)", err)
	}
	tap.add("refresh token", doc.Tokens.RefreshToken)
	refresh := []string{"refresh", "--env", envFile, "--client-id", client.ClientID}
	tap.runRedacted(t, "refresh", doc.Tokens.RefreshToken, env, append(refresh, "--json")...).wantCode(t, exitOK)

	check := []string{"check", "--env", envFile, "--client-id", client.ClientID,
		"--redirect-uri", "http://127.0.0.1:0/callback", "--scope", "openid", "--probe"}
	tap.runRedacted(t, "check --probe", "", env, check...).wantCode(t, exitOK)
	tap.runRedacted(t, "check --probe --json", "", env, append(check, "--json")...).wantCode(t, exitOK)

	tap.wantCollected(t, "code", "code_verifier", "access token", "ID token", "refresh token",
		"Basic credentials", "cookie")
}

// TestRedactionShowTokensControl shows that the search finds a token that
// is printed: with --show-tokens the issued access token is on stdout,
// while the HAR file of the same run stays redacted.
func TestRedactionShowTokensControl(t *testing.T) {
	tap := newSecretTap(t)
	path := filepath.Join(t.TempDir(), "shown.har")
	r := ksauth(t, "", nil, "demo", "--show-tokens", "--json", "--har", path)
	r.wantCode(t, exitOK)

	issued := tap.values("access token")
	if len(issued) == 0 {
		t.Fatal("no access token was collected from the run")
	}
	found := false
	for _, token := range issued {
		found = found || strings.Contains(r.stdout, token)
	}
	if !found {
		t.Errorf("with --show-tokens, none of the %d issued access tokens appears on stdout", len(issued))
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	tap.wantAbsent(t, "demo --show-tokens", "the HAR file", string(data))
}
