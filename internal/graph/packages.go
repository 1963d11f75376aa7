package graph

// This file builds the package import graph of the working set from the
// import graph of every configuration (package pkggraph): working-set
// packages one node each (or one per directory with Group), other
// modules' packages collapsed into one node per module, and the import
// cycles between what is drawn.

import (
	"path"
	"slices"
	"sort"
	"strings"

	"github.com/goremover/goremover/internal/index"
	"github.com/goremover/goremover/internal/pkggraph"
)

// PackageOptions say what the package graph holds.
type PackageOptions struct {
	// Root is the path of the module labels are relative to.
	Root string
	// Seeds are the working-set packages to start from; nil: all.
	Seeds []string
	// Depth is how many imports away from Seeds the graph goes; < 0
	// is no limit, 0 is the seeds alone.
	Depth int
	Deps  bool // draw other modules, one node per module
	Std   bool // draw standard-library packages
	// Group > 0 draws directories instead of packages: a working-set
	// package goes to the directory of the first Group elements of its
	// path below its module root.
	Group int
}

// Packages returns the import graph g as opts select it.
func Packages(g *pkggraph.Graph, opts PackageOptions) *Model {
	m := &Model{Kind: "packages", Root: opts.Root, Nodes: []*Node{}, Edges: []*Edge{}}

	// The packages within Depth imports of the seeds.
	dist := map[string]int{}
	var queue []string
	if opts.Seeds == nil {
		for _, n := range g.Nodes {
			if n.WS {
				opts.Seeds = append(opts.Seeds, n.Path)
			}
		}
	}
	for _, s := range opts.Seeds {
		if _, ok := dist[s]; !ok {
			dist[s] = 0
			queue = append(queue, s)
		}
	}
	for len(queue) > 0 {
		v := queue[0]
		queue = queue[1:]
		if opts.Depth >= 0 && dist[v] >= opts.Depth {
			continue
		}
		for _, e := range g.Out(v) {
			if _, ok := dist[e.To]; !ok {
				dist[e.To] = dist[v] + 1
				queue = append(queue, e.To)
			}
		}
	}

	// nodeOf maps a package to the node that draws it, "" for none.
	nodes := map[string]*Node{}
	nodeOf := func(pkg string) string {
		if _, ok := dist[pkg]; !ok {
			return ""
		}
		n := g.Node(pkg)
		if n == nil {
			return ""
		}
		var id string
		var node *Node
		switch {
		case n.WS:
			id = pkg
			dir := n.Dir
			if opts.Group > 0 {
				if parts := strings.Split(dir, "/"); dir != "" && len(parts) > opts.Group {
					dir = strings.Join(parts[:opts.Group], "/")
				}
				id = n.Module
				if dir != "" {
					id += "/" + dir
				}
			}
			if nodes[id] == nil {
				node = &Node{ID: id, Label: label(opts.Root, id), Kind: "ws", Module: n.Module, Group: parent(dir)}
			}
		case n.Std:
			if !opts.Std {
				return ""
			}
			id = pkg
			if nodes[id] == nil {
				node = &Node{ID: id, Label: pkg, Kind: "std", Group: parent(pkg)}
			}
		default:
			if !opts.Deps {
				return ""
			}
			id = n.Module
			if id == "" {
				id = pkg // a package of no required module
			}
			if nodes[id] == nil {
				node = &Node{ID: id, Label: id, Kind: "dep", Module: n.Module, Group: id}
			}
		}
		if node != nil {
			nodes[id] = node
			m.Nodes = append(m.Nodes, node)
		}
		return id
	}

	for _, n := range g.Nodes {
		if n.WS {
			nodeOf(n.Path) // a package that imports nothing is drawn too
		}
	}
	edges := map[[2]string]*Edge{}
	for _, e := range g.Edges {
		a, b := nodeOf(e.From), nodeOf(e.To)
		if a == "" || b == "" || a == b {
			continue
		}
		k := [2]string{a, b}
		me := edges[k]
		if me == nil {
			me = &Edge{From: a, To: b, Test: true}
			edges[k] = me
			m.Edges = append(m.Edges, me)
		}
		for _, s := range e.Sites {
			me.Sites = append(me.Sites, site(s))
			if !s.Test {
				me.Test = false
			}
		}
		me.Platforms = union(me.Platforms, e.Platforms())
	}
	for _, e := range m.Edges {
		e.Count = len(e.Sites)
		sortSites(e.Sites)
		nodes[e.To].Refs = append(nodes[e.To].Refs, e.Sites...)
	}
	for _, n := range m.Nodes {
		sortSites(n.Refs)
	}

	// Cycles between what is drawn: working-set nodes only, as no other
	// package imports the working set. Imports only tests make do not
	// count: a test's imports are not imported with its package, so two
	// of them never close a cycle, and the one kind that does (an
	// in-package test importing what imports its package) is an error
	// the go command reports when the working set is loaded.
	group := func(pkg string) string {
		if n := g.Node(pkg); n == nil || !n.WS {
			return ""
		}
		return nodeOf(pkg)
	}
	m.addCycles(g.Cycles(group, nil), group)
	m.sort()
	return m
}

