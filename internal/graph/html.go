// This file renders a Model as one self-contained HTML page: the model as
// JSON, and the script and style that lay it out and draw it in the
// browser (page/). Nothing is fetched: a content security policy allows
// only the page's own script and style, by hash, so the page works offline
// and whatever a repository puts in a package path or a note stays data.

package graph

import (
	"bytes"
	"crypto/sha256"
	_ "embed"
	"encoding/base64"
	"encoding/json"
	"html"
	"io"
)

var (
	//go:embed page/graph.js
	pageJS string
	//go:embed page/graph.css
	pageCSS string
	//go:embed page/body.html
	pageBody string
)

// HTML writes m as a self-contained page: search, zoom and pan, directories
// that open and close, cycles in colour, and each node's references. The
// same model always gives the same bytes.
func HTML(w io.Writer, m *Model) error {
	// json.Marshal escapes <, > and & (and U+2028, U+2029), so no string
	// of the model can end the script element or open a comment in it.
	data, err := json.Marshal(m)
	if err != nil {
		return err
	}
	title := "goremover graph"
	if m.Root != "" {
		title += ": " + m.Root
	}
	var b bytes.Buffer
	b.WriteString("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
	b.WriteString("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; img-src data:; style-src '" + hash(pageCSS) + "'; script-src '" + hash(pageJS) + "'\">\n")
	b.WriteString("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
	b.WriteString("<title>" + html.EscapeString(title) + "</title>\n")
	b.WriteString("<link rel=\"icon\" href=\"data:,\">\n")
	b.WriteString("<style>" + pageCSS + "</style>\n</head>\n<body>\n")
	b.WriteString(pageBody)
	b.WriteString("<script type=\"application/json\" id=\"graph-data\">")
	b.Write(data)
	b.WriteString("</script>\n<script>" + pageJS + "</script>\n</body>\n</html>\n")
	_, err = w.Write(b.Bytes())
	return err
}

// hash is the content security policy's source for an inline element
// whose text is s.
func hash(s string) string {
	sum := sha256.Sum256([]byte(s))
	return "sha256-" + base64.StdEncoding.EncodeToString(sum[:])
}
