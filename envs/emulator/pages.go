package emulator

import "html/template"

// Page template names.
const (
	pageError          = "error"
	pageLogin          = "login"
	pageExpired        = "expired"
	pageConsent        = "consent"
	pageInfo           = "info"
	pageUpdatePassword = "update-password"
)

// pages are the emulator's own rendering of Keycloak 26's keycloak.v2
// login theme. They keep what a client can observe: titles, the
// data-page-id of each page, element IDs and names, where messages sit,
// and the form fields. Styling and scripts are left out.
var pages = template.Must(template.New("pages").Parse(`
{{define "head"}}<!DOCTYPE html>
<html class="login-pf" lang="en">
<head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>{{.Title}}</title>
</head>
<body id="keycloak-bg" class="" data-page-id="{{.PageID}}">
<div class="pf-v5-c-login">
  <div class="pf-v5-c-login__container">
    <header id="kc-header" class="pf-v5-c-login__header">
      <div id="kc-header-wrapper" class="pf-v5-c-brand">{{.Brand}}</div>
    </header>
    <main class="pf-v5-c-login__main">
      <div class="pf-v5-c-login__main-header">
        <h1 class="pf-v5-c-title pf-m-3xl" id="kc-page-title">{{.Heading}}</h1>
      </div>
      <div class="pf-v5-c-login__main-body">
{{- with .Alert}}
        <div class="pf-v5-c-alert pf-m-inline pf-m-plain {{.Class}}">
          <span class="pf-v5-c-alert__title kc-feedback-text">{{.Message}}</span>
        </div>
{{- end}}
{{end}}

{{define "foot"}}
      </div>
    </main>
  </div>
</div>
</body>
</html>
{{end}}

{{define "error"}}{{template "head" .}}
        <div id="kc-error-message">
            <p class="instruction">{{.Message}}</p>
{{- if .BackURL}}
            <p><a id="backToApplication" href="{{.BackURL}}">« Back to Application</a></p>
{{- end}}
        </div>
{{template "foot"}}{{end}}

{{define "info"}}{{template "head" .}}
        <div id="kc-info-message">
            <p class="instruction">{{.Message}}</p>
        </div>
{{template "foot"}}{{end}}

{{define "login"}}{{template "head" .}}
        <div id="kc-form">
          <div id="kc-form-wrapper">
            <form id="kc-form-login" class="pf-v5-c-form pf-v5-u-w-100" onsubmit="login.disabled = true; return true;" action="{{.Action}}" method="post" novalidate="novalidate">
              <div class="pf-v5-c-form__group">
                <label for="username" class="pf-v5-c-form__label"><span class="pf-v5-c-form__label-text">Username or email</span></label>
                <span class="pf-v5-c-form-control"><input id="username" name="username" value="{{.Username}}" type="text" autocomplete="username" autofocus aria-invalid="{{if .FieldError}}true{{end}}"/></span>
                <div id="input-error-container-username">
{{- if .FieldError}}
                  <div class="pf-v5-c-form__helper-text" aria-live="polite">
                    <div class="pf-v5-c-helper-text">
                      <div id="input-error-username" class="pf-v5-c-helper-text__item pf-m-error kcError">
                        <span class="pf-v5-c-helper-text__item-text">{{.FieldError}}</span>
                      </div>
                    </div>
                  </div>
{{- end}}
                </div>
              </div>
              <div class="pf-v5-c-form__group">
                <label for="password" class="pf-v5-c-form__label"><span class="pf-v5-c-form__label-text">Password</span></label>
                <span class="pf-v5-c-form-control"><input id="password" name="password" value="" type="password" autocomplete="current-password" aria-invalid="{{if .FieldError}}true{{end}}"/></span>
                <div id="input-error-container-password">
                </div>
              </div>
              <input type="hidden" id="id-hidden-input" name="credentialId" />
              <div class="pf-v5-c-form__group">
                <div class="pf-v5-c-form__actions">
                  <button class="pf-v5-c-button pf-m-primary pf-m-block" name="login" id="kc-login" type="submit">Sign In</button>
                </div>
              </div>
            </form>
          </div>
        </div>
{{template "foot"}}{{end}}

{{define "expired"}}{{template "head" .}}
        <p id="instruction1" class="instruction">
            To restart the login process <a id="loginRestartLink" href="{{.RestartURL}}">Click here</a> .<br/>
            To continue the login process <a id="loginContinueLink" href="{{.ContinueURL}}">Click here</a> .
        </p>
{{template "foot"}}{{end}}

{{define "consent"}}{{template "head" .}}
        <div id="kc-oauth" class="content-area">
            <h3>Do you grant these access privileges?</h3>
            <ul>
{{- range .Scopes}}
                <li><span>{{.}}</span></li>
{{- end}}
            </ul>
            <form class="form-actions" action="{{.Action}}" method="POST">
                <input type="hidden" name="code" value="{{.Code}}">
                <div id="kc-form-buttons">
                    <input class="pf-v5-c-button pf-m-primary" name="accept" id="kc-login" type="submit" value="Yes"/>
                    <input class="pf-v5-c-button pf-m-secondary" name="cancel" id="kc-cancel" type="submit" value="No"/>
                </div>
            </form>
        </div>
{{template "foot"}}{{end}}

{{define "update-password"}}{{template "head" .}}
        <form id="kc-passwd-update-form" class="pf-v5-c-form" action="{{.Action}}" method="post" novalidate="novalidate">
            <input id="password-new" name="password-new" type="password" autocomplete="new-password"/>
            <input id="password-confirm" name="password-confirm" type="password" autocomplete="new-password"/>
            <input class="pf-v5-c-button pf-m-primary" type="submit" value="Submit"/>
        </form>
{{template "foot"}}{{end}}

{{define "form_post"}}<HTML>  <HEAD>    <TITLE>OIDC Form_Post Response</TITLE></HEAD>  <BODY Onload="document.forms[0].submit()">    <FORM METHOD="POST" ACTION="{{.Action}}">
{{- range .Params}}  <INPUT TYPE="HIDDEN" NAME="{{.Name}}" VALUE="{{.Value}}" />{{end}}      <NOSCRIPT>        <P>JavaScript is disabled. We strongly recommend to enable it. Click the button below to continue .</P>        <INPUT name="continue" TYPE="SUBMIT" VALUE="CONTINUE" />      </NOSCRIPT>    </FORM>  </BODY></HTML>{{end}}
`))

