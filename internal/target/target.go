// Package target parses the target syntax of goremover's commands and
// resolves targets against the reference index.
//
//	example.com/m/internal/pay          a package
//	./internal/pay                      the same, relative to the current directory
//	./internal/legacy/...               every package under a directory
//	example.com/m/internal/pay.Charge   a top-level func, type, const or var
//	example.com/m/internal/pay.Client.Do  a method or a struct field
//	path/to/file.go:LINE:COL            the declaration at that position
//	-m example.com/dep                  a module requirement
package target

import (
	"fmt"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"

	"golang.org/x/mod/module"

	"github.com/goremover/goremover/internal/index"
	"github.com/goremover/goremover/internal/load"
)

// Form is the syntactic form of a target.
type Form int

const (
	FormPath    Form = iota // an import path or relative directory, maybe with .Symbol suffix
	FormPattern             // dir/...
	FormPos                 // file.go:line:col
	FormModule              // -m module
)

// Spec is a parsed, unresolved target.
type Spec struct {
	Arg  string // as the user wrote it
	Form Form
	Path string // FormPath, FormPattern (without /...), FormPos (the file), FormModule
	Line int    // FormPos
	Col  int    // FormPos
}

// Error is a bad target. It maps to exit status 2.
type Error struct {
	Arg        string
	Msg        string
	Candidates []string // one per line after the message
}

func (e *Error) Error() string {
	s := fmt.Sprintf("%s: %s", e.Arg, e.Msg)
	for _, c := range e.Candidates {
		s += "\n\t" + c
	}
	return s
}

// Parse parses a target argument. module selects the -m form.
func Parse(arg string, module bool) (Spec, error) {
	s := Spec{Arg: arg}
	if arg == "" {
		return s, &Error{Arg: `""`, Msg: "empty target"}
	}
	if strings.ContainsAny(arg, " \t\n\r\x00") {
		return s, &Error{Arg: strconv.Quote(arg), Msg: "target contains white space or control characters"}
	}
	if module {
		p, _, _ := strings.Cut(arg, "@")
		if err := checkModulePath(p); err != nil {
			return s, &Error{Arg: arg, Msg: "malformed module path: " + err.Error()}
		}
		s.Form, s.Path = FormModule, p
		return s, nil
	}
	if i := strings.Index(arg, ".go:"); i >= 0 {
		file, rest := arg[:i+3], arg[i+4:]
		lineStr, colStr, ok := strings.Cut(rest, ":")
		line, err1 := strconv.Atoi(lineStr)
		col, err2 := strconv.Atoi(colStr)
		if !ok || err1 != nil || err2 != nil || line < 1 || col < 1 {
			return s, &Error{Arg: arg, Msg: "malformed position: want file.go:LINE:COL with LINE and COL >= 1"}
		}
		s.Form, s.Path, s.Line, s.Col = FormPos, file, line, col
		return s, nil
	}
	if p, ok := strings.CutSuffix(arg, "/..."); ok || arg == "..." {
		if arg == "..." {
			p = "."
		}
		if strings.Contains(p, "...") {
			return s, &Error{Arg: arg, Msg: "only a trailing /... is supported in a target"}
		}
		s.Form, s.Path = FormPattern, p
		return s, nil
	}
	if strings.Contains(arg, "...") {
		return s, &Error{Arg: arg, Msg: "only a trailing /... is supported in a target"}
	}
	if strings.Contains(arg, "//") || strings.HasSuffix(arg, "/") && arg != "/" {
		return s, &Error{Arg: arg, Msg: "malformed target: empty path element"}
	}
	if err := emptyName(arg); err != nil {
		return s, err
	}
	s.Form, s.Path = FormPath, arg
	return s, nil
}

// emptyName returns the error for a target that ends in a dot after a
// package path or a type, "./pay." or "./pay.Client.", and nil for any
// other. No import path element ends in a dot, so the name is missing.
func emptyName(arg string) error {
	elem := arg[strings.LastIndex(arg, "/")+1:]
	if !strings.HasSuffix(elem, ".") || elem == "." || elem == ".." {
		return nil
	}
	base := strings.TrimRight(arg, ".")
	name := strings.TrimRight(elem, ".")
	if i := strings.LastIndex(name, "."); i >= 0 {
		// pay.Client.: a member of Client (unless pay.Client is a
		// directory with a dot in its name).
		return &Error{Arg: arg, Msg: fmt.Sprintf("empty method or field name after %s.; name a method or field (%s.Name) or the type (%s)", name[i+1:], base, base)}
	}
	return &Error{Arg: arg, Msg: fmt.Sprintf("empty declaration name after the package path; name a declaration (%s.Name) or the package (%s)", base, base)}
}

