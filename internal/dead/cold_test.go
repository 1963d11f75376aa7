package dead

import (
	"errors"
	"path"
	"reflect"
	"slices"
	"testing"

	"github.com/goremover/goremover/internal/coverage"
	"github.com/goremover/goremover/internal/index"
	"github.com/goremover/goremover/internal/report"
)

// fakeRuns is coverage data: the instrumented files ("pkg/base"), the
// lines that ran, the functions.
type fakeRuns struct {
	files map[string]bool
	ran   map[string][]int
	funcs []coverage.Func
}

func (r *fakeRuns) Ran(pkg, base string, start, end int) (ran, known bool) {
	f := path.Join(pkg, base)
	if !r.files[f] {
		return false, false
	}
	for _, l := range r.ran[f] {
		if l >= start && l <= end {
			return true, true
		}
	}
	return false, true
}

func (r *fakeRuns) Funcs() []coverage.Func { return r.funcs }

func (r *fakeRuns) Instrumented(pkg string) bool {
	for f := range r.files {
		if path.Dir(f) == pkg {
			return true
		}
	}
	return false
}

// coldIndex is a command whose main calls Hot and Cold (main.go) and
// Other (other.go), with a dead func, an interface method and a test.
func coldIndex() *index.Index {
	const m = "example.com/m"
	pos := func(file string, line int) index.Pos { return index.Pos{Module: m, File: file, Line: line, Col: 6} }
	decl := func(kind index.DeclKind, name, file string, line, end int) index.Decl {
		return index.Decl{Key: index.Key{Pkg: m, Path: name}, Kind: kind, Name: name, Pos: pos(file, line), End: pos(file, end)}
	}
	call := func(from, to string, line int) index.Ref {
		return index.Ref{To: index.Key{Pkg: m, Path: to}, Pos: pos("main.go", line), Kind: index.Call, From: m, Encl: index.Key{Pkg: m, Path: from}, EnclName: from}
	}
	test := decl(index.Func, "TestHot", "main_test.go", 3, 5)
	test.Test = true
	iface := decl(index.Method, "I.M", "main.go", 30, 30)
	iface.Iface, iface.Name, iface.Recv = true, "M", "I"
	p := &index.Package{
		Path: m, Name: "main", Module: m,
		Files: []index.File{
			{Pos: index.Pos{Module: m, File: "main.go"}, Platforms: []string{"all"}},
			{Pos: index.Pos{Module: m, File: "other.go"}, Platforms: []string{"all"}},
			{Pos: index.Pos{Module: m, File: "main_test.go"}, Platforms: []string{"all"}, Test: true},
		},
		Decls: []index.Decl{
			decl(index.Func, "main", "main.go", 3, 7),
			decl(index.Func, "Hot", "main.go", 10, 12),
			decl(index.Func, "Cold", "main.go", 14, 16),
			decl(index.Func, "Dead", "main.go", 18, 20),
			decl(index.Func, "Other", "other.go", 3, 5),
			decl(index.Type, "I", "main.go", 29, 31),
			iface,
			test,
		},
		Refs: []index.Ref{call("main", "Hot", 4), call("main", "Cold", 5), call("main", "Other", 6), call("main", "I", 6), call("TestHot", "Hot", 4)},
	}
	p.Refs[4].Test, p.Refs[4].Pos.File = true, "main_test.go"
	return index.New([]*index.Package{p})
}

func TestMarkCold(t *testing.T) {
	runs := &fakeRuns{
		files: map[string]bool{"example.com/m/main.go": true},
		ran:   map[string][]int{"example.com/m/main.go": {4, 11}},
		funcs: []coverage.Func{
			{Pkg: "example.com/m", File: "main.go", Line: 3, Name: "main"},
			{Pkg: "example.com/m", File: "main.go", Line: 10, Name: "Hot"},
			{Pkg: "example.com/m", File: "main.go", Line: 14, Name: "Cold"},
			{Pkg: "example.com/m", File: "main.go", Line: 18, Name: "Dead"},
			{Pkg: "example.com/dep", File: "dep.go", Line: 1, Name: "NotOurs"},
			{Pkg: "example.com/m", File: "gone.go", Line: 1, Name: "Gone"},
		},
	}
	res := Analyze(coldIndex(), &Options{Tests: true})
	st, err := res.MarkCold(runs)
	if err != nil {
		t.Fatal(err)
	}
	// main and Hot ran; Cold did not; Other's file is not
	// instrumented; Dead is dead, the interface method has no body, the
	// test is not in a binary. The package is instrumented (main.go
	// is), so it is not an unknown package.
	if want := (ColdStats{Covered: 2, Cold: 1, Unknown: 1}); !reflect.DeepEqual(st, want) {
		t.Errorf("stats = %+v, want %+v", st, want)
	}
	var got []string
	for _, f := range res.Findings {
		got = append(got, string(f.Status)+" "+f.Name+" "+f.Rule)
		if f.Status == Cold && res.BaselineEntries(f) != nil {
			t.Errorf("a cold finding has baseline entries")
		}
	}
	want := []string{"cold Cold GR212", "dead Dead GR201", "dead I.M GR202"}
	if !slices.Equal(got, want) {
		t.Errorf("findings = %q, want %q", got, want)
	}
	for _, f := range res.Findings {
		if f.Name == "Dead" {
			if es := res.BaselineEntries(f); !slices.Equal(es, []report.BaselineEntry{{Rule: "GR201", Key: "example.com/m.Dead"}}) {
				t.Errorf("BaselineEntries(Dead) = %v", es)
			}
		}
	}
}

// TestMarkColdUnknown checks that data from binaries that did not include
// a package says nothing about it: its functions are unknown, not cold.
func TestMarkColdUnknown(t *testing.T) {
	runs := &fakeRuns{
		files: map[string]bool{"example.com/other/x.go": true},
		funcs: []coverage.Func{{Pkg: "example.com/other", File: "x.go", Line: 1, Name: "X"}},
	}
	res := Analyze(coldIndex(), &Options{Tests: true})
	n := len(res.Findings)
	st, err := res.MarkCold(runs)
	if err != nil {
		t.Fatal(err)
	}
	if want := (ColdStats{Unknown: 4, UnknownPkgs: []string{"example.com/m"}}); !reflect.DeepEqual(st, want) {
		t.Errorf("stats = %+v, want %+v", st, want)
	}
	if len(res.Findings) != n {
		t.Errorf("uninstrumented code was marked cold")
	}
}

// TestMarkColdStale checks that data from other source marks nothing.
func TestMarkColdStale(t *testing.T) {
	runs := &fakeRuns{
		files: map[string]bool{"example.com/m/main.go": true},
		funcs: []coverage.Func{
			{Pkg: "example.com/m", File: "main.go", Line: 10, Name: "Hot"},
			// The body's brace on the line after the name (a
			// signature on two lines) is the same function.
			{Pkg: "example.com/m", File: "main.go", Line: 11, Name: "Hot"},
			{Pkg: "example.com/m", File: "main.go", Line: 17, Name: "Cold"}, // past its end
		},
	}
	res := Analyze(coldIndex(), &Options{Tests: true})
	n := len(res.Findings)
	_, err := res.MarkCold(runs)
	var se *StaleError
	if !errors.As(err, &se) || len(se.Funcs) != 1 || se.Funcs[0].Name != "Cold" || se.Funcs[0].Pos.Line != 17 {
		t.Fatalf("MarkCold = %v, want a StaleError for Cold at line 17", err)
	}
	if len(res.Findings) != n {
		t.Errorf("stale data marked findings")
	}
}