// pageData is the content every page shows around its body.
type pageData struct {
	Title   string // <title>: "Sign in to <realm display name>"
	PageID  string // body data-page-id, for example "login-error"
	Brand   string // header text
	Heading string // h1#kc-page-title
	Alert   *alert // the global message above the form, if any
}

// alert is the theme's global message; Class picks its colour.
type alert struct {
	Class   string // "pf-m-danger", "pf-m-warning", "pf-m-info"
	Message string
}

func errorAlert(message string) *alert   { return &alert{Class: "pf-m-danger", Message: message} }
func warningAlert(message string) *alert { return &alert{Class: "pf-m-warning", Message: message} }

func (rl *Realm) pageData(pageID, heading string) pageData {
	return pageData{
		Title:   "Sign in to " + rl.displayName(),
		PageID:  pageID,
		Brand:   rl.displayName(),
		Heading: heading,
	}
}

type errorPageData struct {
	pageData
	Message string
	BackURL string
}

type loginPageData struct {
	pageData
	Action     string
	Username   string
	FieldError string
}

type expiredPageData struct {
	pageData
	RestartURL  string
	ContinueURL string
}

type consentPageData struct {
	pageData
	Scopes []string
	Action string
	Code   string
}

type infoPageData struct {
	pageData
	Message string
}

type actionPageData struct {
	pageData
	Action string
}

type formPostData struct {
	Action string
	Params []formParam
}

type formParam struct{ Name, Value string }
