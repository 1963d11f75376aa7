package remove

import (
	"fmt"
	"go/ast"
	"go/token"

	"github.com/goremover/goremover/internal/index"
)

// IotaError reports that removing a constant from a group would change
// the value of a constant that stays: its iota would shift.
type IotaError struct {
	Pos     string // of the constant whose value would change
	Removed string
	Shifted string
}

func (e *IotaError) Error() string {
	return fmt.Sprintf("%s: removing %s would change the value of %s (its iota shifts); to allow it:\n\tgoremover rm -allow-iota-shift ...", e.Pos, e.Removed, e.Shifted)
}

// removeDecls records in e the deletion of every declaration of the file
// whose key is in rm: funcs and methods, type, const and var specs (a
// group keeps its other specs), single names of a multi-name spec, struct
// fields and interface methods. pkg is the key package of the file's
// declarations (the import path, with _test for an external test file).
// It reports whether anything is deleted.
//
// rmBlank reports whether a spec whose names are all _ goes too (a
// compile-time assertion about removed code).
func removeDecls(e *fileEdit, pkg string, rm func(index.Key) bool, rmBlank func(*ast.ValueSpec) bool, allowIota bool) (bool, error) {
	key := func(path string) index.Key { return index.Key{Pkg: pkg, Path: path} }
	n := len(e.spans)
	for _, d := range e.file.Decls {
		switch d := d.(type) {
		case *ast.FuncDecl:
			name := d.Name.Name
			if d.Recv != nil && len(d.Recv.List) > 0 {
				r := index.RecvTypeName(d.Recv.List[0].Type)
				if r == "" {
					continue
				}
				name = r + "." + name
			} else if name == "init" || name == "_" {
				continue
			}
			if rm(key(name)) {
				e.remove(d.Pos(), d.End(), d.Doc)
			}
		case *ast.GenDecl:
			if d.Tok == token.IMPORT {
				continue
			}
			removed := make([]bool, len(d.Specs))
			all := true
			for i, spec := range d.Specs {
				switch sp := spec.(type) {
				case *ast.TypeSpec:
					if rm(key(sp.Name.Name)) {
						removed[i] = true
						continue
					}
					switch t := sp.Type.(type) {
					case *ast.StructType:
						e.removeFields(t.Fields, sp.Name.Name, key, rm, 0)
					case *ast.InterfaceType:
						e.removeFields(t.Methods, sp.Name.Name, key, rm, -1)
					}
				case *ast.ValueSpec:
					if rmBlank != nil && rmBlank(sp) {
						removed[i] = true
						continue
					}
					var gone []int
					for j, id := range sp.Names {
						if id.Name != "_" && rm(key(id.Name)) {
							gone = append(gone, j)
						}
					}
					if len(gone) > 0 && len(gone) == len(sp.Names) {
						removed[i] = true
						continue
					}
					e.removeNames(sp, gone)
				}
				all = all && removed[i]
			}
			if all && len(d.Specs) > 0 {
				e.remove(d.Pos(), d.End(), d.Doc)
				continue
			}
			if d.Tok == token.CONST {
				if err := e.keepConsts(d, removed, allowIota); err != nil {
					return false, err
				}
			}
			for i, spec := range d.Specs {
				if !removed[i] {
					continue
				}
				var doc *ast.CommentGroup
				switch sp := spec.(type) {
				case *ast.TypeSpec:
					doc = sp.Doc
				case *ast.ValueSpec:
					doc = sp.Doc
				}
				if !d.Lparen.IsValid() {
					doc = d.Doc
				}
				e.remove(spec.Pos(), spec.End(), doc)
			}
		}
	}
	return len(e.spans) > n, nil
}