// checkModulePath accepts what `go list -m` does: any module path,
// including ones without a dot in the first element (local modules).
func checkModulePath(p string) error {
	if err := module.CheckImportPath(p); err != nil {
		return err
	}
	return nil
}

// IsLocal reports whether p is a relative or absolute file system path
// rather than an import path.
func IsLocal(p string) bool {
	return p == "." || p == ".." || strings.HasPrefix(p, "./") || strings.HasPrefix(p, "../") || filepath.IsAbs(p)
}

// Target is a resolved target.
type Target struct {
	Spec
	Kind index.DeclKind
	// Pkgs are the packages the target is or is in (several for a
	// pattern).
	Pkgs []string
	// Key is the declaration's key (Path empty for packages and modules).
	Key index.Key
	// Keys are every declaration removed with the target: a type's
	// methods and fields, a field's nested fields. For packages, nil.
	Keys   []index.Key
	Name   string
	Recv   string
	Module string         // for modules
	Decls  []*index.Decl  // where it is declared (several with build constraints)
	Pkg    *index.Package // the package, for symbols and single packages
}

// Resolver resolves targets against an index.
type Resolver struct {
	WS  *load.WorkingSet
	X   *index.Index
	Cwd string // absolute
}

// Resolve resolves a parsed target.
func (r *Resolver) Resolve(s Spec) (*Target, error) {
	switch s.Form {
	case FormModule:
		return r.module(s)
	case FormPattern:
		return r.pattern(s)
	case FormPos:
		return r.position(s)
	}
	return r.path(s)
}

// importPath converts a local directory to an import path.
func (r *Resolver) importPath(s Spec, dir string) (string, error) {
	abs := dir
	if !filepath.IsAbs(abs) {
		abs = filepath.Join(r.Cwd, filepath.FromSlash(dir))
	}
	m := r.WS.ModuleOf(abs)
	if m == nil {
		return "", &Error{Arg: s.Arg, Msg: fmt.Sprintf("directory %s is outside the working set", abs)}
	}
	rel, _ := filepath.Rel(m.Dir, abs)
	if rel == "." {
		return m.Path, nil
	}
	return path.Join(m.Path, filepath.ToSlash(rel)), nil
}

func (r *Resolver) path(s Spec) (*Target, error) {
	p := s.Path
	// "./.Sym" names Sym in the package of the current directory.
	if rest, ok := strings.CutPrefix(p, "./."); ok && rest != "" && !strings.HasPrefix(rest, ".") && !strings.Contains(rest, "/") {
		ip, err := r.importPath(s, ".")
		if err != nil {
			return nil, err
		}
		pkg := r.X.Package(ip)
		if pkg == nil {
			return nil, r.unknownPackage(s)
		}
		if len(r.X.Decls(index.Key{Pkg: ip, Path: rest})) == 0 {
			return nil, r.unknownSymbol(s, pkg, rest)
		}
		return r.symbol(s, pkg, rest)
	}
	// The symbol part can only follow the last slash; the last element
	// may itself contain dots (a directory "v1.2"), so try every split,
	// longest package first.
	head, tail := "", p
	if i := strings.LastIndex(p, "/"); i >= 0 {
		head, tail = p[:i+1], p[i+1:]
	}
	parts := strings.Split(tail, ".")
	if IsLocal(p) && (tail == "." || tail == "..") {
		parts = []string{tail}
	}
	type match struct {
		pkg *index.Package
		sym []string
	}
	var found []match
	var firstPkg *index.Package
	var firstSym []string
	for k := len(parts); k >= 1; k-- {
		pkgStr := head + strings.Join(parts[:k], ".")
		sym := parts[k:]
		if len(sym) > 0 && (k == 0 || parts[k-1] == "") {
			continue
		}
		ip := pkgStr
		if IsLocal(pkgStr) {
			var err error
			if ip, err = r.importPath(s, pkgStr); err != nil {
				continue
			}
		}
		pkg := r.X.Package(ip)
		if pkg == nil {
			continue
		}
		if firstPkg == nil {
			firstPkg, firstSym = pkg, sym
		}
		if len(sym) == 0 || len(r.X.Decls(index.Key{Pkg: ip, Path: strings.Join(sym, ".")}))+len(r.X.Decls(index.Key{Pkg: ip + "_test", Path: strings.Join(sym, ".")})) > 0 {
			found = append(found, match{pkg, sym})
		}
	}
	switch {
	case len(found) > 1:
		var cands []string
		for _, m := range found {
			c := m.pkg.Path + " (package)"
			if len(m.sym) > 0 {
				sym := strings.Join(m.sym, ".")
				kind := index.DeclKind("declaration")
				if ds := r.X.Decls(index.Key{Pkg: m.pkg.Path, Path: sym}); len(ds) > 0 {
					kind = ds[0].Kind
				}
				c = fmt.Sprintf("%s.%s (%s)", m.pkg.Path, sym, kind)
			}
			cands = append(cands, c)
		}
		return nil, &Error{Arg: s.Arg, Msg: "ambiguous target; it names each of", Candidates: cands}
	case len(found) == 1:
		m := found[0]
		if len(m.sym) == 0 {
			return r.pkgTarget(s, m.pkg), nil
		}
		return r.symbol(s, m.pkg, strings.Join(m.sym, "."))
	case firstPkg != nil:
		// ./pay/pay.go is the package pay and a symbol "go".
		if err := r.goFile(s); err != nil {
			return nil, err
		}
		return nil, r.unknownSymbol(s, firstPkg, strings.Join(firstSym, "."))
	}
	return nil, r.unknownPackage(s)
}

