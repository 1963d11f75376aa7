package index

import (
	"go/ast"
	"go/token"
	"strings"
)

// declare records the declarations a file makes that a target can name:
// package-level funcs, types, consts and vars, methods, struct fields
// (nested anonymous struct fields as T.F.G) and interface methods.
func (b *builder) declare(f *ast.File) {
	test := strings.HasSuffix(b.u.Fset.Position(f.Package).Filename, "_test.go")
	pkg := b.u.Path
	add := func(d Decl, name *ast.Ident, end token.Pos) {
		d.Pos = b.pos(name.Pos())
		d.End = b.pos(end)
		d.Test = test
		d.Key.Pkg = pkg
		b.pkg.Decls = append(b.pkg.Decls, d)
	}
	for _, decl := range f.Decls {
		switch d := decl.(type) {
		case *ast.FuncDecl:
			if d.Recv != nil && len(d.Recv.List) > 0 {
				recv := RecvTypeName(d.Recv.List[0].Type)
				if recv == "" {
					continue
				}
				empty := noParams(d.Type) && d.Body != nil && len(d.Body.List) == 0
				add(Decl{Key: Key{Path: recv + "." + d.Name.Name}, Kind: Method, Name: d.Name.Name, Recv: recv, Empty: empty}, d.Name, d.End())
				continue
			}
			if d.Name.Name == "init" || d.Name.Name == "_" {
				continue
			}
			add(Decl{Key: Key{Path: d.Name.Name}, Kind: Func, Name: d.Name.Name}, d.Name, d.End())
		case *ast.GenDecl:
			for _, spec := range d.Specs {
				end := spec.End()
				if len(d.Specs) == 1 {
					end = d.End()
				}
				switch sp := spec.(type) {
				case *ast.TypeSpec:
					add(Decl{Key: Key{Path: sp.Name.Name}, Kind: Type, Name: sp.Name.Name, Alias: sp.Assign.IsValid()}, sp.Name, end)
					switch t := sp.Type.(type) {
					case *ast.StructType:
						b.declareFields(add, sp.Name.Name, t, 0)
					case *ast.InterfaceType:
						for _, m := range t.Methods.List {
							ft, ok := m.Type.(*ast.FuncType)
							if !ok {
								continue
							}
							for _, n := range m.Names {
								add(Decl{Key: Key{Path: sp.Name.Name + "." + n.Name}, Kind: Method, Name: n.Name, Recv: sp.Name.Name, Iface: true, Empty: noParams(ft)}, n, m.End())
							}
						}
					}
				case *ast.ValueSpec:
					kind := Var
					if d.Tok == token.CONST {
						kind = Const
					}
					effect := kind == Var && b.effect(sp.Values)
					for _, n := range sp.Names {
						if n.Name == "_" {
							continue
						}
						add(Decl{Key: Key{Path: n.Name}, Kind: kind, Name: n.Name, Effect: effect}, n, end)
					}
				}
			}
		}
	}
}

func (b *builder) declareFields(add func(Decl, *ast.Ident, token.Pos), prefix string, st *ast.StructType, depth int) {
	if depth > 4 {
		return
	}
	for _, fld := range st.Fields.List {
		names := fld.Names
		embedded := len(names) == 0
		if embedded { // the field is named after its type
			if id := EmbeddedName(fld.Type); id != nil {
				names = []*ast.Ident{id}
			}
		}
		for _, n := range names {
			p := prefix + "." + n.Name
			add(Decl{Key: Key{Path: p}, Kind: Field, Name: n.Name, Recv: prefix, Embedded: embedded}, n, fld.End())
			if inner, ok := fld.Type.(*ast.StructType); ok {
				b.declareFields(add, p, inner, depth+1)
			}
		}
	}
}

// EmbeddedName returns the identifier an embedded field is named after.
func EmbeddedName(e ast.Expr) *ast.Ident {
	for {
		switch x := e.(type) {
		case *ast.StarExpr:
			e = x.X
		case *ast.SelectorExpr:
			return x.Sel
		case *ast.IndexExpr:
			e = x.X
		case *ast.IndexListExpr:
			e = x.X
		case *ast.Ident:
			return x
		default:
			return nil
		}
	}
}

// noParams reports whether a function type has no parameters and no
// results.
func noParams(ft *ast.FuncType) bool {
	return (ft.Params == nil || len(ft.Params.List) == 0) && (ft.Results == nil || len(ft.Results.List) == 0)
}

// pureBuiltins are the builtin functions without side effects.
var pureBuiltins = map[string]bool{
	"append": true, "cap": true, "complex": true, "imag": true, "len": true,
	"make": true, "max": true, "min": true, "new": true, "real": true,
	// package unsafe
	"Alignof": true, "Offsetof": true, "Sizeof": true, "Add": true,
	"Slice": true, "SliceData": true, "String": true, "StringData": true,
}

// effect reports whether evaluating the initialisers of a var may have a
// side effect: a call of anything but a conversion or a pure builtin, or
// a receive. The bodies of function literals are not evaluated.
func (b *builder) effect(values []ast.Expr) bool {
	info := b.u.Info
	found := false
	for _, v := range values {
		ast.Inspect(v, func(n ast.Node) bool {
			if found {
				return false
			}
			switch n := n.(type) {
			case *ast.FuncLit:
				return false
			case *ast.UnaryExpr:
				if n.Op == token.ARROW {
					found = true
				}
			case *ast.CallExpr:
				tv, ok := info.Types[n.Fun]
				switch {
				case ok && tv.IsType():
				case ok && tv.IsBuiltin():
					if id := calleeIdent(n); id == nil || !pureBuiltins[id.Name] {
						found = true
					}
				default:
					found = true
				}
			}
			return !found
		})
	}
	return found
}
