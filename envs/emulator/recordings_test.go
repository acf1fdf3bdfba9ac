package emulator

import (
	"encoding/json"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/kseries-tools/ksauth/internal/recording"
)

var pageIDPattern = regexp.MustCompile(`data-page-id="([^"]+)"`)

// compareRecording checks an emulator response against a response recorded
// from Keycloak 26.7.1: the status, Content-Type, Cache-Control, Pragma,
// and what the body carries: error and error_description for JSON, page
// ID and message for pages, the error parameters for redirects.
func compareRecording(t *testing.T, rel string, got response) {
	t.Helper()
	rec, err := recording.Load(recording.Dir(t), rel)
	if err != nil {
		t.Fatalf("recording %s: %v", rel, err)
	}
	if got.status != rec.Status {
		t.Errorf("%s: status = %d, recorded %d", rel, got.status, rec.Status)
	}
	for _, h := range []string{"Content-Type", "Cache-Control", "Pragma"} {
		if g, w := got.header.Values(h), rec.Header.Values(h); !slices.Equal(g, w) {
			t.Errorf("%s: %s = %q, recorded %q", rel, h, g, w)
		}
	}
	switch {
	case strings.HasPrefix(rec.Header.Get("Content-Type"), "application/json"):
		compareJSONError(t, rel, got.body, rec.Body)
	case strings.HasPrefix(rec.Header.Get("Content-Type"), "text/html"):
		comparePage(t, rel, got.body, rec.Body)
	case rec.Status == 302:
		compareRedirect(t, rel, got.header.Get("Location"), rec.Header.Get("Location"))
	}
}

func compareJSONError(t *testing.T, rel, got, recorded string) {
	t.Helper()
	var g, w map[string]any
	if err := json.Unmarshal([]byte(got), &g); err != nil {
		t.Fatalf("%s: emulator body is not JSON: %v\n%s", rel, err, got)
	}
	if err := json.Unmarshal([]byte(recorded), &w); err != nil {
		t.Fatalf("%s: recorded body is not JSON: %v", rel, err)
	}
	for _, key := range []string{"error", "error_description"} {
		if g[key] != w[key] {
			t.Errorf("%s: %s = %v, recorded %v", rel, key, g[key], w[key])
		}
	}
}

func comparePage(t *testing.T, rel, got, recorded string) {
	t.Helper()
	for _, p := range []*regexp.Regexp{pageIDPattern, instructionPattern} {
		w := p.FindStringSubmatch(recorded)
		if w == nil {
			continue
		}
		g := p.FindStringSubmatch(got)
		if g == nil || g[1] != w[1] {
			t.Errorf("%s: %s gives %q, recorded %q", rel, p, g, w[1])
		}
	}
}

func compareRedirect(t *testing.T, rel, got, recorded string) {
	t.Helper()
	g, err := url.Parse(got)
	if err != nil {
		t.Fatalf("%s: Location %q: %v", rel, got, err)
	}
	w, err := url.Parse(recorded)
	if err != nil {
		t.Fatalf("%s: recorded Location: %v", rel, err)
	}
	gq, wq := g.Query(), w.Query()
	for _, key := range []string{"error", "error_description", "state"} {
		if !slices.Equal(gq[key], wq[key]) {
			t.Errorf("%s: %s = %q, recorded %q", rel, key, gq[key], wq[key])
		}
	}
	if _, ok := gq["iss"]; !ok {
		t.Errorf("%s: no iss parameter, recorded %q", rel, wq.Get("iss"))
	}
	if keys(g.RawQuery) != keys(w.RawQuery) {
		t.Errorf("%s: parameters %s, recorded %s", rel, keys(g.RawQuery), keys(w.RawQuery))
	}
}

// keys lists a query's parameter names in order.
func keys(rawQuery string) string {
	var names []string
	for _, kv := range strings.Split(rawQuery, "&") {
		name, _, _ := strings.Cut(kv, "=")
		names = append(names, name)
	}
	return strings.Join(names, ",")
}