func (r *Resolver) pkgTarget(s Spec, p *index.Package) *Target {
	return &Target{Spec: s, Kind: index.PackageKind, Pkgs: []string{p.Path}, Key: index.PkgKey(p.Path), Name: p.Name, Pkg: p}
}

func (r *Resolver) symbol(s Spec, p *index.Package, sym string) (*Target, error) {
	key := index.Key{Pkg: p.Path, Path: sym}
	if len(r.X.Decls(key)) == 0 {
		key.Pkg = p.Path + "_test"
	}
	return r.symbolKey(s, p, key), nil
}

// Key resolves an index key, a declaration's or a package's, as the
// target that names it: what 'goremover prune' removes for a finding.
func (r *Resolver) Key(k index.Key) (*Target, error) {
	path := strings.TrimSuffix(k.Pkg, "_test")
	p := r.X.Package(path)
	if p == nil {
		return nil, &Error{Arg: k.Pkg, Msg: "not a package of the working set"}
	}
	if k.Path == "" {
		return r.pkgTarget(Spec{Arg: p.Path, Form: FormPath, Path: p.Path}, p), nil
	}
	arg := path + "." + k.Path
	if len(r.X.Decls(k)) == 0 {
		return nil, &Error{Arg: arg, Msg: "no such declaration"}
	}
	return r.symbolKey(Spec{Arg: arg, Form: FormPath, Path: arg}, p, k), nil
}

// symbolKey is the target of the declaration key, of package p (or of
// its external test package), which must exist.
func (r *Resolver) symbolKey(s Spec, p *index.Package, key index.Key) *Target {
	sym := key.Path
	decls := r.X.Decls(key)
	d := decls[0]
	t := &Target{Spec: s, Kind: d.Kind, Pkgs: []string{p.Path}, Key: key, Name: d.Name, Recv: d.Recv, Decls: decls, Pkg: p}
	t.Keys = []index.Key{key}
	// A type takes its methods and fields with it; a field its nested
	// fields; an interface its methods.
	if d.Kind == index.Type || d.Kind == index.Field {
		for _, pd := range p.Decls {
			if pd.Key.Pkg == key.Pkg && strings.HasPrefix(pd.Key.Path, sym+".") {
				t.Keys = append(t.Keys, pd.Key)
			}
		}
	}
	t.Keys = dedupKeys(t.Keys)
	return t
}

func dedupKeys(ks []index.Key) []index.Key {
	seen := map[index.Key]bool{}
	out := ks[:0]
	for _, k := range ks {
		if !seen[k] {
			seen[k] = true
			out = append(out, k)
		}
	}
	return out
}

