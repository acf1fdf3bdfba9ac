package flow

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

// onPath returns a lookPath that finds only the named programs, under
// /mnt/c/bin.
func onPath(programs ...string) func(string) (string, error) {
	return func(name string) (string, error) {
		for _, p := range programs {
			if p == name {
				return "/mnt/c/bin/" + name, nil
			}
		}
		return "", errors.New("not found")
	}
}

func TestIsWSL(t *testing.T) {
	tests := []struct {
		name, version, distro string
		want                  bool
	}{
		{"wsl2 kernel", "Linux version 5.15.167.4-microsoft-standard-WSL2 (root@1a2b) (gcc)", "", true},
		{"wsl1 kernel", "Linux version 4.4.0-19041-Microsoft (Microsoft@Microsoft.com)", "", true},
		{"distro variable", "Linux version 6.1.0-18-amd64", "Ubuntu", true},
		{"plain linux", "Linux version 6.1.0-18-amd64 (debian-kernel@lists.debian.org)", "", false},
	}
	for _, tt := range tests {
		if got := isWSL(tt.version, tt.distro); got != tt.want {
			t.Errorf("%s: isWSL = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestBrowserCommandLine(t *testing.T) {
	const target = "http://127.0.0.1:8765/ksauth/start"
	const full = "https://auth.example/realms/k-series/auth?a=1&b='2'"
	tests := []struct {
		name     string
		platform platform
		custom   string
		target   string
		want     []string
	}{
		{name: "system browser", platform: platform{goos: "linux", lookPath: onPath()}, target: target, want: nil},
		{name: "custom appended", platform: platform{goos: "linux", lookPath: onPath()},
			custom: "firefox --private-window", target: target,
			want: []string{"firefox", "--private-window", target}},
		{name: "custom with placeholder", platform: platform{goos: "linux", lookPath: onPath()},
			custom: `chromium --app=%s --user-data-dir "/tmp/my profile"`, target: target,
			want: []string{"chromium", "--app=" + target, "--user-data-dir", "/tmp/my profile"}},
		{name: "custom wins under wsl", platform: platform{goos: "linux", wsl: true, lookPath: onPath("wslview")},
			custom: "open", target: target, want: []string{"open", target}},
		{name: "wsl wslview", platform: platform{goos: "linux", wsl: true, lookPath: onPath("wslview", "powershell.exe")},
			target: target, want: []string{"/mnt/c/bin/wslview", target}},
		{name: "wsl powershell", platform: platform{goos: "linux", wsl: true, lookPath: onPath("powershell.exe", "cmd.exe")},
			target: full, want: []string{"/mnt/c/bin/powershell.exe", "-NoProfile", "-NonInteractive", "-Command",
				"Start-Process 'https://auth.example/realms/k-series/auth?a=1&b=''2'''"}},
		{name: "wsl cmd", platform: platform{goos: "linux", wsl: true, lookPath: onPath("cmd.exe")},
			target: full, want: []string{"/mnt/c/bin/cmd.exe", "/c", "start",
				"https://auth.example/realms/k-series/auth?a=1^&b='2'"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := browserCommandLine(tt.platform, tt.custom, tt.target)
			if err != nil {
				t.Fatalf("browserCommandLine: %v", err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("command = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestBrowserCommandLineErrors(t *testing.T) {
	tests := []struct {
		name     string
		platform platform
		custom   string
		want     string
	}{
		{"unclosed quote", platform{lookPath: onPath()}, `firefox "--new-tab`, "unclosed \" quote"},
		{"wsl without launcher", platform{goos: "linux", wsl: true, lookPath: onPath()}, "", "wslview"},
	}
	for _, tt := range tests {
		_, err := browserCommandLine(tt.platform, tt.custom, "http://127.0.0.1:1/ksauth/start")
		if err == nil {
			t.Errorf("%s: no error, want one containing %q", tt.name, tt.want)
			continue
		}
		if !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error %q does not contain %q", tt.name, err, tt.want)
		}
	}
}

func TestSSHForwardHint(t *testing.T) {
	p := platform{sshConnection: "203.0.113.7 51234 198.51.100.20 22"}
	hint := sshForwardHint(p, "8765", "127.0.0.1:9000")
	if want := "ssh -L 8765:127.0.0.1:9000 198.51.100.20"; !strings.Contains(hint, want) {
		t.Errorf("hint %q does not contain %q", hint, want)
	}
	if hint := sshForwardHint(platform{}, "8765", "127.0.0.1:8765"); hint != "" {
		t.Errorf("hint outside SSH = %q, want empty", hint)
	}
}

func TestNarratorLiveLine(t *testing.T) {
	var term, pipe strings.Builder
	for _, n := range []*narrator{{w: &term, terminal: true}, {w: &pipe}} {
		n.setLive("Waiting for the callback: 1s elapsed")
		n.line("token     ok")
		n.setLive("Waiting for the callback: 2s elapsed")
		n.clearLive()
	}
	wantTerm := "\r\x1b[KWaiting for the callback: 1s elapsed\r\x1b[Ktoken     ok\n\r\x1b[KWaiting for the callback: 2s elapsed\r\x1b[K"
	if term.String() != wantTerm {
		t.Errorf("terminal output = %q, want %q", term.String(), wantTerm)
	}
	if pipe.String() != "token     ok\n" {
		t.Errorf("pipe output = %q, want only the ordinary line", pipe.String())
	}
}
