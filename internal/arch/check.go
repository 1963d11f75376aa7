// Package arch checks architecture rules on the package import graph of
// every build configuration (package pkggraph): layers, forbidden
// imports, packages only some may import, internal/ directories across
// the modules of a workspace, cycles between groups of packages, fan-in
// and fan-out, and which packages may //go:embed from which directories.
// The rules come from the arch: section of .goremover.yaml (config.go);
// each violation is at the import line (or //go:embed line) that makes
// it, names its rule and the rule's position in the file, the
// configurations of the import, and for a transitive rule the chain.
package arch

import (
	"fmt"
	"path/filepath"
	"sort"
	"strings"

	"github.com/goremover/goremover/internal/index"
	"github.com/goremover/goremover/internal/load"
	"github.com/goremover/goremover/internal/pkggraph"
	"github.com/goremover/goremover/internal/report"
)

// Step is one import of a chain.
type Step struct {
	From      string    `json:"from"`
	To        string    `json:"to"`
	Pos       index.Pos `json:"pos"`
	Platforms []string  `json:"platforms"`
	Test      bool      `json:"test,omitempty"`
}

// Violation is one broken rule.
type Violation struct {
	Rule string // GR4xx
	// Kind is the configuration section: layers, forbidden, only,
	// internal, cycles, fan, embed.
	Kind    string
	Message string
	Pos     index.Pos // the import or //go:embed line
	Config  Pos       // the rule in the configuration file
	// From and To are the importing and imported packages (To is the
	// embedded directory for embed, empty for fan).
	From, To  string
	Platforms []string // the configurations of the line
	Test      bool     // only _test.go files make it
	Chain     []Step   // for transitive rules and cycles
	// Key identifies the violation in a baseline: it survives edits
	// that move the line.
	Key string
}

// checker holds one check's state.
type checker struct {
	cfg  *Config
	ws   *load.WorkingSet
	x    *index.Index
	g    *pkggraph.Graph
	root string // the configuration's directory
	pkgs map[string]Pkg
	out  []*Violation
}

// Check evaluates the configuration's rules on the graph g of the
// working set ws, whose index is x; root is the directory of the
// configuration file, which relative patterns start from.
func Check(cfg *Config, ws *load.WorkingSet, x *index.Index, g *pkggraph.Graph, root string) []*Violation {
	c := &checker{cfg: cfg, ws: ws, x: x, g: g, root: root, pkgs: map[string]Pkg{}}
	modDir := map[string]string{}
	for _, m := range ws.Modules {
		modDir[m.Path] = m.Dir
	}
	for _, n := range g.Nodes {
		k := Pkg{Path: n.Path, Module: n.Module, Std: n.Std}
		if n.WS {
			k.Rel = relDir(root, filepath.Join(modDir[n.Module], filepath.FromSlash(n.Dir)))
		}
		c.pkgs[n.Path] = k
	}
	c.layers()
	c.forbidden()
	c.only()
	c.internal()
	c.cycles()
	c.fan()
	c.embed()
	sort.SliceStable(c.out, func(i, j int) bool {
		a, b := c.out[i], c.out[j]
		if a.Pos != b.Pos {
			return a.Pos.Less(b.Pos)
		}
		if a.Rule != b.Rule {
			return a.Rule < b.Rule
		}
		return a.Key < b.Key
	})
	return c.out
}

// relDir returns dir as "./rel" relative to root, "." for root itself,
// or "" if it is outside.
func relDir(root, dir string) string {
	rel, err := filepath.Rel(root, dir)
	if err != nil || rel == ".." || strings.HasPrefix(rel, "../") {
		return ""
	}
	if rel == "." {
		return "."
	}
	return "./" + filepath.ToSlash(rel)
}

// sites returns the import lines of an edge that count: all of them, or
// those outside _test.go files when tests do not count.
func sites(e *pkggraph.Edge, tests bool) []pkggraph.Site {
	var out []pkggraph.Site
	for _, s := range e.Sites {
		if tests || !s.Test {
			out = append(out, s)
		}
	}
	return out
}

// counts reports whether an edge is an import between two different
// packages that counts.
func (c *checker) counts(e *pkggraph.Edge) bool {
	return e.From != e.To && len(sites(e, c.cfg.Tests)) > 0
}

// step describes an edge by its first counting line.
func (c *checker) step(e *pkggraph.Edge) Step {
	ss := sites(e, c.cfg.Tests)
	if len(ss) == 0 {
		ss = e.Sites
	}
	first := ss[0]
	for _, s := range ss {
		if !s.XTest {
			first = s
			break
		}
	}
	st := Step{From: e.From, To: e.To, Pos: first.Pos, Test: true}
	set := map[string]bool{}
	for _, s := range ss {
		st.Test = st.Test && s.Test
		for _, p := range s.Platforms {
			set[p] = true
		}
	}
	if set["all"] {
		st.Platforms = []string{"all"}
	} else {
		for p := range set {
			st.Platforms = append(st.Platforms, p)
		}
		sort.Strings(st.Platforms)
	}
	return st
}

