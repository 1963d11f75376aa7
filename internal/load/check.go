package load

// This file type-checks the working set in every build configuration.
//
// The host configuration is loaded once with go/packages: the working set
// from source, dependencies from export data. That is the floor of the
// tool's cost. Every other configuration (another GOOS/GOARCH, a build tag,
// "ignore" files) re-checks only the packages whose file set differs from
// the host's, importing the host's types for everything else: a file that
// compiles on the host cannot refer to a declaration that exists only
// elsewhere, so the packages whose files are the same need no second look.

import (
	"context"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"go/types"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/goremover/goremover/internal/progress"

	"github.com/goremover/goremover/internal/gocmd"

	"golang.org/x/tools/go/packages"

	"github.com/goremover/goremover/internal/buildcfg"
)

// Unit is one type-checked package variant: files of one directory
// compiled together in one configuration.
type Unit struct {
	Dir    *Dir
	Path   string // import path; an external test package's ends in "_test"
	Config buildcfg.Config
	Fset   *token.FileSet
	Files  []*ast.File
	// New lists the files whose references this unit is the first to
	// see; the index reads only those.
	New        []*ast.File
	Types      *types.Package
	Info       *types.Info
	EmbedFiles []string // absolute paths of //go:embed'ed files
	Errors     []string // type errors (host units; others with Options.AltErrors)
}

// Options configure a check.
type Options struct {
	Tags      []string            // --tags: true in every configuration
	Platforms []buildcfg.Platform // --platforms: restrict GOOS/GOARCH
	Env       []string            // extra environment for the go command
	// AltErrors keeps the type errors of non-host configurations in
	// their units too (verification compares them before and after).
	AltErrors bool
}

// Checked is the result of type-checking directories of a working set.
type Checked struct {
	Host    buildcfg.Host
	Configs []buildcfg.Config
	Units   []*Unit
	// Unsat lists files that no analysed configuration compiles.
	Unsat []string
}

// HostConfig returns the host configuration, as `go env` reports it.
func HostConfig(ctx context.Context, ws *WorkingSet, opts *Options) (buildcfg.Host, error) {
	h := buildcfg.Host{GOOS: envOr("GOOS", ""), GOARCH: envOr("GOARCH", ""), Tags: opts.Tags}
	out, err := goEnv(ctx, ws.Root, opts.Env, "GOOS", "GOARCH", "CGO_ENABLED", "GOVERSION")
	if err != nil {
		return h, err
	}
	h.GOOS, h.GOARCH, h.Cgo = out[0], out[1], out[2] == "1"
	if v, ok := strings.CutPrefix(out[3], "go1."); ok {
		fmt.Sscanf(v, "%d", &h.GoMinor)
	}
	return h, nil
}

// Check type-checks dirs (a subset of all, the working set's directories)
// in every configuration that the constraints of all's files call for.
func Check(ctx context.Context, ws *WorkingSet, all, dirs []*Dir, host buildcfg.Host, cfgs []buildcfg.Config, opts *Options) (*Checked, error) {
	c := &Checked{Host: host, Configs: cfgs}
	fset := token.NewFileSet()
	byPath := map[string]*Dir{}
	for _, d := range all {
		byPath[d.ImportPath] = d
	}
	seen := map[string]bool{} // files whose references a unit has taken
	hostTypes := map[string]*types.Package{}

	if len(dirs) > 0 {
		if err := c.checkHost(ctx, ws, dirs, fset, hostTypes, seen, opts); err != nil {
			return nil, err
		}
	}
	if err := c.loadMissing(ctx, ws, dirs, byPath, hostTypes, seen, opts); err != nil {
		return nil, err
	}
	parsed := map[string]*ast.File{}
	for _, u := range c.Units {
		for _, f := range u.Files {
			parsed[fset.File(f.FileStart).Name()] = f
		}
	}
	for i, cfg := range cfgs[1:] {
		progress.Printf(ctx, "checking configuration %d of %d: %s", i+2, len(cfgs), cfg)
		a := &altCheck{c: c, host: host, cfg: cfg, fset: fset, byPath: byPath, hostTypes: hostTypes, parsed: parsed, seen: seen, opts: opts, nt: map[*Dir]*types.Package{}}
		for _, d := range dirs {
			if err := a.checkDir(d); err != nil {
				return nil, err
			}
		}
	}
	for _, d := range dirs {
		for _, f := range d.Files {
			if !seen[f.Abs] && f.PkgName != "" {
				c.Unsat = append(c.Unsat, f.Abs)
			}
		}
	}
	return c, nil
}

