package emulator

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"
)

// HTTP server limits for each realm listener. The write timeout is long so
// that requests delayed by latency faults of up to a minute still get a
// response.
const (
	readHeaderTimeout = 10 * time.Second
	readTimeout       = 30 * time.Second
	writeTimeout      = 2 * time.Minute
	idleTimeout       = 2 * time.Minute
	maxHeaderBytes    = 64 << 10
)

// Server runs the two emulated realms, each on its own loopback listener so
// that their issuers differ by host and port as the real trial and
// production hosts do. It is safe for concurrent use.
type Server struct {
	trial      *Realm
	production *Realm
	logger     *slog.Logger

	mu      sync.Mutex
	servers []*http.Server
}

// Option changes how New builds a Server.
type Option func(*options)

type options struct {
	clock  Clock
	logger *slog.Logger
}

// WithClock makes the realms read time from c: code, token, session and
// cookie expiry all follow it. The default is the system clock. Injected
// latency faults always use the wall clock.
func WithClock(c Clock) Option {
	return func(o *options) { o.clock = c }
}

// WithLogger makes the server log one record per request: the realm, the
// endpoint, the status and the Keycloak event it would record (for example
// event=LOGIN_ERROR error=client_not_found). Secrets, passwords, codes and
// tokens are never logged. The default discards the records.
func WithLogger(l *slog.Logger) Option {
	return func(o *options) { o.logger = l }
}

// New validates cfg and builds both realms, generating each realm's keys.
// It does not listen until Start is called.
func New(cfg Config, opts ...Option) (*Server, error) {
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("invalid emulator config: %w", err)
	}
	o := options{clock: systemClock{}, logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
	for _, opt := range opts {
		opt(&o)
	}
	trial, err := newRealm(RealmTrial, cloneRealmConfig(cfg.Trial), o.clock, o.logger)
	if err != nil {
		return nil, fmt.Errorf("could not create the trial realm: %w", err)
	}
	production, err := newRealm(RealmProduction, cloneRealmConfig(cfg.Production), o.clock, o.logger)
	if err != nil {
		return nil, fmt.Errorf("could not create the production realm: %w", err)
	}
	return &Server{trial: trial, production: production, logger: o.logger}, nil
}

// Start listens on the two addresses, for example "127.0.0.1:0" or ":0"
// for a free loopback port each, and serves the realms in the background.
// Only loopback addresses are accepted, because the emulator is for local
// use. An empty host means 127.0.0.1. Start may be called once.
func (s *Server) Start(trialAddr, productionAddr string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.servers != nil {
		return errors.New("could not start the emulator: it is already started")
	}
	trialLn, err := listenLoopback(trialAddr)
	if err != nil {
		return fmt.Errorf("could not start the trial realm: %w", err)
	}
	productionLn, err := listenLoopback(productionAddr)
	if err != nil {
		trialLn.Close()
		return fmt.Errorf("could not start the production realm: %w", err)
	}
	s.servers = []*http.Server{s.serve(s.trial, trialLn), s.serve(s.production, productionLn)}
	return nil
}

func (s *Server) serve(rl *Realm, ln net.Listener) *http.Server {
	rl.setIssuer(issuerFor(ln.Addr().(*net.TCPAddr), rl.cfg.Realm))
	srv := &http.Server{
		Handler:           rl,
		ReadHeaderTimeout: readHeaderTimeout,
		ReadTimeout:       readTimeout,
		WriteTimeout:      writeTimeout,
		IdleTimeout:       idleTimeout,
		MaxHeaderBytes:    maxHeaderBytes,
		ErrorLog:          slog.NewLogLogger(s.logger.Handler(), slog.LevelWarn),
	}
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			s.logger.Error("realm listener stopped", "realm", rl.name, "addr", ln.Addr().String(), "error", err)
		}
	}()
	s.logger.Info("realm started", "realm", rl.name, "issuer", rl.Issuer())
	return srv
}

// listenLoopback listens on addr after checking that its host is a
// loopback IP address, "localhost" or empty. An empty host or "localhost"
// binds 127.0.0.1, so ":0" gives a free loopback port and the issuer's host
// always reaches the listener.
func listenLoopback(addr string) (net.Listener, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, fmt.Errorf("invalid listen address %q: %w", addr, err)
	}
	if host == "" || host == "localhost" {
		host = "127.0.0.1"
	}
	if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
		return nil, fmt.Errorf("listen address %q is not a loopback address: use 127.0.0.1:PORT or localhost:PORT, since the emulator is for local use only", addr)
	}
	addr = net.JoinHostPort(host, port)
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("could not listen on %s: %w", addr, err)
	}
	return ln, nil
}

func issuerFor(addr *net.TCPAddr, realm string) string {
	return "http://" + net.JoinHostPort(addr.IP.String(), fmt.Sprint(addr.Port)) + "/realms/" + realm
}

// Realm returns the running realm with the given name (RealmTrial or
// RealmProduction), or nil for another name.
func (s *Server) Realm(name string) *Realm {
	switch name {
	case RealmTrial:
		return s.trial
	case RealmProduction:
		return s.production
	}
	return nil
}

// TrialIssuer returns the trial realm's issuer URL, empty before Start.
func (s *Server) TrialIssuer() string { return s.trial.Issuer() }

// ProductionIssuer returns the production realm's issuer URL, empty before
// Start.
func (s *Server) ProductionIssuer() string { return s.production.Issuer() }

// Config returns a copy of the config the server runs with.
func (s *Server) Config() Config {
	return Config{Trial: s.trial.Config(), Production: s.production.Config()}
}

// ClearFaults removes every injected fault from both realms.
func (s *Server) ClearFaults() {
	s.trial.ClearFaults()
	s.production.ClearFaults()
}

// Close stops both listeners and closes open connections at once. Requests
// in progress are cut off.
func (s *Server) Close() error {
	s.mu.Lock()
	servers := s.servers
	s.mu.Unlock()
	var errs []error
	for _, srv := range servers {
		errs = append(errs, srv.Close())
	}
	return errors.Join(errs...)
}

// Shutdown stops both listeners and waits for requests in progress until
// ctx ends.
func (s *Server) Shutdown(ctx context.Context) error {
	s.mu.Lock()
	servers := s.servers
	s.mu.Unlock()
	var errs []error
	for _, srv := range servers {
		errs = append(errs, srv.Shutdown(ctx))
	}
	return errors.Join(errs...)
}
