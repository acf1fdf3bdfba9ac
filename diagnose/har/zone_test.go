package har

import (
	"os"
	"testing"
	"time"
)

func TestReadUsesFirstEntryZone(t *testing.T) {
	data, err := os.ReadFile("testdata/chrome-callback-rejected.har")
	if err != nil {
		t.Fatal(err)
	}
	// The file's entries are written in UTC, at +01:00 and at -05:00.
	got, _, err := readAll(t, string(data))
	if err != nil {
		t.Fatalf("Read: %v", err)
	}
	want := []string{"09:30:00.000", "09:30:06.000", "09:30:06.200"}
	if len(got) != len(want) {
		t.Fatalf("read %d entries, want %d", len(got), len(want))
	}
	for i, e := range got {
		if clock := e.Start.Format("15:04:05.000"); clock != want[i] {
			t.Errorf("entry %d clock time = %s, want %s", i+1, clock, want[i])
		}
		if _, offset := e.Start.Zone(); offset != 0 {
			t.Errorf("entry %d UTC offset = %ds, want 0 as in the first entry", i+1, offset)
		}
	}
}

func TestDiagnoseStepTimesShareZone(t *testing.T) {
	rep := diagnoseFile(t, "chrome-callback-rejected.har")
	first := rep.Steps[0].Time.Location()
	for _, s := range rep.Steps {
		if s.Time.Location() != first {
			t.Errorf("step %d zone = %v, want %v", s.Entry, s.Time.Location(), first)
		}
	}
	if got := rep.Steps[len(rep.Steps)-1].Time; !got.Equal(time.Date(2026, 12, 4, 9, 30, 6, 200e6, time.UTC)) {
		t.Errorf("callback time = %v, want 09:30:06.2 UTC", got)
	}
}
