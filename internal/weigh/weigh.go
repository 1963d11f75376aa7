// Package weigh says what a module (or a set of packages) costs the
// working set, and what leaves the build with it: the packages only it
// brings in, the modules that leave the build list, the go.sum lines and
// vendor/ bytes that go with them, the module-cache bytes they occupy,
// and the bytes each command's binary spends on them.
//
// The packages that stay are those the working set still reaches, in
// any build configuration, tests included, without passing through the
// target (the index's imports, then the dependencies' own). The modules
// that stay provide them; go.mod is then rewritten as go mod tidy would
// (the requirements of modules that no longer provide a package go) and
// the module graph of that go.mod, asked of go mod graph offline in a
// scratch copy, is the build list after: graph pruning is the go
// command's own.
package weigh

import (
	"context"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/goremover/goremover/internal/index"
	"github.com/goremover/goremover/internal/load"
	"github.com/goremover/goremover/internal/modfix"
	"github.com/goremover/goremover/internal/why"
	"golang.org/x/mod/modfile"
	"golang.org/x/mod/module"
	"golang.org/x/mod/semver"
)

// Weight is what a target costs, and what leaves with it.
type Weight struct {
	Target  string `json:"target"`
	Module  bool   `json:"module"`
	Version string `json:"version,omitempty"` // a module's selected version
	// Packages are the dependency packages that leave the build: the
	// target's own and those only they import.
	Packages []string `json:"packages"`
	// Modules are the module versions that leave the build list.
	Modules []module.Version `json:"modules"`
	// Stay are the target's own packages that other code still imports.
	Stay       []string `json:"stay,omitempty"`
	SumLines   int      `json:"sum_lines"`   // go.sum lines of the modules that leave
	VendorSize int64    `json:"vendor_size"` // bytes of vendor/ of the packages that leave
	CacheSize  int64    `json:"cache_size"`  // module-cache bytes of the module versions that leave
	Binaries   []Binary `json:"binaries,omitempty"`
}

// Binary is what one command's binary spends on a target.
type Binary struct {
	Main  string `json:"main"`  // the command's import path, or the -binary file
	Total int64  `json:"total"` // bytes of every symbol of the binary
	// Bytes are those of the packages that leave; Shared those of the
	// target's packages that stay.
	Bytes  int64 `json:"bytes"`
	Shared int64 `json:"shared"`
}

// Weigher weighs targets against one working set.
type Weigher struct {
	F *why.Facts
	// Symbols are the symbol bytes per package of each binary.
	Symbols []*Symbols

	needed map[string]bool // the packages the build reaches now
}

// Target is something to weigh: a module, or packages.
type Target struct {
	Name   string
	Module bool
	Pkgs   []string // for packages
}

