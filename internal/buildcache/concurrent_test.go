package buildcache

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// TestConcurrentBuild trims a platform's entries again and again while
// go build for that platform runs and uses them: every build must
// succeed (rule 1: an entry a build uses gets a new mtime first).
func TestConcurrentBuild(t *testing.T) {
	// It builds the runtime for windows several times: minutes on a
	// small machine.
	if testing.Short() || os.Getenv("GOREMOVER_SLOW_TESTS") == "" {
		t.Skip("set GOREMOVER_SLOW_TESTS=1 to run")
	}
	mod := t.TempDir()
	files := map[string]string{
		"go.mod":   "module example.com/m\n\ngo 1.22\n",
		"a/a.go":   "package a\n\nfunc A() int { return 1 }\n",
		"b/b.go":   "package b\n\nimport \"example.com/m/a\"\n\nfunc B() int { return a.A() }\n",
		"cmd/x.go": "package main\n\nimport \"example.com/m/b\"\n\nfunc main() { println(b.B()) }\n",
	}
	for name, src := range files {
		p := filepath.Join(mod, name)
		os.MkdirAll(filepath.Dir(p), 0o777)
		if err := os.WriteFile(p, []byte(src), 0o666); err != nil {
			t.Fatal(err)
		}
	}
	gocache := filepath.Join(t.TempDir(), "gocache")
	t.Setenv("GOCACHE", gocache)
	t.Setenv("GOFLAGS", "-mod=mod")
	t.Setenv("GOTOOLCHAIN", "local")
	t.Setenv("GOPROXY", "off")
	t.Setenv("GOOS", "windows")
	t.Setenv("GOARCH", "amd64")
	build := func() error {
		cmd := exec.Command("go", "build", "-o", os.DevNull, "./cmd")
		cmd.Dir = mod
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Logf("%s", out)
		}
		return err
	}
	if err := build(); err != nil {
		t.Fatal(err)
	}
	age := func() {
		tm := time.Now().Add(-2 * time.Hour)
		filepath.WalkDir(gocache, func(p string, _ os.DirEntry, err error) error {
			if err == nil {
				os.Chtimes(p, tm, tm)
			}
			return nil
		})
	}
	dir, err := Check(gocache)
	if err != nil {
		t.Fatal(err)
	}
	// Every entry unused for two hours: a build that uses one marks it
	// used first, which the trim must see.
	age()
	errc := make(chan error, 1)
	go func() {
		for range 3 {
			if err := build(); err != nil {
				errc <- err
				return
			}
		}
		errc <- nil
	}()
	p := Platform{GOOS: "windows", GOARCH: "amd64"}
	trims := 0
	for {
		select {
		case err := <-errc:
			if err != nil {
				t.Fatalf("go build failed during a trim: %v", err)
			}
			if trims == 0 {
				t.Fatal("no trim ran during the builds")
			}
			return
		default:
		}
		c, err := Scan(context.Background(), dir, nil)
		if err != nil {
			t.Fatal(err)
		}
		plan, err := Attribute(context.Background(), c, mod, []string{"./..."}, p)
		if err != nil {
			t.Fatal(err)
		}
		tr := Select(c, Selection{Plans: []*Plan{plan}, Now: time.Now()})
		if _, err := Apply(c, tr); err != nil {
			t.Fatal(err)
		}
		trims++
	}
}
