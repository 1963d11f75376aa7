package load

// This file type-checks the packages a change can break, after the change,
// for verification: only their type errors matter, and it must cost far
// less than a load of the working set.
//
// A load through go/packages asks the go command for export data of every
// package it lists, which compiles the changed package and every importer
// again (minutes on a large module whose core package changed). Instead
// the go command only lists the import graph (no compiling), the packages
// the change cannot reach come from the export data the build cache
// already holds for them, and the rest is checked from source, in
// dependency order so that importers see the changed package's new types,
// in parallel, errors only (no types.Info, no syntax kept). The other
// configurations are checked as Check does, against these types.

import (
	"context"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"go/types"
	"maps"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"

	"golang.org/x/sync/errgroup"
	"golang.org/x/tools/go/gcexportdata"
	"golang.org/x/tools/go/packages"

	"github.com/goremover/goremover/internal/buildcfg"
)

// Recheck type-checks dirs (a subset of all, the working set's
// directories as they are now: what a change touched and every importer)
// in every configuration, and passes each package variant's errors to
// report as soon as it is checked: the host's in-package test variant (or
// the package, without tests) and external test package, as Check makes
// units, then the other configurations' units. Reported units carry no
// syntax and no types.Info. If report returns an error, Recheck stops the
// remaining checks and returns it.
//
// A package the go command cannot list, a file that does not parse, or an
// import that cannot be loaded is an *Error, as with Check.
func Recheck(ctx context.Context, ws *WorkingSet, all, dirs []*Dir, host buildcfg.Host, cfgs []buildcfg.Config, opts *Options, report func(*Unit) error) error {
	if len(dirs) == 0 {
		return nil
	}
	fset := token.NewFileSet()
	r := &recheck{host: host, fset: fset, report: report, scope: map[string]*Dir{}}
	for _, d := range dirs {
		r.scope[d.ImportPath] = d
	}
	byPath := map[string]*Dir{}
	for _, d := range all {
		byPath[d.ImportPath] = d
	}
	// Export data of what the scope's files import, as the scan says,
	// is read while the go command lists the graph and while the first
	// packages are checked, in the order the check needs it.
	r.exports = map[string]*export{}
	var direct []*export
	for _, d := range scanOrder(dirs, byPath) {
		for _, f := range d.Files {
			for _, imp := range f.Imports {
				if imp != "C" && imp != "unsafe" && r.scope[imp] == nil && r.exports[imp] == nil {
					e := &export{path: imp, done: make(chan struct{})}
					r.exports[imp] = e
					direct = append(direct, e)
				}
			}
		}
	}
	more := make(chan []*export, 1)
	read := make(chan struct{})
	universe := map[string]*types.Package{}
	go func() {
		defer close(read)
		r.readExports(ctx, ws, opts, universe, direct, more)
	}()
	err := r.list(ctx, ws, dirs, byPath, opts)
	if err != nil {
		close(more)
		<-read
		return err
	}
	// The rest of the frontier: imported by packages the scan does not
	// see (a dependency that imports the working set), or by other
	// configurations' working-set packages.
	var extra []*export
	for _, path := range slices.Sorted(maps.Keys(r.frontier)) {
		if r.exports[path] == nil {
			e := &export{path: path, done: make(chan struct{})}
			r.exports[path] = e
			extra = append(extra, e)
		}
	}
	more <- extra
	close(more)

	// Other configurations take the host's types, and export data for
	// what only they import, loaded while the host is checked.
	c := &Checked{Host: host, Configs: cfgs}
	var hostTypes map[string]*types.Package
	loaded := make(chan struct{})
	go func() {
		defer close(loaded)
		<-read
		hostTypes = maps.Clone(universe)
		for _, t := range universe {
			addImports(hostTypes, t)
		}
		c.loadMissing(ctx, ws, dirs, byPath, hostTypes, r.seen, opts) // a best effort: stand-ins remain
	}()
	err = r.checkHost(ctx)
	<-loaded
	if err != nil {
		return err
	}
	if err := r.readError(); err != nil {
		return err
	}

	// The other configurations, against the host types just checked
	// for the changed packages and their importers.
	for _, n := range r.nodes {
		if n.types != nil && !strings.Contains(n.p.ID, " [") {
			hostTypes[n.p.PkgPath] = n.types
		}
	}
	var emitErr error
	emit := func(u *Unit) error {
		if emitErr == nil {
			emitErr = report(u)
		}
		return emitErr
	}
	parsed := map[string]*ast.File{}
	for _, cfg := range cfgs[1:] {
		a := &altCheck{c: c, host: host, cfg: cfg, fset: fset, byPath: byPath, hostTypes: hostTypes, parsed: parsed, seen: r.seen, opts: opts, nt: map[*Dir]*types.Package{}, emit: emit}
		for _, d := range dirs {
			if err := ctx.Err(); err != nil {
				return err
			}
			if err := a.checkDir(d); err != nil {
				return err
			}
		}
	}
	return nil
}

