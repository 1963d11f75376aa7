package modcache

// The benchmarks measure cache list and cache prune (dry run) over a
// synthetic module cache of 5,000 module versions, laid out as the go
// command lays it out (download cache files, read-only extracted trees),
// against du -s of the same cache in the same run: the "x-du" metric is
// the ratio of the command's time to du's.
//
//	go test ./internal/modcache -run '^$' -bench . -benchtime 5x
//
// MODCACHE_BENCH_DIR=$(go env GOMODCACHE) measures a real cache instead
// (read only: list and the dry run write nothing).

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"golang.org/x/mod/module"
)

var (
	benchOnce sync.Once
	benchDir  string
	benchErr  error
)

const benchVersions = 5000

// benchCache returns the cache to measure, generating the synthetic one
// once: 1,000 modules of 5 versions, each a tree of 12 files in 3
// packages.
func benchCache(b *testing.B) string {
	if d := os.Getenv("MODCACHE_BENCH_DIR"); d != "" {
		return d
	}
	benchOnce.Do(func() {
		benchDir, benchErr = os.MkdirTemp("", "goremover-modcache-bench-")
		if benchErr != nil {
			return
		}
		for i := range benchVersions / 5 {
			for j := range 5 {
				writeVersion(b, benchDir, fmt.Sprintf("example.com/org%d/Mod%d", i%37, i), fmt.Sprintf("v1.%d.0", j), 12)
			}
		}
	})
	if benchErr != nil {
		b.Fatal(benchErr)
	}
	return benchDir
}

func TestMain(m *testing.M) {
	code := m.Run()
	if benchDir != "" {
		cleanupDir(benchDir)
		os.RemoveAll(benchDir)
	}
	os.Exit(code)
}

// cleanupDir makes the read-only trees under dir writable.
func cleanupDir(dir string) {
	filepath.WalkDir(dir, func(p string, e os.DirEntry, err error) error {
		if err == nil && e.IsDir() {
			os.Chmod(p, 0o755)
		}
		return nil
	})
}

// benchNeeds says a project needs the source of one version in three
// and the go.mod of another.
func benchNeeds(l *Listing) []Needs {
	n := Needs{}
	for i, v := range l.Versions {
		switch i % 3 {
		case 0:
			n[module.Version{Path: v.Path, Version: v.Version}] = NeedSrc
		case 1:
			n[module.Version{Path: v.Path, Version: v.Version}] = NeedMod
		}
	}
	return []Needs{n}
}

// duTime returns how long du -s takes on dir.
func duTime(b *testing.B, dir string) time.Duration {
	start := time.Now()
	if out, err := exec.Command("du", "-s", dir).CombinedOutput(); err != nil {
		b.Fatalf("du -s: %v\n%s", err, out)
	}
	return time.Since(start)
}

// bench runs op b.N times, each run next to one of du -s on the same
// cache, and reports the ratio of the two.
func bench(b *testing.B, op func(dir string)) {
	dir := benchCache(b)
	duTime(b, dir) // warm the page cache for both
	op(dir)
	var du, own time.Duration
	b.ResetTimer()
	for range b.N {
		b.StopTimer()
		du += duTime(b, dir)
		b.StartTimer()
		start := time.Now()
		op(dir)
		own += time.Since(start)
	}
	b.ReportMetric(float64(own)/float64(du), "x-du")
	b.ReportMetric(float64(du.Milliseconds())/float64(b.N), "du-ms/op")
}

func BenchmarkCacheList(b *testing.B) {
	bench(b, func(dir string) {
		l, err := Scan(context.Background(), dir, nil)
		if err != nil {
			b.Fatal(err)
		}
		if os.Getenv("MODCACHE_BENCH_DIR") == "" && len(l.Versions) != benchVersions {
			b.Fatalf("%d versions, want %d", len(l.Versions), benchVersions)
		}
		ListText(io.Discard, l, []Project{{Dir: "/p"}}, Attribute(l, benchNeeds(l)))
	})
}

func BenchmarkCachePrune(b *testing.B) {
	bench(b, func(dir string) {
		l, err := Scan(context.Background(), dir, nil)
		if err != nil {
			b.Fatal(err)
		}
		plan := Plan(Attribute(l, benchNeeds(l)), Options{Now: time.Now()})
		if len(plan) == 0 {
			b.Fatal("nothing to prune")
		}
		PruneText(io.Discard, plan, nil)
	})
}
