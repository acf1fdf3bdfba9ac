package har

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"sync"
)

// Recorder collects HTTP exchanges and writes them as a HAR 1.2 file. The
// flow runner calls AddEntry from its exchange hook. A Recorder is safe for
// concurrent use.
type Recorder struct {
	// Creator is written as log.creator.
	Creator Creator
	// Policy chooses what redaction keeps. The zero value redacts every
	// secret. Set it before the first AddEntry, which applies it at once.
	Policy Policy

	mu      sync.Mutex
	entries []LogEntry
}

// NewRecorder returns a Recorder that names the application name and
// version as the file's creator.
func NewRecorder(name, version string) *Recorder {
	return &Recorder{Creator: Creator{Name: name, Version: version}}
}

// AddEntry adds one exchange, redacted by the Recorder's Policy. Secrets
// are redacted as the exchange is added, so the Recorder never keeps them.
func (r *Recorder) AddEntry(e Entry) {
	le := toLogEntry(e)
	r.mu.Lock()
	defer r.mu.Unlock()
	RedactLogEntry(&le, r.Policy)
	r.entries = append(r.entries, le)
}

// Len returns the number of entries added.
func (r *Recorder) Len() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.entries)
}

// Archive returns the recorded HAR. Its entries are shared with the
// Recorder and must not be changed.
func (r *Recorder) Archive() Archive {
	r.mu.Lock()
	defer r.mu.Unlock()
	entries := append([]LogEntry{}, r.entries...)
	return Archive{Log: Log{Version: Version, Creator: r.Creator, Entries: entries}}
}

// WriteTo writes the HAR file to w as indented JSON.
func (r *Recorder) WriteTo(w io.Writer) (int64, error) {
	a := r.Archive()
	cw := &countingWriter{w: w}
	out := &harWriter{w: bufio.NewWriter(cw)}
	out.key("version")
	out.value(a.Log.Version)
	out.key("creator")
	out.value(a.Log.Creator)
	out.beginEntries()
	for _, le := range a.Log.Entries {
		out.entry(le)
	}
	out.endEntries()
	err := out.close()
	return cw.n, err
}

// WriteFile writes the HAR file to path with mode 0600, because even a
// redacted HAR shows user names, client IDs and the apps a user visited.
// An existing file is truncated and its mode set to 0600 too.
func (r *Recorder) WriteFile(path string) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return fmt.Errorf("could not write HAR file: %w", err)
	}
	if err := f.Chmod(0o600); err != nil {
		f.Close()
		return fmt.Errorf("could not restrict HAR file %s to mode 0600: %w", path, err)
	}
	if _, err := r.WriteTo(f); err != nil {
		f.Close()
		return fmt.Errorf("could not write HAR file %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("could not write HAR file %s: %w", path, err)
	}
	return nil
}

type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// harWriter writes a HAR file one log field and one entry at a time, so
// that a streamed copy never keeps more than one entry in memory. The
// first error is kept in err, and later writes do nothing.
type harWriter struct {
	w       *bufio.Writer
	err     error
	opened  bool
	fields  int
	entries int
}

func (h *harWriter) raw(s string) {
	if h.err == nil {
		_, h.err = h.w.WriteString(s)
	}
}

func (h *harWriter) open() {
	if !h.opened {
		h.opened = true
		h.raw("{\n  \"log\": {")
	}
}

func (h *harWriter) key(k string) {
	h.open()
	if h.fields > 0 {
		h.raw(",")
	}
	h.fields++
	h.raw("\n    " + quote(k) + ": ")
}

// value writes v indented to sit at the log's field level. HTML is not
// escaped, so that bodies stay readable.
func (h *harWriter) value(v any) {
	h.raw(marshalIndented(v, "    "))
}

func (h *harWriter) beginEntries() {
	h.key("entries")
	h.raw("[")
}

func (h *harWriter) entry(le LogEntry) {
	if h.entries > 0 {
		h.raw(",")
	}
	h.entries++
	h.raw("\n      " + marshalIndented(le, "      "))
}

func (h *harWriter) endEntries() {
	if h.entries > 0 {
		h.raw("\n    ")
	}
	h.raw("]")
}

// close ends the log and the root object, if they were opened, and
// flushes.
func (h *harWriter) close() error {
	if h.opened {
		h.raw("\n  }\n}\n")
	}
	if h.err == nil {
		h.err = h.w.Flush()
	}
	return h.err
}

func marshalIndented(v any, prefix string) string {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent(prefix, "  ")
	if err := enc.Encode(v); err != nil {
		// Every value written is a HAR type or a string, which always
		// encode. null keeps the file valid if that ever changes.
		return "null"
	}
	return string(bytes.TrimSuffix(buf.Bytes(), []byte("\n")))
}

func quote(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}
