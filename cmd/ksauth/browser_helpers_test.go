package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net"
	"net/url"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/kseries-tools/ksauth/internal/localtls"
)

// browserWait bounds every wait on Chromium or on the login command, so
// that a stuck run fails with a message instead of hanging the test binary.
const browserWait = 60 * time.Second

// chromiumPath returns the Chromium binary, or skips the test when none is
// on PATH.
func chromiumPath(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser"} {
		if path, err := exec.LookPath(name); err == nil {
			return path
		}
	}
	t.Skip("no chromium or chromium-browser on PATH: install Chromium (Debian: apt-get install chromium) to run the real-browser test")
	return ""
}

// trustedCallbackCert points os.UserConfigDir at a temporary directory,
// generates the localhost certificate there as the login command will
// find it, and returns the SPKI hash that trusts it in Chromium.
func trustedCallbackCert(t *testing.T) string {
	t.Helper()
	dir := isolateConfigDir(t)
	cert, err := localtls.Load(localtls.Options{Dir: dir})
	if err != nil {
		t.Fatalf("generating the localhost certificate in %s: %v", dir, err)
	}
	if !cert.Generated {
		t.Fatalf("the certificate in %s was not freshly generated, so the test may be reading a real configuration directory", dir)
	}
	return spkiHash(cert)
}

// isolateConfigDir points os.UserConfigDir at a temporary directory for
// the rest of the test and returns the directory of ksauth's generated
// certificate inside it.
func isolateConfigDir(t *testing.T) string {
	t.Helper()
	// os.UserConfigDir reads XDG_CONFIG_HOME on Linux, HOME on macOS and
	// APPDATA on Windows.
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("XDG_CONFIG_HOME", filepath.Join(home, ".config"))
	t.Setenv("APPDATA", filepath.Join(home, "AppData"))
	dir, err := localtls.DefaultDir()
	if err != nil {
		t.Fatal(err)
	}
	return dir
}

// spkiHash returns the base64 SHA-256 hash of the certificate's public
// key, the form Chromium's --ignore-certificate-errors-spki-list expects.
func spkiHash(cert *localtls.Cert) string {
	sum := sha256.Sum256(cert.Certificate.Leaf.RawSubjectPublicKeyInfo)
	return base64.StdEncoding.EncodeToString(sum[:])
}

// browser is a headless Chromium with a fresh profile, and the URL of every
// request it sent.
type browser struct {
	ctx context.Context

	mu       sync.Mutex
	requests []string
}

// loopbackOnly is Chromium's --host-resolver-rules value that fails every
// host name but localhost and 127.0.0.1, so no request can leave the
// machine.
const loopbackOnly = "MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1"

// newBrowser starts Chromium for the test with a fresh profile. It trusts
// the certificate whose public key hashes to spki, and resolves host names
// by resolverRules, such as loopbackOnly.
func newBrowser(t *testing.T, chromium, spki, resolverRules string) *browser {
	t.Helper()

	var output syncBuffer
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromium),
		chromedp.Flag("headless", true),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true),
		chromedp.NoFirstRun,
		chromedp.Flag("no-default-browser-check", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		// /dev/shm is small in many containers, and Chromium crashes when
		// it fills up.
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("ignore-certificate-errors-spki-list", spki),
		chromedp.Flag("host-resolver-rules", resolverRules),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.CombinedOutput(&output),
	}

	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelBrowser := chromedp.NewContext(allocCtx)
	t.Cleanup(func() {
		cancelBrowser()
		cancelAlloc()
		if t.Failed() {
			t.Logf("Chromium output, without D-Bus errors:\n%s", withoutDBusLines(output.String()))
		}
	})

	b := &browser{ctx: ctx}
	recordRequest := func(ev any) {
		if req, ok := ev.(*network.EventRequestWillBeSent); ok {
			b.mu.Lock()
			b.requests = append(b.requests, req.Request.URL)
			b.mu.Unlock()
		}
	}
	// The first call starts Chromium, which lives as long as ctx, so the
	// wait for it is bounded here and not by a timeout on ctx.
	started := make(chan error, 1)
	go func() { started <- chromedp.Listen(ctx, recordRequest) }()
	select {
	case err := <-started:
		if err != nil {
			t.Fatalf("starting %s failed: %v\nChromium output:\n%s", chromium, err, withoutDBusLines(output.String()))
		}
	case <-time.After(browserWait):
		t.Fatalf("%s did not start within %s\nChromium output:\n%s", chromium, browserWait, withoutDBusLines(output.String()))
	}
	return b
}

