package diagnose

import (
	"errors"
	"strings"
	"testing"
	"unicode/utf16"
)

// encodeUTF16 encodes s as UTF-16 in the given byte order, with a
// byte-order mark when bom is set.
func encodeUTF16(s string, bigEndian, bom bool) []byte {
	units := utf16.Encode([]rune(s))
	if bom {
		units = append([]uint16{0xfeff}, units...)
	}
	out := make([]byte, 0, 2*len(units))
	for _, u := range units {
		if bigEndian {
			out = append(out, byte(u>>8), byte(u))
		} else {
			out = append(out, byte(u), byte(u>>8))
		}
	}
	return out
}

func TestReadPastedUTF16(t *testing.T) {
	text := "HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\n\r\n" +
		`{"error":"invalid_grant","error_description":"Incorrect redirect_uri"}` + "\r\n"
	for _, bigEndian := range []bool{false, true} {
		rep, err := ReadPasted(encodeUTF16(text, bigEndian, true), Context{})
		if err != nil {
			t.Fatalf("ReadPasted(UTF-16, big endian %v) error = %v", bigEndian, err)
		}
		if got := reportIDs(rep); len(got) != 1 || got[0] != IDTokenRedirectURIMismatch {
			t.Errorf("ReadPasted(UTF-16, big endian %v) diagnoses = %v, want [%s]", bigEndian, got, IDTokenRedirectURIMismatch)
		}
	}
	tests := []struct {
		bigEndian bool
		want      string
	}{
		{false, "iconv -f UTF-16LE -t UTF-8"},
		{true, "iconv -f UTF-16BE -t UTF-8"},
	}
	for _, tt := range tests {
		_, err := ReadPasted(encodeUTF16(text, tt.bigEndian, false), Context{})
		if !errors.Is(err, ErrBinary) {
			t.Fatalf("ReadPasted(UTF-16 without BOM) error = %v, want ErrBinary", err)
		}
		if !strings.Contains(err.Error(), tt.want) {
			t.Errorf("ReadPasted(UTF-16 without BOM) error = %q, want it to name %q", err, tt.want)
		}
	}
}
