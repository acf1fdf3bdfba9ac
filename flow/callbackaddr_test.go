package flow

import (
	"context"
	"strings"
	"testing"
)

func TestCallbackAddrNarration(t *testing.T) {
	rl := startRealm(t, nil, nil)
	cfg := rl.config()
	cfg.Login = LoginHeadless
	cfg.RedirectURI = "http://127.0.0.1:0/callback"
	cfg.CallbackAddr = "0.0.0.0:0"
	var narration lockedBuffer
	cfg.Narration = &narration
	if _, err := Run(context.Background(), cfg); err != nil {
		t.Fatalf("Run: %v", err)
	}
	text := narration.String()
	if !strings.Contains(text, "Listening on ") || !strings.Contains(text, "for the callback to http://127.0.0.1:") {
		t.Errorf("narration does not name the listen address:\n%s", text)
	}
	if !strings.Contains(text, "accepts connections from other machines") {
		t.Errorf("narration does not warn about listening on every interface:\n%s", text)
	}
}
