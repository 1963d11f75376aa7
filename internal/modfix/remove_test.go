package modfix

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/goremover/goremover/internal/edit"
	"github.com/goremover/goremover/internal/index"
	"github.com/goremover/goremover/internal/target"
)

// applyCopy applies set (whose paths are under dir) to a copy of dir.
func applyCopy(t *testing.T, dir string, set *edit.Set) string {
	t.Helper()
	c := copyDir(t, dir)
	for _, f := range set.Files() {
		rel, err := filepath.Rel(dir, f.Path)
		if err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(c, rel)
		if f.New == nil {
			if err := os.Remove(p); err != nil {
				t.Fatal(err)
			}
			continue
		}
		if err := os.WriteFile(p, f.New, 0o666); err != nil {
			t.Fatal(err)
		}
	}
	return c
}

func TestRemoveModule(t *testing.T) {
	testEnv(t)
	dir := tidyFixture(t, map[string]string{
		"go.mod":     modApp,
		"app/app.go": appGo,
		"u/u.go":     uGo,
	})
	// Now make user unimported, but keep it required: the state rm -m
	// is for.
	os.Remove(filepath.Join(dir, "u", "u.go"))
	goMod0 := readFile(t, filepath.Join(dir, "go.mod"))
	goSum0 := readFile(t, filepath.Join(dir, "go.sum"))
	ws, x := loadIndex(t, dir)

	set, err := RemoveModule(context.Background(), ws, x, modTarget("example.com/user"), nil)
	if err != nil {
		t.Fatal(err)
	}
	got := applyCopy(t, dir, set)

	sameAsGo(t, dir, got, "example.com/user", false)
	if bytes.Contains(readFile(t, filepath.Join(got, "go.sum")), []byte("example.com/user")) {
		t.Error("go.sum keeps example.com/user")
	}
	// Nothing written.
	if !bytes.Equal(readFile(t, filepath.Join(dir, "go.mod")), goMod0) || !bytes.Equal(readFile(t, filepath.Join(dir, "go.sum")), goSum0) {
		t.Fatal("RemoveModule wrote the user's files")
	}

	// An imported module is blocked, with the importer listed.
	_, err = RemoveModule(context.Background(), ws, x, modTarget("example.com/dep"), nil)
	var be *BlockedError
	if !errors.As(err, &be) {
		t.Fatalf("rm dep: got %v, want *BlockedError", err)
	}
	if len(be.Result.Refs) != 1 || be.Result.Refs[0].Pos.File != "app/app.go" {
		t.Errorf("refs = %+v", be.Result.Refs)
	}

	// Not required at all.
	if _, err := RemoveModule(context.Background(), ws, x, modTarget("example.com/nope"), nil); err == nil {
		t.Error("rm nope: no error")
	}
}

func TestRemoveModuleIndirect(t *testing.T) {
	testEnv(t)
	// user imports dep; m imports only user, so dep is // indirect. With
	// u.go gone and user removed, dep leaves the build with it.
	dir := tidyFixture(t, map[string]string{
		"go.mod": "module example.com/m\n\ngo 1.22\n\nrequire example.com/user v1.0.0\n",
		"u/u.go": uGo,
		"a/a.go": "package a\n",
	})
	os.Remove(filepath.Join(dir, "u", "u.go"))
	if !bytes.Contains(readFile(t, filepath.Join(dir, "go.mod")), []byte("example.com/dep v1.1.0 // indirect")) {
		t.Fatalf("fixture: dep not indirect:\n%s", readFile(t, filepath.Join(dir, "go.mod")))
	}
	goCmd(t, dir, []string{"GOPROXY=off"}, "mod", "vendor")
	ws, x := loadIndex(t, dir)
	set, err := RemoveModule(context.Background(), ws, x, modTarget("example.com/user"), nil)
	if err != nil {
		t.Fatal(err)
	}
	got := applyCopy(t, dir, set)
	sameAsGo(t, dir, got, "example.com/user", true)
}