const loadMode = packages.NeedName | packages.NeedFiles | packages.NeedCompiledGoFiles |
	packages.NeedImports | packages.NeedTypes | packages.NeedTypesInfo | packages.NeedSyntax |
	packages.NeedTypesSizes | packages.NeedEmbedFiles | packages.NeedModule

// packagesConfig is the go/packages configuration of every load of the
// working set: from its root, with goremover's go command environment
// (package gocmd) and the build tags.
func packagesConfig(ctx context.Context, ws *WorkingSet, opts *Options, mode packages.LoadMode, tests bool) *packages.Config {
	cfg := &packages.Config{Context: ctx, Mode: mode, Dir: ws.Root, Env: gocmd.Env(opts.Env...), Tests: tests}
	if len(opts.Tags) > 0 {
		cfg.BuildFlags = []string{"-tags=" + strings.Join(opts.Tags, ",")}
	}
	return cfg
}

// dirPatterns returns the patterns that load dirs.
func dirPatterns(dirs []*Dir) []string {
	patterns := make([]string, 0, len(dirs))
	for _, d := range dirs {
		patterns = append(patterns, d.Abs)
	}
	return patterns
}

// checkHost loads dirs for the host configuration with go/packages.
func (c *Checked) checkHost(ctx context.Context, ws *WorkingSet, dirs []*Dir, fset *token.FileSet, hostTypes map[string]*types.Package, seen map[string]bool, opts *Options) error {
	// Function bodies of every working-set file are parsed: references
	// live there.
	cfg := packagesConfig(ctx, ws, opts, loadMode, true)
	cfg.Fset = fset
	patterns := dirPatterns(dirs)
	pkgs, err := packages.Load(cfg, patterns...)
	if err != nil {
		return packagesError(err)
	}
	want := map[string]*Dir{}
	for _, d := range dirs {
		want[d.ImportPath] = d
	}
	// No package at all for a directory: the go command failed before
	// listing (a go.sum or go.work it cannot read, a checksum mismatch)
	// and go/packages kept its message to itself.
	got := map[string]bool{}
	for _, p := range pkgs {
		got[strings.TrimSuffix(p.PkgPath, "_test")] = true
	}
	for _, d := range dirs {
		if !got[d.ImportPath] {
			if err := goListFailure(ctx, ws.Root, opts, patterns); err != nil {
				return err
			}
			break
		}
	}
	// Fatal errors first: the go command could not list or parse the
	// working set (broken go.mod, missing go.sum line, syntax error), or
	// a dependency cannot be loaded.
	for _, p := range pkgs {
		if want[p.PkgPath] == nil && want[strings.TrimSuffix(p.PkgPath, "_test")] == nil {
			continue
		}
		if err := listError(p); err != nil {
			return err
		}
		if err := importError(fset, p.Syntax, p.Imports); err != nil {
			return err
		}
	}
	packages.Visit(pkgs, nil, func(p *packages.Package) {
		if p.Types == nil || !p.Types.Complete() || strings.Contains(p.ID, " [") || strings.HasSuffix(p.ID, ".test") {
			return
		}
		hostTypes[p.PkgPath] = p.Types
	})
	// Packages imported only through export data of others.
	for _, t := range slices.Collect(maps.Values(hostTypes)) {
		addImports(hostTypes, t)
	}

	// One unit per directory and kind: the in-package test variant when
	// there is one (it holds every non-test file too), and the external
	// test package.
	chosen := map[string]*packages.Package{}
	for _, p := range pkgs {
		base, test := p.PkgPath, ""
		if i := strings.Index(p.ID, " ["); i >= 0 {
			test = strings.TrimSuffix(p.ID[i+2:], ".test]")
			if test != strings.TrimSuffix(base, "_test") {
				continue // a package recompiled for another package's test
			}
		} else if strings.HasSuffix(p.ID, ".test") {
			continue // generated test main
		}
		if want[strings.TrimSuffix(base, "_test")] == nil || p.Types == nil {
			continue
		}
		if prev := chosen[base]; prev == nil || test != "" {
			chosen[base] = p
		}
	}
	var keys []string
	for k := range chosen {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		p := chosen[k]
		d := want[strings.TrimSuffix(k, "_test")]
		u := &Unit{Dir: d, Path: p.PkgPath, Config: c.Host.Base(), Fset: fset, Files: p.Syntax, Types: p.Types, Info: p.TypesInfo, EmbedFiles: p.EmbedFiles}
		for _, e := range p.Errors {
			if !strings.Contains(e.Msg, "build constraints exclude all Go files") && !compilerOutput(e) {
				u.Errors = append(u.Errors, e.Error())
			}
		}
		for _, f := range p.Syntax {
			name := fset.Position(f.Package).Filename
			if !seen[name] {
				seen[name] = true
				u.New = append(u.New, f)
			}
		}
		for _, name := range p.GoFiles {
			seen[name] = true
		}
		c.Units = append(c.Units, u)
	}
	return nil
}

