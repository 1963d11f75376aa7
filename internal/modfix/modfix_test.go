package modfix

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/goremover/goremover/internal/edit"
	"github.com/goremover/goremover/internal/index"
	"github.com/goremover/goremover/internal/load"
	"github.com/rogpeppe/go-internal/goproxytest"
)

// testEnv serves testdata/mod from a local proxy into a fresh module
// cache. The go commands of the tests themselves may use the proxy;
// modfix's own run with GOPROXY=off, so they only see what is cached.
func testEnv(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no go command")
	}
	proxy := goproxytest.NewTestServer(t, filepath.Join("..", "..", "testdata", "mod"), "")
	t.Setenv("GOPROXY", proxy.URL)
	t.Setenv("GOMODCACHE", filepath.Join(t.TempDir(), "modcache"))
	t.Setenv("GOFLAGS", "-modcacherw")
	t.Setenv("GOSUMDB", "off")
	t.Setenv("GONOSUMDB", "")
	t.Setenv("GOPRIVATE", "")
	t.Setenv("GONOPROXY", "")
	t.Setenv("GOWORK", "off")
	t.Setenv("GOTOOLCHAIN", "local")
	t.Setenv("GOREMOVERCACHE", "off")
}

// writeTree writes files (slash-separated names) under a new directory.
func writeTree(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o777); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o666); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func goCmd(t *testing.T, dir string, env []string, args ...string) string {
	t.Helper()
	cmd := exec.Command("go", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

func loadIndex(t *testing.T, dir string) (*load.WorkingSet, *index.Index) {
	t.Helper()
	ws, err := load.Find(dir)
	if err != nil {
		t.Fatal(err)
	}
	x, err := index.Build(context.Background(), ws, &index.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return ws, x
}

func readFile(t *testing.T, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	return data
}

// copyDir copies a directory tree of regular files.
func copyDir(t *testing.T, from string) string {
	t.Helper()
	to := t.TempDir()
	err := filepath.Walk(from, func(p string, fi os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(from, p)
		if fi.IsDir() {
			return os.MkdirAll(filepath.Join(to, rel), 0o777)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(to, rel), data, fi.Mode())
	})
	if err != nil {
		t.Fatal(err)
	}
	return to
}

// realTidy applies set to a copy of dir and runs go mod tidy there,
// offline, returning the resulting go.mod and go.sum.
func realTidy(t *testing.T, dir string, set *edit.Set) (goMod, goSum []byte) {
	t.Helper()
	c := copyDir(t, dir)
	if set != nil {
		for _, f := range set.Files() {
			rel, _ := filepath.Rel(dir, f.Path)
			p := filepath.Join(c, rel)
			if f.New == nil {
				os.Remove(p)
			} else if err := os.WriteFile(p, f.New, 0o666); err != nil {
				t.Fatal(err)
			}
		}
	}
	goCmd(t, c, []string{"GOPROXY=off"}, "mod", "tidy")
	return readFile(t, filepath.Join(c, "go.mod")), readFile(t, filepath.Join(c, "go.sum"))
}

const (
	modApp = `module example.com/m

go 1.22

require (
	example.com/dep v1.1.0
	example.com/user v1.0.0
)
`
	appGo  = "package app\n\nimport \"example.com/dep\"\n\nfunc Run() string { return dep.Hello() }\n"
	uGo    = "package u\n\nimport \"example.com/user\"\n\nfunc Run() string { return user.Greet() }\n"
	mainGo = "package main\n\nimport (\n\t\"fmt\"\n\n\t\"example.com/m/app\"\n)\n\nfunc main() { fmt.Println(app.Run()) }\n"
)

// tidyFixture writes a module and makes it tidy with the proxy, which
// fills go.sum and the module cache.
func tidyFixture(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := writeTree(t, files)
	goCmd(t, dir, nil, "mod", "tidy")
	return dir
}

func deleteSet(t *testing.T, x *index.Index, dir string, names ...string) *edit.Set {
	t.Helper()
	set := &edit.Set{}
	for _, n := range names {
		p := filepath.Join(dir, filepath.FromSlash(n))
		var old []byte
		for _, d := range x.Dirs {
			for _, f := range d.Files {
				if f.Abs == p {
					old = f.Src
				}
			}
		}
		if old == nil {
			t.Fatalf("%s is not in the index", n)
		}
		if err := set.Add(&edit.File{Path: p, Old: old, Mode: 0o666}); err != nil {
			t.Fatal(err)
		}
	}
	return set
}

func TestTidy(t *testing.T) {
	testEnv(t)
	dir := tidyFixture(t, map[string]string{
		"go.mod":          modApp,
		"app/app.go":      appGo,
		"u/u.go":          uGo,
		"cmd/m/main.go":   mainGo,
		"app/app_test.go": "package app\n\nimport \"testing\"\n\nfunc TestRun(t *testing.T) { Run() }\n",
	})
	ws, x := loadIndex(t, dir)
	m := &ws.Modules[0]
	origMod, origSum := readFile(t, filepath.Join(dir, "go.mod")), readFile(t, filepath.Join(dir, "go.sum"))

	for _, tc := range []struct {
		name  string
		del   []string
		check func(t *testing.T, goMod, goSum []byte)
	}{
		{"dep-becomes-indirect", []string{"app/app.go", "app/app_test.go", "cmd/m/main.go"}, func(t *testing.T, goMod, goSum []byte) {
			if !bytes.Contains(goMod, []byte("example.com/dep v1.1.0 // indirect")) {
				t.Errorf("dep not indirect:\n%s", goMod)
			}
		}},
		{"user-dropped", []string{"u/u.go"}, func(t *testing.T, goMod, goSum []byte) {
			if bytes.Contains(goMod, []byte("example.com/user")) || bytes.Contains(goSum, []byte("example.com/user")) {
				t.Errorf("user kept:\n%s\n%s", goMod, goSum)
			}
		}},
		{"all-dropped", []string{"u/u.go", "app/app.go", "app/app_test.go", "cmd/m/main.go"}, func(t *testing.T, goMod, goSum []byte) {
			if len(bytes.TrimSpace(goSum)) != 0 {
				t.Errorf("go.sum not empty:\n%s", goSum)
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			set := deleteSet(t, x, dir, tc.del...)
			goMod, goSum, err := Tidy(context.Background(), ws, x, m, set)
			if err != nil {
				t.Fatal(err)
			}
			wantMod, wantSum := realTidy(t, dir, set)
			if !bytes.Equal(goMod, wantMod) {
				t.Errorf("go.mod:\n%s\nwant (go mod tidy):\n%s", goMod, wantMod)
			}
			if !bytes.Equal(goSum, wantSum) {
				t.Errorf("go.sum:\n%s\nwant (go mod tidy):\n%s", goSum, wantSum)
			}
			tc.check(t, goMod, goSum)
			// The user's files are untouched.
			if !bytes.Equal(readFile(t, filepath.Join(dir, "go.mod")), origMod) || !bytes.Equal(readFile(t, filepath.Join(dir, "go.sum")), origSum) {
				t.Fatal("Tidy wrote the user's files")
			}
		})
	}

	// An edit that drops the import, rather than a deletion.
	t.Run("edit", func(t *testing.T) {
		p := filepath.Join(dir, "app", "app.go")
		set := &edit.Set{}
		if err := set.Add(&edit.File{Path: p, Old: []byte(appGo), New: []byte("package app\n\nfunc Run() string { return \"\" }\n"), Mode: 0o666}); err != nil {
			t.Fatal(err)
		}
		goMod, goSum, err := Tidy(context.Background(), ws, x, m, set)
		if err != nil {
			t.Fatal(err)
		}
		wantMod, wantSum := realTidy(t, dir, set)
		if !bytes.Equal(goMod, wantMod) || !bytes.Equal(goSum, wantSum) {
			t.Errorf("got:\n%s\n%s\nwant (go mod tidy):\n%s\n%s", goMod, goSum, wantMod, wantSum)
		}
		if !bytes.Contains(goMod, []byte("example.com/dep v1.1.0 // indirect")) {
			t.Errorf("dep not indirect:\n%s", goMod)
		}
	})

	// A set that removes no import of another module changes nothing and
	// runs nothing (a go command would fail: PATH is empty).
	t.Run("no-candidate", func(t *testing.T) {
		set := deleteSet(t, x, dir, "app/app_test.go")
		t.Setenv("PATH", "")
		goMod, goSum, err := Tidy(context.Background(), ws, x, m, set)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(goMod, origMod) || !bytes.Equal(goSum, origSum) {
			t.Errorf("changed:\n%s\n%s", goMod, goSum)
		}
	})
}

// TestTidyKeepsUntidy checks that lines that were already untidy before
// the change stay as they are: only the removal's consequences are applied.
func TestTidyKeepsUntidy(t *testing.T) {
	testEnv(t)
	dir := tidyFixture(t, map[string]string{
		"go.mod":     modApp,
		"app/app.go": appGo,
		"u/u.go":     uGo,
		// gen is required only by a //go:build ignore generator: tidy
		// would drop it, the SPEC counts the generator's import.
		"gen/main.go": "//go:build ignore\n\npackage main\n\nimport \"example.com/gen\"\n\nfunc main() { print(gen.Header(\"x\")) }\n",
	})
	// Make gen required (tidy dropped it) and add an unrelated stale
	// go.sum line that tidy would remove.
	goCmd(t, dir, nil, "get", "example.com/gen@v1.0.0")
	goCmd(t, dir, nil, "mod", "download", "example.com/dep@v1.0.0")
	sumPath := filepath.Join(dir, "go.sum")
	stale := "example.com/dep v1.0.0/go.mod h1:+EcA0RRhTHNkhwTZrs6d61eGbU3a6I3fKHjUcNddTyc=\n"
	sum := readFile(t, sumPath)
	if !bytes.Contains(sum, []byte(stale)) {
		sum = append(sum, stale...)
		os.WriteFile(sumPath, sum, 0o666)
	}
	ws, x := loadIndex(t, dir)
	m := &ws.Modules[0]
	set := deleteSet(t, x, dir, "u/u.go")
	goMod, goSum, err := Tidy(context.Background(), ws, x, m, set)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(goMod, []byte("example.com/gen v1.0.0")) {
		t.Errorf("gen dropped:\n%s", goMod)
	}
	if bytes.Contains(goMod, []byte("example.com/user")) {
		t.Errorf("user kept:\n%s", goMod)
	}
	if !bytes.Contains(goSum, []byte(stale)) {
		t.Errorf("unrelated stale go.sum line removed:\n%s", goSum)
	}
	if bytes.Contains(goSum, []byte("example.com/user")) {
		t.Errorf("user's go.sum lines kept:\n%s", goSum)
	}
}

// TestTidyWorkspace checks Tidy in a go.work workspace where the module
// imports a sibling it does not require (the workspace resolves it):
// the scratch copy replaces the sibling by its directory.
func TestTidyWorkspace(t *testing.T) {
	testEnv(t)
	t.Setenv("GOWORK", "")
	dir := writeTree(t, map[string]string{
		"go.work":   "go 1.22\n\nuse (\n\t./a\n\t./b\n)\n",
		"a/go.mod":  "module example.com/a\n\ngo 1.22\n\nrequire example.com/dep v1.1.0\n",
		"a/a.go":    "package a\n\nimport (\n\t\"example.com/b\"\n\t\"example.com/dep\"\n)\n\nvar _ = b.B\nvar _ = dep.Hello\n",
		"a/keep.go": "package a\n\nimport \"example.com/b\"\n\nvar _ = b.B\n",
		"b/go.mod":  "module example.com/b\n\ngo 1.22\n",
		"b/b.go":    "package b\n\nconst B = 1\n",
		"dl/go.mod": "module dl\n",
		"dl/dl.go":  "package dl\n",
	})
	goCmd(t, filepath.Join(dir, "dl"), []string{"GOWORK=off"}, "mod", "download", "example.com/dep@v1.1.0")
	goCmd(t, filepath.Join(dir, "a"), []string{"GOWORK=off", "GOFLAGS=-mod=mod"}, "mod", "download", "example.com/dep")
	os.WriteFile(filepath.Join(dir, "a", "go.sum"), []byte("example.com/dep v1.1.0 h1:SDuX4e4B7a6IsyjnuJ4pgYBV4RK1Bw9EDYrCajUPJrs=\nexample.com/dep v1.1.0/go.mod h1:+EcA0RRhTHNkhwTZrs6d61eGbU3a6I3fKHjUcNddTyc=\n"), 0o666)
	ws, x := loadIndex(t, filepath.Join(dir, "a"))
	var m *load.Module
	for i := range ws.Modules {
		if ws.Modules[i].Path == "example.com/a" {
			m = &ws.Modules[i]
		}
	}
	p := filepath.Join(dir, "a", "a.go")
	set := &edit.Set{}
	set.Add(&edit.File{Path: p, Old: readFile(t, p), Mode: 0o666})
	goMod, goSum, err := Tidy(context.Background(), ws, x, m, set)
	if err != nil {
		t.Fatal(err)
	}
	if want := "module example.com/a\n\ngo 1.22\n"; string(goMod) != want {
		t.Errorf("go.mod:\n%s\nwant:\n%s", goMod, want)
	}
	if len(goSum) != 0 || goSum == nil {
		t.Errorf("go.sum: %q, want empty (not deleted)", goSum)
	}
}
