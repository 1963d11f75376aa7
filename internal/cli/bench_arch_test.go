package cli

// BenchmarkArch measures 'goremover arch check' against a warm 'goremover
// impact' of one target, in the same iterations (both with a warm index
// cache): checking rules must cost no more than asking one question.
//
//	go test -bench Arch -benchtime 5x ./internal/cli
//	GOREMOVER_BENCH_DIR=/path/to/repo GOREMOVER_BENCH_TARGETS=./tsdb/chunks.ChunkDiskMapper go test -bench Arch -benchtime 5x ./internal/cli
//
// A GOREMOVER_BENCH_DIR must have its own .goremover.yaml; the generated
// module gets one with a rule of each kind.

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/goremover/goremover/internal/bench"
)

func BenchmarkArch(b *testing.B) {
	dir := bench.Dir(b)
	target := "./p149.F39"
	if t := os.Getenv("GOREMOVER_BENCH_TARGETS"); t != "" {
		target = strings.Split(t, ",")[0]
	}
	cfg := filepath.Join(dir, ".goremover.yaml")
	if os.Getenv("GOREMOVER_BENCH_DIR") == "" {
		rules := "arch:\n  layers: [./p1..., ./p0]\n  forbidden:\n    - {from: ./p0, to: ./p149, transitive: true}\n" +
			"  only:\n    - {imports: std, from: ./...}\n  internal: true\n  cycles: [{dirs: 1}]\n" +
			"  fan:\n    - {packages: ./..., max_in: 1000, max_out: 1000}\n  embed:\n    - {packages: ./..., dirs: ./...}\n"
		if err := os.WriteFile(cfg, []byte(rules), 0o644); err != nil {
			b.Fatal(err)
		}
	} else if _, err := os.Stat(cfg); err != nil {
		b.Skipf("%s has no .goremover.yaml", dir)
	}
	b.Setenv("GOREMOVERCACHE", b.TempDir())
	Stdout, Stderr = io.Discard, io.Discard
	defer func() { Stdout, Stderr = os.Stdout, os.Stderr }()
	wd, _ := os.Getwd()
	defer os.Chdir(wd)
	run := func(args ...string) {
		if code := Main(append([]string{"-C", dir}, args...)); code > exitBlocked {
			b.Fatalf("goremover %s: exit %d", strings.Join(args, " "), code)
		}
		os.Chdir(wd)
	}
	run("impact", target) // warm the index cache
	b.ResetTimer()
	var tImpact, tArch time.Duration
	for range b.N {
		t0 := time.Now()
		run("impact", target)
		t1 := time.Now()
		run("arch", "check")
		tArch += time.Since(t1)
		tImpact += t1.Sub(t0)
	}
	b.ReportMetric(float64(tImpact.Milliseconds())/float64(b.N), "impact-ms/op")
	b.ReportMetric(tArch.Seconds()/tImpact.Seconds(), "arch/impact")
}