func TestRemoveModuleVendor(t *testing.T) {
	testEnv(t)
	dir := tidyFixture(t, map[string]string{
		"go.mod":     modApp,
		"app/app.go": appGo,
		"u/u.go":     uGo,
	})
	goCmd(t, dir, []string{"GOPROXY=off"}, "mod", "vendor")
	os.Remove(filepath.Join(dir, "u", "u.go"))
	ws, x := loadIndex(t, dir)
	set, err := RemoveModule(context.Background(), ws, x, modTarget("example.com/user"), nil)
	if err != nil {
		t.Fatal(err)
	}
	got := applyCopy(t, dir, set)
	sameAsGo(t, dir, got, "example.com/user", true)
	if _, err := os.Stat(filepath.Join(got, "vendor", "example.com", "user", "user.go")); err == nil {
		t.Error("vendor/example.com/user/user.go kept")
	}
	if _, err := os.Stat(filepath.Join(got, "vendor", "example.com", "dep", "dep.go")); err != nil {
		t.Error("vendor/example.com/dep/dep.go removed")
	}
	goCmd(t, got, []string{"GOPROXY=off", "GOFLAGS=-mod=vendor"}, "build", "./...")
}

// TestRemoveModuleKeepsUnrelated checks that rm -m touches only what the
// module brought: an unrelated unused requirement, which go mod tidy
// would drop too, keeps its lines.
func TestRemoveModuleKeepsUnrelated(t *testing.T) {
	testEnv(t)
	dir := tidyFixture(t, map[string]string{
		"go.mod": "module example.com/m\n\ngo 1.22\n\nrequire example.com/user v1.0.0\n",
		"u/u.go": uGo,
	})
	goCmd(t, dir, nil, "get", "example.com/gen@v1.0.0")
	os.Remove(filepath.Join(dir, "u", "u.go"))
	ws, x := loadIndex(t, dir)
	set, err := RemoveModule(context.Background(), ws, x, modTarget("example.com/user"), nil)
	if err != nil {
		t.Fatal(err)
	}
	got := applyCopy(t, dir, set)
	goMod, goSum := readFile(t, filepath.Join(got, "go.mod")), readFile(t, filepath.Join(got, "go.sum"))
	if bytes.Contains(goMod, []byte("example.com/user")) || bytes.Contains(goMod, []byte("example.com/dep")) {
		t.Errorf("user or its dependency dep kept:\n%s", goMod)
	}
	if !bytes.Contains(goMod, []byte("example.com/gen v1.0.0")) {
		t.Errorf("unrelated gen dropped:\n%s", goMod)
	}
	if bytes.Contains(goSum, []byte("example.com/user")) || bytes.Contains(goSum, []byte("example.com/dep")) {
		t.Errorf("go.sum keeps user or dep:\n%s", goSum)
	}
	if !bytes.Contains(goSum, []byte("example.com/gen v1.0.0")) {
		t.Errorf("go.sum lost gen:\n%s", goSum)
	}
}

// sameAsGo checks that got (a copy of dir with mod removed by goremover)
// has the go.mod, go.sum (and, with vendor, vendor/modules.txt) that the
// go command makes: go mod edit -droprequire, go mod tidy, go mod vendor
// in another copy of dir.
func sameAsGo(t *testing.T, dir, got, mod string, vendor bool) {
	t.Helper()
	want := copyDir(t, dir)
	goCmd(t, want, []string{"GOPROXY=off"}, "mod", "edit", "-droprequire="+mod)
	goCmd(t, want, []string{"GOPROXY=off"}, "mod", "tidy")
	names := []string{"go.mod", "go.sum"}
	if vendor {
		goCmd(t, want, []string{"GOPROXY=off"}, "mod", "vendor")
		names = append(names, "vendor/modules.txt")
	}
	for _, name := range names {
		g, w := readFile(t, filepath.Join(got, name)), readFile(t, filepath.Join(want, name))
		if !bytes.Equal(g, w) {
			t.Errorf("%s:\n%s\nwant (the go command's):\n%s", name, g, w)
		}
	}
}

// modTarget is the resolved target of module path mod, as rm -m resolves it.
func modTarget(mod string) *target.Target {
	return &target.Target{Spec: target.Spec{Arg: mod, Form: target.FormModule, Path: mod},
		Kind: index.ModuleKind, Module: mod, Key: index.Key{Pkg: mod}, Name: mod}
}