// Weigh weighs t.
func (w *Weigher) Weigh(ctx context.Context, t Target) (*Weight, error) {
	f := w.F
	if w.needed == nil {
		w.needed = w.reach(func(string, string) bool { return false })
	}
	isTarget := func(pkg, mod string) bool {
		return t.Module && mod == t.Name || !t.Module && slices.Contains(t.Pkgs, pkg)
	}
	after := w.reach(isTarget)
	res := &Weight{Target: t.Name, Module: t.Module, Packages: []string{}, Modules: []module.Version{}}
	own := map[string]bool{}
	for p := range w.needed {
		d := f.Deps[p]
		if d == nil {
			continue
		}
		if isTarget(p, d.Module) {
			own[p] = true
		}
		if !after[p] {
			res.Packages = append(res.Packages, p)
		} else if isTarget(p, d.Module) {
			res.Stay = append(res.Stay, p)
		}
	}
	slices.Sort(res.Packages)
	slices.Sort(res.Stay)

	// The modules that provide a package before and after.
	providers := func(pkgs map[string]bool) map[string]bool {
		m := map[string]bool{}
		for p := range pkgs {
			if d := f.Deps[p]; d != nil {
				m[d.Module] = true
			}
		}
		return m
	}
	before, still := providers(w.needed), providers(after)
	drop := map[string]bool{}
	for m := range before {
		if !still[m] {
			drop[m] = true
		}
	}
	if t.Module && !still[t.Name] {
		drop[t.Name] = true
	}

	// The build list before and after, by module path.
	listBefore := map[string]string{}
	listAfter := map[string]bool{}
	// Every version of the graphs, before and after: go.sum keeps the
	// go.mod checksum of each.
	versBefore, versAfter := map[module.Version]bool{}, map[module.Version]bool{}
	for i := range f.WS.Modules {
		m := &f.WS.Modules[i]
		for v := range modfix.Reachable(f.Graphs[m.Path], m.Path) {
			versBefore[v] = true
			if semver.Compare(v.Version, listBefore[v.Path]) > 0 {
				listBefore[v.Path] = v.Version
			}
		}
		gomod, err := dropRequires(m, orphans(m, f.Graphs[m.Path], before, drop))
		if err != nil {
			return nil, err
		}
		edges := f.Graphs[m.Path]
		if gomod != nil {
			if edges, err = modfix.GraphOf(ctx, f.WS, m, gomod); err != nil {
				return nil, err
			}
		}
		for v := range modfix.Reachable(edges, m.Path) {
			versAfter[v] = true
			listAfter[v.Path] = true
		}
	}
	if t.Module {
		res.Version = listBefore[t.Name]
	}
	leaving := map[string]bool{}
	for p, v := range listBefore {
		if !listAfter[p] {
			leaving[p] = true
			res.Modules = append(res.Modules, module.Version{Path: p, Version: v})
		}
	}
	slices.SortFunc(res.Modules, func(a, b module.Version) int { return strings.Compare(a.Path, b.Path) })

	// What goes with them.
	for i := range f.WS.Modules {
		m := &f.WS.Modules[i]
		res.SumLines += sumLines(m, func(v module.Version) bool { return leaving[v.Path] || versBefore[v] && !versAfter[v] })
		res.VendorSize += vendorSize(m, res.Packages)
	}
	res.CacheSize = w.cacheSize(leaving)
	gone := map[string]bool{}
	for _, p := range res.Packages {
		gone[p] = true
	}
	for _, s := range w.Symbols {
		b := Binary{Main: s.Name, Total: s.Total}
		for p, n := range s.ByPkg {
			switch {
			case gone[p]:
				b.Bytes += n
			case own[p]:
				b.Shared += n
			}
		}
		res.Binaries = append(res.Binaries, b)
	}
	return res, nil
}

// reach returns the dependency packages the working set imports, in any
// configuration, but for those skip says it no longer imports, and what
// they import, transitively: a dependency that imports the target keeps
// it.
func (w *Weigher) reach(skip func(pkg, mod string) bool) map[string]bool {
	f := w.F
	seen := map[string]bool{}
	var queue []string
	visit := func(p string) {
		if f.Deps[p] == nil || seen[p] {
			return
		}
		seen[p] = true
		queue = append(queue, p)
	}
	for _, p := range f.X.Packages {
		for _, r := range p.Refs {
			if d := f.Deps[r.To.Pkg]; r.Kind == index.Import && d != nil && !skip(r.To.Pkg, d.Module) {
				visit(r.To.Pkg)
			}
		}
	}
	for len(queue) > 0 {
		p := queue[0]
		queue = queue[1:]
		for _, imp := range f.Deps[p].Imports {
			visit(imp)
		}
	}
	return seen
}

// orphans adds to drop the requirements of m that provide no package
// and that only the dropped modules' go.mod files reach in the graph
// (what go mod tidy drops with them). A requirement that another
// requirement's go.mod reaches is kept: the graph keeps it anyway.
func orphans(m *load.Module, edges []modfix.Edge, providers, drop map[string]bool) map[string]bool {
	main := module.Version{Path: m.Path}
	next := map[module.Version][]module.Version{}
	for _, e := range edges {
		next[e.From] = append(next[e.From], e.To)
	}
	// What the dropped modules reach.
	fromDropped := map[string]bool{}
	var stack []module.Version
	visited := map[module.Version]bool{}
	for _, v := range next[main] {
		if drop[v.Path] {
			stack = append(stack, v)
		}
	}
	for len(stack) > 0 {
		v := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		for _, w := range next[v] {
			if !visited[w] {
				visited[w] = true
				fromDropped[w.Path] = true
				stack = append(stack, w)
			}
		}
	}
	// The roots: the requirements that stay for sure.
	seen := map[module.Version]bool{}
	var queue []module.Version
	for _, v := range next[main] {
		if !drop[v.Path] && (providers[v.Path] || !fromDropped[v.Path]) && !seen[v] {
			seen[v] = true
			queue = append(queue, v)
		}
	}
	reached := map[string]bool{}
	for len(queue) > 0 {
		v := queue[0]
		queue = queue[1:]
		reached[v.Path] = true
		if drop[v.Path] {
			continue
		}
		for _, w := range next[v] {
			if !seen[w] {
				seen[w] = true
				queue = append(queue, w)
			}
		}
	}
	out := maps.Clone(drop)
	for _, r := range m.File.Require {
		if !providers[r.Mod.Path] && !reached[r.Mod.Path] {
			out[r.Mod.Path] = true
		}
	}
	return out
}

