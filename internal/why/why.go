// Package why answers why a module or a package is in the build of the
// working set, giving every reason rather than one (go mod why prints a
// single import chain, and nothing for a requirement no package needs):
//
//   - import chains: each import by a working-set file that leads to the
//     target, in any build configuration (the index's, tests and
//     //go:build ignore programs included), followed through the
//     dependencies' imports to a package of the target; one
//     file:line:col per edge, with the configurations of the
//     working-set file;
//   - requirements: every go.mod in the module graph that requires the
//     module, with the shortest requirement chain from the main module,
//     and whether that requirement's version is the selected one (MVS
//     selects the highest required version);
//   - pruned requirements: a go.mod that requires the module but that
//     graph pruning never reads, so the requirement counts for nothing;
//   - tool directives, replace lines that name the module, go.work use
//     lines (for a workspace module);
//   - "not needed": nothing imports it in any configuration and no tool
//     directive names it.
//
// Dependencies' own imports are those of the host build (one go list);
// the working set's are those of every configuration.
package why

import (
	"cmp"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/goremover/goremover/internal/index"
	"github.com/goremover/goremover/internal/load"
	"github.com/goremover/goremover/internal/modfix"
	"golang.org/x/mod/modfile"
	"golang.org/x/mod/module"
	"golang.org/x/mod/semver"
)

// Reason kinds.
const (
	Import  = "import"  // an import chain
	Require = "require" // a requirement chain in the module graph
	Pruned  = "pruned"  // a requirement graph pruning ignores
	Tool    = "tool"    // a tool directive
	Replace = "replace" // a replace line that names it
	Work    = "work"    // a go.work use line
	Workset = "workset" // a package of the working set
)

// Step is one edge of a chain: From imports (or requires) To at a
// position. Module is the dependency whose file it is, as path@version,
// "" for the working set; File is relative to that module's root.
type Step struct {
	Module    string   `json:"module,omitempty"`
	File      string   `json:"file"`
	Line      int      `json:"line"`
	Col       int      `json:"col"`
	From      string   `json:"from"`
	To        string   `json:"to"`
	Platforms []string `json:"platforms,omitempty"` // working-set files only
	Test      bool     `json:"test,omitempty"`
}

// Reason is one reason the target is in the build.
type Reason struct {
	Kind  string `json:"kind"`
	Chain []Step `json:"chain"`
	// Selects is set on a requirement whose version is the one MVS
	// selects.
	Selects bool   `json:"selects,omitempty"`
	Note    string `json:"note,omitempty"`
}

// Answer is what Explain says about one target.
type Answer struct {
	Target   string   `json:"target"`
	Module   bool     `json:"module"`
	Selected string   `json:"selected,omitempty"` // a module's selected version
	Needed   bool     `json:"needed"`             // a package of the build imports it, or a tool directive names it
	Reasons  []Reason `json:"reasons"`
	// Rule is doctor's rule for a requirement that nothing needs.
	Rule string `json:"rule,omitempty"`
}

// Facts are what Explain reads: the working set, its index (imports in
// every configuration), the host build's dependency packages and each
// workspace module's module graph.
type Facts struct {
	WS     *load.WorkingSet
	X      *index.Index
	Deps   map[string]*load.DepPackage
	Graphs map[string][]modfix.Edge // by working-set module path
	// ModCache is GOMODCACHE: the go.mod files of graph modules are read
	// from its cache/download directory. "" skips pruned requirements.
	ModCache string

	mods map[module.Version]*modfile.File // cachedMod's answers
}

// InGraph reports whether module path is a node of a module graph, a
// working-set module, or named by a go.mod or an import.
func (f *Facts) InGraph(path string) bool {
	for _, edges := range f.Graphs {
		for _, e := range edges {
			if e.To.Path == path || e.From.Path == path {
				return true
			}
		}
	}
	for _, m := range f.WS.Modules {
		if m.Path == path {
			return true
		}
		for _, r := range m.File.Replace {
			if r.Old.Path == path {
				return true
			}
		}
	}
	for _, d := range f.Deps {
		if d.Module == path {
			return true
		}
	}
	return false
}

// Modules returns the module paths of the graphs, for suggestions.
func (f *Facts) Modules() []string {
	seen := map[string]bool{}
	for _, edges := range f.Graphs {
		for _, e := range edges {
			seen[e.To.Path] = true
		}
	}
	return slices.Sorted(func(yield func(string) bool) {
		for p := range seen {
			if !yield(p) {
				return
			}
		}
	})
}

