package verify

import (
	"reflect"
	"testing"

	"github.com/goremover/goremover/internal/load"
)

// TestNew: errors compare by file and message, not position, so code
// that moves keeps its old errors; a second identical error is new.
func TestNew(t *testing.T) {
	before := &Errors{keys: map[string]int{}, lines: map[string][]string{}}
	before.add("", "/m/a.go:10:2: undefined: x")
	before.add("", "/m/b.go:3:1: missing return")
	after := &Errors{keys: map[string]int{}, lines: map[string][]string{}}
	after.add("", "/m/a.go:4:2: undefined: x")              // moved up
	after.add("windows/amd64", "/m/a.go:9:2: undefined: x") // a second one
	after.add("", "/m/c.go:1:1: imported and not used: \"fmt\"")
	after.add("load", "go: no go.mod")
	got := New(before, after)
	want := []string{
		"/m/c.go:1:1: imported and not used: \"fmt\"",
		"[load] go: no go.mod",
		"[windows/amd64] /m/a.go:9:2: undefined: x",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("New = %q, want %q", got, want)
	}
}

// TestAffected: the changed directories and their importers,
// transitively, tests included; not what they import.
func TestAffected(t *testing.T) {
	dir := func(abs, path string, imports ...string) *load.Dir {
		return &load.Dir{Abs: abs, ImportPath: path, Files: []*load.File{{Abs: abs + "/x.go", Imports: imports}}}
	}
	dirs := []*load.Dir{
		dir("/m/a", "m/a"),
		dir("/m/b", "m/b", "m/a"),
		dir("/m/c", "m/c", "m/b"),
		dir("/m/d", "m/d"),
		dir("/m/e", "m/e", "m/d"),
	}
	dirs[3].Files = append(dirs[3].Files, &load.File{Abs: "/m/d/d_test.go", Test: true, Imports: []string{"m/c"}})
	got := Affected(dirs, []string{"/m/b/x.go"}, nil).Dirs
	want := []string{"/m/b", "/m/c", "/m/d", "/m/e"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Affected = %q, want %q", got, want)
	}
}

func TestParseMode(t *testing.T) {
	for _, s := range []string{"typecheck", "build", "test"} {
		if m, err := ParseMode(s); err != nil || string(m) != s {
			t.Errorf("ParseMode(%q) = %q, %v", s, m, err)
		}
	}
	if _, err := ParseMode("fast"); err == nil {
		t.Error("ParseMode(fast) succeeded")
	}
}

// TestRegressions: only failures the tree did not have before count;
// times and positions do not make a failure new.
func TestRegressions(t *testing.T) {
	before := &Outcome{Failed: true, Lines: []string{
		"--- FAIL: TestOld (0.00s)",
		"    x_test.go:9: old",
		"FAIL\texample.com/m/a\t0.004s",
		"a/a.go:3:2: declared and not used: v",
	}}
	after := &Outcome{Failed: true, Lines: []string{
		"--- FAIL: TestOld (0.01s)",
		"--- FAIL: TestNew (0.00s)",
		"FAIL\texample.com/m/a\t0.005s",
		"FAIL\texample.com/m/b\t0.002s",
		"a/a.go:5:2: declared and not used: v",
		"panic: boom",
	}}
	got := Regressions(before, after)
	want := []string{"--- FAIL: TestNew (0.00s)", "FAIL\texample.com/m/b\t0.002s", "panic: boom"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Regressions = %q, want %q", got, want)
	}
	if got := Regressions(before, before); got != nil {
		t.Errorf("same failures: Regressions = %q, want none", got)
	}
	if got := Regressions(before, &Outcome{}); got != nil {
		t.Errorf("passing after: Regressions = %q, want none", got)
	}
	// Failed with nothing recognisable, from a passing tree: all of it.
	odd := &Outcome{Failed: true, Lines: []string{"go: something odd"}}
	if got := Regressions(&Outcome{}, odd); !reflect.DeepEqual(got, odd.Lines) {
		t.Errorf("unrecognised failure: Regressions = %q", got)
	}
}

// TestUnqualify: a package spelled by its path or by its name is the same
// package in an error message; quoted strings stay.
func TestUnqualify(t *testing.T) {
	for in, want := range map[string]string{
		`cannot use x as "example.com/m/storage".GetRef value`: `cannot use x as storage.GetRef value`,
		`cannot use x as storage.GetRef value`:                 `cannot use x as storage.GetRef value`,
		`cannot use "a b" (untyped string constant) as int`:    `cannot use "a b" (untyped string constant) as int`,
		`undefined: "x".y and "p/q".R`:                         `undefined: x.y and q.R`,
	} {
		if got := unqualify(in); got != want {
			t.Errorf("unqualify(%q) = %q, want %q", in, got, want)
		}
	}
}