// add records a violation at the first step of chain (one step: a
// direct import).
func (c *checker) add(rule, kind string, at Pos, chain []*pkggraph.Edge, key, msg string) {
	v := &Violation{Rule: rule, Kind: kind, Config: at, Key: key}
	for _, e := range chain {
		v.Chain = append(v.Chain, c.step(e))
	}
	first := v.Chain[0]
	v.Pos, v.Platforms, v.Test = first.Pos, first.Platforms, first.Test
	v.From, v.To = chain[0].From, chain[len(chain)-1].To
	if len(chain) == 1 {
		v.Chain = nil
	}
	v.Message = msg
	c.out = append(c.out, v)
}

// inWS reports whether a package is of the working set.
func (c *checker) inWS(path string) bool { return c.pkgs[path].Rel != "" }

// show returns a package as it reads in a message: ./dir for the
// working set's, the import path otherwise.
func (c *checker) show(path string) string {
	if r := c.pkgs[path].Rel; r != "" {
		return r
	}
	return path
}

// keep is the edge filter of chains: imports that count.
func (c *checker) keep(e *pkggraph.Edge) bool { return c.counts(e) }

// reach returns the packages reachable from pkg through packages
// through allows to pass (pkg itself always). Only packages of the
// working set have imports in the graph.
func (c *checker) reach(pkg string, through func(string) bool) []string {
	seen := map[string]bool{pkg: true}
	queue := []string{pkg}
	var out []string
	for len(queue) > 0 {
		v := queue[0]
		queue = queue[1:]
		for _, e := range c.g.Out(v) {
			if !c.counts(e) || seen[e.To] {
				continue
			}
			seen[e.To] = true
			out = append(out, e.To)
			if through(e.To) {
				queue = append(queue, e.To)
			}
		}
	}
	sort.Strings(out)
	return out
}

// layers: (1) a package of layer i imports one of layer j < i; (2) the
// same through packages of no layer.
func (c *checker) layers() {
	if len(c.cfg.Layers) == 0 {
		return
	}
	layer := map[string]int{}
	for _, n := range c.g.Nodes {
		if !n.WS {
			continue
		}
		for i, l := range c.cfg.Layers {
			if matchAny(l.Packages, c.pkgs[n.Path]) {
				layer[n.Path] = i
				break
			}
		}
	}
	unlayered := func(p string) bool { _, ok := layer[p]; return !ok }
	for _, n := range c.g.Nodes {
		la, ok := layer[n.Path]
		if !ok {
			continue
		}
		for _, to := range c.reach(n.Path, unlayered) {
			lb, ok := layer[to]
			if !ok || lb >= la {
				continue
			}
			chain := c.g.Chain(n.Path, to, func(e *pkggraph.Edge) bool {
				return c.counts(e) && (e.From == n.Path || unlayered(e.From))
			})
			if chain == nil {
				continue
			}
			how := "imports"
			if len(chain) > 1 {
				how = "reaches"
			}
			c.add(ruleLayer.ID, "layers", c.cfg.Layers[la].Pos, chain, n.Path+"->"+to,
				fmt.Sprintf("%s (layer %d, at %s) %s %s (layer %d, at %s, above it)", c.show(n.Path), la+1, c.cfg.Layers[la].Pos, how, c.show(to), lb+1, c.cfg.Layers[lb].Pos))
		}
	}
}

func (c *checker) forbidden() {
	for _, r := range c.cfg.Forbidden {
		exempt := func(p string) bool { return matchAny(r.Except, c.pkgs[p]) }
		for _, n := range c.g.Nodes {
			k := c.pkgs[n.Path]
			if !n.WS || !matchAny(r.From, k) || exempt(n.Path) {
				continue
			}
			var targets []string
			if r.Transitive {
				targets = c.reach(n.Path, func(string) bool { return true })
			} else {
				for _, e := range c.g.Out(n.Path) {
					if c.counts(e) {
						targets = append(targets, e.To)
					}
				}
			}
			for _, to := range targets {
				if !matchAny(r.To, c.pkgs[to]) || exempt(to) {
					continue
				}
				chain := c.g.Chain(n.Path, to, c.keep)
				if chain == nil {
					continue
				}
				how := "imports"
				if len(chain) > 1 {
					how = "reaches"
				}
				c.add(ruleForbidden.ID, "forbidden", r.Pos, chain, n.Path+"->"+to,
					fmt.Sprintf("%s %s %s: forbidden by the rule at %s", c.show(n.Path), how, c.show(to), r.Pos))
			}
		}
	}
}

