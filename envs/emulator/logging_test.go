package emulator

import (
	"bytes"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
)

// lockedBuffer is a bytes.Buffer safe for the server's concurrent writes.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func TestLogsHoldNoSecrets(t *testing.T) {
	var logs lockedBuffer
	clock := NewManualClock(testStart)
	srv, err := New(DefaultConfig(), WithClock(clock), WithLogger(slog.New(slog.NewTextHandler(&logs, nil))))
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Start("127.0.0.1:0", "127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	e := &env{srv: srv, clock: clock}

	verifier, challenge := verifierPair("log")
	b := newBrowser(t)
	code := b.code(e.trial(), authRequestFor(seed.TrialClient.ClientID, loopbackRedirect,
		"code_challenge", challenge, "code_challenge_method", "S256"), seed.TrialUser)
	resp := exchange(t, e.trial(), seed.TrialClient, code, loopbackRedirect, "code_verifier", verifier)
	tokens := jsonBody(t, resp)
	replay := exchange(t, e.trial(), SeedClient{seed.TrialClient.ClientID, "wrong-secret-value"}, code, loopbackRedirect)
	if replay.status != http.StatusUnauthorized {
		t.Fatalf("wrong secret: status %d", replay.status)
	}
	other := newBrowser(t)
	action := other.openLogin(e.trial(), authRequestFor(seed.TrialClient.ClientID, loopbackRedirect))
	other.postForm(action, url.Values{"username": {seed.TrialUser.Username}, "password": {"typo-password-value"}})

	out := logs.String()
	for _, want := range []string{"event=CODE_TO_TOKEN ", "error=invalid_client_credentials", "error=invalid_user_credentials"} {
		if !strings.Contains(out, want) {
			t.Errorf("logs lack %q:\n%s", want, out)
		}
	}
	secrets := map[string]string{
		"client secret": seed.TrialClient.Secret, "wrong secret": "wrong-secret-value",
		"password": seed.TrialUser.Password, "typed password": "typo-password-value",
		"code": code, "code_verifier": verifier,
		"access token": tokens["access_token"].(string), "refresh token": tokens["refresh_token"].(string),
	}
	for name, value := range secrets {
		if strings.Contains(out, value) {
			t.Errorf("logs contain the %s", name)
		}
	}
}

func TestConcurrentLogins(t *testing.T) {
	e := startEmulator(t, nil)
	t.Run("group", func(t *testing.T) {
		for i := range 8 {
			client := []SeedClient{seed.TrialClient, seed.TrialDirectGrantClient}[i%2]
			t.Run(fmt.Sprint(i), func(t *testing.T) {
				t.Parallel()
				code := newBrowser(t).code(e.trial(), authRequestFor(client.ClientID, loopbackRedirect), seed.TrialUser)
				if resp := exchange(t, e.trial(), client, code, loopbackRedirect); resp.status != http.StatusOK {
					t.Errorf("exchange: status %d, body %s", resp.status, resp.body)
				}
			})
		}
	})
}
