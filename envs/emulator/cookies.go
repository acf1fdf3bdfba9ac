package emulator

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Keycloak 26's login cookies.
const (
	cookieAuthSession     = "AUTH_SESSION_ID"
	cookieAuthSessionHash = "KC_AUTH_SESSION_HASH"
	cookieRestart         = "KC_RESTART"
	cookieIdentity        = "KEYCLOAK_IDENTITY"
	cookieSession         = "KEYCLOAK_SESSION"
)

// Cookie lifetimes in seconds, as measured on Keycloak 26.7.1.
const (
	authSessionHashMaxAge = 60
	sessionCookieMaxAge   = 36000
	sessionOnly           = -1 // no Max-Age: the cookie ends with the browser session
)

// setCookie writes a cookie in Keycloak's format, scoped to the realm's
// path with Version=1. Max-Age 0 deletes it.
//
// NOTE: Keycloak sets SameSite=None with Secure. The emulator serves plain
// http, where browsers reject SameSite=None without Secure, so it sends
// neither attribute. How Keycloak itself treats plain http here is
// unverified.
func (rl *Realm) setCookie(w http.ResponseWriter, name, value string, maxAge int, httpOnly bool) {
	var b strings.Builder
	b.WriteString(name + "=" + value + ";Version=1;Path=/realms/" + rl.cfg.Realm + "/")
	if maxAge >= 0 {
		b.WriteString(";Max-Age=" + strconv.Itoa(maxAge))
	}
	if httpOnly {
		b.WriteString(";HttpOnly")
	}
	w.Header().Add("Set-Cookie", b.String())
}

// authSessionCookieValue signs the root session ID as
// base64url("<rootID>.<signature>"), the shape of Keycloak's cookie.
func (rl *Realm) authSessionCookieValue(rootID string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(rootID + "." + rl.cookieSignature(rootID)))
}

func (rl *Realm) cookieSignature(value string) string {
	mac := hmac.New(sha256.New, rl.keys.hmac)
	mac.Write([]byte(value))
	return base64.RawURLEncoding.EncodeToString(mac.Sum(nil))
}

// rootIDFromCookie returns the root auth session ID from a valid
// AUTH_SESSION_ID cookie, or "".
func (rl *Realm) rootIDFromCookie(r *http.Request) string {
	ck, err := r.Cookie(cookieAuthSession)
	if err != nil {
		return ""
	}
	raw, err := base64.RawURLEncoding.DecodeString(strings.Trim(ck.Value, `"`))
	if err != nil {
		return ""
	}
	id, sig, ok := strings.Cut(string(raw), ".")
	if !ok || !hmac.Equal([]byte(sig), []byte(rl.cookieSignature(id))) {
		return ""
	}
	return id
}

// setAuthSessionCookies writes the cookies of a started login:
// AUTH_SESSION_ID, KC_AUTH_SESSION_HASH and, when restart is not empty,
// KC_RESTART.
func (rl *Realm) setAuthSessionCookies(w http.ResponseWriter, rootID, restart string) {
	rl.setCookie(w, cookieAuthSession, rl.authSessionCookieValue(rootID), sessionOnly, true)
	hash := sha256.Sum256([]byte(rootID))
	rl.setCookie(w, cookieAuthSessionHash, base64.RawURLEncoding.EncodeToString(hash[:]), authSessionHashMaxAge, false)
	if restart != "" {
		rl.setCookie(w, cookieRestart, restart, sessionOnly, true)
	}
}

// restartClaims is the KC_RESTART cookie's content: the client and the
// original authorization request, so a login whose auth session expired
// can start again.
//
// NOTE: Keycloak encrypts this cookie as a JWE, but the emulator signs it
// with HS512 instead, which a client cannot tell apart.
type restartClaims struct {
	Iat      int64  `json:"iat"`
	Typ      string `json:"typ"`
	ClientID string `json:"cid"`
	Request  string `json:"req"`
}

func (rl *Realm) restartCookieValue(req authRequest) string {
	token, err := rl.keys.signHS512(restartClaims{
		Iat: rl.now().Unix(), Typ: typRestart, ClientID: req.resp.clientID, Request: req.params.Encode(),
	})
	if err != nil {
		rl.logError("could not sign the KC_RESTART cookie", err)
		return ""
	}
	return token
}

// restartParams returns the authorization request saved in a valid
// KC_RESTART cookie.
func (rl *Realm) restartParams(r *http.Request) (url.Values, bool) {
	ck, err := r.Cookie(cookieRestart)
	if err != nil || ck.Value == "" {
		return nil, false
	}
	var c restartClaims
	if rl.keys.verifyHS512(ck.Value, &c) != nil || c.Typ != typRestart {
		return nil, false
	}
	params, err := url.ParseQuery(c.Request)
	if err != nil {
		return nil, false
	}
	return params, true
}

// setIdentityCookies writes the SSO cookies of a signed-in user and
// deletes KC_RESTART, as Keycloak does after a successful login.
func (rl *Realm) setIdentityCookies(w http.ResponseWriter, us *userSession, now time.Time) {
	identity, err := rl.keys.signHS512(claims{
		Exp: rl.sessionExpiry(us).Unix(), Iat: now.Unix(), JTI: newUUID(), Iss: rl.Issuer(),
		Sub: us.userID, Typ: typIdentity, SID: us.id,
	})
	if err != nil {
		rl.logError("could not sign the KEYCLOAK_IDENTITY cookie", err)
		return
	}
	rl.setCookie(w, cookieIdentity, identity, sessionOnly, true)
	rl.setCookie(w, cookieSession, rl.sessionCookieValue(us.id), sessionCookieMaxAge, false)
	rl.setCookie(w, cookieRestart, "", 0, true)
}

// sessionCookieValue is KEYCLOAK_SESSION: a hash of the session ID that
// scripts can read.
func (rl *Realm) sessionCookieValue(sessionID string) string {
	sum := sha256.Sum256([]byte(sessionID))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

// clearIdentityCookies deletes the SSO cookies, on logout.
func (rl *Realm) clearIdentityCookies(w http.ResponseWriter) {
	rl.setCookie(w, cookieIdentity, "", 0, true)
	rl.setCookie(w, cookieSession, "", 0, false)
}

// identityFromCookie returns the user session ID and user ID from a valid
// KEYCLOAK_IDENTITY cookie.
func (rl *Realm) identityFromCookie(r *http.Request, now time.Time) (sessionID, userID string, ok bool) {
	ck, err := r.Cookie(cookieIdentity)
	if err != nil || ck.Value == "" {
		return "", "", false
	}
	var c claims
	if rl.keys.verifyHS512(ck.Value, &c) != nil || c.Typ != typIdentity || c.Exp <= now.Unix() {
		return "", "", false
	}
	return c.SID, c.Sub, true
}
