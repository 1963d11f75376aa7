package dead

// This file answers -why: the chain from a root to a live declaration
// that the marking found first (a shortest one, since the marking is
// breadth-first), one step per reference, each with the platforms of the
// file that makes it.

import (
	"go/ast"
	"go/parser"
	"go/token"

	"github.com/goremover/goremover/internal/index"
)

// Step is one link of a chain: Name is used (or, for the first step, is
// a root) at Pos, as How says.
type Step struct {
	Key  index.Key `json:"-"`
	Name string    `json:"name"` // package path and source name
	Pos  index.Pos `json:"pos"`
	How  string    `json:"how"`
	// Platforms are the configurations that compile the file of Pos.
	Platforms []string `json:"platforms"`
}

// Why returns the chain from a root to k, the root first, or nil if k is
// dead.
func (r *Result) Why(k index.Key) []Step {
	a := r.a
	id, ok := a.ids[k]
	if !ok || a.nodes[id].state == dead {
		return nil
	}
	var steps []Step
	seen := map[int32]bool{}
	for id >= 0 && !seen[id] {
		seen[id] = true
		n := &a.nodes[id]
		c := n.cause
		st := Step{Key: n.key, Name: n.key.Pkg + "." + n.key.Path, Pos: c.pos, How: c.how}
		if c.ref != nil {
			st.Pos = c.ref.Pos
			if st.How == "" {
				st.How = string(c.ref.Kind)
				if c.ref.Note != "" {
					st.How += " (" + c.ref.Note + ")"
				}
			}
		}
		if c.from < 0 {
			st.How = "root: " + st.How
			if st.Pos.File == "" && len(steps) > 0 {
				// func init and blank declarations have no
				// declaration in the index: the one that makes
				// the next step's reference is the root.
				st.Pos = a.declAt(steps[len(steps)-1].Pos)
			}
		}
		st.Platforms = a.platforms(st.Pos)
		steps = append(steps, st)
		id = c.from
	}
	for i, j := 0, len(steps)-1; i < j; i, j = i+1, j-1 {
		steps[i], steps[j] = steps[j], steps[i]
	}
	return steps
}

// declAt returns the position of the name of the top-level declaration
// (a func, or a var, const or type spec) of the source file that encloses
// p, or the zero Pos.
func (a *analysis) declAt(p index.Pos) index.Pos {
	f := a.srcFile(p)
	if f == nil {
		return index.Pos{}
	}
	fset := token.NewFileSet()
	af, _ := parser.ParseFile(fset, f.Abs, f.Src, parser.SkipObjectResolution)
	if af == nil {
		return index.Pos{}
	}
	tf := fset.File(af.Pos())
	if p.Line < 1 || p.Line > tf.LineCount() {
		return index.Pos{}
	}
	at := tf.LineStart(p.Line) + token.Pos(p.Col-1)
	in := func(n ast.Node) bool { return n.Pos() <= at && at < n.End() }
	var name *ast.Ident
	for _, d := range af.Decls {
		switch d := d.(type) {
		case *ast.FuncDecl:
			if in(d) {
				name = d.Name
			}
		case *ast.GenDecl:
			for _, sp := range d.Specs {
				switch sp := sp.(type) {
				case *ast.ValueSpec:
					if in(sp) {
						name = sp.Names[0]
					}
				case *ast.TypeSpec:
					if in(sp) {
						name = sp.Name
					}
				}
			}
		}
	}
	if name == nil {
		return index.Pos{}
	}
	q := fset.Position(name.Pos())
	return index.Pos{Module: p.Module, File: p.File, Line: q.Line, Col: q.Column}
}
