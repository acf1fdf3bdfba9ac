package demo

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/kseries-tools/ksauth/diagnose"
	"github.com/kseries-tools/ksauth/envs"
	"github.com/kseries-tools/ksauth/envs/emulator"
	"github.com/kseries-tools/ksauth/flow"
)

// httpTimeout bounds each request the demo sends. Every request goes to
// loopback, so it only guards against a stuck server.
const httpTimeout = 30 * time.Second

// Environment names of the emulator's realms. diagnose resolves the tier
// of a request from these names, so they are the built-in local names.
const (
	envTrial      = "local"
	envProduction = "local-production"
)

// seed holds the seeded clients and users the demo signs in with, read
// from emulator.DefaultSeed and DefaultConfig so that the demo follows the
// seed.
type seed struct {
	// client is the trial demo client: confidential, standard flow only.
	client emulator.ClientConfig
	// consentClient is the trial client that requires consent.
	consentClient emulator.ClientConfig
	// pkceClient is the trial client that requires PKCE with S256.
	pkceClient emulator.ClientConfig
	// serviceAccountClient has service accounts but no direct access
	// grants; directGrantClient has direct access grants but no service
	// account.
	serviceAccountClient, directGrantClient emulator.ClientConfig
	// productionClient is the production realm's demo client.
	productionClient emulator.ClientConfig
	// user and productionUser are the "demo" users of the two realms,
	// with different passwords.
	user, productionUser emulator.UserConfig
	// httpsRedirectURI is a redirect URI every seeded client registered
	// exactly, with a trailing slash.
	httpsRedirectURI string
	// codeLifespan is the trial realm's authorization code lifetime.
	codeLifespan time.Duration
}

// readSeed finds the seeded clients and users in cfg.
func readSeed(cfg emulator.Config) (seed, error) {
	ds := emulator.DefaultSeed()
	s := seed{httpsRedirectURI: ds.HTTPSRedirectURI,
		codeLifespan: time.Duration(cfg.Trial.AccessCodeLifespan) * time.Second}
	var missing []string
	clients := []struct {
		realm *emulator.RealmConfig
		id    string
		dst   *emulator.ClientConfig
	}{
		{&cfg.Trial, ds.TrialClient.ClientID, &s.client},
		{&cfg.Trial, ds.TrialConsentClient.ClientID, &s.consentClient},
		{&cfg.Trial, ds.TrialPKCEClient.ClientID, &s.pkceClient},
		{&cfg.Trial, ds.TrialServiceAccountClient.ClientID, &s.serviceAccountClient},
		{&cfg.Trial, ds.TrialDirectGrantClient.ClientID, &s.directGrantClient},
		{&cfg.Production, ds.ProductionClient.ClientID, &s.productionClient},
	}
	for _, c := range clients {
		var ok bool
		if *c.dst, ok = c.realm.Client(c.id); !ok {
			missing = append(missing, "client "+c.id)
		}
	}
	var ok bool
	if s.user, ok = cfg.Trial.User(ds.TrialUser.Username); !ok {
		missing = append(missing, "trial user "+ds.TrialUser.Username)
	}
	if s.productionUser, ok = cfg.Production.User(ds.ProductionUser.Username); !ok {
		missing = append(missing, "production user "+ds.ProductionUser.Username)
	}
	if len(missing) > 0 {
		return seed{}, fmt.Errorf("emulator config is missing the seeded %s", strings.Join(missing, ", "))
	}
	return s, nil
}

// lab is one running emulator with the environments, seed and HTTP client
// a demo run uses. Each scenario gets its own lab, so no state carries
// over between scenarios.
type lab struct {
	server     *emulator.Server
	clock      *emulator.ManualClock
	trial      envs.Env
	production envs.Env
	seed       seed
	opts       Options
	// trace is Options.Trace behind a mutex, or nil.
	trace io.Writer
	// flowClient sends the flow's requests, without a proxy.
	flowClient *http.Client
	// client sends the requests the demo makes itself: the headless
	// browser's and the hand-made token requests. It records each
	// exchange with the step from the request's context.
	client *http.Client

	mu        sync.Mutex
	exchanges []flow.Exchange
}

// startLab starts the emulator with its seeded config on two free loopback
// ports. With a clock, the emulator reads time from it.
func startLab(opts Options, clock *emulator.ManualClock) (*lab, error) {
	if opts.Narration == nil {
		opts.Narration = io.Discard
	}
	cfg := emulator.DefaultConfig()
	s, err := readSeed(cfg)
	if err != nil {
		return nil, err
	}

	var emuOpts []emulator.Option
	if clock != nil {
		emuOpts = append(emuOpts, emulator.WithClock(clock))
	}
	server, err := emulator.New(cfg, emuOpts...)
	if err != nil {
		return nil, fmt.Errorf("could not create the emulator: %w", err)
	}
	if err := server.Start("127.0.0.1:0", "127.0.0.1:0"); err != nil {
		return nil, fmt.Errorf("could not start the emulator: %w", err)
	}

	l := &lab{
		server:     server,
		clock:      clock,
		trial:      envs.Local(envTrial, envs.TierTrial, server.TrialIssuer()),
		production: envs.Local(envProduction, envs.TierProduction, server.ProductionIssuer()),
		seed:       s,
		opts:       opts,
	}
	if opts.Trace != nil {
		l.trace = &lockedWriter{w: opts.Trace}
	}
	l.trial.CodeLifespan = s.codeLifespan
	l.flowClient = &http.Client{Timeout: httpTimeout, Transport: newTransport()}
	l.client = &http.Client{Timeout: httpTimeout, Transport: &recorder{base: newTransport(), lab: l}}
	fmt.Fprintf(opts.Narration, "Emulator running: trial realm %s, production realm %s\n",
		server.TrialIssuer(), server.ProductionIssuer())
	return l, nil
}

// close stops the emulator and drops idle connections.
func (l *lab) close() {
	l.server.Close()
	l.client.CloseIdleConnections()
	l.flowClient.CloseIdleConnections()
}

// record keeps an exchange and passes it to the caller's hook.
// flow calls it one exchange at a time; the demo's own requests may call
// it concurrently, hence the mutex.
func (l *lab) record(ex flow.Exchange) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.exchanges = append(l.exchanges, ex)
	if l.opts.OnExchange != nil {
		l.opts.OnExchange(ex)
	}
}

// recordOwn records an exchange the demo sent itself and writes it to the
// trace, which flow does for its own exchanges.
func (l *lab) recordOwn(ex flow.Exchange) {
	if ex.Note == "" {
		ex.Note = "sent by the demo"
	}
	l.record(ex)
	if l.trace != nil {
		flow.WriteTrace(l.trace, ex.Redacted())
	}
}

// lastExchange returns the last recorded exchange of step that the flow or
// the demo sent itself, skipping warm-up requests, and false when there is
// none.
func (l *lab) lastExchange(step diagnose.Step) (flow.Exchange, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for i := len(l.exchanges) - 1; i >= 0; i-- {
		ex := l.exchanges[i]
		if ex.Step == step && !ex.Observed && ex.Note != diagnose.NoteWarmUp {
			return ex, true
		}
	}
	return flow.Exchange{}, false
}

// newTransport returns a transport for loopback requests: no proxy, short
// dial timeout, kept-alive connections.
func newTransport() *http.Transport {
	dialer := &net.Dialer{Timeout: 5 * time.Second}
	return &http.Transport{
		Proxy:                 nil,
		DialContext:           dialer.DialContext,
		ResponseHeaderTimeout: httpTimeout,
		MaxIdleConnsPerHost:   4,
		IdleConnTimeout:       30 * time.Second,
	}
}