// Explain answers for module path mod (isModule) or package path pkg.
// version, if not "", limits requirements to that version of the module.
func (f *Facts) Explain(target, version string, isModule bool) *Answer {
	a := &Answer{Target: target, Module: isModule, Reasons: []Reason{}}
	var isTarget func(pkg, mod string) bool
	if isModule {
		isTarget = func(_, mod string) bool { return mod == target }
	} else {
		isTarget = func(pkg, _ string) bool { return pkg == target }
	}
	a.Reasons = append(a.Reasons, f.imports(isTarget)...)
	if !isModule {
		if p := f.X.Package(target); p != nil {
			a.Reasons = append(a.Reasons, Reason{Kind: Workset, Chain: []Step{{File: p.Dir, From: p.Module, To: target}},
				Note: "a package of the working set: go build ./... builds it"})
		}
	}
	if isModule {
		a.Reasons = append(a.Reasons, f.tools(target)...)
	}
	for _, r := range a.Reasons {
		if r.Kind == Import || r.Kind == Tool {
			a.Needed = true
		}
	}
	if isModule {
		reqs, selected := f.requirements(target, version)
		a.Selected = selected
		a.Reasons = append(a.Reasons, reqs...)
		a.Reasons = append(a.Reasons, f.replaces(target)...)
		a.Reasons = append(a.Reasons, f.work(target)...)
		if !a.Needed && f.required(target) {
			a.Rule = "GR101"
		}
	}
	return a
}

// ModuleImports returns the import chains from working-set files to
// the packages of module mod (Import reasons).
func (f *Facts) ModuleImports(mod string) []Reason {
	return f.imports(func(_, m string) bool { return m == mod })
}

// Requirements returns the requirement chains of module mod in the
// module graphs (Require reasons, then Pruned ones), limited to version
// if it is not "", and mod's selected version. It needs only WS's
// go.mod files and Graphs: a baseline's graphs, read from git, will do.
func (f *Facts) Requirements(mod, version string) ([]Reason, string) {
	return f.requirements(mod, version)
}

// required reports whether a working-set go.mod requires mod.
func (f *Facts) required(mod string) bool {
	for _, m := range f.WS.Modules {
		for _, r := range m.File.Require {
			if r.Mod.Path == mod {
				return true
			}
		}
	}
	return false
}

// imports returns an import chain for each import by a working-set file
// that leads to a target package.
func (f *Facts) imports(isTarget func(pkg, mod string) bool) []Reason {
	// next[p] is p's import on a shortest path to a target; targets map
	// to "".
	next := map[string]string{}
	var queue []string
	importers := map[string][]string{}
	for _, p := range f.Deps {
		if isTarget(p.Path, p.Module) {
			next[p.Path] = ""
			queue = append(queue, p.Path)
		}
		for _, imp := range p.Imports {
			importers[imp] = append(importers[imp], p.Path)
		}
	}
	slices.Sort(queue)
	for len(queue) > 0 {
		q := queue[0]
		queue = queue[1:]
		ims := importers[q]
		slices.Sort(ims)
		for _, p := range ims {
			if _, ok := next[p]; !ok {
				next[p] = q
				queue = append(queue, p)
			}
		}
	}
	ws := map[string]bool{}
	for _, m := range f.WS.Modules {
		ws[m.Path] = true
	}
	var out []Reason
	seen := map[index.Pos]bool{}
	for _, p := range f.X.Packages {
		for i := range p.Refs {
			r := &p.Refs[i]
			if r.Kind != index.Import || seen[r.Pos] {
				continue
			}
			to := r.To.Pkg
			from := strings.TrimSuffix(r.From, "_test")
			if isTarget(from, p.Module) {
				continue // the target's own imports
			}
			wsTo := f.X.Package(to)
			target := isTarget(to, f.moduleOf(to, wsTo))
			if _, ok := next[to]; !ok && !target {
				continue
			}
			if wsTo != nil && !target {
				continue // a working-set package: its own imports are listed
			}
			seen[r.Pos] = true
			step := Step{File: r.Pos.File, Line: r.Pos.Line, Col: r.Pos.Col, From: r.From, To: to, Test: r.Test}
			if fl := f.X.File(r.Pos); fl != nil {
				step.Platforms = fl.Platforms
			}
			if len(f.WS.Modules) > 1 {
				step.Module = r.Pos.Module
			}
			chain := []Step{step}
			for cur := to; ; {
				n := next[cur]
				if n == "" {
					break
				}
				d := f.Deps[cur]
				file, line, col := d.ImportPos(n)
				chain = append(chain, Step{Module: d.ModVersion(), File: file, Line: line, Col: col, From: cur, To: n})
				cur = n
			}
			out = append(out, Reason{Kind: Import, Chain: chain})
		}
	}
	slices.SortFunc(out, func(x, y Reason) int {
		a, b := x.Chain[0], y.Chain[0]
		return cmp.Or(cmp.Compare(a.Module, b.Module), cmp.Compare(a.File, b.File), cmp.Compare(a.Line, b.Line), cmp.Compare(a.Col, b.Col))
	})
	return out
}

