package index

// This file records the references the compiler cannot see (Ref.Hidden):
//
//  1. //go:linkname directives, both ways: the remote symbol is used by the
//     local one, and the local symbol is reachable from outside the
//     package, so it must never be removed.
//  2. cgo //export directives: the function is called from C.
//  3. reflection by name: reflect's MethodByName and FieldByName (and
//     FieldByNameFunc, a guess). When the reflected value's static type is
//     known the member itself is referenced; otherwise any member of that
//     name is (a by-name key).
//  4. plugin.Lookup: an exported symbol of some main package, by name.
//  5. templates (text/template, html/template): every field or method name
//     in template text that the package parses, from constant strings,
//     from files named by ParseFiles/ParseGlob, and from //go:embed'ed
//     files read by ParseFS (templates.go). Templates are typed at run
//     time, so every name is a by-name key.
//
// Everything is recognised through go/types (which function is called),
// never by the spelling of a call.

import (
	"fmt"
	"go/ast"
	"go/constant"
	"go/parser"
	"go/token"
	"go/types"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/tools/go/types/typeutil"

	"github.com/goremover/goremover/internal/load"
)

// hidden records the references the compiler cannot see in the unit's new
// files (u.New).
func (b *builder) hidden(u *load.Unit) {
	if u.Info == nil || u.Dir == nil {
		return
	}
	b.u = u
	h := &hiddenUnit{b: b, u: u, texts: map[string][]byte{}}
	for _, f := range u.New {
		tf := u.Fset.File(f.FileStart)
		if tf == nil {
			continue
		}
		file := tf.Name()
		name := u.Fset.Position(f.Package).Filename
		s := &hiddenFile{
			fileState: &fileState{b: b, file: f, test: strings.HasSuffix(name, "_test.go"), from: u.Path},
			h:         h,
		}
		switch orig := h.dirFile(name); {
		case file != name && orig != nil && h.dirFile(file) == nil:
			// cgo output: its //line directives map positions back to
			// the user's file, but directives are best read from
			// that file itself, which cgo may have rewritten.
			s.test = false
			fset := token.NewFileSet()
			src := orig.Src
			if src == nil {
				src, _ = os.ReadFile(orig.Abs)
			}
			if of, _ := parser.ParseFile(fset, orig.Abs, src, parser.ParseComments|parser.SkipObjectResolution); of != nil {
				s.directives(fset, of)
			}
		case h.dirFile(file) == nil:
			// A file cgo generated from nothing the user wrote
			// (_cgo_gotypes.go): its linknames are cgo's own.
			continue
		default:
			// The user's file, perhaps with //line directives to a
			// non-Go source (goyacc): its comments are its own.
			s.directives(u.Fset, f)
		}
		s.walkFile()
	}
}

// hiddenUnit is what the hidden references of one unit share.
type hiddenUnit struct {
	b     *builder
	u     *load.Unit
	texts map[string][]byte // template files read, by absolute path; nil if unreadable
	// constLits maps the package's string constants declared by a
	// single literal to it, to place template positions inside it.
	constLits map[*types.Const]*ast.BasicLit
}

// dirFile returns the Go file of the unit's directory with the given
// path, or nil if it is not one. Base names are compared when the paths
// differ, in case the go command spelled the directory differently
// (symbolic links).
func (h *hiddenUnit) dirFile(file string) *load.File {
	var byBase *load.File
	for _, f := range h.u.Dir.Files {
		if f.Abs == file {
			return f
		}
		if f.Name == filepath.Base(file) {
			byBase = f
		}
	}
	return byBase
}

// hiddenFile walks one file.
type hiddenFile struct {
	*fileState
	h *hiddenUnit
	// decl is the top-level node being walked; locals, computed on
	// demand, maps its local variables that are assigned exactly once
	// to their value.
	decl   ast.Node
	locals map[*types.Var]ast.Expr
}

