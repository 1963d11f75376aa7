package buildcache

import (
	"context"
	"os"
	"os/exec"
	"testing"
)

// The benchmarks scan a build cache read-only: $GOREMOVER_BENCH_GOCACHE,
// or the one 'go env GOCACHE' names. Scan reads every action entry (du
// does not) and stats every file; BenchmarkDu is du -s of the same
// directory in the same run, the baseline of the ratio.
//
//	go test ./internal/buildcache -run NONE -bench . -benchtime 3x

func benchCache(b *testing.B) string {
	dir := os.Getenv("GOREMOVER_BENCH_GOCACHE")
	if dir == "" {
		out, err := exec.Command("go", "env", "GOCACHE").Output()
		if err != nil {
			b.Skip(err)
		}
		dir = string(out[:len(out)-1])
	}
	real, err := Check(dir)
	if err != nil {
		b.Skip(err)
	}
	return real
}

func BenchmarkBuildCacheScan(b *testing.B) {
	dir := benchCache(b)
	var c *Cache
	for b.Loop() {
		var err error
		if c, err = Scan(context.Background(), dir, nil); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(c.Actions)+len(c.Outputs)), "entries")
	b.ReportMetric(float64(c.Bytes())/1e9, "GB")
}

func BenchmarkDu(b *testing.B) {
	dir := benchCache(b)
	if _, err := exec.LookPath("du"); err != nil {
		b.Skip(err)
	}
	for b.Loop() {
		if err := exec.Command("du", "-s", dir).Run(); err != nil {
			b.Fatal(err)
		}
	}
}
