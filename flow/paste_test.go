package flow

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strings"
	"testing"

	"github.com/kseries-tools/ksauth/diagnose"
)

func TestRunPasteRejectsNonURL(t *testing.T) {
	rl := startRealm(t, nil, nil)
	const code = "4f1c2a7e-code-value-0b9d"
	for name, pasted := range map[string]string{
		"plain text":   "not a url at all",
		"bare code":    code,
		"empty":        "",
		"blank lines":  "\n  \n",
		"relative":     "/callback?state=s&code=" + code,
		"other scheme": "ftp://127.0.0.1/callback?code=" + code,
	} {
		t.Run(name, func(t *testing.T) {
			cfg := rl.config()
			cfg.Login, cfg.NoBrowser = LoginPaste, true
			cfg.RedirectURI = "http://127.0.0.1:8765/callback"
			cfg.ReadRedirect = func(context.Context) (string, error) { return pasted, nil }

			res, err := Run(t.Context(), cfg)
			if !errors.Is(err, ErrInvalidInput) {
				t.Fatalf("err = %v, want ErrInvalidInput", err)
			}
			var fe *Error
			if errors.As(err, &fe) {
				t.Errorf("err is a flow *Error with diagnoses %v, want a plain input error", fe.Diagnoses)
			}
			if !strings.Contains(err.Error(), "address bar") {
				t.Errorf("err = %q, want it to say where to copy the URL from", err)
			}
			if strings.Contains(err.Error(), code) {
				t.Errorf("err = %q quotes the pasted code", err)
			}
			if res == nil || len(res.Steps) == 0 || res.Steps[len(res.Steps)-1].Name != diagnose.StepAuthorize {
				t.Errorf("result steps = %+v, want the timeline up to the authorize step", res)
			}
		})
	}
}

func TestRunPasteInputEnded(t *testing.T) {
	rl := startRealm(t, nil, nil)
	cfg := rl.config()
	cfg.Login, cfg.NoBrowser = LoginPaste, true
	cfg.RedirectURI = "http://127.0.0.1:8765/callback"
	cfg.ReadRedirect = func(context.Context) (string, error) {
		return "", fmt.Errorf("stdin ended before a redirect URL was pasted: %w", io.EOF)
	}
	_, err := Run(t.Context(), cfg)
	if !errors.Is(err, ErrInvalidInput) {
		t.Fatalf("err = %v, want ErrInvalidInput", err)
	}
	if !strings.Contains(err.Error(), "address bar") {
		t.Errorf("err = %q, want it to say where to copy the URL from", err)
	}
}

func TestRunPasteAcceptsBareQuery(t *testing.T) {
	rl := startRealm(t, nil, nil)
	for _, prefix := range []string{"", "?"} {
		t.Run("prefix "+prefix, func(t *testing.T) {
			cfg := rl.config()
			cfg.Login = LoginPaste
			cfg.RedirectURI = "http://127.0.0.1:8765/callback"
			browser := newTestBrowser(cfg.Username, cfg.Password)
			browser.stopAt = cfg.RedirectURI
			cfg.OpenBrowser = browser.open
			cfg.ReadRedirect = func(context.Context) (string, error) {
				visit := browser.wait(t)
				if visit.err != nil {
					return "", visit.err
				}
				u, err := url.Parse(visit.redirect)
				if err != nil {
					return "", err
				}
				return prefix + u.RawQuery, nil
			}
			if _, err := Run(t.Context(), cfg); err != nil {
				t.Fatalf("Run with a pasted query string: %v", err)
			}
		})
	}
}

func TestParsePastedRedirect(t *testing.T) {
	const redirect = "http://127.0.0.1:8765/callback"
	tests := []struct {
		pasted, want string
	}{
		{"  http://127.0.0.1:8765/callback?state=s&code=c\n", "http://127.0.0.1:8765/callback?state=s&code=c"},
		{"state=s&code=c&iss=x", "http://127.0.0.1:8765/callback?state=s&code=c&iss=x"},
		{"?error=access_denied&state=s", "http://127.0.0.1:8765/callback?error=access_denied&state=s"},
	}
	for _, tt := range tests {
		u, err := parsePastedRedirect(tt.pasted, redirect)
		if err != nil {
			t.Errorf("parsePastedRedirect(%q): %v", tt.pasted, err)
			continue
		}
		if u.String() != tt.want {
			t.Errorf("parsePastedRedirect(%q) = %s, want %s", tt.pasted, u, tt.want)
		}
	}
	if _, err := parsePastedRedirect("foo=bar", redirect); !errors.Is(err, ErrInvalidInput) {
		t.Errorf("parsePastedRedirect(foo=bar) = %v, want ErrInvalidInput", err)
	}
}

func TestParsePastedRejectsAuthorizationURL(t *testing.T) {
	auth := "http://127.0.0.1:8400/realms/k-series/protocol/openid-connect/auth?response_type=code&client_id=devp-v2-demo-x&state=s"
	_, err := parsePastedRedirect(auth, "http://127.0.0.1:8765/callback")
	if !errors.Is(err, ErrInvalidInput) {
		t.Fatalf("parsePastedRedirect(authorization URL) = %v, want ErrInvalidInput", err)
	}
	if !strings.Contains(err.Error(), "authorization request") {
		t.Errorf("error %q does not say it is the authorization request", err)
	}
}

func TestParsePastedRejectsURLWithoutCode(t *testing.T) {
	_, err := parsePastedRedirect("http://127.0.0.1:8765/callback?state=s&iss=x", "http://127.0.0.1:8765/callback")
	if !errors.Is(err, ErrInvalidInput) {
		t.Fatalf("parsePastedRedirect(no code) = %v, want ErrInvalidInput", err)
	}
	if !strings.Contains(err.Error(), "neither a code nor an error") {
		t.Errorf("error %q does not say what is missing", err)
	}
}