// add records a hidden reference at a position computed by the caller.
func (s *hiddenFile) add(to Key, at Pos, kind Kind, guess bool, note string) {
	s.b.add(Ref{To: to, Pos: at, Kind: kind, From: s.from, Encl: s.encl, EnclName: s.enclName, Test: s.test, Hidden: true, Guess: guess, Note: note})
}

// posIn converts a position of fset (not necessarily the unit's).
func (s *hiddenFile) posIn(fset *token.FileSet, p token.Pos) Pos {
	position := fset.Position(p)
	mod, rel := s.b.ws.Rel(position.Filename)
	return Pos{Module: mod, File: rel, Line: position.Line, Col: position.Column}
}

// directives records (1) //go:linkname and (2) cgo //export directives of
// f, positioned in fset. They are file-level: the enclosing declaration is
// zero, so that nothing inside the package can account for them.
func (s *hiddenFile) directives(fset *token.FileSet, f *ast.File) {
	s.encl, s.enclName = Key{}, ""
	for _, cg := range f.Comments {
		for _, c := range cg.List {
			rest, ok := strings.CutPrefix(c.Text, "//go:linkname")
			if !ok || rest == "" || (rest[0] != ' ' && rest[0] != '\t') {
				continue
			}
			s.linkname(strings.Fields(rest), s.posIn(fset, c.Slash))
		}
	}
	if !importsC(f) {
		return // cgo honours //export only in files that import "C"
	}
	for _, d := range f.Decls {
		fd, ok := d.(*ast.FuncDecl)
		if !ok || fd.Doc == nil || fd.Recv != nil {
			continue
		}
		// As cmd/cgo: an //export line in the function's doc comment.
		for _, c := range fd.Doc.List {
			rest, ok := strings.CutPrefix(c.Text, "//export ")
			if !ok {
				continue
			}
			if fields := strings.Fields(rest); len(fields) > 0 {
				s.add(Key{Pkg: s.from, Path: fields[0]}, s.posIn(fset, c.Slash), CgoExport, false, "called from C")
			}
		}
	}
}

func importsC(f *ast.File) bool {
	for _, imp := range f.Imports {
		if imp.Path.Value == `"C"` {
			return true
		}
	}
	return false
}

// linkname records a //go:linkname local [importpath.name] directive.
func (s *hiddenFile) linkname(args []string, at Pos) {
	if len(args) == 0 || len(args) > 2 {
		return
	}
	local := args[0]
	if len(args) == 1 {
		// The one-argument form pushes the local symbol under its
		// own name for others to pull.
		s.add(Key{Pkg: s.from, Path: local}, at, Linkname, false, "go:linkname (pushed)")
		return
	}
	remote := args[1]
	s.add(Key{Pkg: s.from, Path: local}, at, Linkname, false, "go:linkname as "+remote)
	if pkg, name, ok := splitLinkname(remote); ok && s.b.inWS(pkg) {
		s.add(Key{Pkg: pkg, Path: name}, at, Linkname, false, "go:linkname from "+local)
	}
}

// splitLinkname splits a linker symbol name, importpath.name, into the
// package path and the source name of the symbol: "p.(*T).M" and "p.T.M"
// give "T.M". The linker escapes dots (and a few other bytes) in the
// last element of the import path as %xx.
func splitLinkname(sym string) (pkg, name string, ok bool) {
	slash := strings.LastIndex(sym, "/")
	dot := strings.Index(sym[slash+1:], ".")
	if dot < 0 {
		return "", "", false
	}
	pkg, name = sym[:slash+1+dot], sym[slash+1+dot+1:]
	if p, err := url.PathUnescape(pkg); err == nil {
		pkg = p
	}
	if rest, ok := strings.CutPrefix(name, "(*"); ok {
		if i := strings.Index(rest, ")"); i >= 0 {
			name = rest[:i] + rest[i+1:]
		}
	}
	// Instantiations: T[...].M is T.M.
	for {
		i := strings.Index(name, "[")
		j := strings.LastIndex(name, "]")
		if i < 0 || j < i {
			break
		}
		name = name[:i] + name[j+1:]
	}
	if pkg == "" || name == "" {
		return "", "", false
	}
	return pkg, name, true
}

