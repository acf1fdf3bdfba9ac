package diagnose

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"os"
	"strings"
	"syscall"
)

// transportDiagnosis classifies a failed connection: TLS errors first,
// then DNS failures, refused connections and timeouts. It reports false
// for errors of another kind.
func transportDiagnosis(ev Evidence) (Diagnosis, bool) {
	err := ev.Err
	if err == nil {
		return Diagnosis{}, false
	}
	step := stepOr(ev.Step, StepToken)
	facts := []string{ev.Detail, "error: " + err.Error()}
	if cause, ok := tlsCause(err); ok {
		d := newDiagnosis(IDTLSError, step, facts...)
		d.leadWith(cause)
		return d, true
	}
	cause, ok := networkCause(err)
	if !ok {
		return Diagnosis{}, false
	}
	d := newDiagnosis(IDEndpointUnreachable, step, facts...)
	d.leadWith(cause)
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) {
		if w, known := wrongHosts[strings.ToLower(dnsErr.Name)]; known {
			d.addEvidence(w.fact)
		}
	}
	return d, true
}

// tlsCause names the TLS failure in err.
func tlsCause(err error) (string, bool) {
	var (
		unknownCA  x509.UnknownAuthorityError
		hostname   x509.HostnameError
		invalid    x509.CertificateInvalidError
		verify     *tls.CertificateVerificationError
		header     tls.RecordHeaderError
		headerPtr  *tls.RecordHeaderError
		alert      tls.AlertError
		systemRoot x509.SystemRootsError
	)
	switch {
	case errors.As(err, &unknownCA), errors.As(err, &systemRoot):
		return "the server's certificate is not signed by a trusted authority: a proxy that intercepts TLS, or a missing CA certificate", true
	case errors.As(err, &hostname):
		return "the certificate does not match the host name", true
	case errors.As(err, &invalid):
		return "the certificate is expired, not yet valid or not usable for this server", true
	case errors.As(err, &verify):
		return "the server's certificate could not be verified", true
	case errors.As(err, &header), errors.As(err, &headerPtr):
		return "the server did not answer in TLS: https was used against a plain-http server", true
	case errors.As(err, &alert):
		return "the server ended the TLS handshake with an alert", true
	case strings.Contains(err.Error(), "server gave HTTP response to HTTPS client"):
		return "the server did not answer in TLS: https was used against a plain-http server", true
	case strings.Contains(err.Error(), "tls: "), strings.Contains(err.Error(), "x509: "):
		return "the TLS handshake failed", true
	}
	return "", false
}

// networkCause names the connection failure in err.
func networkCause(err error) (string, bool) {
	var dnsErr *net.DNSError
	var opErr *net.OpError
	var netErr net.Error
	switch {
	case errors.As(err, &dnsErr):
		return "the host name " + dnsErr.Name + " does not resolve: a typo, a host that does not exist, or no DNS", true
	case errors.Is(err, syscall.ECONNREFUSED):
		return "the connection was refused: nothing listens there, or a local emulator is not running", true
	case errors.Is(err, os.ErrDeadlineExceeded), errors.Is(err, context.DeadlineExceeded),
		errors.As(err, &netErr) && netErr.Timeout():
		return "the connection timed out: a firewall, proxy or network outage", true
	case errors.Is(err, syscall.ECONNRESET):
		return "the connection was reset, often by a proxy or firewall", true
	case errors.Is(err, syscall.ENETUNREACH), errors.Is(err, syscall.EHOSTUNREACH):
		return "the network or host is unreachable", true
	case errors.As(err, &opErr):
		return "the connection failed: " + opErr.Op + " " + opErr.Net, true
	}
	return "", false
}

// isListenError reports whether err is a failure to bind a port.
func isListenError(err error) bool {
	return errors.Is(err, syscall.EADDRINUSE) || errors.Is(err, syscall.EACCES)
}

// listenFacts names why the callback listener could not bind.
func listenFacts(d *Diagnosis, err error) {
	if err == nil {
		return
	}
	d.addEvidence("error: " + err.Error())
	switch {
	case errors.Is(err, syscall.EADDRINUSE):
		d.leadWith("another program already listens on the redirect URI's port")
	case errors.Is(err, syscall.EACCES):
		d.leadWith("the port is below 1024, such as 443 for https://localhost/, and needs privileges")
		if port := listenPort(err); port > 0 {
			d.Fix = privilegedPortFix(port)
		}
	}
}

// listenPort returns the port a failed listen was for, or 0 when err does
// not carry a TCP address.
func listenPort(err error) int {
	var opErr *net.OpError
	if !errors.As(err, &opErr) {
		return 0
	}
	if addr, ok := opErr.Addr.(*net.TCPAddr); ok {
		return addr.Port
	}
	return 0
}

// privilegedPortFix is the callback-unavailable fix for a port the process
// may not bind, naming that port in the sysctl.
func privilegedPortFix(port int) string {
	return fmt.Sprintf("Run with the privilege to bind port %d (CAP_NET_BIND_SERVICE), or on Linux allow it with "+
		"sysctl net.ipv4.ip_unprivileged_port_start=%d. Or keep the redirect URI and listen on a free port with "+
		"--callback-addr HOST:PORT (Config.CallbackAddr) behind a port forward, or paste the URL the browser was "+
		"redirected to with --paste (LoginPaste).", port, port)
}
