package emulator

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

func TestFaultLatency(t *testing.T) {
	e := startEmulator(t, nil)
	const delay = 150 * time.Millisecond
	e.srv.Realm(RealmTrial).SetFault(EndpointDiscovery, LatencyFault(delay))
	start := time.Now()
	resp := newBrowser(t).get(e.trial() + "/.well-known/openid-configuration")
	elapsed := time.Since(start)
	if elapsed < delay {
		t.Errorf("response after %s, want at least %s", elapsed, delay)
	}
	if resp.status != http.StatusOK || jsonBody(t, resp)["issuer"] != e.trial() {
		t.Errorf("status %d body %s, want the normal discovery document after the delay", resp.status, resp.body)
	}
}

func TestFaultStatus(t *testing.T) {
	e := startEmulator(t, nil)
	e.srv.Realm(RealmTrial).SetFault(EndpointToken, StatusFault(http.StatusServiceUnavailable, "application/json", `{"error":"temporarily_unavailable"}`))
	resp := tokenRequest(t, e.trial(), seed.TrialClient, true, url.Values{"grant_type": {"client_credentials"}})
	if resp.status != http.StatusServiceUnavailable {
		t.Errorf("status = %d, want 503", resp.status)
	}
	if ct := resp.header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type = %q, want application/json", ct)
	}
	if resp.body != `{"error":"temporarily_unavailable"}` {
		t.Errorf("body = %q", resp.body)
	}
	// Other endpoints and the other realm are unaffected.
	if resp := newBrowser(t).get(e.trial() + "/protocol/openid-connect/certs"); resp.status != http.StatusOK {
		t.Errorf("certs status = %d, want 200", resp.status)
	}
	if resp := tokenRequest(t, e.srv.ProductionIssuer(), seed.ProductionClient, true, url.Values{}); resp.status != http.StatusBadRequest {
		t.Errorf("production token status = %d, want 400 (no fault there)", resp.status)
	}
}

func TestFaultProxyErrorPage(t *testing.T) {
	e := startEmulator(t, nil)
	e.srv.Realm(RealmTrial).SetFault(EndpointToken, ProxyErrorFault(http.StatusBadGateway))
	resp := tokenRequest(t, e.trial(), seed.TrialClient, true, url.Values{"grant_type": {"authorization_code"}})
	if resp.status != http.StatusBadGateway {
		t.Errorf("status = %d, want 502", resp.status)
	}
	if ct := resp.header.Get("Content-Type"); ct != "text/html" {
		t.Errorf("Content-Type = %q, want text/html", ct)
	}
	if resp.header.Get("Server") != "nginx" || !strings.Contains(resp.body, "<title>502 Bad Gateway</title>") {
		t.Errorf("Server %q body %q, want nginx's 502 page", resp.header.Get("Server"), resp.body)
	}
	e.srv.Realm(RealmTrial).SetFault(EndpointToken, ProxyErrorFault(http.StatusGatewayTimeout))
	resp = tokenRequest(t, e.trial(), seed.TrialClient, true, url.Values{})
	if !strings.Contains(resp.body, "504 Gateway Time-out") {
		t.Errorf("body = %q, want nginx's 504 wording", resp.body)
	}
}

func TestFaultDrop(t *testing.T) {
	e := startEmulator(t, nil)
	e.srv.Realm(RealmTrial).SetFault(EndpointAuth, DropFault())
	_, err := http.Get(authURL(e.trial(), authRequestFor(seed.TrialClient.ClientID, loopbackRedirect)))
	if err == nil {
		t.Fatal("request succeeded, want a dropped connection")
	}
}

func TestFaultClear(t *testing.T) {
	e := startEmulator(t, nil)
	rl := e.srv.Realm(RealmTrial)
	rl.SetFault(EndpointCerts, StatusFault(http.StatusInternalServerError, "text/plain", "boom"))
	rl.SetFault(EndpointDiscovery, StatusFault(http.StatusInternalServerError, "text/plain", "boom"))
	rl.SetFault(EndpointCerts, Fault{})
	if resp := newBrowser(t).get(e.trial() + "/protocol/openid-connect/certs"); resp.status != http.StatusOK {
		t.Errorf("certs after a zero Fault: status %d, want 200", resp.status)
	}
	if resp := newBrowser(t).get(e.trial() + "/.well-known/openid-configuration"); resp.status != http.StatusInternalServerError {
		t.Errorf("discovery before ClearFaults: status %d, want 500", resp.status)
	}
	e.srv.ClearFaults()
	if resp := newBrowser(t).get(e.trial() + "/.well-known/openid-configuration"); resp.status != http.StatusOK {
		t.Errorf("discovery after ClearFaults: status %d, want 200", resp.status)
	}
}