// addImports adds to m the packages t imports, transitively. A package
// that export data only mentions is incomplete (it holds just what the
// importer's export data refers to: example.com/dep under
// example.com/user): it is left out, for loadMissing to load whole when
// a file of another configuration imports it.
func addImports(m map[string]*types.Package, t *types.Package) {
	for _, imp := range t.Imports() {
		if !imp.Complete() {
			continue
		}
		if _, ok := m[imp.Path()]; !ok {
			m[imp.Path()] = imp
			addImports(m, imp)
		}
	}
}

// loadMissing loads, from export data, the packages that files outside
// the host build import and the host build does not have (text/template
// imported only by a _windows.go file, or a working-set package whose
// index came from the cache). Those that do not build on the
// host (golang.org/x/sys/windows) stay missing and get stand-ins.
func (c *Checked) loadMissing(ctx context.Context, ws *WorkingSet, dirs []*Dir, byPath map[string]*Dir, hostTypes map[string]*types.Package, seen map[string]bool, opts *Options) error {
	want := map[string]bool{}
	checking := map[*Dir]bool{}
	for _, d := range dirs {
		checking[d] = true
	}
	add := func(f *File) {
		for _, imp := range f.Imports {
			// A working-set package that is not checked now (its
			// index came from the cache) and that no host unit
			// imports has no types either: a //go:build ignore
			// program's import, or a _windows.go file's.
			if imp != "C" && imp != "unsafe" && (byPath[imp] == nil || !checking[byPath[imp]]) && hostTypes[imp] == nil {
				want[imp] = true
			}
		}
	}
	// The files no host unit compiled, and every non-test file of the
	// working-set packages they import, transitively: another
	// configuration re-checks those from source when their files differ
	// there, and needs what they import too (regexp/syntax for
	// model/labels in prometheus), not a stand-in.
	in := map[*Dir]bool{}
	var deps []*Dir
	for _, d := range dirs {
		in[d] = true
	}
	for _, d := range dirs {
		for _, f := range d.Files {
			if !seen[f.Abs] {
				add(f)
			}
			for _, imp := range f.Imports {
				if dep := byPath[imp]; dep != nil && !in[dep] {
					in[dep] = true
					deps = append(deps, dep)
				}
			}
		}
	}
	for len(deps) > 0 {
		d := deps[0]
		deps = deps[1:]
		for _, f := range d.Files {
			if f.Test {
				continue
			}
			add(f)
			for _, imp := range f.Imports {
				if dep := byPath[imp]; dep != nil && !in[dep] {
					in[dep] = true
					deps = append(deps, dep)
				}
			}
		}
	}
	if len(want) == 0 {
		return nil
	}
	load := func(env []string) {
		o := *opts
		o.Env = append(slices.Clip(o.Env), env...)
		cfg := packagesConfig(ctx, ws, &o, packages.NeedName|packages.NeedTypes, false)
		pkgs, err := packages.Load(cfg, slices.Sorted(maps.Keys(want))...)
		if err != nil {
			return // a best effort: stand-ins remain
		}
		for _, p := range pkgs {
			if p.Types != nil && len(p.Errors) == 0 && hostTypes[p.PkgPath] == nil {
				hostTypes[p.PkgPath] = p.Types
				delete(want, p.PkgPath)
			}
		}
	}
	load(nil)
	// A package that does not build on the host (golang.org/x/sys/
	// windows/svc on linux) is loaded for the platform of a
	// configuration that imports it: with a stand-in, the files that
	// use it would check without their interfaces, and neither the
	// index nor a verification would see what they need.
	tried := map[string]bool{c.Host.GOOS + "/" + c.Host.GOARCH: true}
	for _, cfg := range c.Configs {
		if len(want) == 0 || ctx.Err() != nil {
			break
		}
		if plat := cfg.GOOS + "/" + cfg.GOARCH; !cfg.Ignore && !tried[plat] {
			tried[plat] = true
			load([]string{"GOOS=" + cfg.GOOS, "GOARCH=" + cfg.GOARCH, "CGO_ENABLED=0"})
		}
	}
	return nil
}

