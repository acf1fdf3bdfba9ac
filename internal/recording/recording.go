// Package recording reads HTTP responses recorded from a live Keycloak in
// the ".http" format: leading "# " comment lines (the first names the
// method and path), a status line, canonical "Name: value" headers, one
// blank line, then the exact body bytes.
//
// Tests use it to compare the emulator and the diagnoses with real server
// answers. The recordings are kept outside this repository; Dir finds them.
package recording

import (
	"bufio"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// Response is one recorded HTTP response.
type Response struct {
	// Name is the file's path below the recordings folder, without ".http".
	Name string
	// Method and Path come from the first comment line.
	Method, Path string
	Status       int
	Header       http.Header
	Body         string
}

// Placeholder values stand for what the recorder masked.
const (
	IssuerBase = "{{issuer}}"
	Volatile   = "{{volatile}}"
)

// Parse reads one recording from its text.
func Parse(name, text string) (Response, error) {
	r := Response{Name: name, Header: http.Header{}}
	head, body, found := strings.Cut(text, "\n\n")
	if !found {
		head = strings.TrimSuffix(text, "\n")
	}
	r.Body = body
	sc := bufio.NewScanner(strings.NewReader(head))
	sawStatus := false
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "# "):
			if r.Method == "" {
				r.Method, r.Path, _ = strings.Cut(strings.TrimPrefix(line, "# "), " ")
			}
		case !sawStatus:
			fields := strings.Fields(line)
			if len(fields) < 2 || !strings.HasPrefix(fields[0], "HTTP/") {
				return r, fmt.Errorf("recording %s: invalid status line %q", name, line)
			}
			code, err := strconv.Atoi(fields[1])
			if err != nil {
				return r, fmt.Errorf("recording %s: invalid status code %q", name, fields[1])
			}
			r.Status = code
			sawStatus = true
		default:
			k, v, ok := strings.Cut(line, ": ")
			if !ok {
				return r, fmt.Errorf("recording %s: invalid header line %q", name, line)
			}
			r.Header.Add(k, v)
		}
	}
	if !sawStatus {
		return r, fmt.Errorf("recording %s: no status line", name)
	}
	return r, nil
}

// Load reads the recording at rel (for example "oidc/token/replayed-code")
// below dir.
func Load(dir, rel string) (Response, error) {
	b, err := os.ReadFile(filepath.Join(dir, rel+".http"))
	if err != nil {
		return Response{}, err
	}
	return Parse(rel, string(b))
}

// All reads every recording below dir, keyed by name.
func All(dir string) (map[string]Response, error) {
	out := map[string]Response{}
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".http") {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		rel = strings.TrimSuffix(filepath.ToSlash(rel), ".http")
		r, err := Load(dir, rel)
		if err != nil {
			return err
		}
		out[rel] = r
		return nil
	})
	return out, err
}

// Dir returns the recordings folder, "../shared/keycloak-recordings" seen
// from the repository root, or KSAUTH_RECORDINGS when that is set. It skips
// the test when the folder is absent, because the recordings are third-party
// data that is not part of this repository.
func Dir(t testing.TB) string {
	t.Helper()
	if d := os.Getenv("KSAUTH_RECORDINGS"); d != "" {
		return d
	}
	wd, err := os.Getwd()
	if err != nil {
		t.Skipf("skipping: could not find the working directory: %v", err)
	}
	for d := wd; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			rec := filepath.Join(filepath.Dir(d), "shared", "keycloak-recordings")
			if _, err := os.Stat(rec); err != nil {
				t.Skipf("skipping: Keycloak recordings not found at %s (set KSAUTH_RECORDINGS)", rec)
			}
			return rec
		}
		if filepath.Dir(d) == d {
			t.Skip("skipping: repository root with go.mod not found")
		}
	}
}
