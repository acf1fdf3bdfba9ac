package flow

import (
	"bufio"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

// describeListenError returns the one-line cause of a callback listener
// that could not bind addr, with what to do next. redirectHostPort is the
// redirect URI's host and port, which must stay the registered one.
func describeListenError(err error, addr, redirectHostPort string) string {
	host, port, _ := net.SplitHostPort(addr)
	switch {
	case errors.Is(err, syscall.EACCES):
		return fmt.Sprintf("permission denied binding %s: port %s is privileged (below 1024, or below net.ipv4.ip_unprivileged_port_start on Linux). "+
			"Run with the privilege to bind it (CAP_NET_BIND_SERVICE), allow it with sysctl net.ipv4.ip_unprivileged_port_start=%s, "+
			"or keep the redirect URI %s and listen on a free port with Config.CallbackAddr (--callback-addr HOST:PORT), "+
			"such as %s, behind a port forward from port %s",
			addr, port, port, redirectHostPort, net.JoinHostPort(firstOf(host, "127.0.0.1"), "8443"), port)
	case errors.Is(err, syscall.EADDRINUSE):
		holder := "another program"
		if owner := portOwner(port); owner != "" {
			holder = owner
		}
		return fmt.Sprintf("address %s is already in use by %s: stop it, or keep the redirect URI %s and listen on "+
			"another port with Config.CallbackAddr (--callback-addr HOST:PORT) behind a port forward",
			addr, holder, redirectHostPort)
	case errors.Is(err, syscall.EADDRNOTAVAIL):
		return fmt.Sprintf("address %s is not assigned to this machine: use 127.0.0.1, localhost or ::1 in the "+
			"redirect URI, or set Config.CallbackAddr (--callback-addr HOST:PORT) to a local address", addr)
	}
	// The error itself follows in Error.Error and in the evidence.
	return "could not listen on " + addr
}

// portOwner names the process listening on a TCP port, such as
// "process 4242 (python3)", from /proc/net/tcp, /proc/net/tcp6 and the
// socket links in /proc/*/fd. It returns "" where /proc/net/tcp is missing
// (every OS but Linux) or the holder's file descriptors cannot be read, as
// for another user's process without root.
func portOwner(port string) string {
	n, err := strconv.ParseUint(port, 10, 16)
	if err != nil || n == 0 {
		return ""
	}
	inodes := map[string]bool{}
	for _, table := range []string{"/proc/net/tcp", "/proc/net/tcp6"} {
		for _, inode := range listeningInodes(table, uint16(n)) {
			inodes[inode] = true
		}
	}
	if len(inodes) == 0 {
		return ""
	}
	fds, _ := filepath.Glob("/proc/[0-9]*/fd/*")
	for _, fd := range fds {
		link, err := os.Readlink(fd)
		if err != nil || !strings.HasPrefix(link, "socket:[") {
			continue
		}
		if !inodes[strings.TrimSuffix(strings.TrimPrefix(link, "socket:["), "]")] {
			continue
		}
		pid := strings.Split(fd, "/")[2]
		comm, _ := os.ReadFile("/proc/" + pid + "/comm")
		if name := strings.TrimSpace(string(comm)); name != "" {
			return fmt.Sprintf("process %s (%s)", pid, name)
		}
		return "process " + pid
	}
	return ""
}

// tcpListen is the st value of a listening socket in /proc/net/tcp.
const tcpListen = "0A"

// listeningInodes returns the socket inodes of the listening sockets on
// port in a /proc/net/tcp-format table, whose local_address column is
// HEXIP:HEXPORT and whose tenth column is the inode.
func listeningInodes(table string, port uint16) []string {
	f, err := os.Open(table)
	if err != nil {
		return nil
	}
	defer f.Close()
	want := fmt.Sprintf(":%04X", port)
	var inodes []string
	scanner := bufio.NewScanner(f)
	for scanner.Scan() {
		fields := strings.Fields(scanner.Text())
		if len(fields) < 10 || fields[3] != tcpListen || !strings.HasSuffix(fields[1], want) {
			continue
		}
		inodes = append(inodes, fields[9])
	}
	return inodes
}