// altCheck checks one non-host configuration.
type altCheck struct {
	c         *Checked
	host      buildcfg.Host
	cfg       buildcfg.Config
	fset      *token.FileSet
	byPath    map[string]*Dir
	hostTypes map[string]*types.Package
	parsed    map[string]*ast.File
	seen      map[string]bool
	opts      *Options
	nt        map[*Dir]*types.Package // non-test packages re-checked in cfg
	busy      map[*Dir]bool
	// emit, if set, takes each unit instead of c.Units, without syntax
	// or types.Info (verification needs only its errors); an error
	// stops the check.
	emit func(*Unit) error
}

// files returns the files of d that cfg compiles, split into non-test,
// in-package test and external test files.
func (a *altCheck) files(d *Dir, cfg buildcfg.Config) (nt, it, xt []*File) {
	name := d.Name()
	for _, f := range d.Files {
		if f.PkgName == "" || !a.host.Match(cfg, f.Cons) {
			continue
		}
		switch {
		case cfg.Ignore:
			nt = append(nt, f)
		case !f.Test:
			if f.PkgName == name {
				nt = append(nt, f)
			}
		case f.PkgName == name:
			it = append(it, f)
		case f.PkgName == name+"_test":
			xt = append(xt, f)
		}
	}
	return
}

// differs reports whether d's non-test files differ in a.cfg from the host's.
func (a *altCheck) differs(d *Dir) bool {
	nt, _, _ := a.files(d, a.cfg)
	hnt, _, _ := a.files(d, a.host.Base())
	return !slices.Equal(nt, hnt)
}

