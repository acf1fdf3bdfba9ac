package flow

import (
	"net/http"
	"testing"
	"time"
)

// BenchmarkCallbackToExchange runs the whole headless flow against the
// emulator over loopback and reports the code age: the time from the
// callback request reaching the callback handler to the token request
// being written to the warm connection.
func BenchmarkCallbackToExchange(b *testing.B) {
	benchmarkCodeAge(b, nil)
}

// BenchmarkCallbackToExchangeNoKeepAlive is BenchmarkCallbackToExchange
// with keep-alives off, so the exchange opens its own connection: the
// difference is what the warm-up saves on loopback, where a TCP connect
// costs far less than a TLS handshake to a remote realm.
func BenchmarkCallbackToExchangeNoKeepAlive(b *testing.B) {
	benchmarkCodeAge(b, &http.Client{Transport: &http.Transport{DisableKeepAlives: true}})
}

func benchmarkCodeAge(b *testing.B, client *http.Client) {
	rl := startRealm(b, nil, nil)
	cfg := rl.config()
	cfg.Login, cfg.HTTPClient = LoginHeadless, client
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
