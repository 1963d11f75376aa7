package cli

// BenchmarkRm measures 'goremover rm' (analysis with a warm index cache,
// the apply, the type checks of what the change can break in every
// configuration, the commit) against the floor, one cold go/packages load
// of the working set (see bench.Floor), in the same iterations: a leaf
// target (nothing imports its package), a root one (every package imports
// its package, so the whole working set is checked again, in every
// configuration) and an unused method of that root package (as
// model/labels.Labels.DropMetricName in prometheus).
//
//	go test -bench Rm -benchtime 3x ./internal/cli
//	GOREMOVER_BENCH_DIR=/path/to/repo GOREMOVER_BENCH_TARGETS=./a.F,./b.G go test -bench Rm -benchtime 3x ./internal/cli
//
// The tree is rolled back after each iteration.

import (
	"io"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/goremover/goremover/internal/bench"
	"github.com/goremover/goremover/internal/load"
)

func BenchmarkRm(b *testing.B) {
	dir := bench.Dir(b)
	targets := map[string]string{"leaf": "./p149.F39", "root": "./p0.F39", "method": "./p0.T.Drop"}
	if t := os.Getenv("GOREMOVER_BENCH_TARGETS"); t != "" {
		targets = map[string]string{}
		for _, s := range strings.Split(t, ",") {
			targets[s] = s
		}
	}
	ws, err := load.Find(dir)
	if err != nil {
		b.Fatal(err)
	}
	b.Setenv("GOREMOVERCACHE", b.TempDir())
	Stdout, Stderr = io.Discard, io.Discard
	defer func() { Stdout, Stderr = os.Stdout, os.Stderr }()
	wd, _ := os.Getwd()
	defer os.Chdir(wd)
	run := func(args ...string) {
		if code := Main(append([]string{"-C", dir}, args...)); code != 0 {
			b.Fatalf("goremover %s: exit %d", strings.Join(args, " "), code)
		}
		os.Chdir(wd)
	}
	bench.Floor(b, ws)
	for _, t := range targets {
		run("impact", t) // warm the index cache, as a user who asked first
	}
	for name, t := range targets {
		b.Run(name, func(b *testing.B) {
			var tFloor, tRm time.Duration
			for range b.N {
				t0 := time.Now()
				bench.Floor(b, ws)
				t1 := time.Now()
				run("rm", t)
				tRm += time.Since(t1)
				tFloor += t1.Sub(t0)
				run("rollback")
			}
			b.ReportMetric(float64(tFloor.Milliseconds())/float64(b.N), "floor-ms/op")
			b.ReportMetric(tRm.Seconds()/tFloor.Seconds(), "rm/floor")
		})
	}
}