// moduleOf returns the module of an imported package: the working-set
// package's, the dependency's, or the longest module path of the graphs
// that prefixes it.
func (f *Facts) moduleOf(pkg string, wsPkg *index.Package) string {
	if wsPkg != nil {
		return wsPkg.Module
	}
	if d := f.Deps[pkg]; d != nil {
		return d.Module
	}
	best := ""
	for _, edges := range f.Graphs {
		for _, e := range edges {
			m := e.To.Path
			if (pkg == m || strings.HasPrefix(pkg, m+"/")) && len(m) > len(best) {
				best = m
			}
		}
	}
	return best
}

// tools returns the tool directives of packages of mod.
func (f *Facts) tools(mod string) []Reason {
	var out []Reason
	for _, m := range f.WS.Modules {
		for _, t := range m.File.Tool {
			if t.Path != mod && !strings.HasPrefix(t.Path, mod+"/") {
				continue
			}
			if f.moduleOf(t.Path, f.X.Package(t.Path)) != mod {
				continue
			}
			out = append(out, Reason{Kind: Tool, Chain: []Step{f.modStep(&m, t.Syntax, m.Path, t.Path)}})
		}
	}
	return out
}

// modStep is a step at a line of m's go.mod.
func (f *Facts) modStep(m *load.Module, line *modfile.Line, from, to string) Step {
	s := Step{File: "go.mod", From: from, To: to}
	if line != nil {
		s.Line, s.Col = line.Start.Line, line.Start.LineRune
	}
	if len(f.WS.Modules) > 1 {
		s.Module = m.Path
	}
	return s
}

// replaces returns the replace lines of go.mod and go.work files that
// replace mod or point at it.
func (f *Facts) replaces(mod string) []Reason {
	var out []Reason
	add := func(step Step, r *modfile.Replace) {
		if r.Old.Path != mod && r.New.Path != mod {
			return
		}
		step.To = r.Old.String() + " => " + r.New.String()
		note := "replaces it"
		if r.Old.Path != mod {
			note = "points at it"
		}
		out = append(out, Reason{Kind: Replace, Chain: []Step{step}, Note: note})
	}
	for i := range f.WS.Modules {
		m := &f.WS.Modules[i]
		for _, r := range m.File.Replace {
			add(f.modStep(m, r.Syntax, m.Path, ""), r)
		}
	}
	if wf := f.WS.WorkFile; wf != nil {
		for _, r := range wf.Replace {
			s := Step{File: "go.work", From: "go.work"}
			if r.Syntax != nil {
				s.Line, s.Col = r.Syntax.Start.Line, r.Syntax.Start.LineRune
			}
			add(s, r)
		}
	}
	return out
}

// work returns the go.work use line of mod if it is a workspace module.
func (f *Facts) work(mod string) []Reason {
	wf := f.WS.WorkFile
	if wf == nil {
		return nil
	}
	var out []Reason
	for _, m := range f.WS.Modules {
		if m.Path != mod {
			continue
		}
		for _, u := range wf.Use {
			dir := u.Path
			if !filepath.IsAbs(dir) {
				dir = filepath.Join(filepath.Dir(f.WS.Work), dir)
			}
			if filepath.Clean(dir) != m.Dir {
				continue
			}
			s := Step{File: "go.work", From: "go.work", To: mod}
			if u.Syntax != nil {
				s.Line, s.Col = u.Syntax.Start.Line, u.Syntax.Start.LineRune
			}
			out = append(out, Reason{Kind: Work, Chain: []Step{s}, Note: "use " + u.Path})
		}
	}
	return out
}

