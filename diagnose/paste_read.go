package diagnose

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
)

// piece is one segment read: its summary, the request facts it adds to the
// transcript's context, and either a server response to match or the
// offline checks of a request.
type piece struct {
	seg     segment
	kind    Kind
	summary string
	// ctx contains the request facts the piece shows.
	ctx Context
	// response is a server response, matched once the whole context is
	// known.
	response *Evidence
	// check runs the offline checks of a request with the whole context.
	check func(ctx Context) []Diagnosis
	// fragment is true for a request seen only in part, such as a form
	// body without its headers.
	fragment bool
	// tokensIssued is true for a successful token response.
	tokensIssued bool
	// reported is true for diagnoses copied from ksauth's own output,
	// which is neither a request nor a server response.
	reported bool
}

// isRequest reports whether the piece is a request checked offline.
func (p piece) isRequest() bool {
	return p.response == nil && p.check != nil && !p.reported
}

// maxNotes is the maximum number of notes on skipped parts that a report
// keeps.
const maxNotes = 20

// errNotRecognised marks a segment that no reader takes. It becomes a note,
// not a failure.
var errNotRecognised = errors.New("not recognised")

// readSegments reads every segment, then diagnoses them with the context
// that the whole transcript shows: a page text pasted before the
// authorization URL is still read with that URL's client ID. It returns the
// parts, notes on what was left out, and the last reading error.
func readSegments(segs []segment, hint Context) ([]Part, []string, error) {
	sec := newSecrets()
	pieces, notes, lastErr := readPieces(segs, sec)
	ctx := transcriptContext(hint, pieces)
	parts := make([]Part, 0, len(pieces))
	for i, p := range pieces {
		parts = append(parts, diagnosePiece(i+1, p, ctx))
	}
	dropContradicted(parts, pieces)
	settleRequestFindings(parts, pieces)
	for i := range parts {
		parts[i] = sec.scrubPart(parts[i])
	}
	if lastErr != nil {
		lastErr = errors.New(sec.scrub(lastErr.Error()))
	}
	return parts, notes, lastErr
}

// readPieces reads each segment, noting the ones it skips. Secrets found
// are recorded in sec.
func readPieces(segs []segment, sec *secrets) ([]piece, []string, error) {
	var pieces []piece
	var notes []string
	var lastErr error
	skipped := 0
	note := func(n string) {
		if len(notes) < maxNotes {
			notes = append(notes, capBytes(n, maxEvidenceBytes))
		} else {
			skipped++
		}
	}
	for _, s := range segs {
		p, err := readSegment(s, sec)
		switch {
		case errors.Is(err, errNotRecognised):
			note(fmt.Sprintf("skipped %s: not recognised", linesLabel(s)))
		case err != nil:
			lastErr = fmt.Errorf("%s: %w", linesLabel(s), err)
			note(lastErr.Error())
		default:
			pieces = append(pieces, p)
			if tp, ok := proseAroundURL(s); ok {
				pieces = append(pieces, tp)
			}
		}
	}
	if skipped > 0 {
		notes = append(notes, fmt.Sprintf("%d more parts were skipped", skipped))
	}
	return pieces, sec.scrubAll(notes), lastErr
}

// diagnosePiece runs a piece's offline checks and matches its response,
// both with the transcript's context.
func diagnosePiece(index int, p piece, ctx Context) Part {
	part := Part{Index: index, Kind: p.kind, Lines: lineRange(p.seg), Summary: capBytes(p.summary, maxEvidenceBytes),
		Diagnoses: []Diagnosis{}}
	if p.ctx != (Context{}) {
		c := p.ctx
		part.Context = &c
	}
	if p.check != nil {
		part.Diagnoses = append(part.Diagnoses, p.check(ctx)...)
	}
	if p.response != nil && !showsNoFailure(*p.response) {
		ev := *p.response
		ev.Context = mergeContext(ctx, ev.Context)
		if ev.Redirect.Has("iss") && ev.ExpectedIssuer == "" {
			ev.ExpectedIssuer = ctx.Issuer
		}
		if ev.Step == "" {
			ev.Step = responseStep(ev)
		}
		part.Diagnoses = append(part.Diagnoses, Match(ev)...)
	}
	return part
}