// walkFile records the hidden references of the file's declarations, each
// with its enclosing top-level declaration (as walkDecl does).
func (s *hiddenFile) walkFile() {
	for _, d := range s.file.Decls {
		switch d := d.(type) {
		case *ast.FuncDecl:
			s.encl, s.enclName = s.declKey(d)
			s.walkDecl(d)
		case *ast.GenDecl:
			if d.Tok == token.IMPORT {
				continue
			}
			for _, spec := range d.Specs {
				switch sp := spec.(type) {
				case *ast.TypeSpec:
					s.encl, s.enclName = Key{Pkg: s.from, Path: sp.Name.Name}, sp.Name.Name
				case *ast.ValueSpec:
					if len(sp.Names) > 0 {
						s.encl, s.enclName = Key{Pkg: s.from, Path: sp.Names[0].Name}, sp.Names[0].Name
					}
				}
				s.walkDecl(spec)
			}
		}
	}
	s.encl, s.enclName = Key{}, ""
}

func (s *hiddenFile) walkDecl(n ast.Node) {
	s.decl, s.locals = n, nil
	ast.Inspect(n, func(n ast.Node) bool {
		if call, ok := n.(*ast.CallExpr); ok {
			s.call(call)
		}
		return true
	})
}

// callee returns the function or method a call statically names, or nil.
func (s *hiddenFile) callee(call *ast.CallExpr) *types.Func {
	fn, _ := typeutil.Callee(s.h.u.Info, call).(*types.Func)
	return fn
}

// recvExpr returns the receiver expression x of a call x.f(...), or nil.
func recvExpr(call *ast.CallExpr) ast.Expr {
	fun := ast.Unparen(call.Fun)
	if ix, ok := fun.(*ast.IndexExpr); ok {
		fun = ix.X
	}
	if sel, ok := fun.(*ast.SelectorExpr); ok {
		return sel.X
	}
	return nil
}

func (s *hiddenFile) call(call *ast.CallExpr) {
	fn := s.callee(call)
	if fn == nil || fn.Pkg() == nil {
		return
	}
	switch fn.Pkg().Path() {
	case "reflect", "plugin", "text/template", "html/template":
	default:
		return
	}
	switch fn.FullName() {
	case "(reflect.Value).MethodByName", "(reflect.Type).MethodByName":
		s.reflectByName(call, "MethodByName", true)
	case "(reflect.Value).FieldByName", "(reflect.Type).FieldByName":
		s.reflectByName(call, "FieldByName", false)
	case "(reflect.Value).FieldByNameFunc", "(reflect.Type).FieldByNameFunc":
		if len(call.Args) == 1 {
			s.refHidden(NameKey(NameField, ""), call.Args[0].Pos(), Reflect, true, "FieldByNameFunc with a name chosen at run time")
		}
	case "(*plugin.Plugin).Lookup":
		if len(call.Args) != 1 {
			return
		}
		if name, ok := s.constString(call.Args[0]); ok {
			s.refHidden(NameKey(NameMain, name), call.Args[0].Pos(), Plugin, false, fmt.Sprintf("plugin.Lookup(%q)", name))
		} else {
			s.refHidden(NameKey(NameMain, ""), call.Args[0].Pos(), Plugin, true, "plugin.Lookup with a non-constant name")
		}
	case "(*text/template.Template).Parse", "(*html/template.Template).Parse":
		if len(call.Args) == 1 {
			s.templateString(call, call.Args[0])
		}
	case "text/template.ParseFiles", "html/template.ParseFiles",
		"(*text/template.Template).ParseFiles", "(*html/template.Template).ParseFiles":
		s.templateFiles(call, false)
	case "text/template.ParseGlob", "html/template.ParseGlob",
		"(*text/template.Template).ParseGlob", "(*html/template.Template).ParseGlob":
		s.templateFiles(call, true)
	case "text/template.ParseFS", "html/template.ParseFS",
		"(*text/template.Template).ParseFS", "(*html/template.Template).ParseFS":
		s.templateFS(call)
	}
}

