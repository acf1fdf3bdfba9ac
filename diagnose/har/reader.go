package har

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"time"
)

// Read reads a HAR file from r and calls fn with each entry in file order.
// It decodes one entry at a time, so memory use follows the largest entry,
// not the file's size. Base64 bodies are decoded, and every body kept is
// cut at MaxBody. Entries that are not part of a sign-in (see IsSignIn)
// have their bodies dropped. Only the error responses of such entries
// whose content type can be JSON and whose body is at most 16 KiB are
// decoded, to find the ones that relay an OAuth error.
//
// Read returns an error that wraps ErrNotHAR when the input is not a HAR
// file, and a *ReadError when the file ends early or breaks part way. The
// entries before that point have been passed to fn. A field of the wrong
// type is listed in Info.Unread and the rest of its entry is still passed
// to fn. An error from fn stops the read and is returned unchanged.
func Read(r io.Reader, fn func(Entry) error) (Info, error) {
	info, err := walkLog(r, func(w *walker, key string) error {
		switch key {
		case "version":
			return w.decodeLogField(key, &w.info.Version)
		case "creator":
			return w.decodeLogField(key, &w.info.Creator)
		case "browser":
			var browser Creator
			err := w.decodeLogField(key, &browser)
			if browser != (Creator{}) {
				w.info.Browser = &browser
			}
			return err
		case "comment":
			return w.decodeLogField(key, &w.info.Comment)
		case "pages":
			var pages []discard
			err := w.decodeLogField(key, &pages)
			w.info.Pages = len(pages)
			return err
		case "entries":
			return w.eachEntry(func(i int) error { return w.readEntry(i, fn) })
		}
		return skipValue(w.dec)
	})
	var cb callbackError
	if errors.As(err, &cb) {
		return info, cb.err
	}
	return info, err
}

// decodeLogField decodes one log field into v. A value of the wrong type is
// noted in Info.Unread and skipped.
func (w *walker) decodeLogField(key string, v any) error {
	err := w.dec.Decode(v)
	var typeErr *json.UnmarshalTypeError
	if errors.As(err, &typeErr) {
		w.info.Unread = append(w.info.Unread, fmt.Sprintf("log.%s is a JSON %s, not %s",
			key, typeErr.Value, kindName(typeErr.Type)))
		return nil
	}
	return err
}

// readEntry decodes entry i and passes it to fn.
func (w *walker) readEntry(i int, fn func(Entry) error) error {
	raw := newReadEntry()
	err := w.dec.Decode(raw)
	if !usableEntry(err) {
		return err
	}
	e, problems := raw.entry(i)
	e.Start = w.inFileZone(e.Start)
	for _, p := range problems {
		w.info.Unread = append(w.info.Unread, fmt.Sprintf("entry %d: %s", i+1, p))
	}
	if !IsSignIn(e) {
		e.BodiesDropped = len(e.RequestBody) > 0 || len(e.ResponseBody) > 0 || raw.Request.filter.skipped
		e.RequestBody, e.ResponseBody = nil, nil
		e.RequestBodyTruncated, e.ResponseBodyTruncated = false, false
	}
	if err := fn(e); err != nil {
		return callbackError{err}
	}
	return err
}

// inFileZone returns t in the zone of the file's first entry with a
// readable time. Firefox writes local times with their UTC offset, and
// merged files mix offsets, so one zone keeps the entries' clock times
// comparable.
func (w *walker) inFileZone(t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	if w.zone == nil {
		w.zone = t.Location()
	}
	return t.In(w.zone)
}

// callbackError carries an error from Read's caller through the walk, so
// that it is returned unchanged.
type callbackError struct{ err error }

func (c callbackError) Error() string { return c.err.Error() }

// usableEntry reports whether an entry decoded with err can still be used:
// it decoded, or only some of its fields had the wrong type.
func usableEntry(err error) bool {
	var typeErr *json.UnmarshalTypeError
	if errors.As(err, &typeErr) {
		return typeErr.Field != ""
	}
	return err == nil
}

// kindName names the JSON kind a Go type is decoded from.
func kindName(t reflect.Type) string {
	if t == nil {
		return "the expected type"
	}
	switch t.Kind() {
	case reflect.Slice, reflect.Array:
		return "an array"
	case reflect.Struct, reflect.Map:
		return "an object"
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "a boolean"
	case reflect.Int, reflect.Int64, reflect.Float64:
		return "a number"
	}
	return t.String()
}

// LooksLikeHAR reports whether prefix, the first bytes of an input, starts a HAR
// file: a JSON object whose "log" field is an object that starts with a
// HAR log field. A prefix that ends right after `{"log": {` counts as a
// HAR. The first 512 bytes are enough for the files browsers write.
func LooksLikeHAR(prefix []byte) bool {
	dec := json.NewDecoder(bytes.NewReader(bytes.TrimPrefix(prefix, []byte("\xef\xbb\xbf"))))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return false
	}
	inLog := false
	for {
		tok, err := dec.Token()
		if err != nil {
			return inLog && (errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF))
		}
		key, ok := tok.(string)
		switch {
		case !ok:
			return false
		case inLog:
			switch key {
			case "version", "creator", "browser", "pages", "entries", "comment":
				return true
			}
		case key == "log":
			tok, err := dec.Token()
			if err != nil || tok != json.Delim('{') {
				return false
			}
			inLog = true
			continue
		}
		if key == "" || key[0] != '_' || skipValue(dec) != nil {
			return false
		}
	}
}