// readSegment reads one segment with the reader of its kind.
func readSegment(s segment, sec *secrets) (piece, error) {
	var p piece
	var err error
	switch s.kind {
	case segHTTP:
		p, err = readHTTP(s.text, sec)
	case segStatusJSON:
		p, err = readStatusJSON(s.text, sec)
	case segJSON:
		p, err = readJSON(s.text, 0, sec)
	case segHTML:
		p, err = readHTML(s.text, sec)
	case segCurl:
		p, err = readCurl(s.text, sec)
	case segURL:
		p, err = readURLLine(s.text, sec)
	case segBasic:
		p, err = readBasic(s.text, sec)
	case segDevTools:
		p, err = readDevTools(s.text, sec)
	case segForm:
		p, err = readForm(strings.TrimSpace(s.text), sec)
	default:
		p, err = readText(s.text)
	}
	p.seg = s
	return p, err
}

func lineRange(s segment) string {
	if s.end-s.start <= 1 {
		return fmt.Sprint(s.start + 1)
	}
	return fmt.Sprintf("%d-%d", s.start+1, s.end)
}

// transcriptContext merges the hint with the request facts of every piece,
// the hint first and earlier pieces before later ones.
func transcriptContext(hint Context, pieces []piece) Context {
	ctx := hint
	for _, p := range pieces {
		ctx = mergeContext(ctx, p.ctx)
	}
	return ctx
}

// mergeContext fills the empty fields of base from extra.
func mergeContext(base, extra Context) Context {
	fill := func(dst *string, src string) {
		if *dst == "" {
			*dst = src
		}
	}
	fill(&base.Env, extra.Env)
	fill(&base.Issuer, extra.Issuer)
	fill(&base.ClientID, extra.ClientID)
	fill(&base.RedirectURI, extra.RedirectURI)
	fill(&base.TokenRedirectURI, extra.TokenRedirectURI)
	fill(&base.RegisteredRedirectURI, extra.RegisteredRedirectURI)
	fill(&base.Scope, extra.Scope)
	fill(&base.GrantType, extra.GrantType)
	fill(&base.ClientAuth, extra.ClientAuth)
	fill(&base.BasicUser, extra.BasicUser)
	fill(&base.BasicProblem, extra.BasicProblem)
	fill(&base.Username, extra.Username)
	base.PKCE = base.PKCE || extra.PKCE
	return base
}

// showsNoFailure reports whether a pasted response is a success: a 2xx or
// 3xx status without an OAuth error, showing a Keycloak page without a
// message (the login form), a JSON body, a form_post page or no body.
func showsNoFailure(ev Evidence) bool {
	n := normalise(ev)
	if n.Error != "" || n.Status < 200 || n.Status >= 400 || n.Redirect.Get("error") != "" {
		return false
	}
	if n.Page != nil && (n.Page.ID != "" || n.Page.Heading != "") {
		return n.Page.Message == ""
	}
	body := strings.TrimSpace(n.Body)
	return body == "" || looksJSON(body) && contentType(n) == "application/json" ||
		strings.Contains(strings.ToLower(body), `name="code"`)
}

// responseStep returns the step of a pasted server response: the refresh
// step for a refresh grant, the authorization step for pages and
// redirects, else the token step.
func responseStep(ev Evidence) Step {
	switch {
	case ev.Context.GrantType == grantRefresh:
		return StepRefresh
	case ev.Page != nil || ev.Redirect.Get("error") != "":
		return StepAuthorize
	}
	return StepToken
}

// clientIDRE finds a K-Series client ID in free text, such as the guide's
// "Client ID: devp-v2-demo-...".
var clientIDRE = regexp.MustCompile(`\bdevp-[A-Za-z0-9][A-Za-z0-9-]*`)

