package index

// This file turns a type-checked unit into declarations and references.
//
// Keys are source names, not objectpaths: "F", "T", "T.M", "T.F", "T.F.G"
// (a field of an anonymous struct field). objectpath numbers methods by
// their position in the method list, which changes with the files a
// configuration compiles; names do not.

import (
	"go/ast"
	"go/token"
	"go/types"
	"path/filepath"
	"strings"

	"github.com/goremover/goremover/internal/load"
)

// builder indexes the units of one directory into a Package.
type builder struct {
	ws     *load.WorkingSet
	inWS   func(pkgPath string) bool
	pkg    *Package
	u      *load.Unit
	fields map[*types.Package]map[*types.Var]string
	seen   map[refID]bool
	rel    map[string][2]string // file name -> module, relative path
	// rtSeen keeps one Runtime fact per (type, declaration, kind).
	rtSeen map[rtID]bool
}

type refID struct {
	to   Key
	pos  Pos
	kind Kind
	ext  bool
}

type rtID struct {
	to, encl Key
	kind     Kind
}

// key returns the key of a working-set object, and whether it has one.
// Objects local to a function have none.
func (b *builder) key(obj types.Object) (Key, bool) {
	if obj == nil || obj.Pkg() == nil {
		return Key{}, false
	}
	if !b.inWS(strings.TrimSuffix(obj.Pkg().Path(), "_test")) {
		return Key{}, false
	}
	switch obj := obj.(type) {
	case *types.Func:
		obj = obj.Origin()
		sig := obj.Type().(*types.Signature)
		if recv := sig.Recv(); recv != nil {
			name := b.recvName(recv.Type())
			if name == "" {
				return Key{}, false
			}
			return Key{Pkg: keyPkg(obj.Pkg()), Path: name + "." + obj.Name()}, true
		}
		if obj.Parent() != obj.Pkg().Scope() {
			return Key{}, false
		}
	case *types.Var:
		obj = obj.Origin()
		if obj.IsField() {
			p := b.fieldPath(obj)
			if p == "" {
				return Key{}, false
			}
			return Key{Pkg: keyPkg(obj.Pkg()), Path: p}, true
		}
		if obj.Parent() != obj.Pkg().Scope() {
			return Key{}, false
		}
	case *types.Const, *types.TypeName:
		if obj.Parent() != obj.Pkg().Scope() {
			return Key{}, false
		}
	default:
		return Key{}, false
	}
	return Key{Pkg: keyPkg(obj.Pkg()), Path: obj.Name()}, true
}

// keyPkg is the package path used in keys: an external test package
// keeps its _test suffix so that its declarations do not collide with the
// package's own.
func keyPkg(p *types.Package) string { return p.Path() }

// recvName returns the name of the named type of a method receiver (T or
// an interface type's name), "" if it has none. A method declared with an
// alias of its type as receiver (type A = T; func (A) M()) is named
// after the alias, as its declaration is (A.M).
func (b *builder) recvName(t types.Type) string {
	if p, ok := t.(*types.Pointer); ok {
		t = p.Elem()
	}
	if a, ok := t.(*types.Alias); ok && a.Obj().Pkg() != nil && a.Obj().Parent() == a.Obj().Pkg().Scope() && b.inWS(stripTest(a.Obj().Pkg().Path())) {
		return a.Obj().Name()
	}
	switch t := types.Unalias(t).(type) {
	case *types.Named:
		return t.Origin().Obj().Name()
	case *types.Interface:
		return "" // methods of an interface are keyed through fieldPath's walk
	}
	return ""
}

// fieldPath returns "T.F" (or "T.F.G" for fields of anonymous struct
// fields, "I.M" for interface methods) for a field of a package-level
// named type.
func (b *builder) fieldPath(v *types.Var) string {
	m := b.fields[v.Pkg()]
	if m == nil {
		m = map[*types.Var]string{}
		// type Q T shares T's fields: they belong to the type whose
		// declaration holds them, the last one declared before them.
		owner := map[*types.Var]token.Pos{}
		scope := v.Pkg().Scope()
		for _, name := range scope.Names() {
			tn, ok := scope.Lookup(name).(*types.TypeName)
			if !ok || tn.IsAlias() {
				continue
			}
			if st, ok := tn.Type().Underlying().(*types.Struct); ok {
				addFields(m, owner, tn.Pos(), name, st, 0)
			}
		}
		if b.fields == nil {
			b.fields = map[*types.Package]map[*types.Var]string{}
		}
		b.fields[v.Pkg()] = m
	}
	return m[v]
}