// unknownSymbol is the error for sym, not declared in p. Its candidates
// are p's declarations nearest to sym, element by element (for T.M with
// T right, the members of T nearest to M), then the methods and fields
// of other types named like sym's last element.
func (r *Resolver) unknownSymbol(s Spec, p *index.Package, sym string) error {
	want := strings.Split(sym, ".")
	last := want[len(want)-1]
	var cands ranked
	for _, d := range p.Decls {
		if d.Name == "_" {
			continue
		}
		name := d.Key.Pkg + "." + d.Key.Path
		if score, ok := closeTo(want, strings.Split(d.Key.Path, ".")); ok {
			cands.add(name, score)
		} else if strings.EqualFold(d.Name, last) {
			cands.add(name, farther+distance(d.Key.Path, sym))
		}
	}
	msg := fmt.Sprintf("no declaration %s in package %s", sym, p.Path)
	list := cands.list()
	if len(list) > 0 {
		msg += "; did you mean"
	}
	return &Error{Arg: s.Arg, Msg: msg, Candidates: list}
}

// unknownPackage is the error for a path that names no package of the
// working set, with or without a symbol. Its candidates are the
// packages whose paths are nearest to the written one, element by
// element: the whole import path for a directory, the last elements for
// an import path (so that internal/pay finds example.com/m/internal/pay),
// then the packages whose last element or name is the written one's.
func (r *Resolver) unknownPackage(s Spec) error {
	p := s.Path
	if err := r.goFile(s); err != nil {
		return err
	}
	msg := "no such package in the working set"
	local := IsLocal(p)
	if local {
		if _, err := r.importPath(s, p); err != nil {
			msg = err.(*Error).Msg
		}
	}
	head, tail := "", p
	if i := strings.LastIndex(p, "/"); i >= 0 {
		head, tail = p[:i+1], p[i+1:]
	}
	parts := strings.Split(tail, ".")
	if local && (tail == "." || tail == "..") {
		parts = []string{tail}
	}
	var cands ranked
	for k := len(parts); k >= 1; k-- {
		if parts[k-1] == "" {
			continue
		}
		written, sym := head+strings.Join(parts[:k], "."), strings.Join(parts[k:], ".")
		if local {
			ip, err := r.importPath(s, written)
			if err != nil {
				continue
			}
			written = ip
		}
		want := strings.Split(written, "/")
		for _, pkg := range r.X.Packages {
			have := strings.Split(pkg.Path, "/")
			if !local && len(have) > len(want) {
				have = have[len(have)-len(want):]
			}
			if score, ok := closeTo(want, have); ok {
				cands.add(r.withSymbol(pkg, sym), score)
			} else if pkg.Name == parts[0] || have[len(have)-1] == parts[0] {
				cands.add(r.withSymbol(pkg, strings.Join(parts[1:], ".")), farther)
			}
		}
	}
	list := cands.list()
	if len(list) > 0 {
		msg += "; did you mean"
	}
	return &Error{Arg: s.Arg, Msg: msg, Candidates: list}
}

// withSymbol returns pkg's path followed by sym, or by the declaration
// of pkg nearest to sym, or alone if sym is empty or nothing is near.
func (r *Resolver) withSymbol(pkg *index.Package, sym string) string {
	if sym == "" {
		return pkg.Path
	}
	want := strings.Split(sym, ".")
	best, bestScore := "", 0
	for _, d := range pkg.Decls {
		if d.Key.Pkg != pkg.Path || d.Name == "_" {
			continue
		}
		score, ok := closeTo(want, strings.Split(d.Key.Path, "."))
		if ok && (best == "" || score < bestScore || score == bestScore && d.Key.Path < best) {
			best, bestScore = d.Key.Path, score
		}
	}
	if best == "" {
		return pkg.Path
	}
	return pkg.Path + "." + best
}

// goFile returns the error for a target that names a Go file rather
// than its package, or nil. It is only asked once the path names no
// package: a directory may end in .go (github.com/nats-io/nats.go).
func (r *Resolver) goFile(s Spec) error {
	p := s.Path
	if !strings.HasSuffix(p, ".go") {
		return nil
	}
	abs := filepath.FromSlash(p)
	if !filepath.IsAbs(abs) {
		abs = filepath.Join(r.Cwd, abs)
	}
	if fi, err := os.Stat(abs); err != nil || !fi.Mode().IsRegular() {
		return nil
	}
	dir := path.Dir(filepath.ToSlash(p))
	if !IsLocal(dir) {
		dir = "./" + dir
	}
	return &Error{Arg: s.Arg, Msg: fmt.Sprintf("a Go file is not a target; name its package (%s) or a declaration in it by position (%s:LINE:COL)", dir, p)}
}

