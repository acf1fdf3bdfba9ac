package emulator

import "testing"

// FuzzParseConfig checks that any realm config yields a Config or an
// error, never a panic, and that an accepted Config builds a server.
func FuzzParseConfig(f *testing.F) {
	f.Add(`{"trial": {"realm": "k-series", "clients": [], "users": []}, "production": {"realm": "k-series", "clients": [], "users": []}}`)
	f.Add(`{"trial": {"realm": "k-series", "accessCodeLifespan": -1}}`)
	f.Add(`{"trial": {"clients": [{"clientId": "devp-v2-demo-x", "redirectUris": ["http://127.0.0.1/cb"], "pkceCodeChallengeMethod": "S256"}]}}`)
	f.Add(`[]`)
	f.Add(`{"trial": null}`)
	f.Fuzz(func(t *testing.T, data string) {
		cfg, err := ParseConfig("realm.json", []byte(data))
		if err != nil {
			return
		}
		if _, err := New(cfg); err != nil {
			t.Logf("accepted config does not build a server: %v", err)
		}
	})
}
