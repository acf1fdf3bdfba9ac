package flow

import (
	"context"
	"errors"
	"fmt"

	"github.com/coreos/go-oidc/v3/oidc"
	"github.com/kseries-tools/ksauth/diagnose"
	"golang.org/x/oauth2"
)

// providerMetadata are the discovery fields the flow reads beyond the
// endpoints go-oidc exposes.
type providerMetadata struct {
	// IssParameterSupported is RFC 9207 §3's
	// authorization_response_iss_parameter_supported.
	IssParameterSupported bool     `json:"authorization_response_iss_parameter_supported"`
	ScopesSupported       []string `json:"scopes_supported"`
}

// discover runs the discovery step: it fetches the realm's OpenID Connect
// discovery document with go-oidc. The document's issuer must equal the
// configured one exactly, because the same string is compared with the
// callback's iss and the ID token's iss claim.
func (r *runner) discover(ctx context.Context) *Error {
	t := r.timeline.begin(diagnose.StepDiscovery)
	ctx, capture := withCapture(withStep(ctx, diagnose.StepDiscovery))
	issuer := r.cfg.Env.Issuer

	provider, err := oidc.NewProvider(oidc.ClientContext(ctx, r.client), issuer)
	if err != nil {
		ev := r.evidence(diagnose.StepDiscovery)
		ev.ExpectedIssuer = issuer
		var mismatch *oidc.IssuerMismatchError
		switch {
		case errors.As(err, &mismatch):
			addResponse(&ev, capture)
			ev.Kind = diagnose.FindingIssuerMismatch
			ev.Detail = fmt.Sprintf("discovery document's issuer %q differs from the configured issuer %q",
				mismatch.Discovered, mismatch.Provided)
			return r.failure(t, ev, nil)
		case addResponse(&ev, capture):
			ev.Detail = "could not read the discovery document: " + describeResponse(ev)
			if ev.Status == 200 {
				ev.Detail = "could not read the discovery document"
			}
		default:
			ev.Kind = diagnose.FindingTransport
			ev.Detail = "could not fetch the discovery document"
		}
		return r.failure(t, ev, err)
	}

	var meta providerMetadata
	_ = provider.Claims(&meta) // The document already decoded as JSON in NewProvider.
	r.provider, r.metadata = provider, meta
	r.endpoint = provider.Endpoint()
	// Client authentication is pinned to HTTP Basic (RFC 6749 §2.3.1):
	// auto-detection would retry with the secret in the body and blur the
	// evidence of a rejected secret.
	r.endpoint.AuthStyle = oauth2.AuthStyleInHeader
	t.ok("issuer matches; token endpoint %s", r.endpoint.TokenURL)
	return nil
}
