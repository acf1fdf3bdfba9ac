package flow

import (
	"testing"
	"time"
)

// BenchmarkCallbackToExchange runs the whole headless flow against the
// emulator over loopback and reports the code age: the time from the
// callback request reaching the callback handler to the token request
// being written to the warm connection.
func BenchmarkCallbackToExchange(b *testing.B) {
	rl := startRealm(b, nil, nil)
	cfg := rl.config()
	cfg.Login = LoginHeadless
	var total time.Duration
	var reused int
	for b.Loop() {
		res, err := Run(b.Context(), cfg)
		if err != nil {
			b.Fatalf("Run: %v", err)
		}
		total += res.CodeAge
		if res.TokenConnReused {
			reused++
		}
	}
	b.ReportMetric(float64(total.Microseconds())/float64(b.N), "µs-code-age/op")
	b.ReportMetric(float64(reused)/float64(b.N), "warm-conn-ratio")
}
