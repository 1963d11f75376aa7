// Package remove computes what 'goremover rm' changes: the targets'
// declarations or packages, with everything that exists only for them
// (orphans: same-package unexported declarations and test helpers whose
// every use is in removed code, the tests named after a target, imports
// left unused, files left empty), as an edit.Set. It reads the index and
// the file contents the index was built from, and writes nothing.
//
// The orphan rules, cited in the code:
//
//	(O1) the tests, examples, benchmarks and fuzz tests named after a
//	     symbol target (TestX, TestX_y, ExampleX, BenchmarkX, FuzzX; T_M
//	     for a method), in the package and its external test package;
//	(O2) an unexported func, type, var or const, or an unexported method,
//	     of the package of a symbol target, every reference to which is
//	     made from removed code; recursively; but never a var whose
//	     initialiser may have a side effect (var table = register()):
//	     it runs whether or not the var is used;
//	(O3) likewise any func or type declared in a _test.go file (a test
//	     helper), exported or not, except tests themselves;
//	(O4) an import that only removed code used (a package target that
//	     only removed code imports is safe to remove);
//	(O5) a file left with nothing but its package clause and imports
//	     (unless it keeps a blank or dot import, cgo, or a package doc);
//	(O6) for a package target: its directory's Go files of every build
//	     configuration, its testdata, and the files it embeds;
//	(O7) a compile-time assertion about removed code, var _ I = (*T)(nil):
//	     a spec whose names are all _ and whose values call nothing.
//
// A declaration that was never used is not an orphan: 'goremover dead'
// reports those. Struct fields are never orphans: removing one changes a
// type's layout.
package remove

import (
	"bytes"
	"go/ast"
	"go/format"
	"go/parser"
	"go/token"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"unicode"

	"github.com/goremover/goremover/internal/edit"
	"github.com/goremover/goremover/internal/impact"
	"github.com/goremover/goremover/internal/index"
	"github.com/goremover/goremover/internal/load"
	"github.com/goremover/goremover/internal/target"
)

// Options configure a removal.
type Options struct {
	KeepOrphans    bool // remove only the targets and their own tests
	AllowIotaShift bool // let removing a constant shift the iota of others
	Generated      bool // edit and delete generated files too (see GeneratedError)
	// Names returns the package names of import paths (nil: guessed
	// from the paths).
	Names func(paths []string) map[string]string
	// Live, if set, reports the declarations that live on their own
	// whatever is removed (a test, a var whose initialiser has a side
	// effect, a method called through an interface): they are never
	// taken as orphans or named tests (O1-O3). Prune passes what the
	// dead-code analysis found live, so that it removes only dead code.
	Live func(index.Key) bool
}

// Item is one declaration or package that the removal takes.
type Item struct {
	Key  index.Key
	Kind index.DeclKind
	Why  string // "target", "test" (O1) or "orphan" (O2, O3)
	Pos  index.Pos
}

// Removal is the computed change.
type Removal struct {
	Set   *edit.Set
	Items []Item
	// Blocked holds, for each target that is not safe to remove with
	// the others, its impact with only the references that remain.
	Blocked []*impact.Result
	// Guesses are uses that may reach a target but can only be guessed
	// (reflection with a computed name): they do not block; rm warns.
	Guesses []*index.Ref
	// Summary says, for a module, what leaves the build with it
	// ("removes 7 modules, 41 go.sum lines"), "" if not known.
	Summary string
}

