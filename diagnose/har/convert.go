package har

import (
	"encoding/base64"
	"maps"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// toLogEntry turns an exchange into a HAR entry, without redaction.
func toLogEntry(e Entry) LogEntry {
	timings := e.Timings
	total := float64(e.Duration) / float64(time.Millisecond)
	if e.Duration <= 0 {
		total = timings.Total()
	}
	// HAR 1.2 requires send, wait and receive, so an unknown split is
	// written as all waiting.
	if timings.Send < 0 && timings.Wait < 0 && timings.Receive < 0 {
		timings.Wait = total
	}
	timings.Send, timings.Wait, timings.Receive = max(timings.Send, 0), max(timings.Wait, 0), max(timings.Receive, 0)

	return LogEntry{
		StartedDateTime: e.Start.Format(time.RFC3339Nano),
		Time:            total,
		Request:         toRequest(e),
		Response:        toResponse(e),
		Timings:         timings,
		Comment:         entryComment(e),
	}
}

func toRequest(e Entry) Request {
	req := Request{
		Method:      e.Method,
		URL:         e.URL,
		HTTPVersion: httpVersion(e.HTTPVersion),
		Cookies:     []Cookie{},
		Headers:     toNameValues(e.RequestHeader),
		QueryString: []NameValue{},
		HeadersSize: -1,
		BodySize:    int64(len(e.RequestBody)),
	}
	if _, query, found := strings.Cut(strings.SplitN(e.URL, "#", 2)[0], "?"); found {
		req.QueryString = orderedParams(query)
	}
	for _, c := range parseCookies(e.RequestHeader.Values("Cookie")) {
		req.Cookies = append(req.Cookies, Cookie{Name: c.Name, Value: c.Value})
	}
	if len(e.RequestBody) > 0 {
		mimeType := e.RequestHeader.Get("Content-Type")
		req.PostData = &PostData{MimeType: mimeType, Text: string(e.RequestBody)}
		if isForm(mimeType) {
			for _, nv := range orderedParams(string(e.RequestBody)) {
				req.PostData.Params = append(req.PostData.Params, Param{Name: nv.Name, Value: nv.Value})
			}
		}
	}
	return req
}

func toResponse(e Entry) Response {
	resp := Response{
		Status:      e.Status,
		StatusText:  e.StatusText,
		HTTPVersion: httpVersion(e.HTTPVersion),
		Cookies:     []Cookie{},
		Headers:     toNameValues(e.ResponseHeader),
		RedirectURL: e.Location(),
		HeadersSize: -1,
		BodySize:    int64(len(e.ResponseBody)),
		Error:       e.Error,
	}
	if resp.StatusText == "" {
		resp.StatusText = http.StatusText(e.Status)
	}
	if e.Status == 0 {
		resp.BodySize = -1
	}
	for _, line := range e.ResponseHeader.Values("Set-Cookie") {
		if c, err := http.ParseSetCookie(line); err == nil {
			resp.Cookies = append(resp.Cookies, Cookie{Name: c.Name, Value: c.Value, Path: c.Path,
				Domain: c.Domain, HTTPOnly: c.HttpOnly, Secure: c.Secure})
		}
	}
	resp.Content = Content{Size: int64(len(e.ResponseBody)), MimeType: e.ResponseHeader.Get("Content-Type")}
	if utf8.Valid(e.ResponseBody) {
		resp.Content.Text = string(e.ResponseBody)
	} else {
		resp.Content.Text = base64.StdEncoding.EncodeToString(e.ResponseBody)
		resp.Content.Encoding = "base64"
	}
	return resp
}

func httpVersion(v string) string {
	if v == "" {
		return "HTTP/1.1"
	}
	return v
}

// toNameValues lists headers sorted by name, keeping each name's values
// in order, so that written files do not depend on map order.
func toNameValues(h http.Header) []NameValue {
	out := []NameValue{}
	for _, name := range slices.Sorted(maps.Keys(h)) {
		for _, v := range h[name] {
			out = append(out, NameValue{Name: name, Value: v})
		}
	}
	return out
}

func parseCookies(lines []string) []*http.Cookie {
	var out []*http.Cookie
	for _, line := range lines {
		if cookies, err := http.ParseCookie(line); err == nil {
			out = append(out, cookies...)
		}
	}
	return out
}

// orderedParams parses a query string or form body, keeping the order of
// its parameters, which url.Values loses.
func orderedParams(raw string) []NameValue {
	out := []NameValue{}
	for part := range strings.SplitSeq(raw, "&") {
		if part == "" {
			continue
		}
		name, value, _ := strings.Cut(part, "=")
		if n, err := url.QueryUnescape(name); err == nil {
			name = n
		}
		if v, err := url.QueryUnescape(value); err == nil {
			value = v
		}
		out = append(out, NameValue{Name: name, Value: value})
	}
	return out
}

// isForm reports whether a Content-Type is a URL-encoded form.
func isForm(contentType string) bool {
	mediaType, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		return strings.Contains(strings.ToLower(contentType), "x-www-form-urlencoded")
	}
	return mediaType == "application/x-www-form-urlencoded"
}