// recheck is the state of one Recheck.
type recheck struct {
	host   buildcfg.Host
	fset   *token.FileSet
	report func(*Unit) error
	scope  map[string]*Dir // by import path

	// compiled is set when the go command was asked for the files cgo
	// generates (CompiledGoFiles); otherwise GoFiles are checked.
	compiled bool
	nodes    map[string]*node // by package ID: the packages checked from source
	// frontier lists, by path, the packages read from export data:
	// those that source packages import, and the working-set packages
	// that only other configurations import.
	frontier map[string]bool
	// exports are the packages read from export data, by path; the
	// map does not change once the host check starts.
	exports map[string]*export
	// readErr is why reading export data stopped, if it did; it is set
	// before the exports left unread are done.
	readMu  sync.Mutex
	readErr error
	seen    map[string]bool // files the host units compiled
}

// export is a package read from export data.
type export struct {
	path  string
	done  chan struct{} // closed once types is set, or the read failed
	types *types.Package
}

// node is a package variant checked from source.
type node struct {
	p       *packages.Package
	deps    []*node
	exports []string // paths of the imports read from export data
	dir     *Dir     // its scope directory, nil for other packages
	unit    bool     // its errors are a unit's (reported)
	done    chan struct{}
	types   *types.Package
}

// list asks the go command for the import graph of dirs, tests included,
// without compiling anything, and decides what is checked from source:
// dirs' packages and whatever imports them in the graph (test variants,
// the rare dependency that imports the working set).
func (r *recheck) list(ctx context.Context, ws *WorkingSet, dirs []*Dir, byPath map[string]*Dir, opts *Options) error {
	// The files cgo generates are asked for only if the scope uses
	// cgo: it costs the go command a look at every cgo package of the
	// graph (a third of the listing's time on prometheus).
	mode := packages.NeedName | packages.NeedFiles | packages.NeedImports | packages.NeedDeps | packages.NeedModule
	for _, d := range dirs {
		for _, f := range d.Files {
			if slices.Contains(f.Imports, "C") {
				r.compiled = true
			}
		}
	}
	if r.compiled {
		mode |= packages.NeedCompiledGoFiles
	}
	cfg := packagesConfig(ctx, ws, opts, mode, true)
	roots, err := packages.Load(cfg, dirPatterns(dirs)...)
	if err != nil {
		return packagesError(err)
	}
	// The go command could not list or parse a package of the scope.
	for _, p := range roots {
		if r.scopeDir(p) == nil {
			continue
		}
		if err := listError(p); err != nil {
			return err
		}
	}

	var all []*packages.Package
	packages.Visit(roots, nil, func(p *packages.Package) { all = append(all, p) })
	src := map[*packages.Package]bool{}
	var mark func(p *packages.Package) bool
	state := map[*packages.Package]int{} // 1 visiting, 2 done
	mark = func(p *packages.Package) bool {
		switch state[p] {
		case 1:
			return false // a cycle: the go command reports it
		case 2:
			return src[p]
		}
		state[p] = 1
		need := r.scopeDir(p) != nil
		for _, imp := range p.Imports {
			if mark(imp) {
				need = true
			}
		}
		state[p] = 2
		src[p] = need
		return need
	}
	for _, p := range all {
		mark(p)
	}

	r.nodes = map[string]*node{}
	r.frontier = map[string]bool{}
	var get func(p *packages.Package) *node
	get = func(p *packages.Package) *node {
		if n := r.nodes[p.ID]; n != nil {
			return n
		}
		n := &node{p: p, dir: r.scopeDir(p), done: make(chan struct{})}
		r.nodes[p.ID] = n
		for _, imp := range p.Imports {
			switch {
			case imp.PkgPath == "unsafe":
			case src[imp]:
				n.deps = append(n.deps, get(imp))
			default:
				r.frontier[imp.PkgPath] = true
				n.exports = append(n.exports, imp.PkgPath)
			}
		}
		return n
	}
	for _, p := range all {
		if src[p] && !strings.HasSuffix(p.ID, ".test") {
			get(p)
		}
	}

	// Working-set packages that only files of other configurations
	// import (a windows file's import): those configurations take their
	// host types when their files do not differ. None is in the scope
	// (the scope's packages are all listed), so none changed.
	listed := map[string]bool{}
	for _, p := range all {
		listed[p.PkgPath] = true
	}
	in := map[*Dir]bool{}
	queue := slices.Clone(dirs)
	for len(queue) > 0 {
		d := queue[0]
		queue = queue[1:]
		for _, f := range d.Files {
			if f.Test && r.scope[d.ImportPath] == nil {
				continue
			}
			for _, imp := range f.Imports {
				dep := byPath[imp]
				if dep == nil || in[dep] {
					continue
				}
				in[dep] = true
				queue = append(queue, dep)
				if !listed[imp] {
					r.frontier[imp] = true
				}
			}
		}
	}

	// The units, as Check makes them: per scope directory, the in-package
	// test variant if there is one (it holds every non-test file too),
	// else the package; and the external test package.
	r.seen = map[string]bool{}
	for _, n := range r.nodes {
		if n.dir == nil {
			continue
		}
		base, test := n.p.PkgPath, ""
		if i := strings.Index(n.p.ID, " ["); i >= 0 {
			test = strings.TrimSuffix(n.p.ID[i+2:], ".test]")
			if test != strings.TrimSuffix(base, "_test") {
				continue // recompiled for another package's test
			}
		} else if r.nodes[base+" ["+base+".test]"] != nil {
			continue // its test variant is the unit
		}
		n.unit = true
		for _, name := range n.p.GoFiles {
			r.seen[name] = true
		}
	}
	return nil
}