func (c *checker) only() {
	if len(c.cfg.Only) == 0 {
		return
	}
	for _, e := range c.g.Edges {
		if !c.counts(e) || !c.inWS(e.From) {
			continue
		}
		to, from := c.pkgs[e.To], c.pkgs[e.From]
		var first *Only
		allowed := false
		for _, r := range c.cfg.Only {
			if !matchAny(r.Imports, to) {
				continue
			}
			if first == nil {
				first = r
			}
			if matchAny(r.From, from) {
				allowed = true
				break
			}
		}
		if first == nil || allowed || matchAny(first.Imports, from) {
			continue // a package of the restricted set may import its own
		}
		c.add(ruleOnly.ID, "only", first.Pos, []*pkggraph.Edge{e}, e.From+"->"+e.To,
			fmt.Sprintf("%s imports %s, which only %s may import: only rule at %s", c.show(e.From), c.show(e.To), patternList(first.From), first.Pos))
	}
}

func patternList(ps []Pattern) string {
	var s []string
	for _, p := range ps {
		s = append(s, p.Text)
	}
	return strings.Join(s, ", ")
}

// internalParent returns the path an internal package's importers must
// be under, as the go command finds it: before the last "internal"
// element.
func internalParent(path string) (string, bool) {
	switch {
	case strings.HasSuffix(path, "/internal"):
		return strings.TrimSuffix(path, "/internal"), true
	case strings.Contains(path, "/internal/"):
		return path[:strings.LastIndex(path, "/internal/")], true
	case path == "internal" || strings.HasPrefix(path, "internal/"):
		return "", true
	}
	return "", false
}

func (c *checker) internal() {
	if c.cfg.Internal == nil {
		return
	}
	for _, e := range c.g.Edges {
		if !c.counts(e) || !c.inWS(e.From) || !c.inWS(e.To) {
			continue
		}
		parent, ok := internalParent(e.To)
		if !ok {
			continue
		}
		from, to := c.pkgs[e.From], c.pkgs[e.To]
		var why string
		switch {
		case parent != "" && e.From != parent && !strings.HasPrefix(e.From, parent+"/"):
			why = fmt.Sprintf("outside %s, the tree its internal directory belongs to", parent)
		case from.Module != to.Module:
			why = fmt.Sprintf("from module %s, not %s (the go command allows it in the workspace only because the import path starts with %s)", from.Module, to.Module, parent)
		default:
			continue
		}
		c.add(ruleInternal.ID, "internal", c.cfg.Internal.Pos, []*pkggraph.Edge{e}, e.From+"->"+e.To,
			fmt.Sprintf("%s imports internal package %s %s: internal rule at %s", c.show(e.From), e.To, why, c.cfg.Internal.Pos))
	}
}

func (c *checker) cycles() {
	for _, r := range c.cfg.Cycles {
		group := func(p string) string {
			k := c.pkgs[p]
			if k.Rel == "" {
				return ""
			}
			if r.Dirs > 0 {
				// The first r.Dirs elements under the module root.
				n := c.g.Node(p)
				elems := strings.Split(n.Dir, "/")
				if n.Dir == "" || n.Dir == "." {
					elems = nil
				}
				if len(elems) > r.Dirs {
					elems = elems[:r.Dirs]
				}
				return strings.TrimSuffix(n.Module+"/"+strings.Join(elems, "/"), "/")
			}
			for _, g := range r.Groups {
				if matchAny(g.Packages, k) {
					return g.Name
				}
			}
			return ""
		}
		// Test-only imports never close a cycle: see pkggraph.NotTest.
		keep := func(e *pkggraph.Edge) bool { return c.counts(e) && pkggraph.NotTest(e) }
		for _, cy := range c.g.Cycles(group, keep) {
			names := cy.Loop
			if r.Dirs > 0 {
				names = nil
				for _, l := range cy.Loop {
					names = append(names, c.showGroup(l))
				}
			}
			loop := strings.Join(append(append([]string{}, names...), names[0]), " -> ")
			c.add(ruleCycle.ID, "cycles", r.Pos, cy.LoopEdges, "cycle:"+strings.Join(cy.Groups, ","),
				fmt.Sprintf("import cycle between groups %s: cycles rule at %s", loop, r.Pos))
		}
	}
}

// showGroup shows a directory group (module path and directory) as a
// directory relative to the root.
func (c *checker) showGroup(g string) string {
	for _, m := range c.ws.Modules {
		if g == m.Path || strings.HasPrefix(g, m.Path+"/") {
			d := filepath.Join(m.Dir, filepath.FromSlash(strings.TrimPrefix(strings.TrimPrefix(g, m.Path), "/")))
			if r := relDir(c.root, d); r != "" {
				return r
			}
		}
	}
	return g
}

