// A test of the html page on the import graph of a real working set, named
// by $GOREMOVER_GRAPH_REPO (say a clone of prometheus): the page of a
// graph of a thousand packages and more opens aggregated, and search,
// expanding and clicking still work. With $GOREMOVER_GRAPH_SHOT, a
// directory, it saves screenshots there.

package graph

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/goremover/goremover/internal/pkggraph"
	"github.com/goremover/goremover/internal/session"
)

// importModel converts an import graph to a Model, just enough for the
// page; the graph command's own conversion is the one users get.
func importModel(g *pkggraph.Graph, root string) *Model {
	m := &Model{Kind: "packages", Root: root}
	nodes := map[string]*Node{}
	for _, n := range g.Nodes {
		mn := &Node{ID: n.Path, Label: n.Path, Module: n.Module}
		switch {
		case n.WS:
			mn.Kind, mn.Group = "ws", n.Dir
			if n.Module == root {
				mn.Label = n.Dir
				if n.Dir == "" {
					mn.Label = "."
				}
			}
		case n.Std:
			mn.Kind, mn.Group = "std", n.Path
		default:
			mn.Kind, mn.Group = "dep", n.Module
			if n.Module == "" {
				mn.Group = n.Path
			}
		}
		nodes[n.Path] = mn
		m.Nodes = append(m.Nodes, mn)
	}
	inCycle := map[string]bool{}
	for _, c := range g.Cycles(func(p string) string { return p }, nil) {
		m.Cycles = append(m.Cycles, c.Groups)
		for _, p := range c.Groups {
			inCycle[p] = true
			nodes[p].Cycle = true
		}
	}
	for _, e := range g.Edges {
		me := &Edge{From: e.From, To: e.To, Platforms: e.Platforms(), Test: e.TestOnly(), Count: len(e.Sites),
			Cycle: inCycle[e.From] && inCycle[e.To]}
		for _, s := range e.Sites {
			site := Site{Module: s.Pos.Module, File: s.Pos.File, Line: s.Pos.Line, Col: s.Pos.Col, Kind: "import"}
			me.Sites = append(me.Sites, site)
			if to := nodes[e.To]; to != nil {
				to.Refs = append(to.Refs, site)
			}
		}
		m.Edges = append(m.Edges, me)
	}
	return m
}

func TestHTMLRepo(t *testing.T) {
	dir := os.Getenv("GOREMOVER_GRAPH_REPO")
	if dir == "" {
		t.Skip("set GOREMOVER_GRAPH_REPO to a copy of a working set to test the html page on its graph")
	}
	chrome(t)
	s, err := session.Open(context.Background(), &session.Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close(false)
	root := s.WS.Modules[0].Path
	checkLarge(t, importModel(pkggraph.New(s.WS, s.X), root))
}

// checkLarge checks the page of a large model: it opens aggregated, a
// closed directory of the working set opens on a click, a click on one of
// its packages shows it, and search finds a package deep in a closed
// directory.
func checkLarge(t *testing.T, m *Model) {
	var buf bytes.Buffer
	if err := HTML(&buf, m); err != nil {
		t.Fatal(err)
	}
	t.Logf("%d nodes, %d edges, %d cycles: a page of %d bytes", len(m.Nodes), len(m.Edges), len(m.Cycles), buf.Len())

	if out := os.Getenv("GOREMOVER_GRAPH_SHOT"); out != "" {
		if err := os.WriteFile(filepath.Join(out, "graph.html"), buf.Bytes(), 0o666); err != nil {
			t.Fatal(err)
		}
	}
	p := open(t, m, 1600, 1000)
	shot := func(name string) {
		out := os.Getenv("GOREMOVER_GRAPH_SHOT")
		if out == "" {
			return
		}
		ctx, cancel := context.WithTimeout(p.ctx, 30e9)
		defer cancel()
		png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(out, name), png, 0o666); err != nil {
			t.Fatal(err)
		}
	}
	boxes := eval[int](p, `document.querySelectorAll("#canvas g.node").length`)
	t.Logf("first view: %d boxes", boxes)
	if boxes > 60 {
		t.Errorf("first view draws %d boxes, want at most 60", boxes)
	}
	shot("first.png")
	p.do(chromedp.Click(chromedp.CSS("#zoom-fit")))
	shot("overview.png")

	// Open the first closed directory of the working set, then click the
	// first package it shows.
	var key string
	for _, id := range eval[[]string](p, `[...document.querySelectorAll("#canvas g.node.group")].map(g => g.dataset.id)`) {
		if strings.HasPrefix(id, "g:c:ws/") && p.inView(id) {
			key = id
			break
		}
	}
	if key == "" {
		t.Fatal("no closed directory of the working set")
	}
	before := eval[[]string](p, `[...document.querySelectorAll("#canvas g.node")].map(g => g.dataset.id)`)
	p.do(chromedp.Click(chromedp.CSS(box(key))))
	p.waitTrue(fmt.Sprintf("document.querySelector(%q) === null", box(key)))
	after := eval[[]string](p, `[...document.querySelectorAll("#canvas g.node:not(.group)")].map(g => g.dataset.id)`)
	var pkg string
	for _, id := range after {
		if !slices.Contains(before, id) && p.inView(id) {
			pkg = id
			break
		}
	}
	if pkg == "" {
		t.Fatalf("opening %s shows none of its packages", key)
	}
	p.do(chromedp.Click(chromedp.CSS(box(pkg))))
	p.waitTrue(fmt.Sprintf("document.querySelector('#details .id') && document.querySelector('#details .id').textContent === %q", pkg))
	t.Logf("opened %s, clicked %s", key, pkg)
	shot("expanded.png")

	// Search finds a package deep in a closed directory.
	deep := ""
	for _, n := range m.Nodes {
		if n.Kind == "ws" && strings.Count(n.Group, "/") >= 2 && !eval[bool](p, fmt.Sprintf("document.querySelector(%q) !== null", box(n.ID))) {
			deep = n.ID
			break
		}
	}
	if deep != "" {
		p.do(chromedp.SendKeys(chromedp.CSS("#search"), deep), chromedp.KeyEvent("\r"))
		p.waitTrue(fmt.Sprintf("document.querySelector(%q + '.selected')", box(deep)))
		t.Logf("searched %s", deep)
	}
	p.check()
}
