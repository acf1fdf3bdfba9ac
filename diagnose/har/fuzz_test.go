package har

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// FuzzRead feeds arbitrary bytes to Read, Diagnose and Redact. None may
// panic, Read may not deliver more entries than it counts, a Report must
// encode as JSON, and a redacted copy of a readable HAR must be valid JSON.
// The seed corpus is the testdata HAR files and testdata/fuzz/FuzzRead.
func FuzzRead(f *testing.F) {
	files, err := filepath.Glob("testdata/*.har")
	if err != nil {
		f.Fatal(err)
	}
	for _, name := range files {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		delivered := 0
		info, _ := Read(bytes.NewReader(data), func(Entry) error {
			delivered++
			return nil
		})
		if delivered > info.Entries {
			t.Errorf("Read delivered %d entries but counted %d", delivered, info.Entries)
		}

		rep, err := Diagnose(bytes.NewReader(data))
		if err == nil || errors.Is(err, ErrNoSignIn) {
			if _, err := json.Marshal(rep); err != nil {
				t.Errorf("Report does not encode as JSON: %v", err)
			}
		}

		var out bytes.Buffer
		if _, err := Redact(bytes.NewReader(data), &out, Policy{}); err == nil && !json.Valid(out.Bytes()) {
			t.Errorf("Redact returned no error but wrote invalid JSON: %.200q", out.String())
		}
	})
}
