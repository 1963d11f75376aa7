package pkggraph

import "sort"

// A Cycle is a strongly connected set of groups (packages, or the
// directories or patterns they are grouped by) with more than one member,
// or one that imports itself through another of its packages.
type Cycle struct {
	Groups []string // sorted
	// Edges are the imports between members of the cycle; following
	// them one can go from any group to any other and back.
	Edges []*Edge
	// Loop is one shortest closed walk through the cycle: Loop[i]
	// imports Loop[i+1], and the last imports the first. Its imports are
	// LoopEdges, one package import per step.
	Loop      []string
	LoopEdges []*Edge
}

// Cycles returns the import cycles between groups: group maps a package
// to its group ("" leaves the package out), and keep selects the edges
// that count (nil: NotTest). For package-level cycles pass a group that
// returns the path itself. Cycles are sorted by their first group.
func (g *Graph) Cycles(group func(pkg string) string, keep func(*Edge) bool) []*Cycle {
	if keep == nil {
		keep = NotTest
	}
	adj := map[string][]string{}
	between := map[[2]string][]*Edge{}
	var groups []string
	seen := map[string]bool{}
	addGroup := func(s string) {
		if !seen[s] {
			seen[s] = true
			groups = append(groups, s)
		}
	}
	for _, e := range g.Edges {
		a, b := group(e.From), group(e.To)
		if a == "" || b == "" || !keep(e) {
			continue
		}
		addGroup(a)
		addGroup(b)
		if a == b {
			continue // a group's own packages import each other: not a cycle of groups
		}
		k := [2]string{a, b}
		if between[k] == nil {
			adj[a] = append(adj[a], b)
		}
		between[k] = append(between[k], e)
	}
	sort.Strings(groups)
	for _, a := range groups {
		sort.Strings(adj[a])
	}

	// Tarjan's strongly connected components, iteratively: import
	// graphs of large repositories are deep.
	idx := map[string]int{}
	low := map[string]int{}
	on := map[string]bool{}
	var stack []string
	var sccs [][]string
	next := 0
	type frame struct {
		v string
		i int
	}
	for _, root := range groups {
		if _, ok := idx[root]; ok {
			continue
		}
		work := []frame{{v: root}}
		idx[root], low[root] = next, next
		next++
		stack = append(stack, root)
		on[root] = true
		for len(work) > 0 {
			f := &work[len(work)-1]
			if f.i < len(adj[f.v]) {
				w := adj[f.v][f.i]
				f.i++
				if _, ok := idx[w]; !ok {
					idx[w], low[w] = next, next
					next++
					stack = append(stack, w)
					on[w] = true
					work = append(work, frame{v: w})
				} else if on[w] && idx[w] < low[f.v] {
					low[f.v] = idx[w]
				}
				continue
			}
			v := f.v
			work = work[:len(work)-1]
			if len(work) > 0 {
				if u := work[len(work)-1].v; low[v] < low[u] {
					low[u] = low[v]
				}
			}
			if low[v] == idx[v] {
				var scc []string
				for {
					w := stack[len(stack)-1]
					stack = stack[:len(stack)-1]
					on[w] = false
					scc = append(scc, w)
					if w == v {
						break
					}
				}
				if len(scc) > 1 {
					sort.Strings(scc)
					sccs = append(sccs, scc)
				}
			}
		}
	}

	var out []*Cycle
	for _, scc := range sccs {
		in := map[string]bool{}
		for _, s := range scc {
			in[s] = true
		}
		c := &Cycle{Groups: scc}
		for _, a := range scc {
			for _, b := range adj[a] {
				if in[b] {
					c.Edges = append(c.Edges, between[[2]string{a, b}]...)
				}
			}
		}
		c.Loop = shortestLoop(scc[0], adj, in)
		for i, a := range c.Loop {
			b := c.Loop[(i+1)%len(c.Loop)]
			c.LoopEdges = append(c.LoopEdges, between[[2]string{a, b}][0])
		}
		out = append(out, c)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Groups[0] < out[j].Groups[0] })
	return out
}

// shortestLoop returns a shortest closed walk from start back to start
// inside the component in.
func shortestLoop(start string, adj map[string][]string, in map[string]bool) []string {
	prev := map[string]string{}
	queue := []string{start}
	visited := map[string]bool{start: true}
	for len(queue) > 0 {
		v := queue[0]
		queue = queue[1:]
		for _, w := range adj[v] {
			if !in[w] {
				continue
			}
			if w == start {
				var loop []string
				for u := v; u != start; u = prev[u] {
					loop = append(loop, u)
				}
				loop = append(loop, start)
				for i, j := 0, len(loop)-1; i < j; i, j = i+1, j-1 {
					loop[i], loop[j] = loop[j], loop[i]
				}
				return loop
			}
			if !visited[w] {
				visited[w] = true
				prev[w] = v
				queue = append(queue, w)
			}
		}
	}
	return []string{start}
}

// NotTest keeps the edges that some file other than a _test.go file
// makes. A test's imports never close a cycle: an external test may
// import back (the go command allows it), and the imports of two
// packages' in-package tests are not imported with those packages; an
// in-package test that imports what imports its package is an error
// the go command reports, which stops the load before any graph.
func NotTest(e *Edge) bool { return !e.TestOnly() }

// Package is the identity grouping: one group per package of the
// working set, none for other packages.
func (g *Graph) Package(pkg string) string {
	if n := g.node[pkg]; n != nil && n.WS {
		return pkg
	}
	return ""
}

// Chain returns a shortest import chain from package from to package to
// along edges keep selects (nil: all), or nil if there is none.
func (g *Graph) Chain(from, to string, keep func(*Edge) bool) []*Edge {
	prev := map[string]*Edge{}
	queue := []string{from}
	visited := map[string]bool{from: true}
	for len(queue) > 0 {
		v := queue[0]
		queue = queue[1:]
		for _, e := range g.out[v] {
			if keep != nil && !keep(e) || visited[e.To] {
				continue
			}
			visited[e.To] = true
			prev[e.To] = e
			if e.To == to {
				var chain []*Edge
				for u := to; u != from; u = prev[u].From {
					chain = append(chain, prev[u])
				}
				for i, j := 0, len(chain)-1; i < j; i, j = i+1, j-1 {
					chain[i], chain[j] = chain[j], chain[i]
				}
				return chain
			}
			queue = append(queue, e.To)
		}
	}
	return nil
}
