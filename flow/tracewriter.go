package flow

import (
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// traceBodyLimit is the maximum number of bytes of each body the verbose
// trace shows.
// The Exchange passed to Config.OnExchange keeps more.
const traceBodyLimit = 4 << 10

// WriteTrace writes one exchange to a verbose trace in the layout of
// Config.Trace: the request line, headers and body, then the status,
// timings, headers and body of the response. It writes ex as given, so
// pass it through Redacted first.
func WriteTrace(w io.Writer, ex Exchange) {
	var b strings.Builder
	fmt.Fprintf(&b, "--> %s %s %s", firstOf(string(ex.Step), "-"), ex.Method, ex.URL)
	if ex.Note != "" {
		fmt.Fprintf(&b, "  (%s)", ex.Note)
	}
	if ex.Observed {
		b.WriteString("  [observed, sent by the browser]")
	}
	b.WriteString("\n")
	writeTraceHeaders(&b, ex.RequestHeader)
	writeTraceBody(&b, ex.RequestBody)

	switch {
	case ex.Err != nil:
		fmt.Fprintf(&b, "<-- no response after %s: %v\n", formatMillis(ex.Duration), ex.Err)
	case ex.Status == 0:
		b.WriteString("<-- response not seen\n")
	default:
		fmt.Fprintf(&b, "<-- %d %s %s  %s%s\n", ex.Status, http.StatusText(ex.Status), ex.Proto,
			formatMillis(ex.Duration), describeTimings(ex))
		writeTraceHeaders(&b, ex.ResponseHeader)
		writeTraceBody(&b, ex.ResponseBody)
	}
	b.WriteString("\n")
	io.WriteString(w, b.String())
}

// describeTimings returns the phases of a sent request, such as
// " (dns 0.1 ms, connect 0.3 ms, tls 4.2 ms, first byte 8.0 ms)", or ""
// for an observed one.
func describeTimings(ex Exchange) string {
	if ex.Observed {
		return ""
	}
	t := ex.Timings
	var parts []string
	if ex.ConnReused {
		parts = append(parts, "reused connection")
	} else {
		parts = append(parts, "dns "+formatMillis(t.DNS), "connect "+formatMillis(t.Connect))
		if t.TLS > 0 {
			parts = append(parts, "tls "+formatMillis(t.TLS))
		}
	}
	firstByte := t.Blocked + t.DNS + t.Connect + t.TLS + t.Send + t.Wait
	parts = append(parts, "first byte "+formatMillis(firstByte))
	return " (" + strings.Join(parts, ", ") + ")"
}

func writeTraceHeaders(b *strings.Builder, h http.Header) {
	names := make([]string, 0, len(h))
	for name := range h {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		for _, v := range h[name] {
			fmt.Fprintf(b, "    %s: %s\n", name, v)
		}
	}
}

// writeTraceBody writes a body indented, cut at traceBodyLimit, or a
// placeholder for binary content.
func writeTraceBody(b *strings.Builder, body []byte) {
	if len(body) == 0 {
		return
	}
	shown := body[:min(len(body), traceBodyLimit)]
	// A cut may split the last UTF-8 character, which has at most 4 bytes.
	for cut := 0; cut < 3 && len(shown) > 0 && !utf8.Valid(shown); cut++ {
		shown = shown[:len(shown)-1]
	}
	if !utf8.Valid(shown) {
		fmt.Fprintf(b, "\n    (%d bytes of binary content)\n", len(body))
		return
	}
	b.WriteString("\n")
	for _, line := range strings.Split(strings.TrimRight(string(shown), "\n"), "\n") {
		b.WriteString("    " + line + "\n")
	}
	if len(body) > len(shown) {
		fmt.Fprintf(b, "    … (%d more bytes)\n", len(body)-len(shown))
	}
}

func formatMillis(d time.Duration) string {
	return fmt.Sprintf("%.2f ms", millis(d))
}
