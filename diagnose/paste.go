package diagnose

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// MaxPaste is the maximum number of bytes of pasted input ReadPasted
// reads. The rest is left out, with a note in the report.
const MaxPaste = 10 << 20

// MaxParts is the maximum number of parts ReadPasted reads. Later parts
// are left out, with a note in the report. A transcript a person pastes
// has a few dozen.
const MaxParts = 200

// Errors ReadPasted returns for input it cannot read. Each is wrapped with
// a message naming what was expected. Test for them with errors.Is.
var (
	ErrEmpty        = errors.New("empty input")
	ErrBinary       = errors.New("binary input")
	ErrUnrecognised = errors.New("unrecognised input")
	// ErrHAR marks a HAR file, which the HAR reader handles.
	ErrHAR = errors.New("HAR file")
)

// expected is the list of inputs ReadPasted reads, for error messages.
const expected = "expected an error redirect URL, an authorization URL, a JSON error body, an HTTP response, " +
	"a Keycloak page or its text, a curl command for the token endpoint, or an Authorization: Basic header"

// Kind is the type of one part of pasted input.
type Kind string

// Kinds of pasted parts.
const (
	KindErrorRedirect Kind = "error-redirect"
	KindCallback      Kind = "callback-url"
	KindAuthorizeURL  Kind = "authorization-url"
	KindJSON          Kind = "json-body"
	KindHTTPResponse  Kind = "http-response"
	KindHTML          Kind = "html-page"
	KindPageText      Kind = "page-text"
	KindCurl          Kind = "curl"
	KindTokenForm     Kind = "token-request-body"
	KindBasicHeader   Kind = "basic-header"
	KindRedirectURI   Kind = "redirect-uri"
	KindErrorText     Kind = "error-text"
	KindEndpointURL   Kind = "endpoint-url"
)

// Part is one recognised piece of pasted input with its summary, request
// context and diagnoses.
type Part struct {
	// Index is the part's 1-based position in the input.
	Index int  `json:"index"`
	Kind  Kind `json:"kind"`
	// Lines is the 1-based line range, such as "3-7".
	Lines string `json:"lines"`
	// Summary is a one-line description of the part, with secrets
	// redacted.
	Summary string `json:"summary"`
	// Context contains the request facts the part shows, such as the
	// client ID and redirect URI of an authorization URL.
	Context *Context `json:"context,omitempty"`
	// Diagnoses are the part's findings, empty when it shows no failure.
	Diagnoses []Diagnosis `json:"diagnoses"`
}

// Report is the result of ReadPasted: the parts found and their diagnoses.
// It is built for JSON output and contains no secret of the input.
type Report struct {
	// OK is false when any part has a failure diagnosis.
	OK bool `json:"ok"`
	// Kinds lists the kinds of the parts, each once, in input order.
	Kinds []Kind `json:"kinds"`
	Parts []Part `json:"parts"`
	// Notes describe the input that was left out, such as unrecognised
	// lines.
	Notes []string `json:"notes,omitempty"`
	// Truncated is true when the input was longer than MaxPaste or had
	// more than MaxParts parts.
	Truncated bool `json:"truncated,omitempty"`
}

// ReadPastedFrom reads at most MaxPaste bytes (plus one, to notice longer
// input) from r and passes them to ReadPasted.
func ReadPastedFrom(r io.Reader, hint Context) (Report, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxPaste+1))
	if err != nil {
		return Report{}, fmt.Errorf("could not read the input: %w", err)
	}
	return ReadPasted(data, hint)
}

// ReadPasted reads what a user pasted and diagnoses each part of it. Steps:
//  1. Cap the input at MaxPaste bytes and reject empty or binary input.
//  2. Return a HAR file as ErrHAR.
//  3. Split the text into parts, joining URLs broken over lines.
//  4. Read each part, collecting the request context that URLs and curl
//     commands show, with hint taking precedence.
//  5. Diagnose each server response with Match using that context, and
//     check requests offline.
//
// Decoded Basic secrets, posted client secrets, codes and tokens are never
// kept in the Report.
func ReadPasted(input []byte, hint Context) (Report, error) {
	var rep Report

	if len(input) > MaxPaste {
		input = input[:MaxPaste]
		rep.Truncated = true
		rep.Notes = append(rep.Notes, fmt.Sprintf("the input is longer than %d MiB; only the first %d MiB were read",
			MaxPaste>>20, MaxPaste>>20))
		input = trimPartialRune(input)
	}

	text, err := pastedText(input)
	if err != nil {
		return Report{}, err
	}
	if isHAR(text) {
		return Report{}, fmt.Errorf("%w: the input is a HAR file, so read it with the HAR reader", ErrHAR)
	}

	segments := splitParts(text)
	if len(segments) > MaxParts {
		rep.Notes = append(rep.Notes, fmt.Sprintf("the input has %d parts; only the first %d were read",
			len(segments), MaxParts))
		rep.Truncated = true
		segments = segments[:MaxParts]
	}

	parts, notes, lastErr := readSegments(segments, hint)
	rep.Notes = append(rep.Notes, notes...)
	if len(parts) == 0 {
		if lastErr != nil {
			return Report{}, fmt.Errorf("%w: %v (%s)", ErrUnrecognised, lastErr, expected)
		}
		return Report{}, fmt.Errorf("%w: %s", ErrUnrecognised, expected)
	}

	rep.Parts = parts
	rep.OK = true
	for _, p := range parts {
		if !containsKind(rep.Kinds, p.Kind) {
			rep.Kinds = append(rep.Kinds, p.Kind)
		}
		for _, d := range p.Diagnoses {
			if d.Failed() {
				rep.OK = false
			}
		}
	}
	return rep, nil
}

