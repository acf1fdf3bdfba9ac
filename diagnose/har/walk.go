package har

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
)

// ErrNotHAR is wrapped by the errors Read, Redact and Diagnose return when
// the input is not a HAR file at all.
var ErrNotHAR = errors.New("not a HAR file")

// ReadError reports a HAR file that ends early or stops being valid JSON
// part way. The entries before the failure were read and delivered.
type ReadError struct {
	// Entries is the number of entries read before the failure.
	Entries int
	// Where is the part of the file being read: "log.entries", "log.pages"
	// or "log".
	Where string
	// Offset is the byte offset in the input where reading stopped.
	Offset int64
	// Truncated is true when the input ended early, false when it contained
	// invalid JSON.
	Truncated bool
	// Err is the JSON decoder's error.
	Err error
}

func (e *ReadError) Error() string {
	at := "in " + e.Where
	if e.Where == "log.entries" {
		at = fmt.Sprintf("after entry %d", e.Entries)
		if e.Entries == 0 {
			at = "before its first entry"
		}
	}
	if e.Truncated {
		return fmt.Sprintf("HAR truncated %s (at byte %d): export it again or check that the copy is complete",
			at, e.Offset)
	}
	return fmt.Sprintf("invalid JSON in the HAR %s (at byte %d): %v", at, e.Offset, e.Err)
}

func (e *ReadError) Unwrap() error { return e.Err }

// walker walks a HAR file's JSON with the decoder's token API, so that no
// more than one value is held in memory at a time.
type walker struct {
	dec  *json.Decoder
	info Info
	// zone is the time zone of the first entry with a readable time.
	zone *time.Location
}

// fieldFunc reads the value of one log field. It must consume the value.
type fieldFunc func(w *walker, key string) error

// walkLog reads the root object of a HAR file from r, finds "log" and calls
// field for each of the log's keys in file order.
func walkLog(r io.Reader, field fieldFunc) (Info, error) {
	w := &walker{dec: json.NewDecoder(skipBOM(r))}
	if err := w.openLog(); err != nil {
		return w.info, err
	}
	for w.dec.More() {
		key, err := w.key()
		if err != nil {
			return w.info, w.fail(err, "log")
		}
		if err := field(w, key); err != nil {
			return w.info, w.fail(err, "log."+key)
		}
	}
	if _, err := w.dec.Token(); err != nil {
		return w.info, w.fail(err, "log")
	}
	return w.info, nil
}

// skipBOM drops a leading UTF-8 byte order mark, which HAR 1.2 allows.
func skipBOM(r io.Reader) io.Reader {
	br := bufio.NewReaderSize(r, 64<<10)
	if b, err := br.Peek(3); err == nil && bytes.Equal(b, []byte("\xef\xbb\xbf")) {
		br.Discard(3)
	}
	return br
}

// openLog reads up to the opening brace of the "log" object, skipping
// other top-level fields.
func (w *walker) openLog() error {
	tok, err := w.dec.Token()
	switch {
	case err == io.EOF:
		return fmt.Errorf("%w: the input is empty", ErrNotHAR)
	case err != nil:
		return fmt.Errorf("%w: invalid JSON at byte %d: %v", ErrNotHAR, w.dec.InputOffset(), err)
	case tok != json.Delim('{'):
		return fmt.Errorf("%w: the input is JSON %s, not an object with a \"log\" field", ErrNotHAR, describe(tok))
	}
	var keys []string
	for w.dec.More() {
		key, err := w.key()
		if err != nil {
			return w.notHAR(err)
		}
		if key == "log" {
			return w.enterLog()
		}
		keys = append(keys, key)
		if err := skipValue(w.dec); err != nil {
			return w.notHAR(err)
		}
	}
	return fmt.Errorf("%w: the JSON object has no \"log\" field (fields: %s)", ErrNotHAR, listKeys(keys))
}

func (w *walker) enterLog() error {
	tok, err := w.dec.Token()
	if err != nil {
		return w.notHAR(err)
	}
	if tok != json.Delim('{') {
		return fmt.Errorf("%w: \"log\" is %s, not an object", ErrNotHAR, describe(tok))
	}
	return nil
}

func (w *walker) notHAR(err error) error {
	return fmt.Errorf("%w: the input ends or breaks before a \"log\" object (at byte %d): %v",
		ErrNotHAR, w.dec.InputOffset(), err)
}

// key reads an object key.
func (w *walker) key() (string, error) {
	tok, err := w.dec.Token()
	if err != nil {
		return "", err
	}
	key, ok := tok.(string)
	if !ok {
		return "", fmt.Errorf("object key is %s", describe(tok))
	}
	return key, nil
}

// fail turns a JSON or I/O error into a ReadError that records where
// reading stopped. Other errors, such as those of a caller's callback, pass through.
func (w *walker) fail(err error, where string) error {
	var syntax *json.SyntaxError
	var readErr *ReadError
	switch {
	case errors.As(err, &readErr):
		return err
	case errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF):
		return &ReadError{Entries: w.info.Entries, Where: where, Offset: w.dec.InputOffset(), Truncated: true, Err: err}
	case errors.As(err, &syntax):
		return &ReadError{Entries: w.info.Entries, Where: where, Offset: syntax.Offset, Err: err}
	}
	return err
}

// eachEntry walks the log.entries array and calls entry once per element.
// entry must decode the element. A decode error that only concerns a field
// of the wrong type is noted in Info.Unread and the walk goes on.
func (w *walker) eachEntry(entry func(i int) error) error {
	tok, err := w.dec.Token()
	if err != nil {
		return err
	}
	if tok == nil {
		return nil
	}
	if tok != json.Delim('[') {
		w.info.Unread = append(w.info.Unread, "log.entries is "+describe(tok)+", not an array")
		return nil
	}
	for w.dec.More() {
		i := w.info.Entries
		err := entry(i)
		var typeErr *json.UnmarshalTypeError
		switch {
		case errors.As(err, &typeErr):
			w.info.Entries++
			w.info.Unread = append(w.info.Unread, fmt.Sprintf("entry %d: %s", i+1, describeTypeError(typeErr)))
		case err != nil:
			return w.fail(err, "log.entries")
		default:
			w.info.Entries++
		}
	}
	_, err = w.dec.Token()
	return w.fail(err, "log.entries")
}

// discard is a JSON value that is read and thrown away.
type discard struct{}

func (*discard) UnmarshalJSON([]byte) error { return nil }

// skipValue reads and drops the next value.
func skipValue(dec *json.Decoder) error {
	return dec.Decode(&discard{})
}

// describe names a JSON token's kind for messages.
func describe(tok json.Token) string {
	switch v := tok.(type) {
	case json.Delim:
		if v == '[' {
			return "an array"
		}
		return "an object"
	case string:
		return "a string"
	case float64, json.Number:
		return "a number"
	case bool:
		return "a boolean"
	}
	return "null"
}

func describeTypeError(e *json.UnmarshalTypeError) string {
	field := e.Field
	if field == "" {
		field = "the entry"
	}
	return fmt.Sprintf("%s is a JSON %s where HAR 1.2 has %s", field, e.Value, e.Type)
}

func listKeys(keys []string) string {
	if len(keys) == 0 {
		return "none"
	}
	if len(keys) > 8 {
		keys = append(keys[:8:8], "…")
	}
	return strings.Join(keys, ", ")
}