func (r *Resolver) pattern(s Spec) (*Target, error) {
	prefix := s.Path
	if IsLocal(prefix) {
		ip, err := r.importPath(s, prefix)
		if err != nil {
			return nil, err
		}
		prefix = ip
	}
	t := &Target{Spec: s, Kind: index.PackageKind}
	for _, p := range r.X.Packages {
		if p.Path == prefix || strings.HasPrefix(p.Path, prefix+"/") || prefix == "" {
			t.Pkgs = append(t.Pkgs, p.Path)
		}
	}
	if len(t.Pkgs) == 0 {
		return nil, &Error{Arg: s.Arg, Msg: "pattern matches no packages in the working set"}
	}
	t.Key = index.PkgKey(prefix)
	t.Name = path.Base(prefix)
	if len(t.Pkgs) == 1 {
		t.Pkg = r.X.Package(t.Pkgs[0])
	}
	return t, nil
}

func (r *Resolver) position(s Spec) (*Target, error) {
	abs := s.Path
	if !filepath.IsAbs(abs) {
		abs = filepath.Join(r.Cwd, filepath.FromSlash(abs))
	}
	mod, rel := r.WS.Rel(abs)
	if mod == "" {
		return nil, &Error{Arg: s.Arg, Msg: "file is outside the working set"}
	}
	f := r.X.File(index.Pos{Module: mod, File: rel})
	if f == nil {
		return nil, &Error{Arg: s.Arg, Msg: "not a Go file of a working-set package"}
	}
	// The innermost declaration containing the position.
	var best *index.Decl
	var bestPkg *index.Package
	for _, p := range r.X.Packages {
		if p.Module != mod {
			continue
		}
		for i := range p.Decls {
			d := &p.Decls[i]
			if d.Pos.File != rel || !contains(d, s.Line, s.Col) {
				continue
			}
			if best == nil || contains(best, d.Pos.Line, d.Pos.Col) {
				best, bestPkg = d, p
			}
		}
	}
	if best == nil {
		return nil, &Error{Arg: s.Arg, Msg: "no declaration at this position"}
	}
	return r.symbol(s, bestPkg, best.Key.Path)
}

// contains reports whether the extent of d contains line:col.
func contains(d *index.Decl, line, col int) bool {
	start := index.Pos{Line: d.Pos.Line, Col: d.Pos.Col}
	if d.Kind == index.Func || d.Kind == index.Method {
		start.Col = 1 // from the start of the line: "func (r T) M"
	}
	p := index.Pos{Line: line, Col: col}
	end := index.Pos{Line: d.End.Line, Col: d.End.Col}
	return !p.Less(start) && !end.Less(p)
}

func (r *Resolver) module(s Spec) (*Target, error) {
	t := &Target{Spec: s, Kind: index.ModuleKind, Module: s.Path, Key: index.Key{Pkg: s.Path}, Name: s.Path}
	for _, m := range r.WS.Modules {
		if m.Path == s.Path {
			return nil, &Error{Arg: s.Arg, Msg: "is a module of the working set, not a requirement"}
		}
		for _, req := range m.File.Require {
			if req.Mod.Path == s.Path {
				return t, nil
			}
		}
	}
	// Not required: still a target if something imports it (a missing
	// requirement), else unknown.
	for _, p := range r.X.Packages {
		for _, ref := range p.Refs {
			if ref.Kind == index.Import && (ref.To.Pkg == s.Path || strings.HasPrefix(ref.To.Pkg, s.Path+"/")) {
				return t, nil
			}
		}
	}
	var cands []string
	for _, m := range r.WS.Modules {
		for _, req := range m.File.Require {
			if path.Base(req.Mod.Path) == path.Base(s.Path) || strings.Contains(req.Mod.Path, s.Path) {
				cands = append(cands, req.Mod.Path)
			}
		}
	}
	msg := "module is not required by the working set"
	if len(cands) > 0 {
		msg += "; did you mean"
	}
	return nil, &Error{Arg: s.Arg, Msg: msg, Candidates: cands}
}