// constString returns the value of a constant string expression.
func (s *hiddenFile) constString(e ast.Expr) (string, bool) {
	tv, ok := s.h.u.Info.Types[e]
	if !ok || tv.Value == nil || tv.Value.Kind() != constant.String {
		return "", false
	}
	return constant.StringVal(tv.Value), true
}

// ---- (3) reflection ----

// reflectByName records a call x.MethodByName(name) or x.FieldByName(name).
func (s *hiddenFile) reflectByName(call *ast.CallExpr, what string, method bool) {
	if len(call.Args) != 1 {
		return
	}
	arg := call.Args[0]
	name, ok := s.constString(arg)
	if !ok {
		anyName := NameKey(NameField, "")
		if method {
			anyName = NameKey(NameMethod, "")
		}
		s.refHidden(anyName, arg.Pos(), Reflect, true, what+" with a non-constant name")
		return
	}
	note := fmt.Sprintf("%s(%q)", what, name)
	t := s.reflected(recvExpr(call), 0)
	if t == nil {
		s.refHidden(NameKey(NameMember, name), arg.Pos(), Reflect, false, note+" on a value of unknown type")
		return
	}
	var pkg *types.Package
	named := namedOf(t)
	if named != nil {
		pkg = named.Obj().Pkg()
	}
	obj, index, _ := types.LookupFieldOrMethod(t, true, pkg, name)
	switch obj.(type) {
	case *types.Func:
		if !method {
			return
		}
	case *types.Var:
		if method {
			return
		}
	default:
		// Not a member of t in this configuration; the key by
		// source name still finds one declared in another.
		if named != nil {
			if k, ok := s.b.key(named.Obj()); ok {
				s.refHidden(Key{Pkg: k.Pkg, Path: k.Path + "." + name}, arg.Pos(), Reflect, false, note)
			}
		}
		return
	}
	if k, ok := s.b.key(obj); ok {
		s.refHidden(k, arg.Pos(), Reflect, false, note)
	}
	// A promoted member also uses the embedded fields it goes through.
	cur := t
	for _, i := range index[:len(index)-1] {
		f := structField(cur, i)
		if f == nil {
			break
		}
		if k, ok := s.b.key(f); ok {
			s.refHidden(k, arg.Pos(), Reflect, false, note)
		}
		cur = f.Type()
	}
}

// namedOf returns the named type t is, or points to.
func namedOf(t types.Type) *types.Named {
	if p, ok := types.Unalias(t).(*types.Pointer); ok {
		t = p.Elem()
	}
	n, _ := types.Unalias(t).(*types.Named)
	return n
}

