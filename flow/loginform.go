package flow

import (
	"bytes"
	"net/url"
	"strings"

	"golang.org/x/net/html"
)

// htmlForm is one form of an HTML page with the values a browser would
// submit before the user types anything.
type htmlForm struct {
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
	Buttons []formButton
}

// formButton is a named submit button. A browser sends name=value of the
// button that was pressed.
type formButton struct {
	ID, Name, Value string
}

// readForms returns the forms of an HTML page in document order. The HTML5
// parser recovers from malformed markup, so any input yields a result.
func readForms(page []byte) []htmlForm {
	root, err := html.Parse(bytes.NewReader(page))
	if err != nil {
		return nil
	}
	var forms []htmlForm
	for n := range root.Descendants() {
		if n.Type == html.ElementNode && n.Data == "form" {
			forms = append(forms, readForm(n))
		}
	}
	return forms
}

// readForm collects the fields and buttons below a form element.
func readForm(form *html.Node) htmlForm {
	f := htmlForm{ID: attrOf(form, "id"), Action: attrOf(form, "action"),
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
				f.Buttons = append(f.Buttons, formButton{ID: attrOf(n, "id"), Name: name, Value: attrOf(n, "value")})
			}
		case "textarea":
			f.Fields.Add(name, textContent(n))
		}
	}
	return f
}

func readInput(f *htmlForm, n *html.Node, name string) {
	value := attrOf(n, "value")
	switch strings.ToLower(attrOf(n, "type")) {
	case "submit", "image":
		f.Buttons = append(f.Buttons, formButton{ID: attrOf(n, "id"), Name: name, Value: value})
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

// submission returns the values a browser sends when the named button is
// pressed: the fields and the button's name=value.
func (f htmlForm) submission(button string) url.Values {
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

// hasButton reports whether the form has a submit button with that name.
func (f htmlForm) hasButton(name string) bool {
	for _, b := range f.Buttons {
		if b.Name == name {
			return true
		}
	}
	return false
}

// loginForm returns Keycloak's username and password form
// (form#kc-form-login in the keycloak and keycloak.v2 themes).
func loginForm(forms []htmlForm) (htmlForm, bool) {
	for _, f := range forms {
		if f.ID == "kc-form-login" {
			return f, true
		}
	}
	return htmlForm{}, false
}

// consentForm returns Keycloak's consent form (login-oauth-grant.ftl),
// recognised by its submit button named "accept".
func consentForm(forms []htmlForm) (htmlForm, bool) {
	for _, f := range forms {
		if f.hasButton("accept") {
			return f, true
		}
	}
	return htmlForm{}, false
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
