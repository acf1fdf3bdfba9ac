package flow

import (
	"context"

	"github.com/kseries-tools/ksauth/diagnose"
)

// Probe runs discovery and the probe alone: it sends the authorization
// request without a browser and diagnoses the response, so a client's
// registration can be checked without anybody signing in. The redirect URI
// is only sent, never served, so Probe needs no callback server, TLS
// configuration or login fields.
func Probe(ctx context.Context, cfg Config) (*Result, error) {
	cfg.Login = LoginPaste
	if cfg.ReadRedirect == nil {
		cfg.ReadRedirect = func(context.Context) (string, error) { return "", context.Canceled }
	}
	r, err := newRunner(cfg, true)
	if err != nil {
		return nil, err
	}
	ctx, r.cancel = context.WithCancel(ctx)
	if e := r.discover(ctx); e != nil {
		return r.finish(e)
	}
	if e := r.probe(ctx); e != nil {
		return r.finish(e)
	}
	r.result.RedirectURI = cfg.RedirectURI
	r.timeline.skip(diagnose.StepAuthorize, "probe only")
	return r.finish(nil)
}
