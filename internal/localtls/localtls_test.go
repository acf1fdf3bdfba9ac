package localtls

import (
	"crypto/ecdsa"
	"crypto/tls"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestLoadGeneratesCertificate(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "ksauth")
	c, err := Load(Options{Dir: dir})
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	if !c.Generated {
		t.Error("Generated = false on the first call, want true")
	}
	if c.CertPath != filepath.Join(dir, CertName) || c.KeyPath != filepath.Join(dir, KeyName) {
		t.Errorf("paths = %s, %s; want them in %s", c.CertPath, c.KeyPath, dir)
	}
	if _, ok := c.Certificate.PrivateKey.(*ecdsa.PrivateKey); !ok {
		t.Errorf("private key is %T, want *ecdsa.PrivateKey", c.Certificate.PrivateKey)
	}
	for _, h := range Hosts {
		if !c.Covers(h) {
			t.Errorf("certificate does not cover %s", h)
		}
	}
	if c.Covers("example.com") {
		t.Error("certificate covers example.com")
	}
	if got := c.NotAfter().Sub(time.Now()); got < Validity-time.Hour || got > Validity {
		t.Errorf("validity left %s, want about %s", got, Validity)
	}
	assertMode(t, dir, 0o700)
	assertMode(t, c.KeyPath, 0o600)
}

func assertMode(t *testing.T, path string, want os.FileMode) {
	t.Helper()
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := info.Mode().Perm(); got != want {
		t.Errorf("mode of %s = %o, want %o", path, got, want)
	}
}

func TestLoadReusesValidCertificate(t *testing.T) {
	dir := t.TempDir()
	first, err := Load(Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	second, err := Load(Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if second.Generated {
		t.Error("second Load generated a new certificate, want the stored one")
	}
	if first.Certificate.Leaf.SerialNumber.Cmp(second.Certificate.Leaf.SerialNumber) != 0 {
		t.Error("serial numbers differ, want the same certificate")
	}
}

func TestLoadRegenerates(t *testing.T) {
	tests := []struct {
		name  string
		spoil func(t *testing.T, c *Cert)
		now   time.Time
	}{
		{name: "expired", now: time.Now().Add(Validity + time.Hour)},
		{name: "expires within a day", now: time.Now().Add(Validity - RenewBefore/2)},
		{name: "corrupt certificate", now: time.Now(), spoil: func(t *testing.T, c *Cert) {
			if err := os.WriteFile(c.CertPath, []byte("not a certificate"), 0o644); err != nil {
				t.Fatal(err)
			}
		}},
		{name: "missing key", now: time.Now(), spoil: func(t *testing.T, c *Cert) {
			if err := os.Remove(c.KeyPath); err != nil {
				t.Fatal(err)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			first, err := Load(Options{Dir: dir})
			if err != nil {
				t.Fatal(err)
			}
			if tt.spoil != nil {
				tt.spoil(t, first)
			}
			second, err := Load(Options{Dir: dir, Now: func() time.Time { return tt.now }})
			if err != nil {
				t.Fatalf("Load: %v", err)
			}
			if !second.Generated {
				t.Error("Generated = false, want a new certificate")
			}
			if first.Certificate.Leaf.SerialNumber.Cmp(second.Certificate.Leaf.SerialNumber) == 0 {
				t.Error("serial number unchanged, want a new certificate")
			}
			if !second.NotAfter().After(tt.now) {
				t.Errorf("new certificate ends %s, before the clock's %s", second.NotAfter(), tt.now)
			}
		})
	}
}

func TestLoadUserFiles(t *testing.T) {
	generated, err := Load(Options{Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	c, err := Load(Options{CertFile: generated.CertPath, KeyFile: generated.KeyPath})
	if err != nil {
		t.Fatalf("Load user files: %v", err)
	}
	if !c.UserSupplied || c.Generated {
		t.Errorf("UserSupplied = %v, Generated = %v; want true, false", c.UserSupplied, c.Generated)
	}
	if c.CertPath != generated.CertPath {
		t.Errorf("CertPath = %s, want %s", c.CertPath, generated.CertPath)
	}
}

func TestLoadUserFilesErrors(t *testing.T) {
	generated, err := Load(Options{Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(t.TempDir(), "none.key")
	later := func() time.Time { return generated.NotAfter().Add(time.Minute) }
	tests := []struct {
		name string
		opts Options
		want string
	}{
		{"certificate without key", Options{CertFile: generated.CertPath}, "needs both files"},
		{"key without certificate", Options{KeyFile: generated.KeyPath}, "needs both files"},
		{"missing key file", Options{CertFile: generated.CertPath, KeyFile: missing}, missing},
		{"expired", Options{CertFile: generated.CertPath, KeyFile: generated.KeyPath, Now: later}, "expired"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Load(tt.opts)
			if err == nil {
				t.Fatal("Load succeeded, want an error")
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not contain %q", err, tt.want)
			}
		})
	}
}

func TestTLSConfigServesTrustedHandshake(t *testing.T) {
	c, err := Load(Options{Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "hello "+r.Host)
	})}
	go srv.Serve(tls.NewListener(ln, c.TLSConfig()))
	t.Cleanup(func() { srv.Close() })
	_, port, _ := net.SplitHostPort(ln.Addr().String())

	client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: c.CertPool()}}}
	t.Cleanup(client.CloseIdleConnections)
	for _, host := range []string{"localhost", "127.0.0.1"} {
		resp, err := client.Get("https://" + net.JoinHostPort(host, port) + "/")
		if err != nil {
			t.Errorf("GET over TLS to %s: %v", host, err)
			continue
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if !strings.HasPrefix(string(body), "hello ") {
			t.Errorf("body from %s = %q", host, body)
		}
	}

	untrusting := &http.Client{Transport: &http.Transport{}}
	t.Cleanup(untrusting.CloseIdleConnections)
	if _, err := untrusting.Get("https://127.0.0.1:" + port + "/"); err == nil {
		t.Error("client without the certificate in its roots connected, want a verification error")
	}
}

func TestTrustHintNamesCertificate(t *testing.T) {
	path := "/home/dana/.config/ksauth/localhost.crt"
	for platform, want := range map[string]string{
		PlatformLinux:   "update-ca-certificates",
		PlatformDarwin:  "Keychain Access",
		PlatformWindows: "certutil -user -addstore Root",
		PlatformWSL:     "wslpath -w",
		"plan9":         "trusted certificates",
	} {
		hint := TrustHint(platform, path)
		if !strings.Contains(hint, path) {
			t.Errorf("%s hint does not name the certificate path: %q", platform, hint)
		}
		if !strings.Contains(hint, want) {
			t.Errorf("%s hint does not contain %q: %q", platform, want, hint)
		}
	}
}
