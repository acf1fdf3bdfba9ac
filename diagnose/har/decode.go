package har

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"
)

// readEntry is the part of a HAR entry that Read keeps. Bodies are
// cappedText, so that a large body is not copied whole.
type readEntry struct {
	StartedDateTime string       `json:"startedDateTime"`
	Time            float64      `json:"time"`
	Request         readRequest  `json:"request"`
	Response        readResponse `json:"response"`
	Timings         Timings      `json:"timings"`
	Comment         string       `json:"comment"`
}

type readRequest struct {
	Method      string        `json:"method"`
	URL         string        `json:"url"`
	HTTPVersion string        `json:"httpVersion"`
	Headers     []NameValue   `json:"headers"`
	PostData    *readPostData `json:"postData"`

	// filter is shared with the response's content, which is decoded
	// after the request in the files browsers write.
	filter *bodyFilter
	// problem describes a request field of the wrong type.
	problem string
}

// bodyFilter records whether an entry's request is part of a sign-in, for
// the decoder of its response body. The body of any other entry is
// skipped without being unquoted. In BenchmarkRead200MB this cuts the
// allocation from about 670 MB to 7 MB and the time by more than half.
type bodyFilter struct {
	// decided is true once the request has been decoded.
	decided bool
	signIn  bool
	// skipped is true when a body was skipped.
	skipped bool
	// status and mimeType point to the response's fields, which browsers
	// write before the content's text, so that a small error response
	// that may relay an OAuth error is kept.
	status   *int
	mimeType *string
}

// keepsOther reports whether the response body of an entry outside a
// sign-in, rawLen characters of JSON string, is kept to look for a
// relayed OAuth error in it.
// NOTE: a file that writes response.status or content.mimeType after
// content.text has the body skipped, because the filter decides at the
// body, before those fields are decoded.
func (f *bodyFilter) keepsOther(rawLen int) bool {
	return f.status != nil && f.mimeType != nil && rawLen <= maxRelayedText &&
		mayCarryRelayedError(*f.status, *f.mimeType)
}

// newReadEntry returns a readEntry whose request and response share one
// bodyFilter.
func newReadEntry() *readEntry {
	filter := &bodyFilter{}
	r := &readEntry{Timings: NoTimings()}
	r.Request.filter = filter
	r.Response.Content.Text.filter = filter
	filter.status, filter.mimeType = &r.Response.Status, &r.Response.Content.MimeType
	return r
}

// UnmarshalJSON decodes the request and decides whether the response
// body is needed.
func (r *readRequest) UnmarshalJSON(b []byte) error {
	type plain readRequest
	err := json.Unmarshal(b, (*plain)(r))
	var typeErr *json.UnmarshalTypeError
	switch {
	case errors.As(err, &typeErr):
		// Returning the error would stop the decoder before the
		// response, so it is kept for Info.Unread instead.
		typeErr.Field = "request." + typeErr.Field
		r.problem = describeTypeError(typeErr)
	case err != nil:
		return err
	}
	if r.filter == nil {
		return nil
	}
	e := Entry{Method: r.Method, URL: r.URL, RequestHeader: toHeader(r.Headers)}
	if pd := r.PostData; pd != nil {
		e.RequestBody = []byte(pd.Text.text)
		if len(e.RequestBody) == 0 && len(pd.Params) > 0 {
			e.RequestBody = encodeParams(pd.Params)
		}
		if e.RequestHeader.Get("Content-Type") == "" {
			e.RequestHeader.Set("Content-Type", pd.MimeType)
		}
	}
	r.filter.decided, r.filter.signIn = true, IsSignIn(e)
	return nil
}

type readPostData struct {
	MimeType string     `json:"mimeType"`
	Params   []Param    `json:"params"`
	Text     cappedText `json:"text"`
}

type readResponse struct {
	Status      int         `json:"status"`
	StatusText  string      `json:"statusText"`
	HTTPVersion string      `json:"httpVersion"`
	Headers     []NameValue `json:"headers"`
	Content     readContent `json:"content"`
	RedirectURL string      `json:"redirectURL"`
	Error       string      `json:"_error"`
}

type readContent struct {
	MimeType string     `json:"mimeType"`
	Text     cappedText `json:"text"`
	Encoding string     `json:"encoding"`
}

// maxText is the maximum number of characters of a body's JSON string that
// are decoded, which is enough for MaxBody bytes after base64 decoding.
const maxText = MaxBody/3*4 + 4

// cappedText is a JSON string decoded up to maxText characters. It never
// fails: a value that is not a string leaves it empty, so that one odd
// body does not make its entry unreadable.
type cappedText struct {
	text      string
	truncated bool
	// filter, when set, skips the body of an entry outside a sign-in.
	filter *bodyFilter
}

