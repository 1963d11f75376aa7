// Package pkggraph is the package import graph of a working set in every
// build configuration, tests included, read from the reference index: one
// edge per importing and imported package, with each import line, the
// configurations that compile it, and whether only tests import. arch
// checks rules on it and graph draws it.
package pkggraph

import (
	"sort"
	"strings"

	"github.com/goremover/goremover/internal/index"
	"github.com/goremover/goremover/internal/load"
)

// Node is a package of the graph.
type Node struct {
	Path string `json:"path"`
	// Module is the path of the package's module: a working-set module,
	// a required module (the longest module path of the working set's
	// requirements that prefixes the import path), or "" for the
	// standard library and packages of no known module.
	Module string `json:"module,omitempty"`
	// Dir is the package's directory, slash-separated and relative to
	// its module root, for working-set packages only.
	Dir string `json:"dir,omitempty"`
	WS  bool   `json:"ws,omitempty"`  // a package of the working set
	Std bool   `json:"std,omitempty"` // a standard-library package
}

// Site is one import line.
type Site struct {
	Pos index.Pos `json:"pos"`
	// Platforms are the configurations that compile the file, as in
	// index.File: ["all"], "windows/*", "tag:integration", "ignore".
	Platforms []string `json:"platforms"`
	Test      bool     `json:"test,omitempty"`  // in a _test.go file
	XTest     bool     `json:"xtest,omitempty"` // in an external test package (pkg_test)
}

// Edge is an import of package To by package From (an external test
// package counts as its directory's package: see Site.XTest).
type Edge struct {
	From  string `json:"from"`
	To    string `json:"to"`
	Sites []Site `json:"sites"` // sorted by position
}

// TestOnly reports whether only _test.go files make the import.
func (e *Edge) TestOnly() bool {
	for _, s := range e.Sites {
		if !s.Test {
			return false
		}
	}
	return true
}

// Platforms returns the union of the sites' configurations, ["all"] if
// any site is compiled in every configuration.
func (e *Edge) Platforms() []string {
	set := map[string]bool{}
	for _, s := range e.Sites {
		for _, p := range s.Platforms {
			if p == "all" {
				return []string{"all"}
			}
			set[p] = true
		}
	}
	out := make([]string, 0, len(set))
	for p := range set {
		out = append(out, p)
	}
	sort.Strings(out)
	return out
}

// First returns the edge's first import line that is not in an external
// test, or the first one: the line to report for the edge.
func (e *Edge) First() Site {
	for _, s := range e.Sites {
		if !s.XTest {
			return s
		}
	}
	return e.Sites[0]
}

// Graph is the import graph. Nodes and edges are sorted by path.
type Graph struct {
	Nodes []*Node
	Edges []*Edge

	node map[string]*Node
	out  map[string][]*Edge
	in   map[string][]*Edge
}

// New builds the graph of the index's packages and what they import.
func New(ws *load.WorkingSet, x *index.Index) *Graph {
	var modules []string // required module paths, longest first
	seen := map[string]bool{}
	for _, m := range ws.Modules {
		if m.File == nil {
			continue
		}
		for _, r := range m.File.Require {
			if !seen[r.Mod.Path] {
				seen[r.Mod.Path] = true
				modules = append(modules, r.Mod.Path)
			}
		}
	}
	sort.Slice(modules, func(i, j int) bool { return len(modules[i]) > len(modules[j]) })

	g := &Graph{node: map[string]*Node{}, out: map[string][]*Edge{}, in: map[string][]*Edge{}}
	for _, p := range x.Packages {
		g.add(&Node{Path: p.Path, Module: p.Module, Dir: p.Dir, WS: true})
	}
	edges := map[[2]string]*Edge{}
	for _, p := range x.Packages {
		for i := range p.Refs {
			r := &p.Refs[i]
			if r.Kind != index.Import {
				continue
			}
			from, xtest := strings.CutSuffix(r.From, "_test")
			if !xtest || g.node[r.From] != nil {
				from = r.From
			}
			to := r.To.Pkg
			if g.node[to] == nil {
				n := &Node{Path: to, Std: load.IsStd(to)}
				if !n.Std {
					for _, m := range modules {
						if to == m || strings.HasPrefix(to, m+"/") {
							n.Module = m
							break
						}
					}
				}
				g.add(n)
			}
			site := Site{Pos: r.Pos, Test: r.Test, XTest: xtest && from != r.From, Platforms: []string{"all"}}
			if f := x.File(r.Pos); f != nil && len(f.Platforms) > 0 {
				site.Platforms = f.Platforms
			}
			k := [2]string{from, to}
			e := edges[k]
			if e == nil {
				e = &Edge{From: from, To: to}
				edges[k] = e
				g.Edges = append(g.Edges, e)
			}
			e.Sites = append(e.Sites, site)
		}
	}
	sort.Slice(g.Nodes, func(i, j int) bool { return g.Nodes[i].Path < g.Nodes[j].Path })
	sort.Slice(g.Edges, func(i, j int) bool {
		a, b := g.Edges[i], g.Edges[j]
		if a.From != b.From {
			return a.From < b.From
		}
		return a.To < b.To
	})
	for _, e := range g.Edges {
		sort.Slice(e.Sites, func(i, j int) bool { return e.Sites[i].Pos.Less(e.Sites[j].Pos) })
		g.out[e.From] = append(g.out[e.From], e)
		g.in[e.To] = append(g.in[e.To], e)
	}
	return g
}

func (g *Graph) add(n *Node) {
	g.node[n.Path] = n
	g.Nodes = append(g.Nodes, n)
}

// Node returns the node of a package path, or nil.
func (g *Graph) Node(path string) *Node { return g.node[path] }

// Out returns the imports of a package, sorted by imported path.
func (g *Graph) Out(path string) []*Edge { return g.out[path] }

// In returns the imports of a package by others, sorted by importer.
func (g *Graph) In(path string) []*Edge { return g.in[path] }