// Compute computes the removal of targets (symbols and packages; not
// modules) as one change.
func Compute(ws *load.WorkingSet, x *index.Index, targets []*target.Target, opts *Options) (*Removal, error) {
	if opts == nil {
		opts = &Options{}
	}
	c := &computer{ws: ws, x: x, opts: opts, rm: map[index.Key]bool{}, rmPkgs: map[string]bool{}, symPkgs: map[string]bool{}, why: map[index.Key]string{}}
	c.dirs = map[string]*load.Dir{}
	for _, d := range x.Dirs {
		c.dirs[d.ImportPath] = d
	}
	for _, t := range targets {
		switch t.Kind {
		case index.PackageKind:
			for _, p := range t.Pkgs {
				c.rmPkgs[p] = true
			}
		case index.ModuleKind:
			continue
		default:
			for _, k := range t.Keys {
				c.add(k, "target")
			}
			c.symPkgs[t.Pkgs[0]] = true
		}
	}
	if err := c.parse(); err != nil {
		return nil, err
	}
	c.namedTests(targets)
	if !opts.KeepOrphans {
		c.orphans()
	}
	r := &Removal{Set: &edit.Set{}}
	// Blocking references: those made outside everything removed.
	for _, t := range targets {
		if t.Kind == index.ModuleKind {
			continue
		}
		res := impact.Analyze(x, ws, t)
		r.Guesses = append(r.Guesses, res.Guesses...)
		var left []*index.Ref
		for _, ref := range res.Refs {
			if !c.removedRef(ref) && !c.assertion(ref) && !c.droppedImport(ref) {
				left = append(left, ref)
			}
		}
		if len(left) > 0 {
			res.Refs = left
			var members []impact.Member
			for _, m := range res.Members {
				if !c.removedRef(m.Ref) {
					members = append(members, m)
				}
			}
			res.Members = members
			r.Blocked = append(r.Blocked, res)
		}
	}
	if len(r.Blocked) > 0 {
		return r, nil
	}
	for k, why := range c.why {
		ds := x.Decls(k)
		if len(ds) == 0 {
			continue
		}
		r.Items = append(r.Items, Item{Key: k, Kind: ds[0].Kind, Why: why, Pos: ds[0].Pos})
	}
	sort.Slice(r.Items, func(i, j int) bool { return r.Items[i].Pos.Less(r.Items[j].Pos) })
	if err := c.editSymbols(r); err != nil {
		return nil, err
	}
	if err := c.deletePackages(r); err != nil {
		return nil, err
	}
	if !opts.Generated {
		if err := c.checkGenerated(r); err != nil {
			return nil, err
		}
	}
	return r, nil
}

type computer struct {
	ws      *load.WorkingSet
	x       *index.Index
	opts    *Options
	dirs    map[string]*load.Dir // by import path
	rm      map[index.Key]bool   // declarations removed
	why     map[index.Key]string
	rmPkgs  map[string]bool // packages removed whole
	symPkgs map[string]bool // packages that lose declarations

	fset   *token.FileSet
	parsed map[string]*ast.File // files of symPkgs, by absolute path
	// asserts are the `var _ I = (*T)(nil)` specs removed with what
	// they assert about (O7).
	asserts map[*ast.ValueSpec]bool
}

func (c *computer) add(k index.Key, why string) {
	if !c.rm[k] {
		c.rm[k] = true
		c.why[k] = why
	}
}

// removed reports whether declaration k goes: itself, or as a member of
// a removed type.
func (c *computer) removed(k index.Key) bool {
	if c.rm[k] {
		return true
	}
	if i := strings.IndexByte(k.Path, '.'); i > 0 {
		return c.rm[index.Key{Pkg: k.Pkg, Path: k.Path[:i]}]
	}
	return false
}

func trimTest(p string) string { return strings.TrimSuffix(p, "_test") }

// removedRef reports whether r is made from code the removal takes: a
// package removed whole takes every reference its files make, directives
// included.
func (c *computer) removedRef(r *index.Ref) bool {
	if c.rmPkgs[trimTest(r.From)] {
		return true
	}
	if impact.External(r) {
		return false
	}
	return r.Encl != (index.Key{}) && c.removed(r.Encl)
}

// droppedImport reports whether r is an import that the removal drops
// (O4) because only removed code used it: a named import, in a file of a
// package that loses declarations, whose every other reference to the
// imported package is made from removed code. A package target imported
// only by removed code is then safe to remove with it.
func (c *computer) droppedImport(r *index.Ref) bool {
	if r.Kind != index.Import || r.Encl != (index.Key{}) || !c.symPkgs[trimTest(r.From)] {
		return false
	}
	f := c.parsed[c.abs(r.Pos)]
	if f == nil {
		return false
	}
	named := false
	for _, is := range f.Imports {
		p := c.fset.Position(is.Pos())
		if p.Line != r.Pos.Line {
			continue
		}
		named = is.Name == nil || is.Name.Name != "_" && is.Name.Name != "."
	}
	if !named {
		return false // blank and dot imports stay
	}
	p := c.x.Package(trimTest(r.From))
	if p == nil {
		return false
	}
	used := false
	for i := range p.Refs {
		u := &p.Refs[i]
		if u.Pos.Module != r.Pos.Module || u.Pos.File != r.Pos.File || trimTest(u.To.Pkg) != trimTest(r.To.Pkg) || u.Kind == index.Import {
			continue
		}
		if !c.removedRef(u) {
			return false
		}
		used = true
	}
	return used
}