// UnmarshalJSON decodes the start of the string. raw is the decoder's own
// buffer, so a long body is never copied whole.
func (c *cappedText) UnmarshalJSON(raw []byte) error {
	if len(raw) < 2 || raw[0] != '"' {
		return nil
	}
	if f := c.filter; f != nil && f.decided && !f.signIn && !f.keepsOther(len(raw)) {
		f.skipped = true
		return nil
	}
	if len(raw) <= maxText+2 {
		return json.Unmarshal(raw, &c.text)
	}
	cut := escapeBoundary(raw, maxText+1)
	quoted := append(raw[:cut:cut], '"')
	c.truncated = true
	if err := json.Unmarshal(quoted, &c.text); err != nil {
		c.text = ""
	}
	return nil
}

// escapeBoundary returns the largest index up to n in the JSON string raw
// that does not split an escape sequence.
func escapeBoundary(raw []byte, n int) int {
	i := 1
	for i < n {
		step := 1
		if raw[i] == '\\' {
			step = 2
			if i+1 < len(raw) && raw[i+1] == 'u' {
				step = 6
			}
		}
		if i+step > n {
			break
		}
		i += step
	}
	return i
}

// entry converts the decoded entry to an Entry at index i, listing what
// could not be read.
func (r readEntry) entry(i int) (Entry, []string) {
	var problems []string
	e := Entry{
		Index:          i,
		Duration:       time.Duration(r.Time * float64(time.Millisecond)),
		Timings:        r.Timings,
		Method:         r.Request.Method,
		URL:            r.Request.URL,
		HTTPVersion:    r.Request.HTTPVersion,
		RequestHeader:  toHeader(r.Request.Headers),
		Status:         r.Response.Status,
		StatusText:     r.Response.StatusText,
		ResponseHeader: toHeader(r.Response.Headers),
		RedirectURL:    r.Response.RedirectURL,
		Error:          r.Response.Error,
	}
	parseComment(r.Comment, &e)
	if r.Request.problem != "" {
		problems = append(problems, r.Request.problem)
	}
	start, err := parseTime(r.StartedDateTime)
	if err != nil {
		problems = append(problems, fmt.Sprintf("startedDateTime %q is not an ISO 8601 time", r.StartedDateTime))
	}
	e.Start = start

	if pd := r.Request.PostData; pd != nil {
		e.RequestBody, e.RequestBodyTruncated = capBody([]byte(pd.Text.text), pd.Text.truncated)
		if len(e.RequestBody) == 0 && len(pd.Params) > 0 {
			e.RequestBody = encodeParams(pd.Params)
		}
		if e.RequestHeader.Get("Content-Type") == "" && pd.MimeType != "" {
			e.RequestHeader.Set("Content-Type", pd.MimeType)
		}
	}

	body, truncated, problem := decodeContent(r.Response.Content)
	e.ResponseBody, e.ResponseBodyTruncated = body, truncated
	if problem != "" {
		problems = append(problems, problem)
	}
	if e.ResponseHeader.Get("Content-Type") == "" && r.Response.Content.MimeType != "" {
		e.ResponseHeader.Set("Content-Type", r.Response.Content.MimeType)
	}
	return e, problems
}

func toHeader(list []NameValue) http.Header {
	h := make(http.Header, len(list))
	for _, nv := range list {
		h.Add(nv.Name, nv.Value)
	}
	return h
}

// decodeContent returns a response body, decoding base64 and cutting it at
// MaxBody.
func decodeContent(c readContent) (body []byte, truncated bool, problem string) {
	if !strings.EqualFold(c.Encoding, "base64") {
		body, truncated = capBody([]byte(c.Text.text), c.Text.truncated)
		return body, truncated, ""
	}
	text := strings.Join(strings.Fields(c.Text.text), "")
	if c.Text.truncated {
		text = text[:len(text)/4*4]
	}
	raw, err := base64.StdEncoding.DecodeString(text)
	if err != nil {
		raw, err = base64.RawStdEncoding.DecodeString(strings.TrimRight(text, "="))
	}
	if err != nil {
		return nil, false, "response.content.text is not valid base64"
	}
	body, truncated = capBody(raw, c.Text.truncated)
	return body, truncated, ""
}

// capBody cuts b at MaxBody, at a UTF-8 boundary when b is text.
func capBody(b []byte, truncated bool) ([]byte, bool) {
	if len(b) <= MaxBody {
		return b, truncated
	}
	n := MaxBody
	for n > MaxBody-utf8.UTFMax && !utf8.RuneStart(b[n]) {
		n--
	}
	return b[:n:n], true
}

func encodeParams(params []Param) []byte {
	v := url.Values{}
	for _, p := range params {
		v.Add(p.Name, p.Value)
	}
	return []byte(v.Encode())
}

// timeLayouts are the startedDateTime forms seen in HAR files: ISO 8601
// with a colon in the zone offset, without it, and without a zone, which
// is read as UTC. Fractional seconds of any length parse with each.
var timeLayouts = []string{time.RFC3339, "2006-01-02T15:04:05Z0700", "2006-01-02T15:04:05"}

func parseTime(s string) (time.Time, error) {
	var err error
	for _, layout := range timeLayouts {
		var t time.Time
		if t, err = time.Parse(layout, strings.TrimSpace(s)); err == nil {
			return t, nil
		}
	}
	return time.Time{}, err
}
