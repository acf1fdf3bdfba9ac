package har

import (
	"encoding/json"
	"net/http"
	"time"

	"github.com/kseries-tools/ksauth/diagnose"
)

// MaxBody is the maximum number of bytes of a request or response body
// that Read keeps per entry. Longer bodies are cut and marked as truncated.
const MaxBody = 64 << 10

// Entry is one HTTP exchange in a plain Go form. The Recorder turns it into
// a HAR entry, and Read returns one for each HAR entry it reads. A flow
// runner's exchange record maps onto it field by field, with a transport
// error's text in Error.
type Entry struct {
	// Index is the entry's position in log.entries, counting from 0. Read
	// sets it and the Recorder ignores it.
	Index int
	// Start is when the request started. Read returns every entry's
	// Start in the time zone of the file's first dated entry.
	Start time.Time
	// Duration is the exchange's total time. Zero means the sum of the
	// known Timings.
	Duration time.Duration
	// Timings splits the exchange into phases, in milliseconds, each -1
	// when unknown. Start from NoTimings and fill in what is known.
	Timings Timings

	Method string
	URL    string
	// HTTPVersion is the protocol version, such as "HTTP/1.1" or "h2".
	// Empty means "HTTP/1.1".
	HTTPVersion   string
	RequestHeader http.Header
	RequestBody   []byte

	// Status is the response status code, 0 when no response arrived.
	Status         int
	StatusText     string
	ResponseHeader http.Header
	ResponseBody   []byte
	// RedirectURL is HAR's response.redirectURL. The Recorder fills it from
	// the Location header when it is empty.
	RedirectURL string
	// Error is the transport failure when no response arrived, such as
	// "connection refused". HAR has no field for it, so it is written as
	// response._error, the field Chrome uses for the same purpose.
	Error string

	// RequestBodyTruncated and ResponseBodyTruncated are set by Read when
	// it cut a body at MaxBody.
	RequestBodyTruncated  bool
	ResponseBodyTruncated bool
	// BodiesDropped is set by Read when it dropped the bodies because the
	// entry is not part of a sign-in.
	BodiesDropped bool

	// Step is the flow step the exchange belonged to, when the writer
	// recorded it. Observed is true for a request the browser sent and the
	// flow runner only saw, such as the authorization request opened in
	// the browser, whose response is then missing. Note is the exchange's
	// purpose, such as "warm-up". The Recorder writes the three in the
	// entry's comment, and Read restores them from a comment the Recorder
	// wrote.
	Step     diagnose.Step
	Observed bool
	Note     string
}

// Location returns the response's Location header, or RedirectURL when the
// header is absent.
func (e Entry) Location() string {
	if loc := e.ResponseHeader.Get("Location"); loc != "" {
		return loc
	}
	return e.RedirectURL
}

// Timings are the phases of one exchange in milliseconds, as HAR 1.2
// defines them. A phase of -1 did not happen or is unknown. SSL is the TLS
// handshake and, as HAR 1.2 requires, is also counted in Connect.
type Timings struct {
	Blocked float64 `json:"blocked"`
	DNS     float64 `json:"dns"`
	Connect float64 `json:"connect"`
	Send    float64 `json:"send"`
	Wait    float64 `json:"wait"`
	Receive float64 `json:"receive"`
	SSL     float64 `json:"ssl"`
	Comment string  `json:"comment,omitempty"`
}

// NoTimings returns timings with every phase unknown (-1).
func NoTimings() Timings {
	return Timings{Blocked: -1, DNS: -1, Connect: -1, Send: -1, Wait: -1, Receive: -1, SSL: -1}
}

// UnmarshalJSON decodes timings, leaving absent phases at -1 as HAR 1.2
// defines for the optional ones.
func (t *Timings) UnmarshalJSON(b []byte) error {
	type plain Timings
	p := plain(NoTimings())
	if err := json.Unmarshal(b, &p); err != nil {
		return err
	}
	*t = Timings(p)
	return nil
}

// Total returns the sum of the known phases in milliseconds. SSL is not
// added because Connect already contains it.
func (t Timings) Total() float64 {
	var sum float64
	for _, v := range []float64{t.Blocked, t.DNS, t.Connect, t.Send, t.Wait, t.Receive} {
		if v > 0 {
			sum += v
		}
	}
	return sum
}

// untilResponse returns the milliseconds from the start of the request to
// the first byte of the response, and false when the timings do not show it.
func (t Timings) untilResponse() (float64, bool) {
	if t.Wait < 0 {
		return 0, false
	}
	return t.Total() - max(t.Receive, 0), true
}

// Info describes a HAR file apart from its entries.
type Info struct {
	// Version is log.version, such as "1.2".
	Version string `json:"version,omitempty"`
	// Creator is the application that wrote the file.
	Creator Creator `json:"creator"`
	// Browser is the browser the traffic came from, if the file names it.
	Browser *Creator `json:"browser,omitempty"`
	// Comment is log.comment.
	Comment string `json:"comment,omitempty"`
	// Pages is the number of log.pages.
	Pages int `json:"pages"`
	// Entries is the number of log.entries read, including skipped ones.
	Entries int `json:"entries"`
	// Unread lists what could not be read, one line each, such as
	// "entry 12: request.url is a JSON number where HAR 1.2 has a string".
	Unread []string `json:"unread,omitempty"`
}
