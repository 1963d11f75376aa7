// Package render formats orders with templates. The fields and methods
// that the templates name ({{.Customer}}, {{.Total}}, {{.Name}}) are used
// by name only, where the type checker cannot see them.
package render

import (
	"embed"
	"io"
	"text/template"

	"example.com/shop/internal/order"
)

//go:embed templates/*.tmpl
var files embed.FS

// receipt is a template in a string literal.
const receipt = `Receipt {{.ID}} for {{.Customer}}: {{.Total}} cents
`

var (
	receiptTmpl = template.Must(template.New("receipt").Parse(receipt))
	mailTmpl    = template.Must(template.ParseFS(files, "templates/*.tmpl"))
)

// Receipt writes a one-line receipt for o.
func Receipt(w io.Writer, o *order.Order) error {
	return receiptTmpl.Execute(w, o)
}

// Confirmation writes the confirmation mail for o.
func Confirmation(w io.Writer, o *order.Order) error {
	return mailTmpl.ExecuteTemplate(w, "confirm.tmpl", o)
}
