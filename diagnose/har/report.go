package har

import (
	"errors"
	"fmt"
	"io"
	"slices"

	"github.com/kseries-tools/ksauth/diagnose"
)

// ErrNoSignIn is wrapped by the error Diagnose returns when a HAR file
// contains no OAuth sign-in traffic at all.
var ErrNoSignIn = errors.New("no OAuth sign-in requests in the HAR")

// MaxSignInEntries is the maximum number of sign-in entries Diagnose
// keeps. Later ones are counted in Info.Unread and not diagnosed, so that
// a HAR of endless token requests cannot exhaust memory. With both bodies
// capped at MaxBody, the kept entries take at most about 256 MiB.
const MaxSignInEntries = 2000

// Report is the result of Diagnose: each OAuth step of a HAR file in time
// order with its diagnoses, and the parts that could not be read.
type Report struct {
	// OK is true when no step failed.
	OK bool `json:"ok"`
	// Info describes the file: its creator, entry count and unread parts.
	Info Info `json:"har"`
	// SignInEntries is the number of entries that belong to a sign-in.
	SignInEntries int `json:"sign_in_entries"`
	// Steps are the OAuth steps found, sorted by startedDateTime.
	Steps []Step `json:"steps"`
	// Notes are facts about the sign-in as a whole, such as an
	// authorization request with no callback after it.
	Notes []string `json:"notes,omitempty"`
	// Partial is true when reading stopped before the end of the file, and
	// Stopped then gives where and why. The steps are those of the entries
	// read before that point.
	Partial bool   `json:"partial,omitempty"`
	Stopped string `json:"stopped,omitempty"`
}

// Diagnoses returns every step's diagnoses in step order.
func (r Report) Diagnoses() []diagnose.Diagnosis {
	var out []diagnose.Diagnosis
	for _, s := range r.Steps {
		out = append(out, s.Diagnoses...)
	}
	return out
}

// CodeAgeMS returns the code age of the first authorization_code token
// request whose code age is known, and false when there is none.
func (r Report) CodeAgeMS() (float64, bool) {
	for _, s := range r.Steps {
		if s.CodeAgeMS != nil {
			return *s.CodeAgeMS, true
		}
	}
	return 0, false
}

// Diagnose reads a HAR file from r and rebuilds the OAuth sign-in in it:
//  1. Read streams the entries and keeps those of a sign-in (IsSignIn),
//     with bodies cut at MaxBody.
//  2. The entries are sorted by startedDateTime, because browsers write
//     them in completion order and tools merge files.
//  3. Each entry becomes a Step, and diagnose.Match explains each failed
//     step. Checks that only a HAR allows add to it: the code's age and
//     reuse, the token request's host and redirect URI, and where the
//     client secret was sent. In a browser's HAR without any Authorization,
//     Cookie or Set-Cookie header, which a sanitized export removes, a
//     token request without credentials is not taken to have sent none.
//
// A truncated or broken file yields a Report with Partial set and the
// steps read before the break, and a nil error. Diagnose returns an error
// wrapping ErrNotHAR when the input is no HAR, one wrapping ErrNoSignIn
// (with the Report) when the HAR contains no sign-in, and the reader's error
// when reading fails.
func Diagnose(r io.Reader) (Report, error) {
	var rep Report
	var entries []Entry
	var credentials credentialTracker
	info, err := Read(r, func(e Entry) error {
		credentials.add(e)
		if !IsSignIn(e) {
			return nil
		}
		if len(entries) >= MaxSignInEntries {
			rep.SignInEntries++
			return nil
		}
		rep.SignInEntries++
		entries = append(entries, e)
		return nil
	})
	rep.Info = info
	var readErr *ReadError
	switch {
	case errors.As(err, &readErr):
		rep.Partial, rep.Stopped = true, readErr.Error()
	case err != nil:
		return rep, err
	}
	if dropped := rep.SignInEntries - len(entries); dropped > 0 {
		rep.Info.Unread = append(rep.Info.Unread, fmt.Sprintf("%d sign-in entries after the first %d were not diagnosed",
			dropped, MaxSignInEntries))
	}

	sortByStart(entries)
	f := newFlow()
	f.mayBeSanitized = credentials.mayBeSanitized(info)
	for _, e := range entries {
		f.add(e)
	}
	rep.Steps = f.steps
	if rep.Steps == nil {
		rep.Steps = []Step{}
	}
	rep.Notes = f.summary()
	rep.OK = !slices.ContainsFunc(rep.Steps, func(s Step) bool { return s.Status == StatusFailed })

	if len(rep.Steps) == 0 && !rep.Partial {
		return rep, fmt.Errorf("%w: %d entries read, none to a Keycloak realm (/protocol/openid-connect/, "+
			"/login-actions/) or carrying code, error or grant_type: record the HAR from before the sign-in "+
			"starts, with Preserve log on", ErrNoSignIn, info.Entries)
	}
	return rep, nil
}

// sortByStart sorts entries by start time, keeping file order for equal
// times. An entry without a readable time takes the time of the entry
// before it in the file, so that it stays in place.
func sortByStart(entries []Entry) {
	for i := range entries {
		if entries[i].Start.IsZero() && i > 0 {
			entries[i].Start = entries[i-1].Start
		}
	}
	slices.SortStableFunc(entries, func(a, b Entry) int { return a.Start.Compare(b.Start) })
}

// summary returns notes about the sign-in as a whole: an authorization
// request that no callback or token request followed, and a code that no
// token request exchanged.
func (f *flow) summary() []string {
	var notes []string
	var authorize, callback, token bool
	for _, s := range f.steps {
		switch {
		case s.Name == diagnose.StepAuthorize && s.Action == "authorization request":
			authorize = true
		case s.Name == diagnose.StepCallback:
			callback = true
		case s.Name == diagnose.StepToken:
			token = true
		}
	}
	if authorize && !callback && !token && len(f.codes) == 0 {
		notes = append(notes, "no redirect carrying a code or error follows the authorization request: "+
			"the sign-in did not finish while the HAR was recorded")
	}
	if token || f.relayed || len(f.codes) == 0 {
		return notes
	}
	first := len(f.steps)
	for _, issue := range f.codes {
		first = min(first, issue.step)
	}
	if first < len(f.steps) {
		notes = append(notes, fmt.Sprintf("the code from entry %d was never sent to a token endpoint in this HAR; "+
			"the exchange may have run on a server, which the browser does not record", f.steps[first].Entry))
	}
	return notes
}