func (a *altCheck) checkDir(d *Dir) error {
	if a.cfg.Ignore {
		// Ignored files are generators and rules files, each group of
		// one package name checked on its own.
		nt, _, _ := a.files(d, a.cfg)
		groups := map[string][]*File{}
		var names []string
		for _, f := range nt {
			if groups[f.PkgName] == nil {
				names = append(names, f.PkgName)
			}
			groups[f.PkgName] = append(groups[f.PkgName], f)
		}
		sort.Strings(names)
		for _, n := range names {
			if _, err := a.check(d, d.ImportPath, groups[n], nil); err != nil {
				return err
			}
		}
		return nil
	}
	nt, it, xt := a.files(d, a.cfg)
	hnt, hit, hxt := a.files(d, a.host.Base())
	ntDiff := !slices.Equal(nt, hnt)
	itDiff := !slices.Equal(it, hit)
	xtDiff := !slices.Equal(xt, hxt)
	if !ntDiff && !itDiff && !xtDiff {
		return nil
	}
	// Check only what holds files no earlier check has seen: a package
	// that differs in one non-test file needs no second look at its
	// (often large) tests.
	var testPkg *types.Package
	var err error
	switch {
	case len(it) > 0 && itDiff && a.unseen(append(slices.Clone(nt), it...)):
		testPkg, err = a.check(d, d.ImportPath, append(slices.Clone(nt), it...), nil)
	case ntDiff && len(nt) > 0 && a.unseen(nt):
		testPkg, err = a.nonTest(d)
	}
	if err != nil {
		return err
	}
	if len(xt) > 0 && xtDiff && a.unseen(xt) {
		self := testPkg
		if self == nil {
			if self, err = a.nonTest(d); err != nil {
				return err
			}
		}
		if _, err := a.check(d, d.ImportPath+"_test", xt, self); err != nil {
			return err
		}
	}
	return nil
}

// unseen reports whether any of files is new to this check.
func (a *altCheck) unseen(files []*File) bool {
	for _, f := range files {
		if !a.seen[f.Abs] {
			return true
		}
	}
	return false
}

// nonTest returns d's non-test package as cfg compiles it, checking it
// (and, first, the differing packages it imports) if it differs.
func (a *altCheck) nonTest(d *Dir) (*types.Package, error) {
	if t, ok := a.nt[d]; ok {
		return t, nil
	}
	if !a.differs(d) {
		return a.hostTypes[d.ImportPath], nil
	}
	if a.busy == nil {
		a.busy = map[*Dir]bool{}
	}
	if a.busy[d] { // import cycle: let the type checker report it
		return a.hostTypes[d.ImportPath], nil
	}
	a.busy[d] = true
	nt, _, _ := a.files(d, a.cfg)
	t, err := a.check(d, d.ImportPath, nt, nil)
	a.nt[d] = t
	return t, err
}

// check type-checks files of d as package path in a.cfg. self, if not nil,
// is what an import of d's own path resolves to (external tests).
func (a *altCheck) check(d *Dir, path string, files []*File, self *types.Package) (*types.Package, error) {
	var syntax, fresh []*ast.File
	for _, f := range files {
		af := a.parsed[f.Abs]
		if af == nil {
			var err error
			af, err = parser.ParseFile(a.fset, f.Abs, f.Src, parser.ParseComments|parser.SkipObjectResolution)
			if af == nil {
				return nil, &Error{Msg: firstLine(err.Error())}
			}
			if err != nil {
				if list, ok := err.(interface{ Unwrap() []error }); ok && len(list.Unwrap()) > 0 {
					err = list.Unwrap()[0]
				}
				return nil, &Error{Msg: firstLine(err.Error())}
			}
			a.parsed[f.Abs] = af
		}
		syntax = append(syntax, af)
		if !a.seen[f.Abs] {
			a.seen[f.Abs] = true
			fresh = append(fresh, af)
		}
	}
	if len(syntax) == 0 {
		return nil, nil
	}
	var info *types.Info
	if a.emit == nil {
		info = newInfo()
	}
	var errs []string
	conf := &types.Config{
		Importer: importerFunc(func(p string) (*types.Package, error) { return a.importPkg(d, p, self) }),
		// Errors are expected (dependencies are the host's, some are
		// stand-ins): kept only for verification, which compares.
		Error: func(err error) {
			if a.opts.AltErrors {
				errs = append(errs, err.Error())
			}
		},
		FakeImportC: true,
		Sizes:       types.SizesFor("gc", a.cfg.GOARCH),
	}
	tpkg, _ := conf.Check(path, a.fset, syntax, info)
	if len(fresh) > 0 {
		if a.emit != nil {
			if err := a.emit(&Unit{Dir: d, Path: path, Config: a.cfg, Types: tpkg, Errors: errs}); err != nil {
				return nil, err
			}
		} else {
			var embeds []string
			for _, f := range syntax {
				embeds = append(embeds, EmbedFiles(d, f)...)
			}
			a.c.Units = append(a.c.Units, &Unit{Dir: d, Path: path, Config: a.cfg, Fset: a.fset, Files: syntax, New: fresh, Types: tpkg, Info: info, EmbedFiles: embeds, Errors: errs})
		}
	}
	return tpkg, nil
}

