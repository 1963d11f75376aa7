package pkggraph

import (
	"reflect"
	"strings"
	"testing"

	"github.com/goremover/goremover/internal/index"
	"github.com/goremover/goremover/internal/load"
	"golang.org/x/mod/modfile"
)

// build makes a graph from "from -> to" lines; a from ending in _test is
// an external test, a to prefixed by "test:" is imported by a _test.go
// file, and "win:" by a _windows.go file.
func build(t *testing.T, lines ...string) *Graph {
	t.Helper()
	pkgs := map[string]*index.Package{}
	pkg := func(path string) *index.Package {
		p := pkgs[path]
		if p == nil {
			p = &index.Package{Path: path, Module: "example.com/m", Dir: strings.TrimPrefix(strings.TrimPrefix(path, "example.com/m"), "/")}
			p.Files = []index.File{
				{Pos: index.Pos{Module: "example.com/m", File: p.Dir + "/a.go"}, Platforms: []string{"all"}},
				{Pos: index.Pos{Module: "example.com/m", File: p.Dir + "/a_windows.go"}, Platforms: []string{"windows/*"}},
				{Pos: index.Pos{Module: "example.com/m", File: p.Dir + "/a_test.go"}, Platforms: []string{"all"}, Test: true},
			}
			pkgs[path] = p
		}
		return p
	}
	for i, l := range lines {
		from, to, _ := strings.Cut(l, " -> ")
		dir, _ := strings.CutSuffix(from, "_test")
		p := pkg(dir)
		file := p.Dir + "/a.go"
		test := false
		switch {
		case strings.HasPrefix(to, "test:"):
			to, file, test = to[5:], p.Dir+"/a_test.go", true
		case strings.HasPrefix(to, "win:"):
			to, file = to[4:], p.Dir+"/a_windows.go"
		}
		if strings.HasSuffix(from, "_test") {
			file, test = p.Dir+"/a_test.go", true
		}
		if strings.HasPrefix(to, "example.com/m") {
			pkg(to)
		}
		p.Refs = append(p.Refs, index.Ref{To: index.PkgKey(to), Kind: index.Import, From: from, Test: test,
			Pos: index.Pos{Module: "example.com/m", File: file, Line: i + 3, Col: 2}})
	}
	var list []*index.Package
	for _, p := range pkgs {
		list = append(list, p)
	}
	mf, err := modfile.Parse("go.mod", []byte("module example.com/m\nrequire (\n\texample.com/dep v1.0.0\n\texample.com/dep/v2 v2.0.0\n)\n"), nil)
	if err != nil {
		t.Fatal(err)
	}
	ws := &load.WorkingSet{Modules: []load.Module{{Path: "example.com/m", File: mf}}}
	return New(ws, index.New(list))
}

func TestNodesAndEdges(t *testing.T) {
	g := build(t,
		"example.com/m/a -> example.com/m/b",
		"example.com/m/a -> win:example.com/dep/v2/x",
		"example.com/m/a -> test:fmt",
		"example.com/m/a_test -> example.com/m/a",
	)
	if n := g.Node("example.com/dep/v2/x"); n == nil || n.Module != "example.com/dep/v2" || n.WS {
		t.Errorf("dep node = %+v, want module example.com/dep/v2", n)
	}
	if n := g.Node("fmt"); n == nil || !n.Std {
		t.Errorf("fmt node = %+v, want std", n)
	}
	out := g.Out("example.com/m/a")
	var got []string
	for _, e := range out {
		got = append(got, e.To+" "+strings.Join(e.Platforms(), ",")+" "+map[bool]string{true: "test", false: "build"}[e.TestOnly()])
	}
	want := []string{"example.com/dep/v2/x windows/* build", "example.com/m/a all test", "example.com/m/b all build", "fmt all test"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("edges of a:\n got %q\nwant %q", got, want)
	}
	self := out[1]
	if !self.Sites[0].XTest || NotTest(self) {
		t.Errorf("external test import of a = %+v, want XTest", self.Sites)
	}
}

func TestCycles(t *testing.T) {
	g := build(t,
		"example.com/m/a -> example.com/m/b",
		"example.com/m/b -> example.com/m/c",
		"example.com/m/c -> win:example.com/m/a", // a cycle only the union of configurations has
		"example.com/m/d/x -> example.com/m/e",
		"example.com/m/e -> example.com/m/d/y",
		"example.com/m/f_test -> example.com/m/g",
		"example.com/m/g -> example.com/m/f", // external tests may import back
		"example.com/m/h -> test:example.com/m/i",
		"example.com/m/i -> test:example.com/m/h", // two packages' tests: no cycle
	)
	cs := g.Cycles(g.Package, nil)
	if len(cs) != 1 || !reflect.DeepEqual(cs[0].Loop, []string{"example.com/m/a", "example.com/m/b", "example.com/m/c"}) {
		t.Fatalf("package cycles = %+v, want a -> b -> c", cs)
	}
	if e := cs[0].LoopEdges[2]; e.From != "example.com/m/c" || e.First().Platforms[0] != "windows/*" {
		t.Errorf("closing edge = %+v, want c's windows import", e)
	}
	byDir := func(p string) string {
		if n := g.Node(p); n == nil || !n.WS {
			return ""
		}
		d := strings.TrimPrefix(p, "example.com/m/")
		d, _, _ = strings.Cut(d, "/")
		return d
	}
	cs = g.Cycles(byDir, nil)
	var loops [][]string
	for _, c := range cs {
		loops = append(loops, c.Loop)
	}
	if want := [][]string{{"a", "b", "c"}, {"d", "e"}}; !reflect.DeepEqual(loops, want) {
		t.Errorf("directory cycles = %q, want %q", loops, want)
	}
	if chain := g.Chain("example.com/m/a", "example.com/m/c", nil); len(chain) != 2 || chain[1].To != "example.com/m/c" {
		t.Errorf("chain a to c = %+v", chain)
	}
	if chain := g.Chain("example.com/m/c", "example.com/m/d/x", nil); chain != nil {
		t.Errorf("chain c to d/x = %+v, want none", chain)
	}
}
