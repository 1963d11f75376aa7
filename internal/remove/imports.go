package remove

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path"
	"strconv"
	"strings"
)

// importName returns the name an import binds in its file: the explicit
// name, else the imported package's name from names, else a guess from
// the path (the last element that is not a major version, "-" and "." as
// "_").
func importName(spec *ast.ImportSpec, names map[string]string) string {
	if spec.Name != nil {
		return spec.Name.Name
	}
	p, _ := strconv.Unquote(spec.Path.Value)
	if n := names[p]; n != "" {
		return n
	}
	return GuessName(p)
}

// GuessName guesses a package's name from its import path.
func GuessName(p string) string {
	base := path.Base(p)
	if len(base) > 1 && base[0] == 'v' && base[1] >= '0' && base[1] <= '9' && strings.Contains(p, "/") {
		base = path.Base(path.Dir(p))
	}
	base = strings.TrimPrefix(base, "go-")
	if i := strings.Index(base, ".v"); i > 0 {
		base = base[:i] // gopkg.in/yaml.v3
	}
	return strings.NewReplacer("-", "_", ".", "_").Replace(base)
}

// qualifiers counts, per name, the selector expressions X.Sel of the file
// whose X is a bare identifier that no declaration inside the file's
// functions binds: the uses an import can have. The parser's object
// resolution tells a local variable named like an import from the import
// (imports themselves stay unresolved).
//
// It also reports whether the file has a //go:embed directive.
func qualifiers(fset *token.FileSet, name string, src []byte) (map[string]int, bool, error) {
	f, err := parser.ParseFile(fset, name, src, parser.ParseComments)
	if err != nil {
		return nil, false, err
	}
	embed := false
	for _, cg := range f.Comments {
		for _, c := range cg.List {
			embed = embed || strings.HasPrefix(c.Text, "//go:embed ")
		}
	}
	n := map[string]int{}
	ast.Inspect(f, func(node ast.Node) bool {
		if sel, ok := node.(*ast.SelectorExpr); ok {
			if id, ok := sel.X.(*ast.Ident); ok && id.Obj == nil {
				n[id.Name]++
			}
		}
		return true
	})
	return n, embed, nil
}

// dropImports returns src (the file after its declarations were removed)
// without the imports that the removed code alone used: an import that
// qualified something in the original source (orig) and qualifies nothing
// now. Blank, dot and cgo imports stay. It also reports whether the file
// is left with nothing but its package clause, which rm then deletes.
func dropImports(fset *token.FileSet, name string, orig, src []byte, names map[string]string) ([]byte, bool, error) {
	f, err := parser.ParseFile(fset, name, src, parser.ParseComments|parser.SkipObjectResolution)
	if err != nil {
		return nil, false, err
	}
	before, embedBefore, err := qualifiers(token.NewFileSet(), name, orig)
	if err != nil {
		return nil, false, err
	}
	after, embedAfter, err := qualifiers(token.NewFileSet(), name, src)
	if err != nil {
		return nil, false, err
	}
	e := &fileEdit{fset: fset, tf: fset.File(f.Pos()), file: f, src: src}
	// A blank import of embed serves //go:embed directives: it goes when
	// the removed code held the last of them.
	embedGone := embedBefore && !embedAfter
	kept := 0
	for _, d := range f.Decls {
		g, ok := d.(*ast.GenDecl)
		if !ok || g.Tok != token.IMPORT {
			continue
		}
		gone := 0
		for _, spec := range g.Specs {
			is := spec.(*ast.ImportSpec)
			n := importName(is, names)
			p, _ := strconv.Unquote(is.Path.Value)
			if n == "_" && p == "embed" && embedGone {
				// goes
			} else if n == "_" || n == "." || p == "C" || before[n] == 0 || after[n] > 0 {
				kept++
				continue
			}
			gone++
			if g.Lparen.IsValid() {
				e.remove(is.Pos(), is.End(), is.Doc)
			}
		}
		if gone == len(g.Specs) {
			e.remove(g.Pos(), g.End(), g.Doc) // holds the specs' spans
		}
	}
	empty := kept == 0 && f.Doc == nil
	for _, d := range f.Decls {
		if g, ok := d.(*ast.GenDecl); !ok || g.Tok != token.IMPORT {
			empty = false
		}
	}
	return e.apply(), empty, nil
}