// readText reads copied page text, such as "We are sorry... Client not
// found", and any client ID it names.
func readText(text string) (piece, error) {
	page, ok := PageText(text)
	if !ok {
		return readErrorText(text)
	}
	p := piece{kind: KindPageText, summary: pageSummary(page)}
	p.ctx.ClientID = clientIDRE.FindString(text)
	ev := Evidence{Step: StepAuthorize, Page: &page}
	p.response = &ev
	return p, nil
}

func pageSummary(p Page) string {
	parts := []string{}
	if p.Heading != "" {
		parts = append(parts, p.Heading)
	}
	if p.Message != "" {
		parts = append(parts, p.Message)
	}
	return "Keycloak page: " + strings.Join(parts, " ")
}

// formPostCodeRE finds the code of a response_mode=form_post page, which
// Keycloak 26.7.1 renders as <INPUT TYPE="HIDDEN" NAME="code" VALUE="...">.
var formPostCodeRE = regexp.MustCompile(`(?i)name="code"\s+value="([^"]*)"`)

// readHTML reads a Keycloak page's HTML. The body is not kept, because a
// form_post page carries the authorization code.
func readHTML(text string, sec *secrets) (piece, error) {
	if m := formPostCodeRE.FindStringSubmatch(text); m != nil {
		sec.add(m[1])
		return piece{kind: KindCallback, summary: "form_post response with an authorization code (redacted)"}, nil
	}
	page := ParsePage([]byte(text))
	if page.Heading == "" && page.Message == "" {
		if p, ok := PageText(htmlText(text)); ok {
			page = p
		}
	}
	if page.Heading == "" && page.Message == "" {
		if p, ok := readStatusPage(text, page.Title); ok {
			return p, nil
		}
		return piece{}, errors.New("the HTML shows no Keycloak page heading or message, so paste the whole page or its text")
	}
	ev := Evidence{Step: StepAuthorize, Page: &page}
	return piece{kind: KindHTML, summary: pageSummary(page), response: &ev}, nil
}

// pageStatusRE finds an HTTP status in a proxy's error page title or
// heading: nginx's "502 Bad Gateway", Cloudflare's "502: Bad gateway".
var pageStatusRE = regexp.MustCompile(`(?:^|[^0-9])([45][0-9]{2}):?\s+[A-Za-z]`)

// readStatusPage reads an HTML error page that is not Keycloak's, such as
// a proxy's "502 Bad Gateway", pasted without its status line. The status
// comes from the title, or else from the start of the page text.
func readStatusPage(text, title string) (piece, bool) {
	m := pageStatusRE.FindStringSubmatch(title)
	if m == nil {
		m = pageStatusRE.FindStringSubmatch(capBytes(collapseSpace(htmlText(text)), 200))
	}
	if m == nil {
		return piece{}, false
	}
	status, _ := strconv.Atoi(m[1])
	ev := Evidence{Status: status, Body: text, Header: http.Header{"Content-Type": {"text/html"}}}
	summary := fmt.Sprintf("HTML error page %d %s without a status line", status, http.StatusText(status))
	return piece{kind: KindHTML, summary: summary, response: &ev}, true
}

// isHAR reports whether text is a HAR file: a JSON object whose "log" has
// "entries", or, for input too long or broken to decode, one that starts
// with a "log" key.
func isHAR(text string) bool {
	t := strings.TrimSpace(text)
	if !strings.HasPrefix(t, "{") {
		return false
	}
	var har struct {
		Log *struct {
			Entries json.RawMessage `json:"entries"`
		} `json:"log"`
	}
	if json.Unmarshal([]byte(t), &har) == nil {
		return har.Log != nil && har.Log.Entries != nil
	}
	return harStartRE.MatchString(t[:min(len(t), 256)])
}

var harStartRE = regexp.MustCompile(`^\{\s*"log"\s*:\s*\{`)
