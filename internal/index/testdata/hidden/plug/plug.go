// Package plug looks symbols up in plugins.
package plug

import (
	"plugin"
	"text/template"
)

const handler = "Handler"

// Load looks symbols up in a plugin.
func Load(p *plugin.Plugin, name string, t *template.Template) {
	p.Lookup(handler)
	p.Lookup("Version")
	p.Lookup(name)
	t.Lookup("NotAPlugin") // a template's Lookup
}