func addFields(m map[*types.Var]string, owner map[*types.Var]token.Pos, typePos token.Pos, prefix string, st *types.Struct, depth int) {
	if depth > 4 {
		return
	}
	for i := range st.NumFields() {
		f := st.Field(i)
		if prev, ok := owner[f]; ok && (typePos > f.Pos() || prev <= f.Pos() && prev > typePos) {
			continue // declared by another type
		}
		owner[f] = typePos
		p := prefix + "." + f.Name()
		m[f] = p
		if inner, ok := f.Type().(*types.Struct); ok {
			addFields(m, owner, typePos, p, inner, depth+1)
		}
	}
}

// pos converts a token position to an index position: where //line
// directives put it (cgo output maps back to the user's file), or, if
// that is outside the working set, where it really is. Module is "" if
// neither is in the working set (cgo's own generated code).
func (b *builder) pos(p token.Pos) Pos {
	position := b.u.Fset.Position(p)
	mod, rel := b.rel1(position.Filename)
	if mod == "" {
		raw := b.u.Fset.PositionFor(p, false)
		if m, r := b.rel1(raw.Filename); m != "" {
			return Pos{Module: m, File: r, Line: raw.Line, Col: raw.Column}
		}
	}
	return Pos{Module: mod, File: rel, Line: position.Line, Col: position.Column}
}

// rel1 returns the module and module-relative path of a file, memoized.
func (b *builder) rel1(file string) (module, rel string) {
	mr, ok := b.rel[file]
	if !ok {
		mr[0], mr[1] = b.ws.Rel(file)
		if b.rel == nil {
			b.rel = map[string][2]string{}
		}
		b.rel[file] = mr
	}
	return mr[0], mr[1]
}

// cgoOwn reports whether f is a file cgo generated from nothing the user
// wrote (_cgo_gotypes.go): neither its own name nor the one its //line
// directives give is in the working set. Its references (the wrappers of
// //export'ed funcs) are cgo's, and its positions point into the build
// cache; a cgo-export reference already stands for them.
func (b *builder) cgoOwn(f *ast.File) bool {
	tf := b.u.Fset.File(f.FileStart)
	if tf == nil {
		return false
	}
	m1, _ := b.rel1(tf.Name())
	m2, _ := b.rel1(b.u.Fset.Position(f.Package).Filename)
	return m1 == "" && m2 == ""
}

// add records a reference, once per (target, position, kind).
func (b *builder) add(r Ref) {
	id := refID{r.To, r.Pos, r.Kind, r.Ext}
	if b.seen[id] {
		return
	}
	b.seen[id] = true
	b.pkg.Refs = append(b.pkg.Refs, r)
}

// fileState is what the walk of one file knows.
type fileState struct {
	b    *builder
	file *ast.File
	test bool
	from string
	// The enclosing top-level declaration.
	encl     Key
	enclName string
	// constraint is set while a type argument is checked against its
	// constraint: no value becomes an interface value there.
	constraint bool
}

// ref records a reference at a position of the unit's files; one that no
// working-set file holds (cgo's generated text) is left out.
func (s *fileState) ref(to Key, at token.Pos, kind Kind) {
	pos := s.b.pos(at)
	if pos.Module == "" {
		return
	}
	s.b.add(Ref{To: to, Pos: pos, Kind: kind, From: s.from, Encl: s.encl, EnclName: s.enclName, Test: s.test})
}

// refExt records an implements reference to a method that code outside
// the index may call (Ref.Ext).
func (s *fileState) refExt(to Key, at token.Pos) {
	pos := s.b.pos(at)
	if pos.Module == "" {
		return
	}
	s.b.add(Ref{To: to, Pos: pos, Kind: Implements, From: s.from, Encl: s.encl, EnclName: s.enclName, Test: s.test, Ext: true})
}

// refHidden records a reference the compiler cannot see.
func (s *fileState) refHidden(to Key, at token.Pos, kind Kind, guess bool, note string) {
	pos := s.b.pos(at)
	if pos.Module == "" {
		return
	}
	s.b.add(Ref{To: to, Pos: pos, Kind: kind, From: s.from, Encl: s.encl, EnclName: s.enclName, Test: s.test, Hidden: true, Guess: guess, Note: note})
}

// indexUnit adds the references of the unit's new files, and, for host
// units, its declarations.
func (b *builder) indexUnit(u *load.Unit, decls bool) {
	b.u = u
	for _, f := range u.New {
		if b.cgoOwn(f) {
			continue
		}
		name := u.Fset.Position(f.Package).Filename
		s := &fileState{b: b, file: f, test: strings.HasSuffix(name, "_test.go"), from: u.Path}
		if !strings.HasSuffix(name, ".go") || filepath.Dir(name) != u.Dir.Abs {
			// cgo output: positions are mapped back by //line
			// directives; the file's own name is what we report.
			s.test = false
		}
		s.walkFile()
		if decls {
			b.declare(f)
		}
	}
	b.hidden(u)
	b.elements(u)
}

