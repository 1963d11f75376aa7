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
				add(Decl{Key: Key{Path: recv + "." + d.Name.Name}, Kind: Method, Name: d.Name.Name, Recv: recv}, d.Name, d.End())
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
					add(Decl{Key: Key{Path: sp.Name.Name}, Kind: Type, Name: sp.Name.Name}, sp.Name, end)
					switch t := sp.Type.(type) {
					case *ast.StructType:
						b.declareFields(add, sp.Name.Name, t, 0)
					case *ast.InterfaceType:
						for _, m := range t.Methods.List {
							if _, ok := m.Type.(*ast.FuncType); !ok {
								continue
							}
							for _, n := range m.Names {
								add(Decl{Key: Key{Path: sp.Name.Name + "." + n.Name}, Kind: Method, Name: n.Name, Recv: sp.Name.Name, Iface: true}, n, m.End())
							}
						}
					}
				case *ast.ValueSpec:
					kind := Var
					if d.Tok == token.CONST {
						kind = Const
					}
					for _, n := range sp.Names {
						if n.Name == "_" {
							continue
						}
						add(Decl{Key: Key{Path: n.Name}, Kind: kind, Name: n.Name}, n, end)
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
		if len(names) == 0 { // embedded: the field is named after its type
			if id := EmbeddedName(fld.Type); id != nil {
				names = []*ast.Ident{id}
			}
		}
		for _, n := range names {
			p := prefix + "." + n.Name
			add(Decl{Key: Key{Path: p}, Kind: Field, Name: n.Name, Recv: prefix}, n, fld.End())
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
