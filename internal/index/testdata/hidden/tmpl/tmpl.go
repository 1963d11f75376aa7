// Package tmpl parses templates.
package tmpl

import (
	"embed"
	htmltemplate "html/template"
	"os"
	"strings"
	"text/template"
)

//go:embed embedded
var files embed.FS

const header = "{{.Header" + "}}"

const footer = `{{.Footer}}`

// notTemplate looks like a template but is never parsed.
var notTemplate = "{{.NotParsed}}"

// Page is parsed from a literal.
var Page = template.Must(template.New("page").Parse(`<h1>{{.Title}}</h1>
{{range $i, $e := .Items}}{{$e.Name}}{{end}}
{{with .User}}{{.Profile.Email}}{{end}}{{call .Fn}}{{(.Get).Value}}
{{define "sub"}}{{.Sub}}{{end}}{{template "sub" .Arg}}
{{/* .InComment */}}{{"  .InString"}}`))

func parse() {
	t := template.New("x")
	template.Must(t.Parse(header))
	template.Must(t.Parse(footer))
	template.Must(t.Parse("{{.Broken"))
	htmltemplate.Must(htmltemplate.New("h").Delims("[[", "]]").Parse("[[.Secret]] {{.NotDelim}}"))
	template.Must(template.ParseFiles("views/page.tmpl"))
	template.Must(template.ParseFiles("shared/base.tmpl"))
	template.Must(t.ParseGlob("views/*.gohtml"))
	template.Must(template.ParseFS(files, "embedded/*.tmpl"))
	template.Must(template.ParseFS(os.DirFS("views"), "dir.tmpl"))
	d := template.New("d").Delims("<<", ">>")
	template.Must(d.Parse("<<.Angled>> {{.NotAngled}}"))
	_ = strings.ToUpper("{{.NotParsedEither}}")
	_ = notTemplate
}
