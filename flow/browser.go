package flow

import (
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"sync"

	"github.com/pkg/browser"
)

// platform is the part of the environment that the browser choice and the
// hints depend on, read once per run.
type platform struct {
	goos string
	// wsl is true under the Windows Subsystem for Linux, where the browser
	// is a Windows program.
	wsl bool
	// sshConnection is $SSH_CONNECTION: "client_ip client_port server_ip
	// server_port" in an SSH session, else empty.
	sshConnection string
	lookPath      func(string) (string, error)
}

// detectPlatform reads the platform of the running process.
func detectPlatform() platform {
	p := platform{goos: runtime.GOOS, sshConnection: os.Getenv("SSH_CONNECTION"), lookPath: exec.LookPath}
	if p.goos == "linux" {
		version, _ := os.ReadFile("/proc/version")
		p.wsl = isWSL(string(version), os.Getenv("WSL_DISTRO_NAME"))
	}
	return p
}

// isWSL reports whether /proc/version's text or $WSL_DISTRO_NAME shows
// WSL. Both WSL 1 ("Microsoft") and WSL 2 ("microsoft-standard-WSL2")
// name Microsoft in the kernel version.
func isWSL(procVersion, distroName string) bool {
	return distroName != "" || strings.Contains(strings.ToLower(procVersion), "microsoft")
}

// browserCommandLine returns the command that opens target. A custom
// command gets target in place of %s, or appended when it has no %s. Under
// WSL it is the first of wslview, powershell.exe and cmd.exe found, which
// open the Windows browser. Otherwise it is nil, for the system browser
// through github.com/pkg/browser.
func browserCommandLine(p platform, custom, target string) ([]string, error) {
	if strings.TrimSpace(custom) != "" {
		args, err := splitCommand(custom)
		if err != nil {
			return nil, fmt.Errorf("invalid browser command %q: %w", custom, err)
		}
		substituted := false
		for i, a := range args {
			if strings.Contains(a, "%s") {
				args[i] = strings.ReplaceAll(a, "%s", target)
				substituted = true
			}
		}
		if !substituted {
			args = append(args, target)
		}
		return args, nil
	}
	if !p.wsl {
		return nil, nil
	}
	if path, err := p.lookPath("wslview"); err == nil {
		return []string{path, target}, nil
	}
	if path, err := p.lookPath("powershell.exe"); err == nil {
		quoted := "'" + strings.ReplaceAll(target, "'", "''") + "'"
		return []string{path, "-NoProfile", "-NonInteractive", "-Command", "Start-Process " + quoted}, nil
	}
	if path, err := p.lookPath("cmd.exe"); err == nil {
		// cmd.exe splits its command line at & and | unless escaped with ^.
		// NOTE: the escaping follows cmd.exe's documented rules and has not
		// been run on a WSL host.
		escaped := strings.NewReplacer("^", "^^", "&", "^&", "|", "^|", "<", "^<", ">", "^>").Replace(target)
		return []string{path, "/c", "start", escaped}, nil
	}
	return nil, errors.New("running under WSL but none of wslview, powershell.exe or cmd.exe is on PATH: install wslu, or open the URL yourself")
}

// splitCommand splits a command line into words at spaces, keeping
// single- or double-quoted parts together, as a shell would without
// expansions.
func splitCommand(s string) ([]string, error) {
	var words []string
	var word strings.Builder
	inWord := false
	var quote rune
	for _, c := range s {
		switch {
		case quote != 0 && c == quote:
			quote = 0
		case quote != 0:
			word.WriteRune(c)
		case c == '\'' || c == '"':
			quote, inWord = c, true
		case c == ' ' || c == '\t':
			if inWord {
				words = append(words, word.String())
				word.Reset()
				inWord = false
			}
		default:
			word.WriteRune(c)
			inWord = true
		}
	}
	if quote != 0 {
		return nil, fmt.Errorf("unclosed %c quote", quote)
	}
	if inWord {
		words = append(words, word.String())
	}
	if len(words) == 0 {
		return nil, errors.New("empty command")
	}
	return words, nil
}

// browserOpener returns the default Config.OpenBrowser: the command that
// browserCommandLine chooses, started without waiting for it to exit, or
// the system browser. The launcher's own output goes to narration, so that
// a message such as Chromium's "Opening in existing browser session."
// never reaches stdout.
func browserOpener(p platform, custom string, narration io.Writer) func(string) error {
	return func(target string) error {
		args, err := browserCommandLine(p, custom, target)
		if err != nil {
			return err
		}
		if args == nil {
			return systemBrowser(narration, target)
		}
		cmd := exec.Command(args[0], args[1:]...)
		cmd.Stdout, cmd.Stderr = narration, narration
		if err := cmd.Start(); err != nil {
			return fmt.Errorf("could not start the browser command %s: %w", args[0], err)
		}
		go cmd.Wait() // Reaps the process, because the browser may outlive the run.
		return nil
	}
}

// browserMu serialises calls into github.com/pkg/browser, whose output
// writers are package variables.
var browserMu sync.Mutex

func systemBrowser(narration io.Writer, target string) error {
	browserMu.Lock()
	defer browserMu.Unlock()
	browser.Stdout, browser.Stderr = narration, narration
	return browser.OpenURL(target)
}

// sshForwardHint returns the ssh command that forwards the redirect URI's
// port from the user's own machine to the callback listener, when the
// flow runs in an SSH session, or "".
func sshForwardHint(p platform, redirectPort, listenAddr string) string {
	fields := strings.Fields(p.sshConnection)
	if len(fields) != 4 || redirectPort == "" {
		return ""
	}
	_, listenPort, err := net.SplitHostPort(listenAddr)
	if err != nil {
		return ""
	}
	return fmt.Sprintf("This is an SSH session: on the machine with the browser, forward the callback port first:\n\n  ssh -L %s:127.0.0.1:%s %s\n",
		redirectPort, listenPort, fields[2])
}