// walkFile records the compiler-visible references of a file.
func (s *fileState) walkFile() {
	b := s.b
	info := b.u.Info
	for _, imp := range s.file.Imports {
		if obj := importedPkg(info, imp); obj != nil {
			s.ref(PkgKey(obj.Path()), imp.Pos(), Import)
		}
	}
	for _, d := range s.file.Decls {
		s.encl, s.enclName = s.declKey(d)
		s.walkDecl(d)
	}
	s.encl, s.enclName = Key{}, ""
}

func importedPkg(info *types.Info, imp *ast.ImportSpec) *types.Package {
	var obj types.Object
	if imp.Name != nil {
		obj = info.Defs[imp.Name]
	} else {
		obj = info.Implicits[imp]
	}
	if pn, ok := obj.(*types.PkgName); ok {
		return pn.Imported()
	}
	return nil
}

// declKey returns the key and source name of a top-level declaration.
func (s *fileState) declKey(d ast.Decl) (Key, string) {
	pkg := s.b.u.Path
	switch d := d.(type) {
	case *ast.FuncDecl:
		name := d.Name.Name
		if d.Recv != nil && len(d.Recv.List) > 0 {
			if r := RecvTypeName(d.Recv.List[0].Type); r != "" {
				name = r + "." + name
			}
		}
		return Key{Pkg: pkg, Path: name}, name
	case *ast.GenDecl:
		for _, spec := range d.Specs {
			switch sp := spec.(type) {
			case *ast.TypeSpec:
				return Key{Pkg: pkg, Path: sp.Name.Name}, sp.Name.Name
			case *ast.ValueSpec:
				if len(sp.Names) > 0 && len(d.Specs) == 1 {
					return Key{Pkg: pkg, Path: sp.Names[0].Name}, sp.Names[0].Name
				}
			}
		}
	}
	return Key{}, ""
}

// RecvTypeName returns T for receivers T, *T, T[K], *T[K].
func RecvTypeName(e ast.Expr) string {
	for {
		switch x := e.(type) {
		case *ast.StarExpr:
			e = x.X
		case *ast.ParenExpr:
			e = x.X
		case *ast.IndexExpr:
			e = x.X
		case *ast.IndexListExpr:
			e = x.X
		case *ast.Ident:
			return x.Name
		default:
			return ""
		}
	}
}

// walkDecl records the references inside one top-level declaration. A
// grouped const/var/type declaration takes each spec as its own
// enclosing declaration.
func (s *fileState) walkDecl(d ast.Decl) {
	if g, ok := d.(*ast.GenDecl); ok && g.Tok != token.IMPORT {
		for _, spec := range g.Specs {
			switch sp := spec.(type) {
			case *ast.TypeSpec:
				s.encl, s.enclName = Key{Pkg: s.b.u.Path, Path: sp.Name.Name}, sp.Name.Name
			case *ast.ValueSpec:
				if len(sp.Names) > 0 {
					s.encl, s.enclName = Key{Pkg: s.b.u.Path, Path: sp.Names[0].Name}, sp.Names[0].Name
				}
			}
			s.walk(spec)
		}
		return
	}
	s.walk(d)
}

// walk records uses, calls and implicit conversions under n.
func (s *fileState) walk(n ast.Node) {
	info := s.b.u.Info
	var stack []ast.Node
	ast.Inspect(n, func(n ast.Node) bool {
		if n == nil {
			stack = stack[:len(stack)-1]
			return true
		}
		stack = append(stack, n)
		switch n := n.(type) {
		case *ast.Ident:
			obj := info.Uses[n]
			if obj == nil {
				return true
			}
			if k, ok := s.b.key(obj); ok {
				kind := Use
				if isCallee(stack) {
					if _, isFunc := obj.(*types.Func); isFunc {
						kind = Call
					}
				}
				s.ref(k, n.Pos(), kind)
			}
		case *ast.SelectorExpr:
			s.promoted(n)
		case *ast.CompositeLit:
			s.unkeyedFields(n)
		}
		s.conversions(n, stack)
		return true
	})
}

// isCallee reports whether the identifier on top of the stack is the
// function of a call: f(), x.f(), f[T](), x.f[T]().
func isCallee(stack []ast.Node) bool {
	id := stack[len(stack)-1]
	var child ast.Node = id
	for i := len(stack) - 2; i >= 0; i-- {
		switch p := stack[i].(type) {
		case *ast.SelectorExpr:
			if p.Sel != child {
				return false
			}
		case *ast.IndexExpr:
			if p.X != child {
				return false
			}
		case *ast.IndexListExpr:
			if p.X != child {
				return false
			}
		case *ast.ParenExpr:
		case *ast.CallExpr:
			return p.Fun == child
		default:
			return false
		}
		child = stack[i]
	}
	return false
}