func (c *checker) fan() {
	for _, r := range c.cfg.Fan {
		counts := func(e *pkggraph.Edge) bool {
			return e.From != e.To && c.inWS(e.From) && c.inWS(e.To) && len(sites(e, r.Tests)) > 0
		}
		for _, n := range c.g.Nodes {
			if !n.WS || !matchAny(r.Packages, c.pkgs[n.Path]) {
				continue
			}
			if r.MaxOut >= 0 {
				var out []*pkggraph.Edge
				for _, e := range c.g.Out(n.Path) {
					if counts(e) {
						out = append(out, e)
					}
				}
				if len(out) > r.MaxOut {
					sort.Slice(out, func(i, j int) bool { return out[i].First().Pos.Less(out[j].First().Pos) })
					v := &Violation{Rule: ruleFanOut.ID, Kind: "fan", Config: r.Pos, From: n.Path, Key: "out:" + n.Path}
					st := c.fanStep(out[0], r.Tests)
					v.Pos, v.Platforms, v.Test = st.Pos, st.Platforms, st.Test
					v.Message = fmt.Sprintf("%s imports %s of the working set, more than max_out %d: fan rule at %s", c.show(n.Path), report.Plural(len(out), "package"), r.MaxOut, r.Pos)
					c.out = append(c.out, v)
				}
			}
			if r.MaxIn >= 0 {
				var in []string
				for _, e := range c.g.In(n.Path) {
					if counts(e) {
						in = append(in, e.From)
					}
				}
				if len(in) > r.MaxIn {
					v := &Violation{Rule: ruleFanIn.ID, Kind: "fan", Config: r.Pos, To: n.Path, Key: "in:" + n.Path, Platforms: []string{"all"}}
					v.Pos = c.firstFile(n.Path)
					v.Message = fmt.Sprintf("%s is imported by %s of the working set, more than max_in %d: fan rule at %s", c.show(n.Path), report.Plural(len(in), "package"), r.MaxIn, r.Pos)
					c.out = append(c.out, v)
				}
			}
		}
	}
}

// fanStep is step with the fan rule's own test setting.
func (c *checker) fanStep(e *pkggraph.Edge, tests bool) Step {
	saved := c.cfg.Tests
	c.cfg.Tests = tests
	defer func() { c.cfg.Tests = saved }()
	return c.step(e)
}

// firstFile returns line 1 of a package's first file that is not a
// test, or of its first file.
func (c *checker) firstFile(pkg string) index.Pos {
	p := c.x.Package(pkg)
	if p == nil || len(p.Files) == 0 {
		return index.Pos{}
	}
	f := p.Files[0]
	for _, g := range p.Files {
		if !g.Test {
			f = g
			break
		}
	}
	pos := f.Pos
	pos.Line, pos.Col = 1, 1
	return pos
}

// Unmatched returns the patterns that say which packages of the working
// set a rule applies to (layers, from, except, only's from, groups, fan
// and embed packages) and match none of them: a typo there makes a rule
// say nothing. Patterns of what may not be imported (to, imports) may
// rightly match nothing yet, and are not returned; embed dirs neither.
func Unmatched(cfg *Config, ws *load.WorkingSet, g *pkggraph.Graph, root string) []Pattern {
	modDir := map[string]string{}
	for _, m := range ws.Modules {
		modDir[m.Path] = m.Dir
	}
	var pkgs []Pkg
	for _, n := range g.Nodes {
		if n.WS {
			pkgs = append(pkgs, Pkg{Path: n.Path, Module: n.Module, Rel: relDir(root, filepath.Join(modDir[n.Module], filepath.FromSlash(n.Dir)))})
		}
	}
	var subjects []Pattern
	for _, l := range cfg.Layers {
		subjects = append(subjects, l.Packages...)
	}
	for _, r := range cfg.Forbidden {
		subjects = append(append(subjects, r.From...), r.Except...)
	}
	for _, r := range cfg.Only {
		subjects = append(subjects, r.From...)
	}
	for _, r := range cfg.Cycles {
		for _, gr := range r.Groups {
			subjects = append(subjects, gr.Packages...)
		}
	}
	for _, r := range cfg.Fan {
		subjects = append(subjects, r.Packages...)
	}
	for _, r := range cfg.Embed {
		subjects = append(subjects, r.Packages...)
	}
	var out []Pattern
	for _, p := range subjects {
		found := false
		for _, k := range pkgs {
			if p.Match(k) {
				found = true
				break
			}
		}
		if !found {
			out = append(out, p)
		}
	}
	return out
}
