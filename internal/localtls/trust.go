package localtls

import "fmt"

// Platforms TrustHint has instructions for. PlatformWSL is Linux under
// Windows, where the browser runs on Windows and reads the Windows
// certificate store.
const (
	PlatformLinux   = "linux"
	PlatformDarwin  = "darwin"
	PlatformWindows = "windows"
	PlatformWSL     = "wsl"
)

// TrustHint returns a few lines on how to make the browser trust the
// certificate at certPath on platform, one of the Platform constants or a
// runtime.GOOS value. Until it is trusted the browser shows a certificate
// warning before the callback, which the user can also accept once.
func TrustHint(platform, certPath string) string {
	switch platform {
	case PlatformDarwin:
		return fmt.Sprintf("To trust %s on macOS, open it in Keychain Access and set \"When using this certificate\" to Always Trust, or run:\n"+
			"  security add-trusted-cert -k ~/Library/Keychains/login.keychain-db %s", certPath, certPath)
	case PlatformWindows:
		return fmt.Sprintf("To trust %s on Windows, run:\n"+
			"  certutil -user -addstore Root %s", certPath, certPath)
	case PlatformWSL:
		return fmt.Sprintf("The browser runs on Windows, so trust %s in the Windows store; from WSL run:\n"+
			"  certutil.exe -user -addstore Root \"$(wslpath -w %s)\"", certPath, certPath)
	case PlatformLinux:
		return fmt.Sprintf("To trust %s on Linux, add it to Chromium's NSS store (Firefox imports it under Settings, Certificates):\n"+
			"  certutil -d sql:$HOME/.pki/nssdb -A -t P,, -n ksauth-localhost -i %s\n"+
			"and for command-line tools on Debian or Ubuntu:\n"+
			"  sudo cp %s /usr/local/share/ca-certificates/ksauth-localhost.crt && sudo update-ca-certificates",
			certPath, certPath, certPath)
	}
	return fmt.Sprintf("Add %s to the trusted certificates of your browser or system, or accept the browser's warning once.", certPath)
}
