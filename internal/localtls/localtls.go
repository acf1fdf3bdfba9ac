// Package localtls provides the TLS certificate of the callback server for
// https redirect URIs on localhost. It generates one self-signed ECDSA
// certificate for localhost, 127.0.0.1 and ::1, keeps it in the user's
// configuration directory and reuses it until it expires, so that a user
// trusts it once. It also loads a certificate and key the user supplies.
package localtls

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"time"
)

// Hosts are the names and addresses the generated certificate covers.
var Hosts = []string{"localhost", "127.0.0.1", "::1"}

// File names of the generated certificate and key inside Options.Dir.
const (
	CertName = "localhost.crt"
	KeyName  = "localhost.key"
)

// Validity is the generated certificate's lifetime, just under the 398-day
// maximum that Safari and Chrome apply to publicly trusted server
// certificates.
const Validity = 397 * 24 * time.Hour

// RenewBefore is how long before expiry a generated certificate is
// replaced, so that a run never starts with one that expires mid-flow.
const RenewBefore = 24 * time.Hour

// Options selects the certificate Load returns.
type Options struct {
	// Dir holds the generated certificate and key. Default DefaultDir().
	Dir string
	// CertFile and KeyFile, when both are set, name a PEM certificate and
	// key to load instead of the generated pair. Setting one without the
	// other is an error.
	CertFile, KeyFile string
	// Now returns the current time for the expiry check and the new
	// certificate's validity. Default time.Now.
	Now func() time.Time
}

// Cert is a loaded or generated certificate with its key.
type Cert struct {
	// Certificate is the certificate with its private key and parsed leaf.
	Certificate tls.Certificate
	// CertPath and KeyPath are the PEM files it came from.
	CertPath, KeyPath string
	// Generated is true when Load created the files in this call.
	Generated bool
	// UserSupplied is true when the files came from Options.CertFile and
	// Options.KeyFile.
	UserSupplied bool
}

// DefaultDir returns the directory of the generated certificate:
// os.UserConfigDir()/ksauth, such as ~/.config/ksauth on Linux.
func DefaultDir() (string, error) {
	dir, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("could not find the user configuration directory: %w", err)
	}
	return filepath.Join(dir, "ksauth"), nil
}

// Load returns the certificate for the callback server. With
// Options.CertFile and Options.KeyFile it loads those files and rejects an
// expired certificate. Otherwise it reads the generated pair from
// Options.Dir and generates a new one when the files are missing,
// unreadable, do not match, do not cover every name in Hosts, or expire
// within RenewBefore.
func Load(opts Options) (*Cert, error) {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.CertFile != "" || opts.KeyFile != "" {
		return loadUserPair(opts)
	}
	if opts.Dir == "" {
		dir, err := DefaultDir()
		if err != nil {
			return nil, err
		}
		opts.Dir = dir
	}
	certPath, keyPath := filepath.Join(opts.Dir, CertName), filepath.Join(opts.Dir, KeyName)
	if c, err := readPair(certPath, keyPath); err == nil && usable(c.Leaf, opts.Now()) {
		return &Cert{Certificate: c, CertPath: certPath, KeyPath: keyPath}, nil
	}
	c, err := generate(opts.Dir, certPath, keyPath, opts.Now())
	if err != nil {
		return nil, err
	}
	return &Cert{Certificate: c, CertPath: certPath, KeyPath: keyPath, Generated: true}, nil
}

// loadUserPair loads the certificate and key the user named.
func loadUserPair(opts Options) (*Cert, error) {
	if opts.CertFile == "" || opts.KeyFile == "" {
		return nil, errors.New("a TLS certificate needs both files: give the certificate and the key, or neither to use the generated one")
	}
	c, err := readPair(opts.CertFile, opts.KeyFile)
	if err != nil {
		return nil, fmt.Errorf("could not load the TLS certificate %s with key %s: %w", opts.CertFile, opts.KeyFile, err)
	}
	if now := opts.Now(); now.After(c.Leaf.NotAfter) {
		return nil, fmt.Errorf("TLS certificate %s expired at %s: renew it, or leave out the certificate files to use a generated one",
			opts.CertFile, c.Leaf.NotAfter.UTC().Format(time.RFC3339))
	}
	return &Cert{Certificate: c, CertPath: opts.CertFile, KeyPath: opts.KeyFile, UserSupplied: true}, nil
}

// readPair loads a PEM certificate and key and parses the leaf.
func readPair(certPath, keyPath string) (tls.Certificate, error) {
	c, err := tls.LoadX509KeyPair(certPath, keyPath)
	if err != nil {
		return tls.Certificate{}, err
	}
	if c.Leaf == nil {
		leaf, err := x509.ParseCertificate(c.Certificate[0])
		if err != nil {
			return tls.Certificate{}, err
		}
		c.Leaf = leaf
	}
	return c, nil
}

// usable reports whether a generated certificate can be reused at now.
func usable(leaf *x509.Certificate, now time.Time) bool {
	if leaf == nil || now.Before(leaf.NotBefore) || now.Add(RenewBefore).After(leaf.NotAfter) {
		return false
	}
	return coversAll(leaf)
}

func coversAll(leaf *x509.Certificate) bool {
	for _, h := range Hosts {
		if leaf.VerifyHostname(h) != nil {
			return false
		}
	}
	return true
}

// Covers reports whether the certificate is valid for host, a name or an
// IP address without a port.
func (c *Cert) Covers(host string) bool {
	return c.Certificate.Leaf != nil && c.Certificate.Leaf.VerifyHostname(host) == nil
}

// NotAfter returns the end of the certificate's validity.
func (c *Cert) NotAfter() time.Time {
	if c.Certificate.Leaf == nil {
		return time.Time{}
	}
	return c.Certificate.Leaf.NotAfter
}

// TLSConfig returns a server configuration that serves the certificate
// with TLS 1.2 or later.
func (c *Cert) TLSConfig() *tls.Config {
	return &tls.Config{
		Certificates: []tls.Certificate{c.Certificate},
		MinVersion:   tls.VersionTLS12,
	}
}

// CertPool returns a pool holding only this certificate, for a client that
// trusts it, such as a test's HTTP client.
func (c *Cert) CertPool() *x509.CertPool {
	pool := x509.NewCertPool()
	if c.Certificate.Leaf != nil {
		pool.AddCert(c.Certificate.Leaf)
	}
	return pool
}

// isIP reports whether host is an IP address.
func isIP(host string) bool { return net.ParseIP(host) != nil }

// sanNames splits Hosts into DNS names and IP addresses.
func sanNames() (dns []string, ips []net.IP) {
	for _, h := range Hosts {
		if isIP(h) {
			ips = append(ips, net.ParseIP(h))
		} else {
			dns = append(dns, h)
		}
	}
	return dns, ips
}