// scopeDir returns the scope directory of a package variant, or nil.
func (r *recheck) scopeDir(p *packages.Package) *Dir {
	return r.scope[strings.TrimSuffix(p.PkgPath, "_test")]
}

// readExports reads the export data of direct, then of the packages more
// sends (closed when the go command has listed the graph), one at a time:
// a package that several export files mention is one *types.Package, as
// for the go command, so they share universe. The export files come from
// the go command, which has them in its build cache for packages a change
// cannot reach. A package without export data is left out: an import of
// it reports the error. Every export's done is closed on return, after
// r.readErr is set.
func (r *recheck) readExports(ctx context.Context, ws *WorkingSet, opts *Options, universe map[string]*types.Package, direct []*export, more chan []*export) {
	all := direct
	err := func() error {
		batch := direct
		for {
			paths := make([]string, len(batch))
			for i, e := range batch {
				paths[i] = e.path
			}
			files, err := exportFiles(ctx, ws, opts, paths)
			if err != nil {
				return err
			}
			for _, e := range batch {
				if ctx.Err() != nil {
					return ctx.Err()
				}
				if t, err := readExport(r.fset, universe, e.path, files[e.path]); err == nil {
					universe[e.path] = t
					e.types = t
				}
				close(e.done)
			}
			var ok bool
			if batch, ok = <-more; !ok {
				return nil
			}
			all = append(all, batch...)
		}
	}()
	r.readMu.Lock()
	r.readErr = err
	r.readMu.Unlock()
	for batch := range more {
		all = append(all, batch...)
	}
	for _, e := range all {
		select {
		case <-e.done:
		default:
			close(e.done)
		}
	}
}

