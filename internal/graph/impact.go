package graph

// This file builds the impact graph of a target: the target, what
// references it (declarations for a symbol, packages for a package or a
// module), how many times, and, to Depth levels, what references those
// in turn: what breaks if the target goes.

import (
	"fmt"
	"strings"

	"github.com/goremover/goremover/internal/impact"
	"github.com/goremover/goremover/internal/index"
)

// ImpactOptions say what the impact graph holds.
type ImpactOptions struct {
	Root string // the root module's path
	// Depth is how many levels of referrers the graph goes; 1 is the
	// target's own referrers.
	Depth int
}

// Impact returns the impact graph of the analysed target res.
func Impact(x *index.Index, res *impact.Result, opts ImpactOptions) *Model {
	t := res.Target
	tid := t.Key.Pkg
	switch {
	case t.Module != "":
		tid = t.Module
	case t.Key.Path != "":
		tid = keyID(t.Key)
	}
	m := &Model{Kind: "impact", Root: tid, Nodes: []*Node{}, Edges: []*Edge{}}
	nodes := map[string]*Node{}
	keys := map[string]index.Key{} // a node's key, to find what references it
	add := func(n *Node) *Node {
		if old := nodes[n.ID]; old != nil {
			return old
		}
		nodes[n.ID] = n
		m.Nodes = append(m.Nodes, n)
		return n
	}
	target := add(&Node{ID: tid, Label: label(opts.Root, tid), Kind: "target", Module: t.Module})
	if t.Pkg != nil {
		target.Module, target.Group = t.Pkg.Module, t.Pkg.Dir
	}
	symbol := t.Key.Path != "" && t.Module == ""

	// referrer returns the node that makes reference r: its enclosing
	// declaration when the graph is about declarations, else its package.
	referrer := func(r *index.Ref, decls bool) *Node {
		if decls && r.Encl != (index.Key{}) {
			id := keyID(r.Encl)
			n := add(&Node{ID: id, Label: label(opts.Root, id), Kind: "decl", Module: r.Pos.Module})
			if p := x.Package(strings.TrimSuffix(r.Encl.Pkg, "_test")); p != nil {
				n.Group = p.Dir
			}
			keys[id] = r.Encl
			return n
		}
		kind := "ws"
		if x.Package(strings.TrimSuffix(r.From, "_test")) == nil {
			kind = "dep" // an import by a dependency, for a module target
		}
		n := add(&Node{ID: r.From, Label: label(opts.Root, r.From), Kind: kind, Module: r.Pos.Module})
		if p := x.Package(strings.TrimSuffix(r.From, "_test")); p != nil {
			n.Group = p.Dir
		}
		if _, ok := keys[r.From]; !ok && !decls {
			keys[r.From] = index.PkgKey(r.From)
		}
		return n
	}
	edges := map[[2]string]*Edge{}
	link := func(from *Node, to string, r *index.Ref) {
		k := [2]string{from.ID, to}
		e := edges[k]
		if e == nil {
			e = &Edge{From: from.ID, To: to, Test: true}
			edges[k] = e
			m.Edges = append(m.Edges, e)
		}
		s := Site{Module: r.Pos.Module, File: r.Pos.File, Line: r.Pos.Line, Col: r.Pos.Col, Kind: string(r.Kind), Test: r.Test}
		plat := []string{"all"}
		if f := x.File(r.Pos); f != nil && len(f.Platforms) > 0 {
			plat = f.Platforms
		}
		if len(plat) != 1 || plat[0] != "all" {
			s.Platforms = plat
		}
		e.Platforms = union(e.Platforms, plat)
		if !r.Test {
			e.Test = false
		}
		e.Sites = append(e.Sites, s)
		nodes[to].Refs = append(nodes[to].Refs, s)
	}

	level := map[string]int{tid: 0}
	var frontier []string
	for _, r := range res.Refs {
		n := referrer(r, symbol)
		link(n, tid, r)
		if _, ok := level[n.ID]; !ok {
			level[n.ID] = 1
			frontier = append(frontier, n.ID)
		}
	}
	for d := 2; d <= opts.Depth && len(frontier) > 0; d++ {
		var next []string
		for _, id := range frontier {
			k, ok := keys[id]
			if !ok {
				continue
			}
			for _, r := range x.RefsTo(k) {
				if r.Encl == k || strings.TrimSuffix(r.From, "_test") == k.Pkg && k.Path == "" {
					continue // a declaration's own body, a package's own files
				}
				n := referrer(r, k.Path != "")
				link(n, id, r)
				if _, ok := level[n.ID]; !ok {
					level[n.ID] = d
					next = append(next, n.ID)
				}
			}
		}
		frontier = next
	}

	pkgs := map[string]bool{}
	for _, r := range res.Refs {
		pkgs[r.From] = true
	}
	target.Notes = append(target.Notes, fmt.Sprintf("%s from %s", count(len(res.Refs), "reference"), count(len(pkgs), "package")))
	for _, e := range m.Edges {
		e.Count = len(e.Sites)
		sortSites(e.Sites)
	}
	for _, n := range m.Nodes {
		sortSites(n.Refs)
	}
	m.sort()
	return m
}

// count returns "1 thing" or "n things".
func count(n int, thing string) string {
	if n == 1 {
		return "1 " + thing
	}
	return fmt.Sprintf("%d %ss", n, thing)
}

// keyID names a declaration as targets do: path.Name, path.T.M.
func keyID(k index.Key) string {
	if k.Path == "" {
		return k.Pkg
	}
	return k.Pkg + "." + k.Path
}