// abs returns the absolute path of the file of a working-set position.
func (c *computer) abs(pos index.Pos) string { return c.ws.Abs(pos.Module, pos.File) }

// namedTests adds (O1).
func (c *computer) namedTests(targets []*target.Target) {
	for _, t := range targets {
		if t.Kind == index.PackageKind || t.Kind == index.ModuleKind || t.Pkg == nil {
			continue
		}
		stem := impact.TestStem(t)
		for _, d := range t.Pkg.Decls {
			if d.Test && d.Kind == index.Func && impact.NamedTest(d.Name, stem) && !c.live(d.Key) {
				c.add(d.Key, "test")
			}
		}
	}
}

// live reports whether Options.Live says k lives on its own.
func (c *computer) live(k index.Key) bool { return c.opts.Live != nil && c.opts.Live(k) }

// orphans adds (O2) and (O3) until nothing changes.
func (c *computer) orphans() {
	var cands []*index.Decl
	for path := range c.symPkgs {
		p := c.x.Package(path)
		if p == nil {
			continue
		}
		for i := range p.Decls {
			d := &p.Decls[i]
			if candidate(d) && !c.live(d.Key) {
				cands = append(cands, d)
			}
		}
	}
	for changed := true; changed; {
		changed = false
		for _, d := range cands {
			if c.removed(d.Key) {
				continue
			}
			refs := c.x.RefsTo(d.Key)
			if len(refs) == 0 {
				continue // never used: dead, not orphaned
			}
			own := d.Key.Path + "."
			orphan := true
			for _, r := range refs {
				inOwn := r.Encl.Pkg == d.Key.Pkg && strings.HasPrefix(r.Encl.Path, own)
				if !inOwn && !c.removedRef(r) {
					orphan = false
					break
				}
			}
			if !orphan {
				continue
			}
			c.add(d.Key, "orphan")
			changed = true
		}
	}
}

// candidate reports whether d may be an orphan under (O2) or (O3).
func candidate(d *index.Decl) bool {
	switch d.Kind {
	case index.Field:
		return false
	case index.Method:
		if d.Iface {
			return false
		}
	}
	if d.Name == "init" || d.Name == "main" || d.Name == "_" || d.Name == "TestMain" {
		return false
	}
	if d.Kind == index.Var && d.Effect {
		return false // (O2) its initialiser's effect stays wanted
	}
	if d.Test && (d.Kind == index.Func || d.Kind == index.Type) {
		for _, prefix := range []string{"Test", "Example", "Benchmark", "Fuzz"} {
			if strings.HasPrefix(d.Name, prefix) {
				return false
			}
		}
		return true
	}
	r := []rune(d.Name)
	return len(r) > 0 && !unicode.IsUpper(r[0])
}

// parse parses the files of the packages that lose declarations.
func (c *computer) parse() error {
	c.fset = token.NewFileSet()
	c.parsed = map[string]*ast.File{}
	c.asserts = map[*ast.ValueSpec]bool{}
	for path := range c.symPkgs {
		d := c.dirs[path]
		if d == nil || c.rmPkgs[path] {
			continue
		}
		for _, lf := range d.Files {
			if lf.PkgName == "" {
				continue
			}
			af, err := parser.ParseFile(c.fset, lf.Abs, lf.Src, parser.ParseComments|parser.SkipObjectResolution)
			if err != nil {
				return err
			}
			c.parsed[lf.Abs] = af
		}
	}
	return nil
}

