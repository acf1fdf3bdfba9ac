package diagnose

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestPastedCurlAndResponseNotDuplicated(t *testing.T) {
	input, err := os.ReadFile(filepath.Join("..", "examples", "pasted", "invalid-client-credentials.txt"))
	if err != nil {
		t.Fatal(err)
	}
	rep, err := ReadPasted(input, Context{})
	if err != nil {
		t.Fatalf("ReadPasted: %v", err)
	}
	if len(rep.Parts) != 2 {
		t.Fatalf("parts = %d, want the curl command and its response", len(rep.Parts))
	}

	curl, response := rep.Parts[0], rep.Parts[1]
	failures := 0
	for _, p := range rep.Parts {
		for _, d := range p.Diagnoses {
			if d.Failed() && d.ID == IDInvalidClientCredentials {
				failures++
			}
		}
	}
	if failures != 1 {
		t.Errorf("invalid-client-credentials failures = %d, want 1 (the response's)", failures)
	}
	if len(response.Diagnoses) == 0 || !response.Diagnoses[0].Failed() || response.Diagnoses[0].ID != IDInvalidClientCredentials {
		t.Errorf("response diagnoses = %+v, want invalid-client-credentials as a failure", response.Diagnoses)
	}

	if len(curl.Diagnoses) == 0 {
		t.Fatal("the curl part lost its finding")
	}
	w := curl.Diagnoses[0]
	if w.Failed() {
		t.Errorf("curl part diagnosis severity = %q, want a warning", w.Severity)
	}
	if !containsText(w.Evidence, "newline") || !containsText(w.Evidence, "part 2") {
		t.Errorf("curl part evidence = %q, want the newline problem and a pointer to part 2", w.Evidence)
	}
	if rep.OK {
		t.Error("report OK, want a failure")
	}
}

func TestBasicNewlineCauseOnce(t *testing.T) {
	ev := tokenEv(401, "unauthorized_client", "Invalid client or Invalid client credentials", grantCode)
	ev.Context.BasicProblem = "the decoded value ends with a newline"
	d := Match(ev)[0]
	n := 0
	for _, c := range d.Causes {
		if strings.Contains(c, "newline") {
			n++
		}
	}
	if n != 1 {
		t.Errorf("causes = %q, want the newline named once", d.Causes)
	}
	if !strings.Contains(d.Causes[0], "base64(client_id:client_secret)") {
		t.Errorf("first cause = %q, want the malformed Basic header", d.Causes[0])
	}
	if !containsText(d.Evidence, "ends with a newline") {
		t.Errorf("evidence = %q, want the exact problem", d.Evidence)
	}
}

func TestRefineReplacesKeyedCause(t *testing.T) {
	d := newDiagnosis(IDInvalidClientCredentials, StepToken)
	d.refine("the client ID is unknown to this realm or disabled", causeClientUnknown)
	d.refine("the client belongs to the other environment", causeClientUnknown)
	want := []string{"the client belongs to the other environment", "the client secret is wrong, or belongs to the other environment",
		"the Authorization header is missing",
		"the header is not Basic base64(client_id:client_secret), for example a newline was encoded with it"}
	if strings.Join(d.Causes, "|") != strings.Join(want, "|") {
		t.Errorf("causes = %q, want %q", d.Causes, want)
	}
	d.leadWith("the Authorization header is missing")
	if d.Causes[0] != "the Authorization header is missing" || len(d.Causes) != len(want) {
		t.Errorf("leadWith(an existing cause) causes = %q, want it moved first", d.Causes)
	}
}

func TestUnknownFixPointsToEvidence(t *testing.T) {
	d := Match(Evidence{Step: StepToken, Status: 418})[0]
	if d.ID != IDUnknown {
		t.Fatalf("diagnosis = %q, want unknown", d.ID)
	}
	if strings.Contains(d.Fix, "below") {
		t.Errorf("fix %q points below, but the evidence is listed above the fix", d.Fix)
	}
	if !strings.Contains(d.Fix, "under Evidence") {
		t.Errorf("fix %q does not say where the evidence is", d.Fix)
	}
}

func TestSkippedLineNote(t *testing.T) {
	rep, err := ReadPasted([]byte("{\"error\":\"invalid_grant\",\"error_description\":\"Code not valid\"}\n\nsome words here that mean nothing\n"), Context{})
	if err != nil {
		t.Fatalf("ReadPasted: %v", err)
	}
	for _, n := range rep.Notes {
		if strings.Contains(n, "lines 3 ") || strings.Contains(n, "lines 3:") {
			t.Errorf("note %q says lines for one line", n)
		}
	}
	if !containsText(rep.Notes, "line 3") {
		t.Errorf("notes = %q, want line 3 named", rep.Notes)
	}
}