// addCycles records the cycles, marks their nodes and the edges between
// members, and turns each loop into steps.
func (m *Model) addCycles(cycles []*pkggraph.Cycle, group func(string) string) {
	byID := map[string]*Node{}
	for _, n := range m.Nodes {
		byID[n.ID] = n
	}
	for _, c := range cycles {
		in := map[string]bool{}
		for _, id := range c.Groups {
			in[id] = true
			if n := byID[id]; n != nil {
				n.Cycle = true
			}
		}
		for _, e := range m.Edges {
			if in[e.From] && in[e.To] && !e.Test {
				e.Cycle = true
			}
		}
		m.Cycles = append(m.Cycles, c.Groups)
		l := &Loop{}
		for _, e := range c.LoopEdges {
			st := &Step{From: group(e.From), To: group(e.To), Importer: e.From, Imported: e.To}
			for _, s := range e.Sites {
				if !s.Test { // the cycle is made without tests
					st.Sites = append(st.Sites, site(s))
				}
			}
			l.Steps = append(l.Steps, st)
		}
		m.Loops = append(m.Loops, l)
	}
}

// site converts an import line.
func site(s pkggraph.Site) Site {
	out := Site{Module: s.Pos.Module, File: s.Pos.File, Line: s.Pos.Line, Col: s.Pos.Col, Kind: string(index.Import), Test: s.Test}
	if !slices.Equal(s.Platforms, []string{"all"}) {
		out.Platforms = s.Platforms
	}
	return out
}

// union merges two sets of configurations: ["all"] absorbs the rest.
func union(a, b []string) []string {
	if slices.Contains(a, "all") || slices.Contains(b, "all") {
		return []string{"all"}
	}
	out := append(slices.Clone(a), b...)
	slices.Sort(out)
	return slices.Compact(out)
}

// label is id relative to the root module's path where it is below it.
func label(root, id string) string {
	if root != "" && strings.HasPrefix(id, root+"/") {
		return id[len(root)+1:]
	}
	return id
}

// parent returns the directory of a slash-separated path, "" at the top.
func parent(p string) string {
	if d := path.Dir(p); d != "." && d != "/" {
		return d
	}
	return ""
}

func sortSites(s []Site) {
	sort.SliceStable(s, func(i, j int) bool {
		a, b := s[i], s[j]
		if a.Module != b.Module {
			return a.Module < b.Module
		}
		if a.File != b.File {
			return a.File < b.File
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Col < b.Col
	})
}

// sort orders nodes by ID and edges by From, then To.
func (m *Model) sort() {
	sort.Slice(m.Nodes, func(i, j int) bool { return m.Nodes[i].ID < m.Nodes[j].ID })
	sort.Slice(m.Edges, func(i, j int) bool {
		a, b := m.Edges[i], m.Edges[j]
		if a.From != b.From {
			return a.From < b.From
		}
		return a.To < b.To
	})
}