func (r *recheck) readError() error {
	r.readMu.Lock()
	defer r.readMu.Unlock()
	return r.readErr
}

// scanOrder returns dirs in dependency order, as far as the scan's
// imports say (every configuration and tests included).
func scanOrder(dirs []*Dir, byPath map[string]*Dir) []*Dir {
	in := map[*Dir]bool{}
	for _, d := range dirs {
		in[d] = true
	}
	var out []*Dir
	done := map[*Dir]bool{}
	var visit func(d *Dir)
	visit = func(d *Dir) {
		if done[d] {
			return
		}
		done[d] = true
		for _, f := range d.Files {
			for _, imp := range f.Imports {
				if dep := byPath[imp]; dep != nil && in[dep] {
					visit(dep)
				}
			}
		}
		out = append(out, d)
	}
	for _, d := range dirs {
		visit(d)
	}
	return out
}

// exportFiles asks the go command for the export files of packages, by
// path ("" for a package it could not build or find).
func exportFiles(ctx context.Context, ws *WorkingSet, opts *Options, paths []string) (map[string]string, error) {
	files := map[string]string{}
	if len(paths) == 0 {
		return files, nil
	}
	cfg := packagesConfig(ctx, ws, opts, packages.NeedName|packages.NeedExportFile, false)
	pkgs, err := packages.Load(cfg, paths...)
	if err != nil {
		return nil, packagesError(err)
	}
	for _, p := range paths {
		files[p] = ""
	}
	for _, p := range pkgs {
		files[p.PkgPath] = p.ExportFile
	}
	return files, nil
}

func readExport(fset *token.FileSet, imports map[string]*types.Package, path, file string) (*types.Package, error) {
	if file == "" {
		return nil, fmt.Errorf("no export data for %s", path)
	}
	f, err := os.Open(file)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	rd, err := gcexportdata.NewReader(f)
	if err != nil {
		return nil, err
	}
	return gcexportdata.Read(rd, fset, imports, path)
}

// checkHost checks the source packages in dependency order, as many at a
// time as there are CPUs, and stops at the first error report returns.
func (r *recheck) checkHost(ctx context.Context) error {
	// A cycle would leave a package waiting forever: the go command
	// reports cycles, and so does this.
	state := map[*node]int{}
	var visit func(n *node) bool
	visit = func(n *node) bool {
		switch state[n] {
		case 1:
			return false
		case 2:
			return true
		}
		state[n] = 1
		for _, d := range n.deps {
			if !visit(d) {
				return false
			}
		}
		state[n] = 2
		return true
	}
	ids := slices.Sorted(maps.Keys(r.nodes))
	for _, id := range ids {
		if !visit(r.nodes[id]) {
			return &Error{Msg: "import cycle not allowed: " + r.nodes[id].p.PkgPath}
		}
	}

	g, gctx := errgroup.WithContext(ctx)
	cpu := make(chan struct{}, runtime.GOMAXPROCS(0))
	var mu sync.Mutex
	for _, id := range ids {
		n := r.nodes[id]
		g.Go(func() error {
			for _, d := range n.deps {
				select {
				case <-d.done:
				case <-gctx.Done():
					return gctx.Err()
				}
			}
			for _, path := range n.exports {
				e := r.exports[path]
				select {
				case <-e.done:
				case <-gctx.Done():
					return gctx.Err()
				}
				// Set before done is closed: reading stopped
				// (not a type error of n's), or there is no
				// export data (the type checker reports it).
				if e.types == nil {
					if err := r.readError(); err != nil {
						return err
					}
				}
			}
			select {
			case cpu <- struct{}{}:
			case <-gctx.Done():
				return gctx.Err()
			}
			errs, err := r.check(n)
			<-cpu
			if err != nil {
				return err
			}
			if n.unit {
				// Reported before importers start: a package
				// that breaks is found before those it breaks.
				mu.Lock()
				err := gctx.Err()
				if err == nil {
					err = r.report(&Unit{Dir: n.dir, Path: n.p.PkgPath, Config: r.host.Base(), Errors: errs})
				}
				mu.Unlock()
				if err != nil {
					return err
				}
			}
			close(n.done)
			return nil
		})
	}
	// The first error wins: a report's, or a check's, not the
	// cancellation it caused in the others.
	return g.Wait()
}

