//go:build unix

package cli

// This file compares goremover dead with cmd/deadcode: peak RSS comes
// from the rusage of child processes, which only Unix systems report.

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"syscall"
	"testing"
	"time"

	"github.com/goremover/goremover/internal/bench"
	"github.com/goremover/goremover/internal/load"
)

// BenchmarkDead measures 'goremover dead -api=off' against
// golang.org/x/tools/cmd/deadcode -test (which must be in PATH; the
// benchmark is skipped otherwise) on the same tree, in the same
// iterations, both as child processes so that they are measured alike:
// wall time, and peak RSS from the children's rusage (which covers the
// go command they start). deadcode runs in each module of the working
// set (its ./... stops at nested modules), its times summed and its peak
// the largest. goremover runs twice: with an empty index cache (cold: it
// loads and type-checks every package in every configuration) and again
// with the cache that run filled (warm: what a user who ran any command
// before sees). The go build cache is warm for both tools (each runs once
// before the measures: the first goremover run on a tree compiles the
// export data of its dependencies, once per toolchain and flags).
//
//	go install golang.org/x/tools/cmd/deadcode@latest
//	GOREMOVER_BENCH_DIR=/path/to/repo go test -bench Dead -benchtime 1x -timeout 2h ./internal/cli
//
// Metrics: deadcode-s and deadcode-MB (its wall time and peak RSS per
// run), and for cold and warm runs of dead the ratios of wall time and
// peak RSS to deadcode's.
func BenchmarkDead(b *testing.B) {
	dc, err := exec.LookPath("deadcode")
	if err != nil {
		b.Skip("deadcode is not in PATH; install it with\n\tgo install golang.org/x/tools/cmd/deadcode@latest")
	}
	dir := bench.Dir(b)
	ws, err := load.Find(dir)
	if err != nil {
		b.Fatal(err)
	}
	bin := filepath.Join(b.TempDir(), "goremover")
	if out, err := exec.Command("go", "build", "-o", bin, "github.com/goremover/goremover/cmd/goremover").CombinedOutput(); err != nil {
		b.Fatalf("go build: %v\n%s", err, out)
	}
	// child runs a command in dir, returning its wall time and peak RSS.
	child := func(dir string, env []string, name string, args ...string) (time.Duration, int64, []byte, error) {
		cmd := exec.Command(name, args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), env...)
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		t0 := time.Now()
		err := cmd.Run()
		d := time.Since(t0)
		var rss int64
		if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
			rss = int64(ru.Maxrss)
			if runtime.GOOS != "darwin" {
				rss *= 1024 // kilobytes but on macOS
			}
		}
		return d, rss, out.Bytes(), err
	}
	deadcode := func() (time.Duration, int64) {
		var total time.Duration
		var peak int64
		for _, m := range ws.Modules {
			d, rss, out, err := child(m.Dir, nil, dc, "-test", "./...")
			if err != nil && !bytes.Contains(out, []byte("no packages")) {
				b.Fatalf("deadcode -test ./... in %s: %v\n%s", m.Dir, err, out)
			}
			total += d
			peak = max(peak, rss)
		}
		return total, peak
	}
	dead := func(cache string) (time.Duration, int64) {
		d, rss, out, err := child(dir, []string{"GOREMOVERCACHE=" + cache}, bin, "dead", "-api=off")
		if err != nil {
			b.Fatalf("goremover dead -api=off: %v\n%s", err, out)
		}
		return d, rss
	}
	// Warm the go build cache for both: deadcode loads everything from
	// source, goremover asks the go command for its dependencies' export
	// data, which it compiles on first use.
	deadcode()
	dead(b.TempDir())
	var tDC, tCold, tWarm time.Duration
	var mDC, mCold, mWarm int64
	for range b.N {
		t, m := deadcode()
		tDC += t
		mDC = max(mDC, m)
		cache := b.TempDir()
		t, m = dead(cache)
		tCold += t
		mCold = max(mCold, m)
		t, m = dead(cache)
		tWarm += t
		mWarm = max(mWarm, m)
	}
	b.ReportMetric(tDC.Seconds()/float64(b.N), "deadcode-s")
	b.ReportMetric(float64(mDC)/(1<<20), "deadcode-MB")
	b.ReportMetric(tCold.Seconds()/tDC.Seconds(), "cold-time/deadcode")
	b.ReportMetric(float64(mCold)/float64(mDC), "cold-rss/deadcode")
	b.ReportMetric(tWarm.Seconds()/tDC.Seconds(), "warm-time/deadcode")
	b.ReportMetric(float64(mWarm)/float64(mDC), "warm-rss/deadcode")
}
