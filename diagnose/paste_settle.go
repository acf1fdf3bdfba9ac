package diagnose

import "fmt"

// settleRequestFindings turns a request part's failure into a warning when
// a response part of the same transcript has a failure with the same ID.
// The response shows that the failure happened and carries the full
// diagnosis. The request part keeps its evidence, which shows what in the
// request caused it, and points to the response part. parts[i] must be the
// part read from pieces[i].
func settleRequestFindings(parts []Part, pieces []piece) {
	answeredIn := map[string]int{}
	for i, p := range pieces {
		if p.response == nil {
			continue
		}
		for _, d := range parts[i].Diagnoses {
			if _, seen := answeredIn[d.ID]; d.Failed() && !seen {
				answeredIn[d.ID] = parts[i].Index
			}
		}
	}
	for i, p := range pieces {
		if p.response != nil || p.check == nil {
			continue
		}
		for j := range parts[i].Diagnoses {
			d := &parts[i].Diagnoses[j]
			index, answered := answeredIn[d.ID]
			if !answered || !d.Failed() {
				continue
			}
			d.Severity = SeverityWarning
			d.addEvidence(fmt.Sprintf("the server's answer in part %d shows this failure; its diagnosis has the causes and the fix", index))
			d.Causes = []string{}
			d.Fix = fmt.Sprintf("See the diagnosis of part %d.", index)
		}
	}
}

// linesLabel names a line range for notes, such as "line 4" or
// "lines 1-3".
func linesLabel(s segment) string {
	r := lineRange(s)
	if s.end-s.start <= 1 {
		return "line " + r
	}
	return "lines " + r
}