// promoted records what a selection x.f goes through: the embedded
// fields, and the types that declare them (kind embed, at the selection:
// it names neither, but removing either breaks it), and, for a method an
// interface gets from one it embeds, the embedded interfaces.
func (s *fileState) promoted(sel *ast.SelectorExpr) {
	info := s.b.u.Info
	selection := info.Selections[sel]
	if selection == nil {
		return
	}
	// The member may be outside the working set (a method of
	// http.ResponseWriter) and still be promoted through its types.
	target, isWS := s.b.key(selection.Obj())
	at := sel.Sel.Pos()
	t := selection.Recv()
	for _, i := range selection.Index()[:len(selection.Index())-1] {
		f := structField(t, i)
		if f == nil {
			return
		}
		if k, ok := s.b.key(f); ok {
			s.ref(k, at, Use)
		}
		s.embedded(f.Type(), at, "through embedded "+f.Name())
		if isWS && f.Pos().IsValid() {
			if pos := s.b.pos(f.Pos()); pos.Module != "" {
				s.b.add(Ref{To: target, Pos: pos, Kind: Embed, From: f.Pkg().Path(), Note: "promoted through embedded " + f.Name(), Test: isTestFile(pos.File)})
			}
		}
		t = f.Type()
	}
	if fn, ok := selection.Obj().(*types.Func); ok {
		if recv := fn.Signature().Recv(); recv != nil && types.IsInterface(recv.Type()) {
			if owner := namedOf(recv.Type()); owner != nil {
				for _, n := range embeddedIfaces(t, owner.Origin(), 0) {
					s.embedded(n, at, "through embedded "+n.Obj().Name())
				}
			}
		}
	}
}

// embedded records a use of the named type t is (or points to), made
// implicitly at a selection or conversion that goes through a field or
// interface of that type.
func (s *fileState) embedded(t types.Type, at token.Pos, note string) {
	if n := namedOf(t); n != nil {
		if k, ok := s.b.key(n.Origin().Obj()); ok {
			pos := s.b.pos(at)
			if pos.Module == "" {
				return
			}
			s.b.add(Ref{To: k, Pos: pos, Kind: Embed, From: s.from, Encl: s.encl, EnclName: s.enclName, Test: s.test, Note: note})
		}
	}
}

// embeddedIfaces returns the named interfaces that interface t embeds,
// directly or not, on the way to owner (owner included), or nil if t is
// owner or does not embed it.
func embeddedIfaces(t types.Type, owner *types.Named, depth int) []*types.Named {
	if n := namedOf(t); n != nil && n.Origin() == owner || depth > 8 {
		return nil
	}
	it, ok := t.Underlying().(*types.Interface)
	if !ok {
		return nil
	}
	for i := range it.NumEmbeddeds() {
		e := it.EmbeddedType(i)
		n := namedOf(e)
		if n != nil && n.Origin() == owner {
			return []*types.Named{n}
		}
		if rest := embeddedIfaces(e, owner, depth+1); rest != nil {
			if n != nil {
				return append([]*types.Named{n}, rest...)
			}
			return rest
		}
	}
	return nil
}

// structField returns the i'th field of the struct t (or *t) is.
func structField(t types.Type, i int) *types.Var {
	if p, ok := t.Underlying().(*types.Pointer); ok {
		t = p.Elem()
	}
	st, ok := t.Underlying().(*types.Struct)
	if !ok || i >= st.NumFields() {
		return nil
	}
	return st.Field(i)
}

// unkeyedFields records the fields an unkeyed struct literal T{1, 2}
// sets by position: removing any field breaks it.
func (s *fileState) unkeyedFields(lit *ast.CompositeLit) {
	if len(lit.Elts) == 0 {
		return
	}
	if _, keyed := lit.Elts[0].(*ast.KeyValueExpr); keyed {
		return
	}
	tv, ok := s.b.u.Info.Types[lit]
	if !ok {
		return
	}
	t := tv.Type
	if p, ok := t.Underlying().(*types.Pointer); ok {
		t = p.Elem()
	}
	st, ok := t.Underlying().(*types.Struct)
	if !ok {
		return
	}
	for i, e := range lit.Elts {
		if i < st.NumFields() {
			if k, ok := s.b.key(st.Field(i)); ok {
				s.ref(k, e.Pos(), Use)
			}
		}
	}
}
