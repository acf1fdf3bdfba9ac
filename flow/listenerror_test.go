package flow

import (
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"syscall"
	"testing"
)

func TestListenErrorNamesPortHolder(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	addr := ln.Addr().String()
	_, err = net.Listen("tcp", addr)
	if err == nil {
		t.Fatalf("second listener on %s succeeded, want address in use", addr)
	}

	line := describeListenError(err, addr, addr)
	if !strings.Contains(line, "address "+addr+" is already in use") {
		t.Errorf("line %q does not say the address is in use", line)
	}
	if strings.Contains(line, "\n") {
		t.Errorf("line %q has more than one line", line)
	}
	if _, statErr := os.Stat("/proc/net/tcp"); statErr != nil {
		t.Skip("no /proc/net/tcp: the holder cannot be named on this OS")
	}
	want := "process " + strconv.Itoa(os.Getpid()) + " ("
	if !strings.Contains(line, want) {
		t.Errorf("line %q does not name this test process (%q)", line, want)
	}
}

func TestListenErrorPrivilegedPort(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:1")
	if err == nil {
		// This user may bind privileged ports, so the error is built in
		// the shape net.Listen returns it on Linux.
		ln.Close()
		err = &net.OpError{Op: "listen", Net: "tcp", Err: os.NewSyscallError("bind", syscall.EACCES)}
	}
	line := describeListenError(err, "127.0.0.1:1", "localhost:1")
	for _, want := range []string{"permission denied", "port 1 is privileged", "ip_unprivileged_port_start=1,", "--callback-addr HOST:PORT", "localhost:1"} {
		if !strings.Contains(line, want) {
			t.Errorf("line %q does not contain %q", line, want)
		}
	}
}

func TestCallbackStartURLRedirects(t *testing.T) {
	srv, gate, handled, observed := testCallback(t, Config{RedirectURI: "http://127.0.0.1:0/callback"})
	const authURL = "http://127.0.0.1:9/realms/k-series/protocol/openid-connect/auth?state=s&client_id=c"
	srv.authURL = authURL
	want := "http://" + srv.redirect.Host + startPath
	if srv.startURL() != want {
		t.Fatalf("startURL = %q, want %q", srv.startURL(), want)
	}

	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Get(srv.startURL())
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusFound {
		t.Errorf("status %d, want 302", resp.StatusCode)
	}
	if loc := resp.Header.Get("Location"); loc != authURL {
		t.Errorf("Location = %q, want the authorization URL", loc)
	}
	if len(*handled) != 0 || len(srv.ignoredCallbacks()) != 0 {
		t.Errorf("start URL counted as a callback: handled %d, ignored %v", len(*handled), srv.ignoredCallbacks())
	}
	if len(*observed) != 1 || !strings.Contains((*observed)[0].Note, "start URL") {
		t.Errorf("observed = %+v, want one start URL exchange", *observed)
	}

	gate.take()
	resp, err = client.Get(srv.startURL())
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusGone {
		t.Errorf("status after the sign-in ended = %d, want 410", resp.StatusCode)
	}
}

func TestCallbackStartURLOffForStartPath(t *testing.T) {
	srv, _, _, _ := testCallback(t, Config{RedirectURI: "http://127.0.0.1:0" + startPath})
	if got := srv.startURL(); got != "" {
		t.Errorf("startURL = %q, want none when the redirect URI uses the start path", got)
	}
}
