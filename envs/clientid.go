package envs

import "strings"

// ClientKind is what a client ID's prefix says about the client.
type ClientKind int

// Client kinds, from the prefix rules of the platform's V2 migration FAQ.
const (
	// ClientUnknown is an ID without any K-Series prefix.
	ClientUnknown ClientKind = iota
	// ClientV1 is a "devp-" ID without "v2": a V1 client, which the V2
	// Keycloak realm does not know.
	ClientV1
	// ClientTrial is a "devp-v2-demo" ID.
	ClientTrial
	// ClientProduction is a "devp-v2" ID without "demo".
	ClientProduction
)

// String returns the kind's name as used in messages.
func (k ClientKind) String() string {
	switch k {
	case ClientV1:
		return "V1 client"
	case ClientTrial:
		return "trial client"
	case ClientProduction:
		return "production client"
	}
	return "unrecognised client"
}

// Tier returns the tier a V2 client belongs to, or "" for other kinds.
func (k ClientKind) Tier() Tier {
	switch k {
	case ClientTrial:
		return TierTrial
	case ClientProduction:
		return TierProduction
	}
	return ""
}

// ClassifyClientID returns the kind of client the ID's prefix shows.
func ClassifyClientID(id string) ClientKind {
	id = strings.TrimSpace(id)
	switch {
	case strings.HasPrefix(id, TrialPrefix):
		return ClientTrial
	case strings.HasPrefix(id, ProductionPrefix+"-") || id == ProductionPrefix:
		return ClientProduction
	case strings.HasPrefix(id, V1Prefix):
		return ClientV1
	}
	return ClientUnknown
}

// ForClientID returns the built-in public environment a client ID belongs
// to, from its prefix. It reports false for V1 and unrecognised IDs.
func ForClientID(id string) (Env, bool) {
	switch ClassifyClientID(id) {
	case ClientTrial:
		e, _ := Lookup("trial")
		return e, true
	case ClientProduction:
		e, _ := Lookup("production")
		return e, true
	}
	return Env{}, false
}
