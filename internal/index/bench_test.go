package index

// Benchmarks of Build against its floor: one go/packages load of the
// working set (packages and tests from source, dependencies from export
// data) for the host only. BenchmarkBuild reports cold/floor and
// warm/floor ratios measured in the same iterations.
//
// By default the working set is a generated module; set
// GOREMOVER_BENCH_DIR to run on a real repository:
//
//	GOREMOVER_BENCH_DIR=/path/to/prometheus go test -bench Build -benchtime 3x ./internal/index

import (
	"context"
	"testing"
	"time"

	"github.com/goremover/goremover/internal/bench"
	"github.com/goremover/goremover/internal/load"
)

func BenchmarkBuild(b *testing.B) {
	dir := bench.Dir(b)
	ws, err := load.Find(dir)
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	bench.Floor(b, ws) // warm the go build cache: export data of dependencies
	var tFloor, tCold, tWarm time.Duration
	b.ResetTimer()
	for range b.N {
		t0 := time.Now()
		bench.Floor(b, ws)
		t1 := time.Now()
		cache := b.TempDir()
		if _, err := Build(ctx, ws, &Options{CacheDir: cache}); err != nil {
			b.Fatal(err)
		}
		t2 := time.Now()
		if _, err := Build(ctx, ws, &Options{CacheDir: cache}); err != nil {
			b.Fatal(err)
		}
		t3 := time.Now()
		tFloor += t1.Sub(t0)
		tCold += t2.Sub(t1)
		tWarm += t3.Sub(t2)
	}
	b.ReportMetric(float64(tFloor.Milliseconds())/float64(b.N), "floor-ms/op")
	b.ReportMetric(tCold.Seconds()/tFloor.Seconds(), "cold/floor")
	b.ReportMetric(tWarm.Seconds()/tFloor.Seconds(), "warm/floor")
}
