// Package kcform reads the forms of Keycloak's login pages, the login form
// and the consent form, and builds the POST a browser would send. The flow
// runner's headless login and the demo's scripted browser both use it.
package kcform

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"golang.org/x/net/html"
)

// Form is one form of an HTML page with the values a browser would
// submit before the user types anything.
type Form struct {
	// ID is the form's id attribute, "kc-form-login" for Keycloak's login
	// form.
	ID string
	// Action is the raw action attribute, relative to the page URL.
	Action string
	// Method is the upper-case method, "GET" when the attribute is absent.
	Method string
	// Fields are the named inputs a browser submits: text, password,
	// hidden and similar inputs with their value attribute, checked
	// checkboxes and radio buttons, and textareas. Submit buttons are in
	// Buttons instead.
	Fields url.Values
	// Buttons are the form's named submit buttons, <button> or <input>.
	Buttons []Button
}

// Button is a named submit button. A browser sends name=value of the
// button that was pressed.
type Button struct {
	ID, Name, Value string
}

// Read returns the forms of an HTML page in document order. The HTML5
// parser recovers from malformed markup, so any input yields a result.
func Read(page []byte) []Form {
	root, err := html.Parse(bytes.NewReader(page))
	if err != nil {
		return nil
	}
	var forms []Form
	for n := range root.Descendants() {
		if n.Type == html.ElementNode && n.Data == "form" {
			forms = append(forms, readForm(n))
		}
	}
	return forms
}

// readForm collects the fields and buttons below a form element.
func readForm(form *html.Node) Form {
	f := Form{ID: attrOf(form, "id"), Action: attrOf(form, "action"),
		Method: strings.ToUpper(attrOf(form, "method")), Fields: url.Values{}}
	if f.Method == "" {
		f.Method = "GET"
	}
	for n := range form.Descendants() {
		if n.Type != html.ElementNode {
			continue
		}
		name := attrOf(n, "name")
		_, disabled := lookupAttr(n, "disabled")
		if name == "" || disabled {
			continue
		}
		switch n.Data {
		case "input":
			readInput(&f, n, name)
		case "button":
			if t := strings.ToLower(attrOf(n, "type")); t == "" || t == "submit" {
				f.Buttons = append(f.Buttons, Button{ID: attrOf(n, "id"), Name: name, Value: attrOf(n, "value")})
			}
		case "textarea":
			f.Fields.Add(name, textContent(n))
		}
	}
	return f
}

func readInput(f *Form, n *html.Node, name string) {
	value := attrOf(n, "value")
	switch strings.ToLower(attrOf(n, "type")) {
	case "submit", "image":
		f.Buttons = append(f.Buttons, Button{ID: attrOf(n, "id"), Name: name, Value: value})
	case "checkbox", "radio":
		if _, checked := lookupAttr(n, "checked"); checked {
			if value == "" {
				value = "on"
			}
			f.Fields.Add(name, value)
		}
	case "button", "reset", "file":
	default:
		f.Fields.Add(name, value)
	}
}

// Submission returns the values a browser sends when the named button is
// pressed: the fields and the button's name=value.
func (f Form) Submission(button string) url.Values {
	v := url.Values{}
	for k, vals := range f.Fields {
		v[k] = append([]string(nil), vals...)
	}
	for _, b := range f.Buttons {
		if b.Name == button {
			v.Set(b.Name, b.Value)
			break
		}
	}
	return v
}

// HasButton reports whether the form has a submit button with that name.
func (f Form) HasButton(name string) bool {
	for _, b := range f.Buttons {
		if b.Name == name {
			return true
		}
	}
	return false
}

// Login returns Keycloak's username and password form
// (form#kc-form-login in the keycloak and keycloak.v2 themes).
func Login(forms []Form) (Form, bool) {
	for _, f := range forms {
		if f.ID == "kc-form-login" {
			return f, true
		}
	}
	return Form{}, false
}

// Consent returns Keycloak's consent form (login-oauth-grant.ftl),
// recognised by its submit button named "accept".
func Consent(forms []Form) (Form, bool) {
	for _, f := range forms {
		if f.HasButton("accept") {
			return f, true
		}
	}
	return Form{}, false
}

func attrOf(n *html.Node, key string) string {
	v, _ := lookupAttr(n, key)
	return v
}

func lookupAttr(n *html.Node, key string) (string, bool) {
	for _, a := range n.Attr {
		if a.Namespace == "" && a.Key == key {
			return a.Val, true
		}
	}
	return "", false
}

func textContent(n *html.Node) string {
	var b strings.Builder
	for c := range n.Descendants() {
		if c.Type == html.TextNode {
			b.WriteString(c.Data)
		}
	}
	return b.String()
}

// Request builds the POST of form f found on page, with values. The
// action must be on the realm's scheme and host, so a password is never
// sent anywhere else, and the form's method must be POST.
func (f Form) Request(ctx context.Context, page, realm *url.URL, values url.Values) (*http.Request, error) {
	action, err := page.Parse(f.Action)
	if err != nil {
		return nil, fmt.Errorf("invalid form action %q: %w", f.Action, err)
	}
	if !strings.EqualFold(action.Host, realm.Host) || !strings.EqualFold(action.Scheme, realm.Scheme) {
		return nil, fmt.Errorf("form action %s is not on the realm's host %s", action.Redacted(), realm.Host)
	}
	if f.Method != http.MethodPost {
		return nil, fmt.Errorf("form method is %s, expected POST", f.Method)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, action.String(), strings.NewReader(values.Encode()))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return req, nil
}