// check parses and type-checks one package from source; it returns the
// type errors, or an *Error for a file that does not parse or an import
// that cannot be loaded.
func (r *recheck) check(n *node) ([]string, error) {
	p := n.p
	names := p.GoFiles
	if r.compiled {
		names = p.CompiledGoFiles
	}
	var files []*ast.File
	fakeC := false
	for _, name := range names {
		f, err := parser.ParseFile(r.fset, name, nil, parser.ParseComments|parser.SkipObjectResolution)
		if err != nil {
			if list, ok := err.(interface{ Unwrap() []error }); ok && len(list.Unwrap()) > 0 {
				err = list.Unwrap()[0]
			}
			return nil, &Error{Msg: firstLine(err.Error())}
		}
		files = append(files, f)
		for _, spec := range f.Imports {
			// Only outside the scope (a dependency that imports
			// the working set, with cgo): the scope's cgo files
			// are checked as cgo generates them.
			fakeC = fakeC || spec.Path.Value == `"C"`
		}
	}
	if n.dir != nil {
		if err := importError(r.fset, files, p.Imports); err != nil {
			return nil, err
		}
	}
	var errs []string
	conf := &types.Config{
		Importer: importerFunc(func(path string) (*types.Package, error) {
			if path == "unsafe" {
				return types.Unsafe, nil
			}
			imp := p.Imports[path]
			if imp == nil {
				return nil, fmt.Errorf("no metadata for %s", path)
			}
			if dep := r.nodes[imp.ID]; dep != nil {
				return dep.types, nil
			}
			if e := r.exports[imp.PkgPath]; e != nil && e.types != nil {
				return e.types, nil
			}
			return nil, fmt.Errorf("no export data for %s", imp.PkgPath)
		}),
		Error:       func(err error) { errs = append(errs, err.Error()) },
		Sizes:       types.SizesFor("gc", r.host.GOARCH),
		FakeImportC: fakeC,
	}
	if p.Module != nil && p.Module.GoVersion != "" {
		conf.GoVersion = "go" + p.Module.GoVersion
	}
	// As go/packages does: the package's name is the go command's.
	n.types = types.NewPackage(p.PkgPath, p.Name)
	types.NewChecker(conf, r.fset, n.types, nil).Files(files)
	return errs, nil
}

// listError returns the error that makes a package of the scope
// unloadable, as Check reports it, or nil.
func listError(p *packages.Package) *Error {
	for _, e := range p.Errors {
		switch e.Kind {
		case packages.ListError, packages.ParseError:
			if strings.Contains(e.Msg, "build constraints exclude all Go files") || compilerOutput(e) {
				continue
			}
			if e.Kind == packages.ListError && strings.HasPrefix(e.Msg, "no required module provides package") && e.Pos == "" {
				e.Msg = p.PkgPath + ": " + e.Msg
			}
			return &Error{Pos: e.Pos, Msg: goListLine(e.Msg)}
		}
	}
	return nil
}

// importError returns an error at the first import of files whose
// package cannot be loaded (missing go.sum line, no module provides it,
// a package the change deleted), or nil.
func importError(fset *token.FileSet, files []*ast.File, imports map[string]*packages.Package) *Error {
	for _, f := range files {
		for _, spec := range f.Imports {
			path, _ := strconv.Unquote(spec.Path.Value)
			dep := imports[path]
			if dep == nil {
				continue
			}
			for _, e := range dep.Errors {
				// A dependency that does not compile is a type error
				// (a warning), not one that cannot be loaded.
				if e.Kind == packages.ListError && !strings.Contains(e.Msg, "build constraints exclude") && !compilerOutput(e) {
					pos := fset.Position(spec.Path.Pos())
					return &Error{Pos: fmt.Sprintf("%s:%d:%d", pos.Filename, pos.Line, pos.Column), Msg: goListLine(e.Msg)}
				}
			}
		}
	}
	return nil
}
