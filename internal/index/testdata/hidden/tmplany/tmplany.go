// Package tmplany parses embedded templates chosen at run time.
package tmplany

import (
	"embed"
	"html/template"
)

//go:embed assets
var assets embed.FS

// Load parses whatever the caller asks for.
func Load(patterns ...string) *template.Template {
	return template.Must(template.ParseFS(assets, patterns...))
}
