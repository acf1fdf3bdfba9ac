package recording

import "testing"

func TestParseTokenError(t *testing.T) {
	text := "# POST /realms/master/protocol/openid-connect/token\n" +
		"HTTP/1.1 401 Unauthorized\nCache-Control: no-store\nContent-Type: application/json\n\n" +
		`{"error":"unauthorized_client"}`
	r, err := Parse("x", text)
	if err != nil {
		t.Fatal(err)
	}
	if r.Method != "POST" || r.Path != "/realms/master/protocol/openid-connect/token" {
		t.Errorf("method, path = %q, %q", r.Method, r.Path)
	}
	if r.Status != 401 {
		t.Errorf("status = %d, want 401", r.Status)
	}
	if got := r.Header.Get("Content-Type"); got != "application/json" {
		t.Errorf("content type = %q", got)
	}
	if r.Body != `{"error":"unauthorized_client"}` {
		t.Errorf("body = %q", r.Body)
	}
}

func TestAllRecordingsParse(t *testing.T) {
	dir := Dir(t)
	all, err := All(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(all) < 60 {
		t.Errorf("read %d recordings, want at least 60", len(all))
	}
	r := all["oidc/token/replayed-code"]
	if r.Status != 400 {
		t.Errorf("replayed-code status = %d, want 400", r.Status)
	}
}