// maxInvalidShare is the share of bytes that may be invalid UTF-8 or
// control characters before input counts as binary. Text copied in a
// legacy encoding, such as "…" as byte 0x85 in Windows-1252, stays below
// it.
const maxInvalidShare = 0.1

// pastedText decodes UTF-16 with a byte-order mark, then checks the input
// for NUL bytes, mostly valid UTF-8 text and blank input. It drops a UTF-8
// byte-order mark, replaces invalid bytes by U+FFFD and turns CRLF into LF.
func pastedText(input []byte) (string, error) {
	input = bytes.TrimPrefix(input, []byte("\xef\xbb\xbf"))
	if decoded, ok := decodeUTF16BOM(input); ok {
		input = decoded
	}
	if bytes.IndexByte(input, 0) >= 0 {
		if enc := utf16WithoutBOM(input); enc != "" {
			return "", fmt.Errorf("%w: the input is %s text without a byte-order mark, so convert it with "+
				"iconv -f %s -t UTF-8 FILE, or save it as UTF-8", ErrBinary, enc, enc)
		}
		return "", fmt.Errorf("%w: the input contains NUL bytes (%s)", ErrBinary, expected)
	}
	if bad := invalidBytes(input); float64(bad) > maxInvalidShare*float64(len(input)) {
		return "", fmt.Errorf("%w: %d of %d bytes are not UTF-8 text (%s)", ErrBinary, bad, len(input), expected)
	}
	text := strings.ToValidUTF8(string(input), "\uFFFD")
	text = strings.ReplaceAll(text, "\r\n", "\n")
	text = strings.ReplaceAll(text, "\r", "\n")
	if strings.TrimSpace(text) == "" {
		return "", fmt.Errorf("%w: nothing to diagnose (%s)", ErrEmpty, expected)
	}
	return text, nil
}

// invalidBytes counts the bytes of b that are invalid UTF-8 or control
// characters other than tab, line feed and carriage return.
func invalidBytes(b []byte) int {
	n := 0
	for len(b) > 0 {
		r, size := utf8.DecodeRune(b)
		if r == utf8.RuneError && size == 1 || r < 0x20 && r != '\t' && r != '\n' && r != '\r' || r == 0x7f {
			n++
		}
		b = b[size:]
	}
	return n
}

// trimPartialRune drops the bytes of a UTF-8 sequence cut off at the end.
func trimPartialRune(b []byte) []byte {
	for i := 0; i < utf8.UTFMax && len(b) > 0; i++ {
		r, size := utf8.DecodeLastRune(b)
		if r != utf8.RuneError || size != 1 {
			break
		}
		b = b[:len(b)-1]
	}
	return b
}

func containsKind(kinds []Kind, k Kind) bool {
	for _, x := range kinds {
		if x == k {
			return true
		}
	}
	return false
}

// decodeUTF16BOM decodes UTF-16 text that starts with a byte-order mark,
// as PowerShell's ">" and Notepad's "Unicode" save it, into UTF-8. It
// reports false for input without such a mark, or with an odd number of
// bytes after it, which is not UTF-16.
func decodeUTF16BOM(input []byte) ([]byte, bool) {
	var order func([]byte) uint16
	switch {
	case len(input) < 4 || len(input)%2 != 0:
		return nil, false
	case bytes.HasPrefix(input, []byte{0xff, 0xfe}):
		order = func(b []byte) uint16 { return uint16(b[0]) | uint16(b[1])<<8 }
	case bytes.HasPrefix(input, []byte{0xfe, 0xff}):
		order = func(b []byte) uint16 { return uint16(b[0])<<8 | uint16(b[1]) }
	default:
		return nil, false
	}
	input = input[2:]
	units := make([]uint16, 0, len(input)/2)
	for i := 0; i < len(input); i += 2 {
		units = append(units, order(input[i:i+2]))
	}
	return []byte(string(utf16.Decode(units))), true
}

// utf16WithoutBOM names the UTF-16 byte order of input without a
// byte-order mark, "UTF-16LE" or "UTF-16BE", or returns "" when its NUL
// bytes do not fall on every other byte. Only the first 4096 bytes are
// looked at.
func utf16WithoutBOM(input []byte) string {
	sample := input[:min(len(input), 4096)]
	var even, odd int
	for i, b := range sample {
		if b != 0 {
			continue
		}
		if i%2 == 0 {
			even++
		} else {
			odd++
		}
	}
	pairs := len(sample) / 2
	switch {
	case pairs == 0:
		return ""
	case odd*10 >= pairs*4 && even*10 < pairs:
		return "UTF-16LE"
	case even*10 >= pairs*4 && odd*10 < pairs:
		return "UTF-16BE"
	}
	return ""
}
