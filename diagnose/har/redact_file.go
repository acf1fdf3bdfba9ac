package har

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
)

// RedactLogEntry redacts the secrets of one HAR entry in place: URLs,
// headers, cookies, query parameters, the posted body and the response
// body, including a base64-encoded one.
func RedactLogEntry(le *LogEntry, p Policy) {
	req := &le.Request
	req.URL = RedactURL(req.URL, p)
	redactNameValues(req.Headers, p)
	redactCookies(req.Cookies)
	for i, q := range req.QueryString {
		if p.hides(q.Name) {
			req.QueryString[i].Value = mark(q.Value)
		}
	}
	if pd := req.PostData; pd != nil {
		for i, f := range pd.Params {
			if p.hides(f.Name) {
				pd.Params[i].Value = mark(f.Value)
			}
		}
		pd.Text = redactBody(pd.Text, pd.MimeType, p)
	}

	resp := &le.Response
	redactNameValues(resp.Headers, p)
	redactCookies(resp.Cookies)
	resp.RedirectURL = RedactURL(resp.RedirectURL, p)
	if resp.Content.Encoding == "base64" {
		resp.Content.Text = redactBase64Body(resp.Content.Text, resp.Content.MimeType, p)
	} else {
		resp.Content.Text = redactBody(resp.Content.Text, resp.Content.MimeType, p)
	}
}

func redactNameValues(headers []NameValue, p Policy) {
	for i, h := range headers {
		headers[i].Value = RedactHeader(h.Name, h.Value, p)
	}
}

func redactCookies(cookies []Cookie) {
	for i, c := range cookies {
		cookies[i].Value = mark(c.Value)
	}
}

// Redact copies the HAR file read from r to w with every entry's secrets
// redacted, one entry at a time. The output keeps log.version, creator,
// browser, pages and comment, and drops fields HAR 1.2 does not define
// (names starting with "_", other than response._error), because tools
// such as Chrome copy URLs with their parameters into them.
//
// When the input is truncated, Redact writes a complete HAR of the entries
// it read and returns the read error.
func Redact(r io.Reader, w io.Writer, p Policy) (Info, error) {
	out := &harWriter{w: bufio.NewWriter(w)}
	info, err := walkLog(r, func(wk *walker, key string) error {
		switch key {
		case "entries":
			out.beginEntries()
			err := wk.eachEntry(func(int) error {
				var le LogEntry
				err := wk.dec.Decode(&le)
				if !usableEntry(err) {
					return err
				}
				RedactLogEntry(&le, p)
				out.entry(le)
				return err
			})
			out.endEntries()
			return err
		case "version", "creator", "browser", "pages", "comment":
			var v json.RawMessage
			if err := wk.dec.Decode(&v); err != nil {
				return err
			}
			if err := copyLogField(out, key, v); err != nil {
				wk.info.Unread = append(wk.info.Unread, err.Error())
			}
			return nil
		}
		return skipValue(wk.dec)
	})
	if err == nil {
		out.open() // a log with no fields still gets written
	}
	if err := out.close(); err != nil {
		return info, fmt.Errorf("could not write the redacted HAR: %w", err)
	}
	return info, err
}

// copyLogField writes one log field other than entries, decoded into its
// HAR type so that custom fields inside it are dropped too.
func copyLogField(out *harWriter, key string, raw json.RawMessage) error {
	var v any
	switch key {
	case "creator", "browser":
		v = new(Creator)
	case "pages":
		v = new([]Page)
	default:
		v = new(string)
	}
	if err := json.Unmarshal(raw, v); err != nil {
		return fmt.Errorf("log.%s dropped: %v", key, err)
	}
	out.key(key)
	out.value(v)
	return nil
}
