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
//     files read by ParseFS. Templates are typed at run time, so every
//     name is a by-name key.
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
	"maps"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"text/template/parse"

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

// tmplName is a field or method name used in template text, at a byte
// offset of that text.
type tmplName struct {
	name string
	off  int
}

// templateNames parses template text and returns the field and method
// names it uses; ok is false if it does not parse.
func templateNames(name, text, left, right string) (names []tmplName, ok bool) {
	t := parse.New(name)
	t.Mode = parse.SkipFuncCheck | parse.ParseComments
	set := map[string]*parse.Tree{}
	tree, err := t.Parse(text, left, right, set)
	if err != nil {
		return nil, false
	}
	trees := []*parse.Tree{tree}
	for _, n := range slices.Sorted(maps.Keys(set)) {
		if set[n] != tree {
			trees = append(trees, set[n])
		}
	}
	w := &tmplWalker{text: text}
	for _, tr := range trees {
		if tr.Root != nil {
			w.node(tr.Root)
		}
	}
	return w.names, true
}

type tmplWalker struct {
	text  string
	names []tmplName
}

// idents records the names of a field path. The parser folds ".A.B" into
// one node positioned at its second element (".B"), so offsets are
// recomputed from the text and, where it does not match, the node's.
func (w *tmplWalker) idents(pos int, idents []string, first int) {
	var offs []int
	if len(idents) > 1 {
		// idents[1] starts at pos; earlier ones precede it.
		off := pos
		offs = make([]int, len(idents))
		for i := 1; i < len(idents); i++ {
			offs[i] = off + 1 // after the dot
			off += 1 + len(idents[i])
		}
		offs[0] = pos - len(idents[0])
	} else {
		offs = []int{pos + 1}
	}
	for i := first; i < len(idents); i++ {
		off := offs[i]
		if off < 1 || off+len(idents[i]) > len(w.text) || w.text[off-1] != '.' || w.text[off:off+len(idents[i])] != idents[i] {
			off = pos
		}
		w.names = append(w.names, tmplName{idents[i], off})
	}
}

func (w *tmplWalker) node(n parse.Node) {
	switch n := n.(type) {
	case *parse.ListNode:
		if n == nil {
			return
		}
		for _, c := range n.Nodes {
			w.node(c)
		}
	case *parse.ActionNode:
		w.node(n.Pipe)
	case *parse.PipeNode:
		if n == nil {
			return
		}
		for _, c := range n.Cmds {
			w.node(c)
		}
	case *parse.CommandNode:
		for _, a := range n.Args {
			w.node(a)
		}
	case *parse.IfNode:
		w.branch(&n.BranchNode)
	case *parse.RangeNode:
		w.branch(&n.BranchNode)
	case *parse.WithNode:
		w.branch(&n.BranchNode)
	case *parse.TemplateNode:
		w.node(n.Pipe)
	case *parse.FieldNode:
		w.idents(int(n.Pos), n.Ident, 0)
	case *parse.VariableNode:
		// $x.A.B: the names after the variable.
		if len(n.Ident) > 1 {
			w.idents(int(n.Pos), n.Ident, 1)
		}
	case *parse.ChainNode:
		// (x).A.B is positioned at ".A".
		w.node(n.Node)
		off := int(n.Pos)
		for _, f := range n.Field {
			o := off + 1
			if o+len(f) > len(w.text) || w.text[o-1] != '.' || w.text[o:o+len(f)] != f {
				o = int(n.Pos)
			}
			w.names = append(w.names, tmplName{f, o})
			off += 1 + len(f)
		}
	}
}

func (w *tmplWalker) branch(b *parse.BranchNode) {
	w.node(b.Pipe)
	w.node(b.List)
	if b.ElseList != nil {
		w.node(b.ElseList)
	}
}

// delims returns the delimiters set by a constant Delims call on the
// receiver chain of a template method call (t.Delims("[[", "]]").Parse),
// "" for the defaults.
func (s *hiddenFile) delims(call *ast.CallExpr) (left, right string) {
	x := recvExpr(call)
	for depth := 0; x != nil && depth < 16; depth++ {
		switch e := ast.Unparen(x).(type) {
		case *ast.Ident:
			v, _ := s.h.u.Info.Uses[e].(*types.Var)
			x = s.local(v)
			continue
		case *ast.CallExpr:
			fn := s.callee(e)
			if fn == nil || fn.Pkg() == nil || !isTemplatePkg(fn.Pkg().Path()) {
				return "", ""
			}
			if fn.Name() == "Delims" && len(e.Args) == 2 {
				l, ok1 := s.constString(e.Args[0])
				r, ok2 := s.constString(e.Args[1])
				if ok1 && ok2 {
					return l, r
				}
				return "", ""
			}
			if fn.Name() == "Must" && len(e.Args) == 1 {
				x = e.Args[0]
				if c, ok := ast.Unparen(x).(*ast.CallExpr); ok {
					x = recvExpr(c)
				}
				continue
			}
			x = recvExpr(e) // New, Funcs, Option, ...: same template set
			continue
		}
		return "", ""
	}
	return "", ""
}