func (a *altCheck) importPkg(from *Dir, path string, self *types.Package) (*types.Package, error) {
	if path == "unsafe" {
		return types.Unsafe, nil
	}
	if self != nil && path == from.ImportPath {
		return self, nil
	}
	if d := a.byPath[path]; d != nil && !a.cfg.Ignore {
		return a.nonTest(d)
	}
	if t := a.hostTypes[path]; t != nil {
		return t, nil
	}
	// A dependency the host build does not have (golang.org/x/sys/windows
	// on linux): an empty stand-in keeps the rest of the file checkable.
	name := filepath.Base(path)
	if strings.HasPrefix(name, "v") && len(name) > 1 && name[1] >= '0' && name[1] <= '9' {
		name = filepath.Base(filepath.Dir(path))
	}
	t := types.NewPackage(path, strings.NewReplacer("-", "_", ".", "_").Replace(name))
	t.MarkComplete()
	a.hostTypes[path] = t
	return t, nil
}

type importerFunc func(path string) (*types.Package, error)

func (f importerFunc) Import(path string) (*types.Package, error) { return f(path) }

func newInfo() *types.Info {
	return &types.Info{
		Types:        map[ast.Expr]types.TypeAndValue{},
		Defs:         map[*ast.Ident]types.Object{},
		Uses:         map[*ast.Ident]types.Object{},
		Implicits:    map[ast.Node]types.Object{},
		Selections:   map[*ast.SelectorExpr]*types.Selection{},
		Scopes:       map[ast.Node]*types.Scope{},
		Instances:    map[*ast.Ident]types.Instance{},
		FileVersions: map[*ast.File]string{},
	}
}

// EmbedFiles returns the files a file's //go:embed directives name,
// resolved in d (a best effort: the go command is not asked, and quoted
// patterns with spaces are not split as it would).
func EmbedFiles(d *Dir, f *ast.File) []string {
	var out []string
	for _, cg := range f.Comments {
		for _, c := range cg.List {
			rest, ok := strings.CutPrefix(c.Text, "//go:embed ")
			if !ok {
				continue
			}
			for _, pat := range strings.Fields(rest) {
				pat = strings.Trim(pat, "\"`")
				pat = strings.TrimPrefix(pat, "all:")
				matches, _ := filepath.Glob(filepath.Join(d.Abs, filepath.FromSlash(pat)))
				for _, m := range matches {
					fi, err := os.Stat(m)
					switch {
					case err != nil:
					case fi.IsDir():
						filepath.WalkDir(m, func(p string, e os.DirEntry, err error) error {
							if err == nil && !e.IsDir() {
								out = append(out, p)
							}
							return nil
						})
					default:
						out = append(out, m)
					}
				}
			}
		}
	}
	return out
}

// compilerOutput reports whether a list error is the compiler's output
// for a package ("# pkg\nfile:line:col: msg", which go list reports for
// some constant errors): a type error, which the type checker reports
// too, not a failure to list.
func compilerOutput(e packages.Error) bool {
	return e.Kind == packages.ListError && strings.HasPrefix(e.Msg, "# ")
}

// goListLine returns a go list error message without its "# pkg"
// headers: the line that says what is wrong, then the go command's other
// lines (a remedy, say) indented.
func goListLine(msg string) string {
	var lines []string
	for _, l := range strings.Split(msg, "\n") {
		if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "#") {
			lines = append(lines, l)
		}
	}
	if len(lines) == 0 {
		return firstLine(msg)
	}
	return strings.Join(lines, "\n\t")
}