// assertion reports whether r is made from a compile-time assertion of a
// package that loses declarations, a spec like
//
//	var _ Store = (*Memory)(nil)
//
// whose names are all _ and whose values call nothing (conversions and
// composite literals only): it only states a fact about removed code, so
// it goes with it (O7). A var _ = f() runs f and stays, and blocks.
func (c *computer) assertion(r *index.Ref) bool {
	if r.Encl.Path != "_" || !c.symPkgs[trimTest(r.From)] {
		return false
	}
	abs := ""
	for _, m := range c.ws.Modules {
		if m.Path == r.Pos.Module {
			abs = filepath.Join(m.Dir, filepath.FromSlash(r.Pos.File))
		}
	}
	f := c.parsed[abs]
	if f == nil {
		return false
	}
	for _, d := range f.Decls {
		g, ok := d.(*ast.GenDecl)
		if !ok || g.Tok != token.VAR {
			continue
		}
		for _, spec := range g.Specs {
			sp := spec.(*ast.ValueSpec)
			start, end := c.fset.Position(sp.Pos()), c.fset.Position(sp.End())
			at := index.Pos{Line: r.Pos.Line, Col: r.Pos.Col}
			if at.Less(index.Pos{Line: start.Line, Col: start.Column}) || (index.Pos{Line: end.Line, Col: end.Column}).Less(at) {
				continue
			}
			if !blankNames(sp) || !c.pure(r.Pos, sp) {
				return false
			}
			c.asserts[sp] = true
			return true
		}
	}
	return false
}

func blankNames(sp *ast.ValueSpec) bool {
	for _, n := range sp.Names {
		if n.Name != "_" {
			return false
		}
	}
	return len(sp.Names) > 0
}

// pure reports whether the values of sp call nothing: every call in them
// is a conversion, to a type written as such ((*T)(nil), []byte(s)) or
// to a working-set type the index knows.
func (c *computer) pure(at index.Pos, sp *ast.ValueSpec) bool {
	ok := true
	for _, v := range sp.Values {
		ast.Inspect(v, func(n ast.Node) bool {
			call, isCall := n.(*ast.CallExpr)
			if !isCall || !ok {
				return ok
			}
			if !c.conversion(at, call.Fun) {
				ok = false
			}
			return ok
		})
	}
	return ok
}

func (c *computer) conversion(at index.Pos, fun ast.Expr) bool {
	switch f := fun.(type) {
	case *ast.ParenExpr:
		return c.conversion(at, f.X)
	case *ast.StarExpr, *ast.ArrayType, *ast.MapType, *ast.FuncType, *ast.InterfaceType, *ast.ChanType, *ast.StructType:
		return true
	case *ast.Ident, *ast.SelectorExpr, *ast.IndexExpr, *ast.IndexListExpr:
		// A named type: the index has a use (not a call) of a type here.
		id := f
		for {
			switch x := id.(type) {
			case *ast.SelectorExpr:
				id = x.Sel
				continue
			case *ast.IndexExpr:
				id = x.X
				continue
			case *ast.IndexListExpr:
				id = x.X
				continue
			}
			break
		}
		ident, isIdent := id.(*ast.Ident)
		if !isIdent {
			return false
		}
		p := c.fset.Position(ident.Pos())
		pkg := c.x.Package(trimTest(c.pkgOfModuleFile(at)))
		if pkg == nil {
			return false
		}
		// A use of a type there, and no call: the index also has
		// implicit references at a selection (kind embed).
		typ := false
		for _, r := range pkg.Refs {
			if r.Pos.File == at.File && r.Pos.Line == p.Line && r.Pos.Col == p.Column {
				if r.Kind == index.Call {
					return false
				}
				if ds := c.x.Decls(r.To); r.Kind == index.Use && len(ds) > 0 && ds[0].Kind == index.Type {
					typ = true
				}
			}
		}
		return typ
	}
	return false
}

// pkgOfModuleFile returns the import path of the package whose directory
// holds the file at pos.
func (c *computer) pkgOfModuleFile(pos index.Pos) string {
	dir := path.Dir(pos.File)
	for _, d := range c.x.Dirs {
		if d.Module.Path == pos.Module && d.Rel == dir {
			return d.ImportPath
		}
	}
	return ""
}

