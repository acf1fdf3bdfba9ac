package flow

import (
	"html/template"
	"net/http"
)

// pageData is the content of the callback page the browser gets after the
// exchange. It never holds a token, a code or a secret.
type pageData struct {
	OK bool
	// Title is "Signed in", or the first diagnosis's title on failure.
	Title string

	// On success: who signed in, with which client, where, and what was
	// granted.
	User, ClientID, Env, Scopes, Expiry string

	// On failure: the failed step, the error line, the diagnosis ID and
	// its fix.
	Step, Message, DiagnosisID, Fix string
}

// failurePage returns the page for a failed callback.
func failurePage(e *Error) pageData {
	p := pageData{Title: "Sign-in failed", Step: string(e.Step), Message: e.Error()}
	if len(e.Diagnoses) > 0 {
		d := e.Diagnoses[0]
		p.Title, p.DiagnosisID, p.Fix = d.Title, d.ID, d.Fix
	}
	return p
}

var pageTemplate = template.Must(template.New("page").Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>ksauth: {{.Title}}</title>
<style>
body { font-family: system-ui, sans-serif; max-width: 42rem; margin: 3rem auto; padding: 0 1rem; line-height: 1.5; }
h1 { font-size: 1.4rem; }
.ok { color: #1e7a34; } .failed { color: #b3261e; }
dt { font-weight: 600; } dd { margin: 0 0 .6rem 0; }
code { background: #f2f2f2; padding: .1rem .3rem; }
</style>
</head>
<body>
{{if .OK}}
<h1 class="ok">{{.Title}}</h1>
<p>ksauth exchanged the authorization code and verified the tokens. You can close this tab.</p>
<dl>
<dt>User</dt><dd>{{.User}}</dd>
<dt>Client</dt><dd><code>{{.ClientID}}</code></dd>
<dt>Environment</dt><dd>{{.Env}}</dd>
<dt>Granted scopes</dt><dd>{{.Scopes}}</dd>
<dt>Access token</dt><dd>{{.Expiry}}</dd>
</dl>
{{else}}
<h1 class="failed">{{.Title}}</h1>
<p>The sign-in failed at the <strong>{{.Step}}</strong> step. ksauth prints the full evidence in the terminal.</p>
<p><code>{{.Message}}</code></p>
{{if .Fix}}<h2>Fix</h2><p>{{.Fix}}</p>{{end}}
{{if .DiagnosisID}}<p>Diagnosis: <code>{{.DiagnosisID}}</code></p>{{end}}
{{end}}
</body>
</html>
`))

// writePage renders the callback page with headers that keep it out of
// caches and keep the callback URL, which holds the code, out of Referer.
func writePage(w http.ResponseWriter, p pageData) {
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'")
	h.Set("X-Content-Type-Options", "nosniff")
	status := http.StatusOK
	if !p.OK {
		status = http.StatusBadRequest
	}
	w.WriteHeader(status)
	_ = pageTemplate.Execute(w, p)
}
