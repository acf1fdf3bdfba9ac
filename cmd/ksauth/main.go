// Command ksauth runs and debugs the OAuth 2.0 / OpenID Connect sign-in of
// the K-Series API platform: the authorization_code flow with PKCE against
// its Keycloak realm, with a diagnosis for every failure at every step.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], stdio{In: os.Stdin, Out: os.Stdout, Err: os.Stderr})
	stop()
	os.Exit(code)
}