// do runs actions in the browser's tab, failing the test with step's name
// when they fail or do not finish within browserWait.
func (b *browser) do(t *testing.T, step string, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	browserValue(t, b, step, chromedp.Steps(actions...))
}

// browserValue runs action in the browser's tab and returns its value,
// failing the test with step's name when it fails or does not finish
// within browserWait.
func browserValue[T any](t *testing.T, b *browser, step string, action chromedp.Action[T]) T {
	t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, browserWait)
	defer cancel()
	v, err := chromedp.Run(ctx, action)
	if errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("%s: Chromium did not finish within %s\npage %s:\n%s", step, browserWait, b.location(), b.pageText())
	}
	if err != nil {
		t.Fatalf("%s: %v\npage %s:\n%s", step, err, b.location(), b.pageText())
	}
	return v
}

// waitFor waits until the tab shows a visible element that matches the CSS
// selector. It fails the test at once when the tab shows Chromium's error
// page, such as for a rejected certificate, or the realm's error page.
func (b *browser) waitFor(t *testing.T, step, selector string) {
	t.Helper()
	quoted, err := json.Marshal(selector)
	if err != nil {
		t.Fatal(err)
	}
	state := chromedp.Evaluate[string](`(() => {
		if (location.protocol === "chrome-error:") return "browser error page";
		if (document.querySelector(` + string(quoted) + `)) return "found";
		if (document.querySelector("#kc-error-message")) return "realm error page";
		return "";
	})()`)
	deadline := time.Now().Add(browserWait)
	lastErr := "none"
	for {
		ctx, cancel := context.WithTimeout(b.ctx, 5*time.Second)
		got, err := chromedp.Run(ctx, state)
		cancel()
		switch {
		case err != nil:
			// The page is changing, so the next round tries again.
			lastErr = err.Error()
		case got == "found":
			b.do(t, step, chromedp.WaitVisible(chromedp.CSS(selector)))
			return
		case got != "":
			t.Fatalf("%s: the browser shows a %s instead of %s\npage %s:\n%s", step, got, selector, b.location(), b.pageText())
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: no %s within %s (last evaluation error: %s)\npage %s:\n%s", step, selector, browserWait, lastErr, b.location(), b.pageText())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// location returns the tab's URL without its query, which may hold a
// code, or a note on why it is unknown.
func (b *browser) location() string {
	ctx, cancel := context.WithTimeout(b.ctx, 5*time.Second)
	defer cancel()
	loc, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		return "unknown: " + err.Error()
	}
	u, err := url.Parse(loc)
	if err != nil {
		return "unparsable URL"
	}
	u.RawQuery = ""
	return u.String()
}

// pageText returns the text of the tab's page, for a failure message, or
// a note on why it is unknown.
func (b *browser) pageText() string {
	ctx, cancel := context.WithTimeout(b.ctx, 5*time.Second)
	defer cancel()
	text, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.body ? document.body.innerText : ""`))
	if err != nil {
		return "unknown: " + err.Error()
	}
	return text
}

// checkLoopbackOnly fails the test for every request the browser sent to a
// host other than 127.0.0.1 or localhost.
func (b *browser) checkLoopbackOnly(t *testing.T) {
	t.Helper()
	b.mu.Lock()
	defer b.mu.Unlock()
	if len(b.requests) == 0 {
		t.Error("the browser recorded no requests at all")
	}
	for _, raw := range b.requests {
		u, err := url.Parse(raw)
		if err != nil {
			t.Errorf("browser request to an unparsable URL %q: %v", raw, err)
			continue
		}
		if host := u.Hostname(); host != "127.0.0.1" && host != "localhost" {
			t.Errorf("browser sent a request to %s://%s, which is not loopback", u.Scheme, u.Host)
		}
	}
}

// syncBuffer is a bytes.Buffer that one goroutine may write while another
// reads it.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// loginRun is a "ksauth login" running on its own goroutine.
type loginRun struct {
	stdout, stderr syncBuffer
	done           chan struct{}
	code           int
}

// startLoginCommand runs ksauth with args and the environment variables env
// until it exits or the test ends.
func startLoginCommand(t *testing.T, env map[string]string, args ...string) *loginRun {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	l := &loginRun{done: make(chan struct{})}
	go func() {
		defer close(l.done)
		getenv := func(k string) string { return env[k] }
		l.code = runWith(ctx, args, stdio{In: strings.NewReader(""), Out: &l.stdout, Err: &l.stderr}, getenv)
	}()
	t.Cleanup(func() {
		cancel()
		<-l.done
	})
	return l
}

// openURLPattern matches the URL the login command prints for the user to
// open, on the line after "Open this URL in your browser to sign in:".
var openURLPattern = regexp.MustCompile(`Open this URL in your browser to sign in:\s*\n\s*\n?\s*(https?://\S+)`)

// startURLPattern matches the start URL the login command passes to the
// browser command, which redirects to the authorization URL.
var startURLPattern = regexp.MustCompile(`Opening (https?://\S+) in the browser`)

// waitOpenURL returns the URL the login command printed on stderr for the
// user to open.
func (l *loginRun) waitOpenURL(t *testing.T) string {
	t.Helper()
	return l.waitStderrURL(t, openURLPattern)
}

// waitStderrURL returns the first submatch of pattern on the login
// command's stderr, once it is printed.
func (l *loginRun) waitStderrURL(t *testing.T, pattern *regexp.Regexp) string {
	t.Helper()
	deadline := time.NewTimer(browserWait)
	defer deadline.Stop()
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		if m := pattern.FindStringSubmatch(l.stderr.String()); m != nil {
			return m[1]
		}
		select {
		case <-l.done:
			t.Fatalf("ksauth login exited with %d before printing the URL to open\nstdout:\n%s\nstderr:\n%s",
				l.code, l.stdout.String(), l.stderr.String())
		case <-deadline.C:
			t.Fatalf("ksauth login printed nothing matching %s within %s\nstderr:\n%s", pattern, browserWait, l.stderr.String())
		case <-tick.C:
		}
	}
}

// wait returns the login command's exit code and output once it exits.
func (l *loginRun) wait(t *testing.T) result {
	t.Helper()
	select {
	case <-l.done:
	case <-time.After(browserWait):
		t.Fatalf("ksauth login did not exit within %s after the browser reached the callback\nstderr:\n%s",
			browserWait, l.stderr.String())
	}
	return result{code: l.code, stdout: l.stdout.String(), stderr: l.stderr.String()}
}

// httpsCallback returns the login flags that serve the registered https
// redirect URI, whose port is fixed, and the Chromium resolver rules that
// go with them. When the port is free the callback listens on it. When it
// is busy, the callback listens on a free port and Chromium maps the
// redirect URI's host and port to it, so the browser still follows the
// registered URI. An EXCLUDE rule for localhost would also cancel the MAP
// rule for localhost:PORT (seen with Chromium 156), so these rules fail
// every other localhost port instead of excluding localhost.
func httpsCallback(t *testing.T, redirectURI string) (args []string, resolverRules string) {
	t.Helper()
	u, err := url.Parse(redirectURI)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", u.Port()))
	if err == nil {
		ln.Close()
		return nil, loopbackOnly
	}
	t.Logf("port %s of the registered redirect URI is busy (%v): the callback listens elsewhere", u.Port(), err)
	ln, err = net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	// NOTE: another process may take the port between this Close and the
	// login command's Listen, and the login then fails with a clear error.
	ln.Close()
	return []string{"--callback-addr", addr}, "MAP " + u.Host + " " + addr + ", MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"
}

// withoutDBusLines drops Chromium's D-Bus connection errors, which it
// prints on every run without a session bus and which are unrelated to the
// test.
func withoutDBusLines(output string) string {
	var kept []string
	for _, line := range strings.Split(output, "\n") {
		if !strings.Contains(line, "dbus/") {
			kept = append(kept, line)
		}
	}
	return strings.Join(kept, "\n")
}
