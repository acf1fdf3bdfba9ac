package har

import (
	"strings"

	"github.com/kseries-tools/ksauth/diagnose"
)

// commentPrefix starts the entry comment the Recorder writes, such as
// "ksauth: step=authorize; observed; note=opened in the browser". HAR 1.2
// has no field for a flow step, and a comment keeps the file standard.
const commentPrefix = "ksauth:"

// entryComment returns the comment that records an exchange's step, note
// and whether the flow runner only observed it, or "" when there is none.
func entryComment(e Entry) string {
	var parts []string
	if e.Step != "" {
		parts = append(parts, "step="+string(e.Step))
	}
	if e.Observed {
		parts = append(parts, "observed")
	}
	if e.Note != "" {
		// The note is last, so that it may contain "; " itself.
		parts = append(parts, "note="+e.Note)
	}
	if len(parts) == 0 {
		return ""
	}
	return commentPrefix + " " + strings.Join(parts, "; ")
}

// parseComment restores what entryComment wrote. Comments of other tools
// leave e unchanged.
func parseComment(comment string, e *Entry) {
	rest, ok := strings.CutPrefix(strings.TrimSpace(comment), commentPrefix)
	if !ok {
		return
	}
	rest = strings.TrimSpace(rest)
	for rest != "" {
		if note, ok := strings.CutPrefix(rest, "note="); ok {
			e.Note = note
			return
		}
		part, tail, _ := strings.Cut(rest, "; ")
		rest = tail
		switch {
		case part == "observed":
			e.Observed = true
		case strings.HasPrefix(part, "step="):
			e.Step = diagnose.Step(strings.TrimPrefix(part, "step="))
		}
	}
}
