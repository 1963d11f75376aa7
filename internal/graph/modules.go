package graph

// This file builds the module graph (go mod graph's, of every module of
// the working set), annotated with what go mod graph leaves implicit:
// which version minimal version selection picks, pseudo-versions,
// +incompatible versions, replacements, and module paths that are
// several majors of one module.

import (
	"fmt"
	"slices"
	"strings"

	"github.com/goremover/goremover/internal/load"
	"github.com/goremover/goremover/internal/modfix"
	"golang.org/x/mod/modfile"
	"golang.org/x/mod/module"
	"golang.org/x/mod/semver"
)

// ModuleOptions say what the module graph holds.
type ModuleOptions struct {
	Root string // the root module's path
	// Depth is how many requirements away from the working-set modules
	// the graph goes; < 0 is no limit.
	Depth int
}

// Modules returns the module graph of the working set: graphs has the
// edges of each working-set module's graph (modfix.Graph), by path.
func Modules(ws *load.WorkingSet, graphs map[string][]modfix.Edge, opts ModuleOptions) *Model {
	m := &Model{Kind: "modules", Root: opts.Root, Nodes: []*Node{}, Edges: []*Edge{}}
	main := map[string]*load.Module{}
	for i := range ws.Modules {
		main[ws.Modules[i].Path] = &ws.Modules[i]
	}
	id := func(v module.Version) string {
		if main[v.Path] != nil {
			return v.Path
		}
		return v.Path + "@" + v.Version
	}

	// The selected version of each module: the highest any working-set
	// module's build list holds, as the workspace's selection picks.
	selected := map[string]string{}
	next := map[string][]module.Version{}
	var all []modfix.Edge
	for _, mod := range ws.Modules {
		for p, v := range modfix.BuildList(graphs[mod.Path], mod.Path) {
			if semver.Compare(v, selected[p]) > 0 {
				selected[p] = v
			}
		}
		for _, e := range graphs[mod.Path] {
			all = append(all, e)
			next[id(e.From)] = append(next[id(e.From)], e.To)
		}
	}

	// Breadth first from the working-set modules, to Depth.
	dist := map[string]int{}
	var queue []module.Version
	for _, mod := range ws.Modules {
		dist[mod.Path] = 0
		queue = append(queue, module.Version{Path: mod.Path})
	}
	for len(queue) > 0 {
		v := queue[0]
		queue = queue[1:]
		if opts.Depth >= 0 && dist[id(v)] >= opts.Depth {
			continue
		}
		for _, w := range next[id(v)] {
			if _, ok := dist[id(w)]; !ok {
				dist[id(w)] = dist[id(v)] + 1
				queue = append(queue, w)
			}
		}
	}

	// Module paths by the path without its major version suffix.
	majors := map[string][]string{}
	addMajor := func(p string) {
		prefix, _, _ := module.SplitPathVersion(p)
		if !slices.Contains(majors[prefix], p) {
			majors[prefix] = append(majors[prefix], p)
		}
	}
	for p := range selected {
		addMajor(p)
	}
	for p := range main {
		addMajor(p)
	}

	replaces := replacements(ws)
	nodes := map[string]*Node{}
	node := func(v module.Version) *Node {
		k := id(v)
		if n := nodes[k]; n != nil {
			return n
		}
		prefix, _, _ := module.SplitPathVersion(v.Path)
		n := &Node{ID: k, Label: k, Module: v.Path, Group: prefix, Kind: "dep"}
		if main[v.Path] != nil {
			n.Kind = "ws"
		} else {
			switch sel := selected[v.Path]; {
			case sel == v.Version:
				n.Notes = append(n.Notes, "selected")
			case sel != "":
				n.Unselected = true
				n.Notes = append(n.Notes, "not selected: "+sel+" is")
			}
			if module.IsPseudoVersion(v.Version) {
				n.Notes = append(n.Notes, "pseudo-version")
			}
			if strings.HasSuffix(v.Version, "+incompatible") {
				n.Notes = append(n.Notes, "+incompatible")
			}
		}
		if r, ok := replaced(replaces, v); ok {
			n.Notes = append(n.Notes, "replaced by "+r)
		}
		var others []string
		for _, p := range majors[prefix] {
			if p != v.Path {
				others = append(others, p)
			}
		}
		if len(others) > 0 {
			slices.Sort(others)
			n.Notes = append(n.Notes, "other majors: "+strings.Join(others, ", "))
		}
		nodes[k] = n
		m.Nodes = append(m.Nodes, n)
		return n
	}
	for _, mod := range ws.Modules {
		node(module.Version{Path: mod.Path})
	}

	seen := map[[2]string]bool{}
	for _, e := range all {
		a, b := id(e.From), id(e.To)
		_, okA := dist[a]
		_, okB := dist[b]
		if !okA || !okB || a == b || seen[[2]string{a, b}] {
			continue
		}
		seen[[2]string{a, b}] = true
		node(e.From)
		node(e.To)
		me := &Edge{From: a, To: b, Count: 1}
		if mod := main[e.From.Path]; mod != nil && mod.File != nil {
			for _, r := range mod.File.Require {
				if r.Mod == e.To && r.Syntax != nil {
					me.Sites = append(me.Sites, Site{Module: mod.Path, File: "go.mod", Line: r.Syntax.Start.Line, Col: r.Syntax.Start.LineRune, Kind: "require"})
				}
			}
		}
		m.Edges = append(m.Edges, me)
		nodes[b].Refs = append(nodes[b].Refs, me.Sites...)
	}
	m.sort()
	return m
}

// replacement is a replace directive: of every version of Old.Path when
// Old.Version is "".
type replacement struct {
	Old, New module.Version
}

// replacements returns the replace directives in force: go.work's,
// then each module's (go.work's win, as the go command has them).
func replacements(ws *load.WorkingSet) []replacement {
	var out []replacement
	add := func(rs []*modfile.Replace) {
		for _, r := range rs {
			out = append(out, replacement{r.Old, r.New})
		}
	}
	if ws.WorkFile != nil {
		add(ws.WorkFile.Replace)
	}
	for _, m := range ws.Modules {
		if m.File != nil {
			add(m.File.Replace)
		}
	}
	return out
}

// replaced returns what replaces v, if anything does.
func replaced(rs []replacement, v module.Version) (string, bool) {
	for _, r := range rs {
		if r.Old.Path == v.Path && (r.Old.Version == "" || r.Old.Version == v.Version) {
			if r.New.Version == "" {
				return r.New.Path, true
			}
			return fmt.Sprintf("%s@%s", r.New.Path, r.New.Version), true
		}
	}
	return "", false
}
