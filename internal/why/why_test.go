package why

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/goremover/goremover/internal/index"
	"github.com/goremover/goremover/internal/load"
	"github.com/goremover/goremover/internal/modfix"
	"golang.org/x/mod/modfile"
	"golang.org/x/mod/module"
)

func v(p, ver string) module.Version { return module.Version{Path: p, Version: ver} }

// TestRequirements checks the requirement chains, the selected version
// and the requirements graph pruning ignores, on a graph where m
// requires a and b, a requires c@v1.1.0 and b requires c@v1.0.0 and d
// (whose go.mod, not read, requires c@v0.9.0).
func TestRequirements(t *testing.T) {
	gomod := "module example.com/m\n\ngo 1.24\n\nrequire (\n\texample.com/a v1.0.0\n\texample.com/b v1.0.0\n)\n"
	mf, err := modfile.Parse("go.mod", []byte(gomod), nil)
	if err != nil {
		t.Fatal(err)
	}
	cache := t.TempDir()
	dmod := filepath.Join(cache, "cache", "download", "example.com", "d", "@v", "v1.0.0.mod")
	if err := os.MkdirAll(filepath.Dir(dmod), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dmod, []byte("module example.com/d\n\ngo 1.22\n\nrequire example.com/c v0.9.0\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	main := v("example.com/m", "")
	f := &Facts{
		WS:       &load.WorkingSet{Root: "/m", Modules: []load.Module{{Path: "example.com/m", Dir: "/m", File: mf}}},
		X:        index.New(nil),
		Deps:     map[string]*load.DepPackage{},
		ModCache: cache,
		Graphs: map[string][]modfix.Edge{"example.com/m": {
			{From: main, To: v("example.com/a", "v1.0.0")},
			{From: main, To: v("example.com/b", "v1.0.0")},
			{From: v("example.com/a", "v1.0.0"), To: v("example.com/c", "v1.1.0")},
			{From: v("example.com/b", "v1.0.0"), To: v("example.com/c", "v1.0.0")},
			{From: v("example.com/b", "v1.0.0"), To: v("example.com/d", "v1.0.0")},
		}},
	}
	a := f.Explain("example.com/c", "", true)
	if a.Selected != "v1.1.0" || a.Needed || a.Rule != "" {
		t.Errorf("selected %q, needed %v, rule %q; want v1.1.0, false, none", a.Selected, a.Needed, a.Rule)
	}
	var got []string
	for _, r := range a.Reasons {
		last := r.Chain[len(r.Chain)-1]
		s := r.Kind + " " + last.From + " -> " + last.To
		if r.Selects {
			s += " selected"
		}
		got = append(got, s)
		if r.Chain[0].From != "example.com/m" || r.Chain[0].File != "go.mod" || r.Chain[0].Line == 0 {
			t.Errorf("%s: chain starts at %+v, want the main module's require line", s, r.Chain[0])
		}
	}
	want := []string{
		"pruned example.com/d@v1.0.0 -> example.com/c@v0.9.0",
		"require example.com/a@v1.0.0 -> example.com/c@v1.1.0 selected",
		"require example.com/b@v1.0.0 -> example.com/c@v1.0.0",
	}
	if len(got) != len(want) {
		t.Fatalf("reasons:\n%q\nwant\n%q", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("reason %d: %q, want %q", i, got[i], want[i])
		}
	}
	// A version limits the requirements to it.
	if a := f.Explain("example.com/c", "v1.0.0", true); len(a.Reasons) != 1 || a.Reasons[0].Chain[1].To != "example.com/c@v1.0.0" {
		t.Errorf("c@v1.0.0: %+v", a.Reasons)
	}
}