// dropRequires returns m's go.mod without the requirements of drop, nil
// if it has none of them.
func dropRequires(m *load.Module, drop map[string]bool) ([]byte, error) {
	mf, err := modfile.Parse(filepath.Join(m.Dir, "go.mod"), m.GoMod, nil)
	if err != nil {
		return nil, err
	}
	changed := false
	for _, r := range mf.Require {
		if drop[r.Mod.Path] {
			if err := mf.DropRequire(r.Mod.Path); err != nil {
				return nil, err
			}
			changed = true
		}
	}
	if !changed {
		return nil, nil
	}
	mf.Cleanup()
	return mf.Format()
}

// sumLines counts the lines of m's go.sum of the module versions that
// leave.
func sumLines(m *load.Module, leaves func(module.Version) bool) int {
	data, err := readSmall(filepath.Join(m.Dir, "go.sum"))
	if err != nil {
		return 0
	}
	lines, _ := modfix.ParseSum("go.sum", data)
	n := 0
	for _, l := range lines {
		if leaves(module.Version{Path: l.Path, Version: l.Version}) {
			n++
		}
	}
	return n
}

// vendorSize sums the files of m's vendor/ directories of pkgs.
func vendorSize(m *load.Module, pkgs []string) int64 {
	vendor := filepath.Join(m.Dir, "vendor")
	if fi, err := os.Lstat(filepath.Join(vendor, "modules.txt")); err != nil || !fi.Mode().IsRegular() {
		return 0
	}
	var n int64
	for _, p := range pkgs {
		entries, err := os.ReadDir(filepath.Join(vendor, filepath.FromSlash(p)))
		if err != nil {
			continue
		}
		for _, e := range entries {
			if fi, err := e.Info(); err == nil && fi.Mode().IsRegular() {
				n += fi.Size()
			}
		}
	}
	return n
}

// cacheSize sums what the module cache holds for the versions of the
// leaving module paths in any module graph: the extracted tree and the
// download cache's files of each version.
func (w *Weigher) cacheSize(leaving map[string]bool) int64 {
	f := w.F
	if f.ModCache == "" {
		return 0
	}
	versions := map[module.Version]bool{}
	for _, edges := range f.Graphs {
		for _, e := range edges {
			if leaving[e.To.Path] && e.To.Version != "" {
				versions[e.To] = true
			}
		}
	}
	var n int64
	for v := range versions {
		ep, err1 := module.EscapePath(v.Path)
		ev, err2 := module.EscapeVersion(v.Version)
		if err1 != nil || err2 != nil {
			continue
		}
		n += treeSize(filepath.Join(f.ModCache, filepath.FromSlash(ep)+"@"+ev))
		dl := filepath.Join(f.ModCache, "cache", "download", filepath.FromSlash(ep), "@v")
		for _, ext := range []string{".zip", ".mod", ".info", ".ziphash"} {
			if fi, err := os.Lstat(filepath.Join(dl, ev+ext)); err == nil && fi.Mode().IsRegular() {
				n += fi.Size()
			}
		}
	}
	return n
}

// treeSize sums the regular files under dir, following no link.
func treeSize(dir string) int64 {
	var n int64
	filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		if d.Type().IsRegular() {
			if fi, err := d.Info(); err == nil {
				n += fi.Size()
			}
		}
		return nil
	})
	return n
}

// readSmall reads a file of at most 64 MB that is not a link.
func readSmall(name string) ([]byte, error) {
	fi, err := os.Lstat(name)
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() || fi.Size() > 64<<20 {
		return nil, fs.ErrInvalid
	}
	return os.ReadFile(name)
}