// editSymbols edits the files of the packages that lose declarations.
func (c *computer) editSymbols(r *Removal) error {
	paths := make([]string, 0, len(c.symPkgs))
	for p := range c.symPkgs {
		if !c.rmPkgs[p] {
			paths = append(paths, p)
		}
	}
	sort.Strings(paths)
	type edited struct {
		f   *load.File
		src []byte
	}
	var files []edited
	fset := c.fset
	need := map[string]bool{}
	for _, path := range paths {
		d := c.dirs[path]
		if d == nil {
			continue
		}
		name := d.Name()
		for _, lf := range d.Files {
			if lf.PkgName == "" {
				continue
			}
			af := c.parsed[lf.Abs]
			if af == nil {
				continue
			}
			keyPkg := path
			if lf.Test && lf.PkgName == name+"_test" {
				keyPkg = path + "_test"
			}
			e := &fileEdit{fset: fset, tf: fset.File(af.Pos()), file: af, src: lf.Src}
			changed, err := removeDecls(e, keyPkg, c.removed, func(sp *ast.ValueSpec) bool { return c.asserts[sp] }, c.opts.AllowIotaShift)
			if err != nil {
				return err
			}
			if !changed {
				continue
			}
			files = append(files, edited{lf, e.apply()})
			for _, is := range af.Imports {
				if is.Name == nil {
					p, _ := strconv.Unquote(is.Path.Value)
					need[p] = true
				}
			}
		}
	}
	names := map[string]string{}
	var ask []string
	for p := range need {
		if wp := c.x.Package(p); wp != nil {
			names[p] = wp.Name
		} else {
			ask = append(ask, p)
		}
	}
	if len(ask) > 0 && c.opts.Names != nil {
		sort.Strings(ask)
		for p, n := range c.opts.Names(ask) {
			names[p] = n
		}
	}
	for _, ed := range files {
		out, empty, err := dropImports(fset, ed.f.Abs, ed.f.Src, ed.src, names)
		if err != nil {
			return err
		}
		mode := edit.ModeOf(ed.f.Abs)
		if empty {
			if err := r.Set.Add(&edit.File{Path: ed.f.Abs, Old: ed.f.Src, Mode: mode}); err != nil {
				return err
			}
			continue
		}
		// Keep the user's layout: format only what was gofmt'd.
		if fmtd, err := format.Source(ed.f.Src); err == nil && bytes.Equal(fmtd, ed.f.Src) {
			if out2, err := format.Source(out); err == nil {
				out = out2
			}
		}
		if err := r.Set.Add(&edit.File{Path: ed.f.Abs, Old: ed.f.Src, New: out, Mode: mode}); err != nil {
			return err
		}
	}
	// A directory whose every Go file goes.
	for _, path := range paths {
		d := c.dirs[path]
		if d == nil {
			continue
		}
		all := true
		for _, lf := range d.Files {
			if f := r.Set.Get(lf.Abs); f == nil || f.New != nil {
				all = false
				break
			}
		}
		if all {
			// As good as a package target: its testdata and the
			// files it embedded go too (O6).
			if err := c.deleteDir(d, r); err != nil {
				return err
			}
		}
	}
	return nil
}

// deletePackages deletes package targets (O6).
func (c *computer) deletePackages(r *Removal) error {
	paths := make([]string, 0, len(c.rmPkgs))
	for p := range c.rmPkgs {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	for _, path := range paths {
		d := c.dirs[path]
		if d == nil {
			continue
		}
		if err := c.deleteDir(d, r); err != nil {
			return err
		}
		r.Items = append(r.Items, Item{Key: index.PkgKey(path), Kind: index.PackageKind, Why: "target", Pos: index.Pos{Module: d.Module.Path, File: d.Rel}})
	}
	return nil
}

// deleteDir deletes a package directory's Go files of every
// configuration, the files they embed and its testdata (O6). Other files
// stay; txn removes the directory if it is left empty.
func (c *computer) deleteDir(d *load.Dir, r *Removal) error {
	del := map[string][]byte{} // path -> content as read (nil: read now)
	fset := token.NewFileSet()
	for _, lf := range d.Files {
		del[lf.Abs] = lf.Src
		if af, _ := parser.ParseFile(fset, lf.Abs, lf.Src, parser.ParseComments|parser.SkipObjectResolution); af != nil {
			for _, e := range load.EmbedFiles(d, af) {
				if _, ok := del[e]; !ok {
					del[e] = nil
				}
			}
		}
	}
	filepath.WalkDir(filepath.Join(d.Abs, "testdata"), func(p string, e os.DirEntry, err error) error {
		if _, ok := del[p]; !ok && err == nil && e.Type().IsRegular() {
			del[p] = nil
		}
		return nil
	})
	for p, src := range del {
		if src == nil {
			var err error
			if src, err = os.ReadFile(p); err != nil {
				return err
			}
		}
		if err := r.Set.Add(&edit.File{Path: p, Old: src, Mode: edit.ModeOf(p)}); err != nil {
			return err
		}
	}
	return nil
}
