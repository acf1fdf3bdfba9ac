package emulator

import (
	"bufio"
	"context"
	"errors"
	"net"
	"net/http"
)

// Keycloak event types the emulator records (names from Keycloak's
// EventType enum).
const (
	eventLogin            = "LOGIN"
	eventLoginError       = "LOGIN_ERROR"
	eventCodeToToken      = "CODE_TO_TOKEN"
	eventCodeToTokenError = "CODE_TO_TOKEN_ERROR"
	eventRefresh          = "REFRESH_TOKEN"
	eventRefreshError     = "REFRESH_TOKEN_ERROR"
	eventClientLogin      = "CLIENT_LOGIN"
	eventClientLoginError = "CLIENT_LOGIN_ERROR"
	eventUserInfo         = "USER_INFO_REQUEST"
	eventUserInfoError    = "USER_INFO_REQUEST_ERROR"
	eventIntrospect       = "INTROSPECT_TOKEN"
	eventIntrospectError  = "INTROSPECT_TOKEN_ERROR"
	eventRevoke           = "REVOKE_GRANT"
	eventRevokeError      = "REVOKE_GRANT_ERROR"
	eventLogout           = "LOGOUT"
	eventLogoutError      = "LOGOUT_ERROR"
)

// event is the Keycloak event one request would record. Handlers fill it
// in, and ServeHTTP logs it. It must never contain a secret, password,
// code or token.
type event struct {
	kind     string
	err      string
	clientID string
	username string
	reason   string
}

type eventKey struct{}

func withEvent(ctx context.Context, ev *event) context.Context {
	return context.WithValue(ctx, eventKey{}, ev)
}

// eventOf returns the request's event, or a throwaway one when the handler
// runs outside ServeHTTP.
func eventOf(r *http.Request) *event {
	if ev, ok := r.Context().Value(eventKey{}).(*event); ok {
		return ev
	}
	return &event{}
}

// fail records an error event with Keycloak's error code (from its Errors
// class, for example "client_not_found").
func (ev *event) fail(kind, code string) {
	ev.kind, ev.err = kind, code
}

// succeed records a success event.
func (ev *event) succeed(kind string) {
	ev.kind, ev.err = kind, ""
}

func (rl *Realm) logRequest(r *http.Request, endpoint Endpoint, status int, ev *event) {
	attrs := []any{
		"realm", rl.name, "endpoint", string(endpoint), "method", r.Method, "status", status,
	}
	if ev.kind != "" {
		attrs = append(attrs, "event", ev.kind)
	}
	if ev.err != "" {
		attrs = append(attrs, "error", ev.err)
	}
	if ev.clientID != "" {
		attrs = append(attrs, "client_id", ev.clientID)
	}
	if ev.username != "" {
		attrs = append(attrs, "username", ev.username)
	}
	if ev.reason != "" {
		attrs = append(attrs, "reason", ev.reason)
	}
	rl.logger.Info("request", attrs...)
}

// statusWriter records the status code a handler writes.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

func (w *statusWriter) statusCode() int {
	if w.status == 0 {
		return http.StatusOK
	}
	return w.status
}

// Hijack lets a handler take over the connection through the wrapper.
func (w *statusWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	h, ok := w.ResponseWriter.(http.Hijacker)
	if !ok {
		return nil, nil, errors.New("could not hijack the connection: the response writer does not support it")
	}
	return h.Hijack()
}

// logError logs a failure the emulator handled without passing it on.
func (rl *Realm) logError(msg string, err error, attrs ...any) {
	rl.logger.Error(msg, append([]any{"realm", rl.name, "error", err}, attrs...)...)
}