func isTemplatePkg(path string) bool {
	return path == "text/template" || path == "html/template"
}

// templateString records the names used by the constant template text
// passed to Parse.
func (s *hiddenFile) templateString(call *ast.CallExpr, arg ast.Expr) {
	text, ok := s.constString(arg)
	if !ok {
		return
	}
	left, right := s.delims(call)
	names, ok := templateNames("", text, left, right)
	if !ok {
		return
	}
	at := s.literalPos(arg, text)
	for _, n := range names {
		p := arg.Pos()
		if at != nil {
			p = at(n.off)
		}
		s.refHidden(NameKey(NameMember, n.name), p, Template, false, "template field ."+n.name)
	}
}

// literalPos returns a mapping from offsets of text to positions in the
// Go source, when text is spelled by one string literal (directly, or as
// the value of a constant) without escapes; nil otherwise.
func (s *hiddenFile) literalPos(arg ast.Expr, text string) func(int) token.Pos {
	var lit *ast.BasicLit
	switch e := ast.Unparen(arg).(type) {
	case *ast.BasicLit:
		lit = e
	case *ast.Ident:
		if c, ok := s.h.u.Info.Uses[e].(*types.Const); ok {
			lit = s.h.constLit(c)
		}
	case *ast.SelectorExpr:
		if c, ok := s.h.u.Info.Uses[e.Sel].(*types.Const); ok {
			lit = s.h.constLit(c)
		}
	}
	if lit == nil || lit.Kind != token.STRING || len(lit.Value) < 2 {
		return nil
	}
	v := lit.Value
	raw := v[0] == '`'
	if raw && strings.Contains(v, "\r") || !raw && strings.Contains(v, `\`) || v[1:len(v)-1] != text {
		return nil
	}
	start := lit.Pos() + 1
	return func(off int) token.Pos { return start + token.Pos(off) }
}

// constLit returns the literal a constant of the unit is declared with.
func (h *hiddenUnit) constLit(c *types.Const) *ast.BasicLit {
	if h.constLits == nil {
		h.constLits = map[*types.Const]*ast.BasicLit{}
		for _, f := range h.u.Files {
			ast.Inspect(f, func(n ast.Node) bool {
				vs, ok := n.(*ast.ValueSpec)
				if !ok {
					return true
				}
				if len(vs.Values) == len(vs.Names) {
					for i, id := range vs.Names {
						c, ok := h.u.Info.Defs[id].(*types.Const)
						lit, isLit := ast.Unparen(vs.Values[i]).(*ast.BasicLit)
						if ok && isLit {
							h.constLits[c] = lit
						}
					}
				}
				return false
			})
		}
	}
	return h.constLits[c]
}

// templateFiles records the names used by the template files that a
// ParseFiles (glob false) or ParseGlob (glob true) call names by
// constants, relative to the package directory or else the module root
// (where programs are usually run).
func (s *hiddenFile) templateFiles(call *ast.CallExpr, glob bool) {
	left, right := s.delims(call)
	for _, arg := range call.Args {
		name, ok := s.constString(arg)
		if !ok {
			continue
		}
		for _, file := range s.h.resolve(name, glob) {
			s.templateFile(file, left, right, arg)
		}
	}
}

// resolve returns the files a ParseFiles name or ParseGlob pattern means.
func (h *hiddenUnit) resolve(name string, glob bool) []string {
	dirs := []string{h.u.Dir.Abs}
	if h.u.Dir.Module != nil && h.u.Dir.Module.Dir != h.u.Dir.Abs {
		dirs = append(dirs, h.u.Dir.Module.Dir)
	}
	name = filepath.FromSlash(name)
	if filepath.IsAbs(name) {
		dirs = []string{""}
	}
	for _, d := range dirs {
		p := filepath.Join(d, name)
		if glob {
			matches, _ := filepath.Glob(p)
			var files []string
			for _, m := range matches {
				if fi, err := os.Stat(m); err == nil && fi.Mode().IsRegular() {
					files = append(files, m)
				}
			}
			if len(files) > 0 {
				return files
			}
			continue
		}
		if fi, err := os.Stat(p); err == nil && fi.Mode().IsRegular() {
			return []string{p}
		}
	}
	return nil
}

// templateFS records the names used by the files a ParseFS call reads:
// //go:embed'ed files matching its patterns (fs.Glob semantics, relative
// to the package directory, or to a subdirectory for an fs.Sub), or the
// files of os.DirFS(dir). Without constant patterns, every embedded file
// that looks like a template is taken.
func (s *hiddenFile) templateFS(call *ast.CallExpr) {
	left, right := s.delims(call)
	args := call.Args
	if len(args) == 0 {
		return
	}
	fsys, pats := args[0], args[1:]
	var patterns []string
	fixed := !call.Ellipsis.IsValid()
	for _, p := range pats {
		v, ok := s.constString(p)
		if !ok {
			fixed = false
			break
		}
		patterns = append(patterns, v)
	}
	if dir, ok := s.dirFS(fsys); ok {
		if !fixed {
			return
		}
		for i, pat := range patterns {
			for _, f := range s.h.resolve(path.Join(dir, pat), true) {
				s.templateFile(f, left, right, pats[i])
			}
		}
		return
	}
	var rels []string // embedded files relative to the package directory
	byRel := map[string]string{}
	for _, abs := range s.h.u.EmbedFiles {
		rel, err := filepath.Rel(s.h.u.Dir.Abs, abs)
		if err != nil {
			continue
		}
		rel = filepath.ToSlash(rel)
		rels = append(rels, rel)
		byRel[rel] = abs
	}
	slices.Sort(rels)
	var files []string
	if !fixed {
		for _, rel := range rels {
			if looksLikeTemplate(rel) {
				files = append(files, byRel[rel])
			}
		}
	} else {
		for _, pat := range patterns {
			files = append(files, matchEmbedded(pat, rels, byRel)...)
		}
	}
	for _, f := range files {
		if !fixed {
			text := s.h.read(f)
			l := left
			if l == "" {
				l = "{{"
			}
			if !strings.Contains(string(text), l) {
				continue
			}
		}
		s.templateFile(f, left, right, nil)
	}
}

// dirFS reports whether e is os.DirFS(dir) with a constant dir.
func (s *hiddenFile) dirFS(e ast.Expr) (string, bool) {
	call, ok := ast.Unparen(e).(*ast.CallExpr)
	if !ok || len(call.Args) != 1 {
		return "", false
	}
	fn := s.callee(call)
	if fn == nil || fn.FullName() != "os.DirFS" {
		return "", false
	}
	return s.constString(call.Args[0])
}

// matchEmbedded returns the embedded files a ParseFS pattern matches:
// relative to the package directory, or, when that matches nothing, to
// one of its subdirectories (the FS may be an fs.Sub of the embed.FS).
func matchEmbedded(pat string, rels []string, byRel map[string]string) []string {
	var out []string
	for _, rel := range rels {
		if ok, _ := path.Match(pat, rel); ok {
			out = append(out, byRel[rel])
		}
	}
	if len(out) > 0 {
		return out
	}
	for _, rel := range rels {
		for i := 0; i < len(rel); i++ {
			if rel[i] != '/' {
				continue
			}
			if ok, _ := path.Match(pat, rel[i+1:]); ok {
				out = append(out, byRel[rel])
				break
			}
		}
	}
	return out
}

// looksLikeTemplate reports whether a file name has a template extension.
func looksLikeTemplate(name string) bool {
	base := path.Base(name)
	switch path.Ext(base) {
	case ".tmpl", ".tpl", ".gotmpl", ".gohtml", ".html", ".txt":
		return true
	}
	return strings.Contains(base, ".tmpl.")
}

// read returns a template file's contents, nil if it cannot be read.
func (h *hiddenUnit) read(file string) []byte {
	if text, ok := h.texts[file]; ok {
		return text
	}
	var text []byte
	if fi, err := os.Stat(file); err == nil && fi.Mode().IsRegular() && fi.Size() < 8<<20 {
		text, _ = os.ReadFile(file)
	}
	h.texts[file] = text
	return text
}

// templateFile records the names used by a template file, positioned in
// that file; a file outside the working set is reported at arg (or not at
// all if arg is nil).
func (s *hiddenFile) templateFile(file, left, right string, arg ast.Expr) {
	text := s.h.read(file)
	if text == nil {
		return
	}
	names, ok := templateNames(filepath.Base(file), string(text), left, right)
	if !ok {
		return
	}
	mod, rel := s.b.ws.Rel(file)
	base := filepath.Base(file)
	for _, n := range names {
		note := "template field ." + n.name + " in " + base
		if mod == "" {
			if arg != nil {
				s.refHidden(NameKey(NameMember, n.name), arg.Pos(), Template, false, note)
			}
			continue
		}
		line, col := lineCol(text, n.off)
		s.add(NameKey(NameMember, n.name), Pos{Module: mod, File: rel, Line: line, Col: col}, Template, false, note)
	}
}

// lineCol returns the 1-based line and byte column of an offset of text.
func lineCol(text []byte, off int) (line, col int) {
	if off > len(text) {
		off = len(text)
	}
	before := text[:off]
	line = 1 + strings.Count(string(before), "\n")
	nl := strings.LastIndexByte(string(before), '\n')
	return line, off - nl
}
