package kcform

import (
	"context"
	"net/url"
	"testing"
)

// FuzzRead checks that any page yields forms without a panic, and that a
// form's request never leaves the realm's host.
func FuzzRead(f *testing.F) {
	f.Add(`<form id="kc-form-login" method="post" action="/realms/k-series/login-actions/authenticate?x=1"><input name="username"><input type="password" name="password"><input type="submit" name="login" value="Sign In"></form>`)
	f.Add(`<form method="post" action="https://evil.example.test/steal"><input type="submit" name="accept"></form>`)
	f.Add(`<form><textarea name="t">x</textarea><input type="checkbox" name="c" checked><button name="b">B</button>`)
	f.Add(`<<<form action=`)
	realm, _ := url.Parse("http://127.0.0.1:8400/realms/k-series/protocol/openid-connect/auth")
	f.Fuzz(func(t *testing.T, page string) {
		for _, form := range Read([]byte(page)) {
			req, err := form.Request(context.Background(), realm, realm, form.Submission("login"))
			if err != nil {
				continue
			}
			if req.URL.Host != realm.Host {
				t.Errorf("form action %q sends to %s, outside the realm", form.Action, req.URL.Host)
			}
		}
	})
}