// removeFields deletes the fields (or, with depth -1, interface methods)
// of the list whose key prefix.Name is in rm; nested anonymous structs are
// visited as prefix.F.G.
func (e *fileEdit) removeFields(list *ast.FieldList, prefix string, key func(string) index.Key, rm func(index.Key) bool, depth int) {
	if list == nil || depth > 4 {
		return
	}
	for _, f := range list.List {
		names := f.Names
		if len(names) == 0 {
			if depth < 0 {
				continue // an embedded interface is no method
			}
			if id := index.EmbeddedName(f.Type); id != nil {
				names = []*ast.Ident{id}
			}
		}
		var gone []int
		for j, n := range names {
			if rm(key(prefix + "." + n.Name)) {
				gone = append(gone, j)
			}
		}
		switch {
		case len(gone) > 0 && len(gone) == len(names):
			e.remove(f.Pos(), f.End(), f.Doc)
			continue
		case len(gone) > 0:
			pos, end := identExtents(f.Names)
			for _, j := range gone {
				e.removeListItem(pos, end, j)
			}
		}
		if st, ok := f.Type.(*ast.StructType); ok && depth >= 0 {
			for _, n := range names {
				e.removeFields(st.Fields, prefix+"."+n.Name, key, rm, depth+1)
			}
		}
	}
}

// removeNames deletes some names of a var or const spec that keeps
// others, with their values when each name has its own; a name bound to
// one of several results of a call becomes _.
func (e *fileEdit) removeNames(sp *ast.ValueSpec, gone []int) {
	if len(gone) == 0 {
		return
	}
	if len(sp.Values) > 1 && len(sp.Values) != len(sp.Names) || len(sp.Values) == 1 && len(sp.Names) > 1 {
		for _, j := range gone {
			id := sp.Names[j]
			e.spans = append(e.spans, span{start: e.off(id.Pos()), end: e.off(id.End()), repl: "_"})
		}
		return
	}
	pos, end := identExtents(sp.Names)
	for _, j := range gone {
		e.removeListItem(pos, end, j)
	}
	if len(sp.Values) == len(sp.Names) {
		var vp, ve []token.Pos
		for _, v := range sp.Values {
			vp, ve = append(vp, v.Pos()), append(ve, v.End())
		}
		for _, j := range gone {
			e.removeListItem(vp, ve, j)
		}
	}
}

// keepConsts keeps the values of the constants of a group that stay: a
// kept spec that inherited its expression from a removed one gets a copy
// of it, and a removal before a kept spec whose value depends on iota is
// refused unless allowed.
func (e *fileEdit) keepConsts(d *ast.GenDecl, removed []bool, allowIota bool) error {
	src := -1    // the spec whose expression the current one repeats
	copied := -1 // the kept spec that took a copy of src's
	firstRemoved := -1
	for i, spec := range d.Specs {
		sp := spec.(*ast.ValueSpec)
		if len(sp.Values) > 0 {
			src, copied = i, -1
		}
		if removed[i] {
			if firstRemoved < 0 {
				firstRemoved = i
			}
			continue
		}
		effective := sp
		if len(sp.Values) == 0 && src >= 0 {
			effective = d.Specs[src].(*ast.ValueSpec)
		}
		if firstRemoved >= 0 && !allowIota && usesIota(effective) {
			rem := d.Specs[firstRemoved].(*ast.ValueSpec).Names[0].Name
			p := e.fset.Position(sp.Names[0].Pos())
			return &IotaError{Pos: fmt.Sprintf("%s:%d:%d", p.Filename, p.Line, p.Column), Removed: rem, Shifted: sp.Names[0].Name}
		}
		if len(sp.Values) == 0 && src >= 0 && removed[src] && copied < 0 {
			from := d.Specs[src].(*ast.ValueSpec)
			text := " "
			if from.Type != nil {
				text += string(e.src[e.off(from.Type.Pos()):e.off(from.Type.End())]) + " "
			}
			text += "= " + string(e.src[e.off(from.Values[0].Pos()):e.off(from.Values[len(from.Values)-1].End())])
			at := e.off(sp.Names[len(sp.Names)-1].End())
			e.spans = append(e.spans, span{start: at, end: at, repl: text})
			copied = i
		}
	}
	return nil
}

func usesIota(sp *ast.ValueSpec) bool {
	found := false
	for _, v := range sp.Values {
		ast.Inspect(v, func(n ast.Node) bool {
			if id, ok := n.(*ast.Ident); ok && id.Name == "iota" {
				found = true
			}
			return !found
		})
	}
	return found
}

func identExtents(ids []*ast.Ident) (pos, end []token.Pos) {
	for _, id := range ids {
		pos, end = append(pos, id.Pos()), append(end, id.End())
	}
	return
}
