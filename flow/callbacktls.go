package flow

import (
	"crypto/tls"
	"fmt"

	"github.com/kseries-tools/ksauth/internal/localtls"
)

// callbackTLS loads the certificate for an https callback server on host:
// the files in Config.CallbackCertFile and Config.CallbackKeyFile, or the
// generated localhost certificate. It narrates where the certificate is
// and, when it was just generated, how to make the browser trust it.
func (r *runner) callbackTLS(host string) (*tls.Config, error) {
	cert, err := localtls.Load(localtls.Options{Dir: r.cfg.CallbackCertDir,
		CertFile: r.cfg.CallbackCertFile, KeyFile: r.cfg.CallbackKeyFile, Now: r.cfg.Clock})
	if err != nil {
		return nil, err
	}
	switch {
	case cert.Generated:
		r.narrate("Generated a TLS certificate for %s, valid until %s: %s",
			fmt.Sprint(localtls.Hosts), cert.NotAfter().Format("2006-01-02"), cert.CertPath)
		r.narrate("%s", localtls.TrustHint(r.trustPlatform(), cert.CertPath))
	default:
		r.narrate("Serving the https callback with the certificate %s", cert.CertPath)
	}
	if !cert.Covers(host) {
		r.narrate("warning: the certificate %s does not cover %s, so the browser will reject it", cert.CertPath, host)
	}
	return cert.TLSConfig(), nil
}

// trustPlatform returns the localtls platform whose trust store the
// browser reads.
func (r *runner) trustPlatform() string {
	if r.platform.wsl {
		return localtls.PlatformWSL
	}
	return r.platform.goos
}
