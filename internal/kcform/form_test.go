package kcform

import (
	"net/url"
	"reflect"
	"testing"
)

func TestReadForms(t *testing.T) {
	tests := []struct {
		name        string
		html        string
		wantForms   int
		wantLogin   bool
		wantConsent bool
		// Checked on the first form.
		wantAction  string
		wantMethod  string
		wantFields  url.Values
		wantButtons []Button
	}{
		{
			name: "keycloak v2 login form",
			html: `<html><body data-page-id="login-login"><div id="kc-form">
<form id="kc-form-login" class="pf-v5-c-form" onsubmit="login.disabled = true; return true;"
 action="http://127.0.0.1:8400/realms/k-series/login-actions/authenticate?session_code=abc&amp;execution=e1&amp;client_id=c&amp;tab_id=t1" method="post" novalidate="novalidate">
<span class="pf-v5-c-form-control"><input id="username" name="username" value="" type="text" autocomplete="username" autofocus aria-invalid=""/></span>
<input id="password" name="password" value="" type="password" autocomplete="current-password"/>
<button class="pf-v5-c-button" type="button" aria-label="Show password" id="password-show-password"></button>
<input type="hidden" id="id-hidden-input" name="credentialId" />
<button class="pf-v5-c-button pf-m-primary" name="login" id="kc-login" type="submit">Sign In</button>
</form></div></body></html>`,
			wantForms:   1,
			wantLogin:   true,
			wantAction:  "http://127.0.0.1:8400/realms/k-series/login-actions/authenticate?session_code=abc&execution=e1&client_id=c&tab_id=t1",
			wantMethod:  "POST",
			wantFields:  url.Values{"username": {""}, "password": {""}, "credentialId": {""}},
			wantButtons: []Button{{ID: "kc-login", Name: "login"}},
		},
		{
			name: "keycloak v1 login form with remember me",
			html: `<form id="kc-form-login" action="/realms/k-series/login-actions/authenticate?session_code=x" method="POST">
<input tabindex="1" id="username" name="username" value="dana" type="text" autofocus autocomplete="off" />
<input tabindex="2" id="password" name="password" type="password" autocomplete="off" />
<input tabindex="3" id="rememberMe" name="rememberMe" type="checkbox"> Remember me
<input tabindex="4" name="login" id="kc-login" type="submit" value="Log In"/>
</form>`,
			wantForms:   1,
			wantLogin:   true,
			wantAction:  "/realms/k-series/login-actions/authenticate?session_code=x",
			wantMethod:  "POST",
			wantFields:  url.Values{"username": {"dana"}, "password": {""}},
			wantButtons: []Button{{ID: "kc-login", Name: "login", Value: "Log In"}},
		},
		{
			name: "consent page with input buttons",
			html: `<body data-page-id="login-login-oauth-grant"><form class="form-actions" action="/realms/k-series/login-actions/consent?client_id=c&amp;tab_id=t" method="POST">
<input type="hidden" name="code" value="session-code-1">
<input class="pf-c-button pf-m-primary" name="accept" id="kc-login" type="submit" value="Yes"/>
<input class="pf-c-button" name="cancel" id="kc-cancel" type="submit" value="No"/>
</form></body>`,
			wantForms:   1,
			wantConsent: true,
			wantAction:  "/realms/k-series/login-actions/consent?client_id=c&tab_id=t",
			wantMethod:  "POST",
			wantFields:  url.Values{"code": {"session-code-1"}},
			wantButtons: []Button{{ID: "kc-login", Name: "accept", Value: "Yes"}, {ID: "kc-cancel", Name: "cancel", Value: "No"}},
		},
		{
			name: "consent page with button elements",
			html: `<form action="/consent" method="post"><input type="hidden" name="code" value="c2">
<button type="submit" name="accept" value="yes">Yes</button><button name="cancel" value="no">No</button></form>`,
			wantForms:   1,
			wantConsent: true,
			wantAction:  "/consent",
			wantMethod:  "POST",
			wantFields:  url.Values{"code": {"c2"}},
			wantButtons: []Button{{Name: "accept", Value: "yes"}, {Name: "cancel", Value: "no"}},
		},
		{
			name:        "disabled, unnamed and checked inputs",
			html:        `<form><input name="a" value="1" disabled><input value="nameless"><input type="checkbox" name="c" checked><input type="radio" name="r" value="x"><textarea name="t">text</textarea></form>`,
			wantForms:   1,
			wantMethod:  "GET",
			wantFields:  url.Values{"c": {"on"}, "t": {"text"}},
			wantButtons: nil,
		},
		{
			name:      "error page without forms",
			html:      `<html><body data-page-id="login-error"><h1 id="kc-page-title">We are sorry...</h1><p class="instruction">Client not found.</p></body></html>`,
			wantForms: 0,
		},
		{
			name:      "not html at all",
			html:      `{"error":"Realm does not exist"}`,
			wantForms: 0,
		},
		{
			name:        "unclosed form is still read",
			html:        `<div><form id="kc-form-login" method="post" action="/a"><input name="username"><input name="password" type="password">`,
			wantForms:   1,
			wantLogin:   true,
			wantAction:  "/a",
			wantMethod:  "POST",
			wantFields:  url.Values{"username": {""}, "password": {""}},
			wantButtons: nil,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			forms := Read([]byte(tt.html))
			if len(forms) != tt.wantForms {
				t.Fatalf("got %d forms, want %d", len(forms), tt.wantForms)
			}
			if _, ok := Login(forms); ok != tt.wantLogin {
				t.Errorf("loginForm found = %v, want %v", ok, tt.wantLogin)
			}
			if _, ok := Consent(forms); ok != tt.wantConsent {
				t.Errorf("consentForm found = %v, want %v", ok, tt.wantConsent)
			}
			if tt.wantForms == 0 {
				return
			}
			f := forms[0]
			if f.Action != tt.wantAction {
				t.Errorf("action = %q, want %q", f.Action, tt.wantAction)
			}
			if f.Method != tt.wantMethod {
				t.Errorf("method = %q, want %q", f.Method, tt.wantMethod)
			}
			if !reflect.DeepEqual(f.Fields, tt.wantFields) {
				t.Errorf("fields = %v, want %v", f.Fields, tt.wantFields)
			}
			if !reflect.DeepEqual(f.Buttons, tt.wantButtons) {
				t.Errorf("buttons = %+v, want %+v", f.Buttons, tt.wantButtons)
			}
		})
	}
}

func TestFormSubmissionAddsPressedButton(t *testing.T) {
	forms := Read([]byte(`<form method="post" action="/c"><input type="hidden" name="code" value="k">
<input type="submit" name="accept" value="Yes"><input type="submit" name="cancel" value="No"></form>`))
	got := forms[0].Submission("accept")
	want := url.Values{"code": {"k"}, "accept": {"Yes"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("submission = %v, want %v", got, want)
	}
	got.Set("code", "changed")
	if forms[0].Fields.Get("code") != "k" {
		t.Error("submission shares its values with the form")
	}
}
