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
		if !p.isRequest() {
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

// dropContradicted removes a request part's client authentication and
// malformed-request findings when a server response in the same
// transcript shows that the token endpoint passed those checks. Keycloak
// 26 checks grant_type, then the client's authentication, then the
// grant's own parameters (code, refresh_token), and only after all three
// returns invalid_grant or issues tokens. A request seen only in part,
// such as a form body, loses those findings. A whole request, such as a
// curl command, keeps them as warnings that name the response, because
// the response belongs to another request. parts[i] must be the part read
// from pieces[i].
func dropContradicted(parts []Part, pieces []piece) {
	passed, ok := authPassedResponse(parts, pieces)
	if !ok {
		return
	}
	for i, p := range pieces {
		if !p.isRequest() {
			continue
		}
		remaining := parts[i].Diagnoses[:0]
		for _, d := range parts[i].Diagnoses {
			if !d.Failed() || d.ID != IDInvalidClientCredentials && d.ID != IDInvalidRequest {
				remaining = append(remaining, d)
				continue
			}
			if p.fragment {
				continue
			}
			d.Severity = SeverityWarning
			d.addEvidence(fmt.Sprintf("the server's response in part %d (%s) shows that client authentication and the "+
				"request's parameters passed, so it answered another request than this one", passed.index, passed.outcome))
			remaining = append(remaining, d)
		}
		parts[i].Diagnoses = remaining
	}
}

// passedResponse is the part whose server response shows that the token
// endpoint accepted the client and the request's form.
type passedResponse struct {
	index   int
	outcome string
}

// authPassedResponse returns the first part with an invalid_grant error
// or issued tokens.
func authPassedResponse(parts []Part, pieces []piece) (passedResponse, bool) {
	for i, p := range pieces {
		switch {
		case p.tokensIssued:
			return passedResponse{parts[i].Index, "tokens issued"}, true
		case p.response != nil && normalise(*p.response).Error == "invalid_grant":
			return passedResponse{parts[i].Index, "invalid_grant"}, true
		}
	}
	return passedResponse{}, false
}

// Diagnoses returns the report's diagnoses as one list in part order. It
// leaves out a warning whose ID another part reports as a failure, because
// such a warning marks the request part that caused the failure, and the
// failure's part carries the diagnosis. Parts keep every diagnosis.
func (r Report) Diagnoses() []Diagnosis {
	failed := map[string]bool{}
	for _, p := range r.Parts {
		for _, d := range p.Diagnoses {
			if d.Failed() {
				failed[d.ID] = true
			}
		}
	}
	out := []Diagnosis{}
	for _, p := range r.Parts {
		for _, d := range p.Diagnoses {
			if d.Failed() || !failed[d.ID] {
				out = append(out, d)
			}
		}
	}
	return out
}