// reflected returns the static type of the value that the reflect.Value
// or reflect.Type e describes, or nil if it cannot be known: e must be
// reflect.ValueOf(x) or reflect.TypeOf(x) with x of a non-interface type,
// reflect.TypeFor[T](), optionally followed by .Elem() or wrapped in
// reflect.Indirect, or a local variable assigned once to one of those.
func (s *hiddenFile) reflected(e ast.Expr, depth int) types.Type {
	if e == nil || depth > 8 {
		return nil
	}
	info := s.h.u.Info
	switch e := ast.Unparen(e).(type) {
	case *ast.Ident:
		if v, ok := info.Uses[e].(*types.Var); ok {
			return s.reflected(s.local(v), depth+1)
		}
	case *ast.CallExpr:
		fn := s.callee(e)
		if fn == nil || fn.Pkg() == nil || fn.Pkg().Path() != "reflect" {
			return nil
		}
		switch fn.FullName() {
		case "reflect.ValueOf", "reflect.TypeOf":
			if len(e.Args) != 1 {
				return nil
			}
			t := info.TypeOf(e.Args[0])
			if t == nil || types.IsInterface(t) {
				return nil // the dynamic type is what counts
			}
			return t
		case "reflect.TypeFor":
			if id := calleeIdent(e); id != nil {
				if inst, ok := info.Instances[id]; ok && inst.TypeArgs.Len() == 1 {
					t := inst.TypeArgs.At(0)
					if _, isParam := t.(*types.TypeParam); !isParam {
						return t
					}
				}
			}
		case "reflect.Indirect":
			if len(e.Args) == 1 {
				t := s.reflected(e.Args[0], depth+1)
				if p, ok := types.Unalias(t).(*types.Pointer); ok {
					return p.Elem()
				}
				return t
			}
		case "(reflect.Value).Elem", "(reflect.Type).Elem":
			return elemOf(s.reflected(recvExpr(e), depth+1))
		}
	}
	return nil
}

// calleeIdent returns the identifier naming the function of a call.
func calleeIdent(call *ast.CallExpr) *ast.Ident {
	fun := ast.Unparen(call.Fun)
	switch f := fun.(type) {
	case *ast.IndexExpr:
		fun = f.X
	case *ast.IndexListExpr:
		fun = f.X
	}
	switch f := fun.(type) {
	case *ast.Ident:
		return f
	case *ast.SelectorExpr:
		return f.Sel
	}
	return nil
}

// elemOf returns what reflect's Elem gives for a value of static type t.
func elemOf(t types.Type) types.Type {
	if t == nil {
		return nil
	}
	switch u := t.Underlying().(type) {
	case *types.Pointer:
		t = u.Elem()
	case *types.Slice:
		t = u.Elem()
	case *types.Array:
		t = u.Elem()
	case *types.Map:
		t = u.Elem()
	case *types.Chan:
		t = u.Elem()
	default:
		return nil // an interface's Elem is the dynamic value
	}
	return t
}

// local returns the value a local variable of the current declaration is
// given, if it is assigned exactly once (where it is declared) and never
// has its address taken; nil otherwise.
func (s *hiddenFile) local(v *types.Var) ast.Expr {
	if v == nil || v.Pkg() == nil || v.Parent() == v.Pkg().Scope() {
		return nil
	}
	if s.locals == nil {
		s.locals = map[*types.Var]ast.Expr{}
		info := s.h.u.Info
		changed := map[*types.Var]bool{}
		assigned := func(e ast.Expr) {
			if id, ok := ast.Unparen(e).(*ast.Ident); ok {
				if v, ok := info.Uses[id].(*types.Var); ok {
					changed[v] = true
				}
			}
		}
		ast.Inspect(s.decl, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.AssignStmt:
				for i, l := range n.Lhs {
					id, _ := l.(*ast.Ident)
					if v, ok := info.Defs[id].(*types.Var); ok && n.Tok == token.DEFINE {
						if len(n.Lhs) == len(n.Rhs) {
							s.locals[v] = n.Rhs[i]
						}
						continue
					}
					assigned(l)
				}
			case *ast.ValueSpec:
				for i, id := range n.Names {
					if v, ok := info.Defs[id].(*types.Var); ok && len(n.Values) == len(n.Names) {
						s.locals[v] = n.Values[i]
					}
				}
			case *ast.UnaryExpr:
				if n.Op == token.AND {
					assigned(n.X)
				}
			case *ast.RangeStmt:
				if n.Tok == token.ASSIGN {
					if n.Key != nil {
						assigned(n.Key)
					}
					if n.Value != nil {
						assigned(n.Value)
					}
				}
			case *ast.IncDecStmt:
				assigned(n.X)
			}
			return true
		})
		for v := range changed {
			delete(s.locals, v)
		}
	}
	return s.locals[v]
}

// ---- (5) templates ----
