package index

// This file finds the fields and methods that text/template and
// html/template actions name (hidden uses, see hidden.go): in string
// literals and constants given to Parse, and in the files that
// ParseFiles, ParseGlob and ParseFS read, embedded ones included.

import (
	"go/ast"
	"go/token"
	"go/types"
	"maps"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"text/template/parse"
)

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