// requirements returns every requirement of mod in the module graphs,
// each with the chain from the main module to the requiring module, and
// the requirements that graph pruning ignores; and the selected version.
func (f *Facts) requirements(mod, version string) ([]Reason, string) {
	var out []Reason
	selected := ""
	for i := range f.WS.Modules {
		m := &f.WS.Modules[i]
		edges := f.Graphs[m.Path]
		parent := map[module.Version]modfix.Edge{}
		outgoing := map[module.Version]bool{}
		main := module.Version{Path: m.Path}
		seen := map[module.Version]bool{main: true}
		queue := []module.Version{main}
		byFrom := map[module.Version][]modfix.Edge{}
		for _, e := range edges {
			byFrom[e.From] = append(byFrom[e.From], e)
			outgoing[e.From] = true
		}
		for len(queue) > 0 {
			v := queue[0]
			queue = queue[1:]
			for _, e := range byFrom[v] {
				if !seen[e.To] {
					seen[e.To] = true
					parent[e.To] = e
					queue = append(queue, e.To)
				}
			}
		}
		sel := ""
		for v := range seen {
			if v.Path == mod && semver.Compare(v.Version, sel) > 0 {
				sel = v.Version
			}
		}
		if semver.Compare(sel, selected) > 0 {
			selected = sel
		}
		chainTo := func(v module.Version) []Step {
			var rev []Step
			for v != main {
				e, ok := parent[v]
				if !ok {
					break
				}
				rev = append(rev, f.reqStep(m, e.From, e.To))
				v = e.From
			}
			slices.Reverse(rev)
			return rev
		}
		for _, e := range edges {
			if e.To.Path != mod || !seen[e.From] || (version != "" && e.To.Version != version) {
				continue
			}
			chain := append(chainTo(e.From), f.reqStep(m, e.From, e.To))
			out = append(out, Reason{Kind: Require, Chain: chain, Selects: e.To.Version == sel})
		}
		// Modules whose go.mod the graph does not read: their
		// requirements are pruned.
		if f.ModCache == "" {
			continue
		}
		for v := range seen {
			if v == main || outgoing[v] || v.Version == "" {
				continue
			}
			mf := f.cachedMod(v)
			if mf == nil {
				continue
			}
			for _, r := range mf.Require {
				if r.Mod.Path != mod || (version != "" && r.Mod.Version != version) {
					continue
				}
				s := Step{Module: v.String(), File: "go.mod", From: v.String(), To: r.Mod.String()}
				if r.Syntax != nil {
					s.Line, s.Col = r.Syntax.Start.Line, r.Syntax.Start.LineRune
				}
				out = append(out, Reason{Kind: Pruned, Chain: append(chainTo(v), s),
					Note: "pruned: no package of the build comes from " + v.String() + ", so graph pruning never reads its go.mod"})
			}
		}
	}
	slices.SortStableFunc(out, func(x, y Reason) int {
		return cmp.Or(cmp.Compare(x.Kind, y.Kind), cmp.Compare(len(x.Chain), len(y.Chain)), compareSteps(x.Chain[len(x.Chain)-1], y.Chain[len(y.Chain)-1]))
	})
	return out, selected
}

func compareSteps(a, b Step) int {
	return cmp.Or(cmp.Compare(a.Module, b.Module), cmp.Compare(a.From, b.From), cmp.Compare(a.To, b.To))
}

// reqStep is the step "from requires to", at from's require line: in
// m's go.mod for the main module, in the module cache's copy of the
// dependency's go.mod otherwise.
func (f *Facts) reqStep(m *load.Module, from, to module.Version) Step {
	if from.Version == "" {
		for _, r := range m.File.Require {
			if r.Mod.Path == to.Path {
				s := f.modStep(m, r.Syntax, from.Path, to.String())
				return s
			}
		}
		s := f.modStep(m, nil, from.Path, to.String())
		return s
	}
	s := Step{Module: from.String(), File: "go.mod", From: from.String(), To: to.String()}
	if mf := f.cachedMod(from); mf != nil {
		for _, r := range mf.Require {
			if r.Mod.Path == to.Path && r.Syntax != nil {
				s.Line, s.Col = r.Syntax.Start.Line, r.Syntax.Start.LineRune
				break
			}
		}
	}
	return s
}

// cachedMod reads the go.mod of module version v from the module cache
// (never from the network), nil if it is not there.
func (f *Facts) cachedMod(v module.Version) *modfile.File {
	if f.ModCache == "" {
		return nil
	}
	if mf, ok := f.mods[v]; ok {
		return mf
	}
	mf := f.readMod(v)
	if f.mods == nil {
		f.mods = map[module.Version]*modfile.File{}
	}
	f.mods[v] = mf
	return mf
}

// readMod reads and parses the module cache's go.mod of v, nil if it is
// not there or does not parse.
func (f *Facts) readMod(v module.Version) *modfile.File {
	ep, err1 := module.EscapePath(v.Path)
	ev, err2 := module.EscapeVersion(v.Version)
	if err1 != nil || err2 != nil {
		return nil
	}
	name := filepath.Join(f.ModCache, "cache", "download", filepath.FromSlash(ep), "@v", ev+".mod")
	fi, err := os.Lstat(name)
	if err != nil || !fi.Mode().IsRegular() || fi.Size() > 16<<20 {
		return nil
	}
	data, err := os.ReadFile(name)
	if err != nil {
		return nil
	}
	mf, err := modfile.ParseLax(name, data, nil)
	if err != nil {
		return nil
	}
	return mf
}
