package demo

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"strings"
	"testing"

	"github.com/kseries-tools/ksauth/envs/emulator"
	"github.com/kseries-tools/ksauth/internal/kcform"
)

// typingBrowser plays a person at a browser: it loads url,
// follows redirects, and submits the login form with the credentials it
// was given. It runs in the background, as a browser does, and reports
// its error on errs.
func typingBrowser(username, password string, errs chan<- error) func(string) error {
	return func(start string) error {
		go func() {
			jar, _ := cookiejar.New(nil)
			client := &http.Client{Jar: jar}
			resp, err := client.Get(start)
			if err != nil {
				errs <- err
				return
			}
			page, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			form, ok := kcform.Login(kcform.Read(page))
			if !ok {
				errs <- io.ErrUnexpectedEOF
				return
			}
			values := form.Submission("login")
			values.Set("username", username)
			values.Set("password", password)
			req, err := form.Request(context.Background(), resp.Request.URL, resp.Request.URL, values)
			if err != nil {
				errs <- err
				return
			}
			resp, err = client.Do(req)
			if err == nil {
				resp.Body.Close()
			}
			errs <- err
		}()
		return nil
	}
}

func TestRunBrowserMode(t *testing.T) {
	seed := emulator.DefaultSeed()
	errs := make(chan error, 1)
	var narration bytes.Buffer
	res, err := Run(context.Background(), Options{
		Narration:   &lockedWriter{w: &narration},
		Browser:     true,
		OpenBrowser: typingBrowser(seed.TrialUser.Username, seed.TrialUser.Password, errs),
	})
	if err != nil {
		t.Fatalf("Run in browser mode: %v", err)
	}
	if berr := <-errs; berr != nil {
		t.Fatalf("browser: %v", berr)
	}
	if res.Tokens == nil || res.Tokens.AccessToken == "" {
		t.Error("no access token after the browser sign-in")
	}
	if !strings.Contains(narration.String(), seed.TrialUser.Password) {
		t.Errorf("narration does not tell the person the demo password:\n%s", narration.String())
	}
	steps := map[string]string{}
	for _, s := range res.Steps {
		steps[string(s.Name)] = string(s.Status)
	}
	for _, name := range []string{"preflight", "authorize", "callback", "token", "verify"} {
		if steps[name] != "ok" {
			t.Errorf("step %s status = %q, want ok", name, steps[name])
		}
	}
}
