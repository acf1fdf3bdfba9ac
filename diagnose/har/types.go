// Package har reads and writes HTTP Archive (HAR) 1.2 files and rebuilds
// the K-Series sign-in from them.
//
// The format is the one browsers export from their developer tools
// (W3C draft "HTTP Archive (HAR) format", HAR 1.2): one JSON object
// {"log": {...}} whose log.entries holds one request and response each.
// Read walks a file one entry at a time, so memory use depends on the
// largest entry, not on the file's size. The Recorder writes HAR files from
// the flow runner's exchanges, redacted by default, and Diagnose finds the
// OAuth steps in a HAR and explains each failure.
package har

// Version is the HAR format version the Recorder writes.
const Version = "1.2"

// Archive is the root object of a HAR file. Fields these types do not
// declare, such as Chrome's "_initiator" or "_resourceType", are ignored
// when read and not written back, because they can carry copies of URLs
// and bodies.
type Archive struct {
	Log Log `json:"log"`
}

// Log is the HAR log object.
type Log struct {
	Version string     `json:"version"`
	Creator Creator    `json:"creator"`
	Browser *Creator   `json:"browser,omitempty"`
	Pages   []Page     `json:"pages,omitempty"`
	Entries []LogEntry `json:"entries"`
	Comment string     `json:"comment,omitempty"`
}

// Creator names the application that wrote a HAR file, or the browser the
// traffic came from.
type Creator struct {
	Name    string `json:"name"`
	Version string `json:"version"`
	Comment string `json:"comment,omitempty"`
}

// Page is one page a browser loaded. Entries refer to it by ID.
type Page struct {
	StartedDateTime string      `json:"startedDateTime"`
	ID              string      `json:"id"`
	Title           string      `json:"title"`
	PageTimings     PageTimings `json:"pageTimings"`
	Comment         string      `json:"comment,omitempty"`
}

// PageTimings are a page's load events in milliseconds after its start,
// -1 when unknown.
type PageTimings struct {
	OnContentLoad float64 `json:"onContentLoad"`
	OnLoad        float64 `json:"onLoad"`
	Comment       string  `json:"comment,omitempty"`
}

// LogEntry is one element of log.entries: a request, its response and
// their timing.
type LogEntry struct {
	Pageref string `json:"pageref,omitempty"`
	// StartedDateTime is the request's start in ISO 8601, kept as text so
	// that a malformed date does not make the entry unreadable.
	StartedDateTime string `json:"startedDateTime"`
	// Time is the entry's total time in milliseconds.
	Time            float64  `json:"time"`
	Request         Request  `json:"request"`
	Response        Response `json:"response"`
	Cache           Cache    `json:"cache"`
	Timings         Timings  `json:"timings"`
	ServerIPAddress string   `json:"serverIPAddress,omitempty"`
	Connection      string   `json:"connection,omitempty"`
	Comment         string   `json:"comment,omitempty"`
}

// Request is a HAR request. HeadersSize and BodySize are -1 when unknown.
type Request struct {
	Method      string      `json:"method"`
	URL         string      `json:"url"`
	HTTPVersion string      `json:"httpVersion"`
	Cookies     []Cookie    `json:"cookies"`
	Headers     []NameValue `json:"headers"`
	QueryString []NameValue `json:"queryString"`
	PostData    *PostData   `json:"postData,omitempty"`
	HeadersSize int64       `json:"headersSize"`
	BodySize    int64       `json:"bodySize"`
	Comment     string      `json:"comment,omitempty"`
}

// Response is a HAR response. Status is 0 when no response arrived, and
// Error then contains the transport failure, in Chrome's "_error" field.
type Response struct {
	Status      int         `json:"status"`
	StatusText  string      `json:"statusText"`
	HTTPVersion string      `json:"httpVersion"`
	Cookies     []Cookie    `json:"cookies"`
	Headers     []NameValue `json:"headers"`
	Content     Content     `json:"content"`
	RedirectURL string      `json:"redirectURL"`
	HeadersSize int64       `json:"headersSize"`
	BodySize    int64       `json:"bodySize"`
	Comment     string      `json:"comment,omitempty"`
	Error       string      `json:"_error,omitempty"`
}

// NameValue is one header or query parameter.
type NameValue struct {
	Name    string `json:"name"`
	Value   string `json:"value"`
	Comment string `json:"comment,omitempty"`
}

// Cookie is one cookie sent or set.
type Cookie struct {
	Name     string `json:"name"`
	Value    string `json:"value"`
	Path     string `json:"path,omitempty"`
	Domain   string `json:"domain,omitempty"`
	Expires  string `json:"expires,omitempty"`
	HTTPOnly bool   `json:"httpOnly,omitempty"`
	Secure   bool   `json:"secure,omitempty"`
	Comment  string `json:"comment,omitempty"`
}

// PostData is a request body. Text is the body. Params are the parsed
// fields of a form body, which some browsers write instead of Text.
type PostData struct {
	MimeType string  `json:"mimeType"`
	Params   []Param `json:"params,omitempty"`
	Text     string  `json:"text"`
	Comment  string  `json:"comment,omitempty"`
}

// Param is one field of a posted form.
type Param struct {
	Name        string `json:"name"`
	Value       string `json:"value,omitempty"`
	FileName    string `json:"fileName,omitempty"`
	ContentType string `json:"contentType,omitempty"`
	Comment     string `json:"comment,omitempty"`
}

// Content is a response body. Encoding is "base64" when Text contains
// the body in base64, as browsers write binary bodies.
type Content struct {
	Size        int64  `json:"size"`
	Compression int64  `json:"compression,omitempty"`
	MimeType    string `json:"mimeType"`
	Text        string `json:"text,omitempty"`
	Encoding    string `json:"encoding,omitempty"`
	Comment     string `json:"comment,omitempty"`
}

// Cache is the HAR cache object. The Recorder writes it empty.
type Cache struct {
	BeforeRequest *CacheState `json:"beforeRequest,omitempty"`
	AfterRequest  *CacheState `json:"afterRequest,omitempty"`
	Comment       string      `json:"comment,omitempty"`
}

// CacheState is a cache entry's state before or after a request.
type CacheState struct {
	Expires    string `json:"expires,omitempty"`
	LastAccess string `json:"lastAccess"`
	ETag       string `json:"eTag"`
	HitCount   int    `json:"hitCount"`
	Comment    string `json:"comment,omitempty"`
}
