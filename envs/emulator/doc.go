// Package emulator is a local K-Series authorization server that behaves
// like the platform's Keycloak 26 realm "k-series" wherever a client can
// observe it. It serves two realms at once, one for trial and one for
// production. Each has its own loopback listener, issuer, RS256 key,
// clients and users, so a trial client sent to production fails as it does
// on the real hosts.
//
// Each realm serves discovery, the JWKS, the authorization endpoint, the
// login and consent pages, the token endpoint (authorization_code with
// PKCE, refresh_token with rotation, password, client_credentials),
// userinfo, introspection, revocation and logout. The authorization
// endpoint runs Keycloak's check order and reports an error in Keycloak's
// three ways: the "We are sorry..." page, the error redirect with iss, and
// JSON. Status codes, error codes and descriptions follow Keycloak 26.7.1
// as recorded from a live server.
//
// A typical test or demo:
//
//	srv, err := emulator.New(emulator.DefaultConfig(), emulator.WithClock(clock))
//	...
//	err = srv.Start("127.0.0.1:0", "127.0.0.1:0")
//	defer srv.Close()
//	seed := emulator.DefaultSeed() // client IDs, secrets, users, redirect URIs
//	issuer := srv.TrialIssuer()
//
// Faults (latency, a status with a body, a proxy's HTML error page, a
// dropped connection) can be set per endpoint at run time with
// Realm.SetFault. Time comes from a Clock, so a ManualClock tests code and
// token expiry without sleeping.
package emulator
