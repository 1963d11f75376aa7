package load

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/goremover/goremover/internal/buildcfg"
)

// recheckModule writes a module in which lib's external test imports a
// helper that imports lib, which has in-package tests too: the go command
// compiles the helper again against lib's test variant. It returns the
// module's directory.
func recheckModule(t *testing.T) string {
	dir := t.TempDir()
	for name, src := range map[string]string{
		"go.mod":             "module example.com/m\n\ngo 1.22\n",
		"lib/lib.go":         "package lib\n\ntype T struct{ N int }\n\nfunc New() T { return T{} }\n",
		"lib/lib_test.go":    "package lib\n\nimport \"testing\"\n\nfunc TestNew(t *testing.T) { _ = New() }\n",
		"lib/x_test.go":      "package lib_test\n\nimport (\n\t\"testing\"\n\n\t\"example.com/m/h\"\n\t\"example.com/m/lib\"\n)\n\nfunc TestX(t *testing.T) { h.Use(lib.New()) }\n",
		"h/h.go":             "package h\n\nimport \"example.com/m/lib\"\n\nfunc Use(lib.T) {}\n",
		"user/user.go":       "package user\n\nimport \"example.com/m/lib\"\n\nvar V lib.T = lib.New()\n",
		"user/user_linux.go": "package user\n\nvar _ = V.N\n",
		"user/user_other.go": "//go:build !linux\n\npackage user\n\nvar _ = V.N\n",
		"top/top.go":         "package top\n\nimport \"example.com/m/user\"\n\nvar _ = user.V\n",
		"other/other.go":     "package other\n\nimport \"strings\"\n\nvar _ = strings.ToUpper\n",
	} {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o777); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(src), 0o666); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// recheckAll rechecks the module's directories but other and returns the
// reported units' errors, "path [config]: error" lines, in report order.
func recheckAll(t *testing.T, dir string, report func(*Unit) error) ([]string, error) {
	ctx := context.Background()
	ws, err := Find(dir)
	if err != nil {
		t.Fatal(err)
	}
	all, err := ws.Scan()
	if err != nil {
		t.Fatal(err)
	}
	var dirs []*Dir
	for _, d := range all {
		if !strings.HasSuffix(d.ImportPath, "/other") {
			dirs = append(dirs, d)
		}
	}
	opts := &Options{AltErrors: true}
	host, err := HostConfig(ctx, ws, opts)
	if err != nil {
		t.Fatal(err)
	}
	var cons []buildcfg.Constraint
	for _, d := range all {
		for _, f := range d.Files {
			cons = append(cons, f.Cons)
		}
	}
	cfgs, _ := host.Plan(cons, nil)
	var got []string
	err = Recheck(ctx, ws, all, dirs, host, cfgs, opts, func(u *Unit) error {
		if u.Info != nil || u.Files != nil {
			t.Errorf("%s: reported unit keeps syntax or types.Info", u.Path)
		}
		for _, e := range u.Errors {
			got = append(got, u.Path+" ["+u.Config.String()+"]: "+strings.TrimPrefix(e, dir+string(filepath.Separator)))
		}
		if report != nil {
			return report(u)
		}
		return nil
	})
	return got, err
}

// TestRecheck: test variants are checked as the go command builds them
// (no false "cannot use T as T" through a helper that imports the package
// under test), and importers see a changed package's new types, in every
// configuration.
func TestRecheck(t *testing.T) {
	dir := recheckModule(t)
	var paths []string
	got, err := recheckAll(t, dir, func(u *Unit) error {
		paths = append(paths, u.Path+" ["+u.Config.String()+"]")
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) > 0 {
		t.Errorf("unchanged module: errors %q", got)
	}
	for _, want := range []string{"example.com/m/lib", "example.com/m/lib_test", "example.com/m/h", "example.com/m/user", "example.com/m/top"} {
		if !slices.ContainsFunc(paths, func(p string) bool { return strings.HasPrefix(p, want+" [") }) {
			t.Errorf("no unit reported for %s; got %q", want, paths)
		}
	}
	// Dependency order: a unit before those that import it.
	at := func(path string) int {
		return slices.IndexFunc(paths, func(p string) bool { return strings.HasPrefix(p, path+" [") })
	}
	if at("example.com/m/lib") > at("example.com/m/lib_test") || at("example.com/m/user") > at("example.com/m/top") {
		t.Errorf("an importer reported before what it imports: %q", paths)
	}

	// T loses its field: the build cache's export data of lib still has
	// it; the importers must see the source.
	if err := os.WriteFile(filepath.Join(dir, "lib", "lib.go"), []byte("package lib\n\ntype T struct{}\n\nfunc New() T { return T{} }\n"), 0o666); err != nil {
		t.Fatal(err)
	}
	got, err = recheckAll(t, dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	var linux, other bool
	for _, e := range got {
		linux = linux || strings.Contains(e, "user_linux.go") && strings.Contains(e, "V.N undefined")
		other = other || strings.Contains(e, "user_other.go") && strings.Contains(e, "V.N undefined")
	}
	if !linux || !other {
		t.Errorf("after removing T.N: errors %q, want V.N undefined in user_linux.go and user_other.go", got)
	}
}

// TestRecheckStops: an error from report stops the check and is returned;
// packages that import the one that failed are not reported.
func TestRecheckStops(t *testing.T) {
	dir := recheckModule(t)
	stop := errors.New("stop")
	var paths []string
	_, err := recheckAll(t, dir, func(u *Unit) error {
		paths = append(paths, u.Path)
		if u.Path == "example.com/m/user" {
			return stop
		}
		return nil
	})
	if err != stop {
		t.Fatalf("Recheck = %v, want the report's error", err)
	}
	if slices.Contains(paths, "example.com/m/top") {
		t.Errorf("top, which imports user, was reported after user stopped the check: %q", paths)
	}
}

// TestRecheckImportError: an import of a package the change deleted is an
// *Error at the import.
func TestRecheckImportError(t *testing.T) {
	dir := recheckModule(t)
	if err := os.RemoveAll(filepath.Join(dir, "h")); err != nil {
		t.Fatal(err)
	}
	_, err := recheckAll(t, dir, nil)
	var lerr *Error
	if !errors.As(err, &lerr) || !strings.Contains(lerr.Pos, "x_test.go:") {
		t.Fatalf("Recheck = %v, want an *Error at x_test.go's import of h", err)
	}
}
