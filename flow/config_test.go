package flow

import (
	"context"
	"errors"
	"net"
	"os"
	"strings"
	"syscall"
	"testing"

	"github.com/kseries-tools/ksauth/diagnose"
	"github.com/kseries-tools/ksauth/envs"
)

// unreachableEnv is an environment on a loopback port nothing serves, so a
// Config check that lets a request through fails at discovery instead.
var unreachableEnv = envs.Local("local", envs.TierTrial, "http://127.0.0.1:9/realms/k-series")

func TestConfigRejectsPortOutOfRange(t *testing.T) {
	tests := []struct {
		name         string
		redirectURI  string
		callbackAddr string
		login        LoginMode
		wantPort     string
	}{
		{"redirect port too high", "http://127.0.0.1:99999/callback", "", LoginBrowser, "99999"},
		{"redirect port too high in paste mode", "http://127.0.0.1:70000/callback", "", LoginPaste, "70000"},
		{"callback address port too high", "http://127.0.0.1:8765/callback", "127.0.0.1:65536", LoginBrowser, "65536"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := Config{Env: unreachableEnv, ClientID: "devp-v2-demo-x", RedirectURI: tt.redirectURI,
				CallbackAddr: tt.callbackAddr, Login: tt.login,
				ReadRedirect: func(ctx context.Context) (string, error) { return "", nil }}
			_, err := Run(t.Context(), cfg)
			if !errors.Is(err, ErrInvalidConfig) {
				t.Fatalf("err = %v, want ErrInvalidConfig", err)
			}
			for _, want := range []string{"port " + tt.wantPort, "1 to 65535", "0 to pick a free port"} {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("err = %q, want it to contain %q", err, want)
				}
			}
		})
	}
}

func TestConfigAcceptsPortZeroAndDefault(t *testing.T) {
	for _, uri := range []string{"http://127.0.0.1:0/callback", "http://localhost/callback", "https://localhost:65535/cb"} {
		cfg := Config{Env: unreachableEnv, ClientID: "devp-v2-demo-x", RedirectURI: uri}
		if err := cfg.validate(true); err != nil {
			t.Errorf("validate(%s) = %v, want nil", uri, err)
		}
	}
}

func TestConfigNonLoopbackNamesFlags(t *testing.T) {
	cfg := Config{Env: unreachableEnv, ClientID: "devp-v2-demo-x", RedirectURI: "https://app.example.test/callback"}
	err := cfg.validate(true)
	if err == nil {
		t.Fatal("validate accepted a non-loopback redirect URI without a callback address")
	}
	for _, want := range []string{"--callback-addr HOST:PORT", "--paste"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("err = %q, want it to name %s", err, want)
		}
	}
}

func TestListenErrorNotRepeated(t *testing.T) {
	e := &Error{Step: diagnose.StepAuthorize, Err: errors.New("listen tcp: simulated failure")}
	e.Evidence.Detail = describeListenError(e.Err, "127.0.0.1:8765", "127.0.0.1:8765")
	if got := strings.Count(e.Error(), "simulated failure"); got != 1 {
		t.Errorf("Error() = %q names the cause %d times, want once", e.Error(), got)
	}
}

func TestPrivilegedPortFixNamesPort(t *testing.T) {
	err := &net.OpError{Op: "listen", Net: "tcp", Addr: &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 81},
		Err: os.NewSyscallError("bind", syscall.EACCES)}
	ds := diagnose.Match(diagnose.Evidence{Step: diagnose.StepAuthorize, Kind: diagnose.FindingListen, Err: err,
		Detail: describeListenError(err, "127.0.0.1:81", "127.0.0.1:81")})
	if ds[0].ID != diagnose.IDCallbackUnavailable {
		t.Fatalf("diagnosis = %q, want callback-unavailable", ds[0].ID)
	}
	if !strings.Contains(ds[0].Fix, "ip_unprivileged_port_start=81") {
		t.Errorf("fix %q does not name port 81", ds[0].Fix)
	}
	if strings.Contains(ds[0].Fix, "=443") {
		t.Errorf("fix %q names port 443", ds[0].Fix)
	}
	for _, want := range []string{"--callback-addr HOST:PORT", "--paste"} {
		if !strings.Contains(ds[0].Fix, want) {
			t.Errorf("fix %q does not name %s", ds[0].Fix, want)
		}
	}
}
