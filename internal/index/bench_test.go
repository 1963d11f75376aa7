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
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"golang.org/x/tools/go/packages"

	"github.com/goremover/goremover/internal/load"
)

// genModule writes a module of n packages, each importing the previous
// one, with tests, an interface, platform and tag-specific files.
func genModule(tb testing.TB, n int) string {
	dir := tb.TempDir()
	write := func(name, src string) {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o777); err != nil {
			tb.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(src), 0o666); err != nil {
			tb.Fatal(err)
		}
	}
	write("go.mod", "module example.com/big\n\ngo 1.22\n")
	for i := range n {
		imp, use := "", ""
		if i > 0 {
			imp = fmt.Sprintf("import prev \"example.com/big/p%d\"\n", i-1)
			use = "\tvar _ prev.Doer = &prev.T{}\n\t_ = prev.F(n)\n"
		}
		var funcs string
		for j := range 40 {
			funcs += fmt.Sprintf("func F%d(n int) int { if n > %d { return F%d(n-1) + helper(n) }; return n }\n\n", j, j, j)
		}
		write(fmt.Sprintf("p%d/p.go", i), fmt.Sprintf(`package p%d

%s
type Doer interface{ Do() error }

type T struct{ Name string; n int }

func (t *T) Do() error { return nil }

func (t *T) String() string { return t.Name }

func F(n int) int {
%s	return helper(n)
}

func helper(n int) int { return n * 2 }

%s`, i, imp, use, funcs))
		write(fmt.Sprintf("p%d/p_windows.go", i), fmt.Sprintf("package p%d\n\nfunc winOnly() int { return F(1) }\n", i))
		write(fmt.Sprintf("p%d/p_integration_test.go", i), fmt.Sprintf("//go:build integration\n\npackage p%d\n\nimport \"testing\"\n\nfunc TestIntegration(t *testing.T) { F(2) }\n", i))
		write(fmt.Sprintf("p%d/p_test.go", i), fmt.Sprintf("package p%d\n\nimport \"testing\"\n\nfunc TestF(t *testing.T) { if F(1) != 2 { t.Fatal() } }\n", i))
	}
	return dir
}

func benchDir(b *testing.B) string {
	if d := os.Getenv("GOREMOVER_BENCH_DIR"); d != "" {
		return d
	}
	return genModule(b, 150)
}

// floor loads the working set once for the host, as cheaply as any tool
// that type-checks it from source can.
func floor(b *testing.B, ws *load.WorkingSet) {
	var patterns []string
	for _, m := range ws.Modules {
		patterns = append(patterns, m.Dir+"/...")
	}
	cfg := &packages.Config{Mode: packages.NeedName | packages.NeedFiles | packages.NeedImports | packages.NeedTypes | packages.NeedTypesInfo | packages.NeedSyntax, Dir: ws.Root, Tests: true}
	if _, err := packages.Load(cfg, patterns...); err != nil {
		b.Fatal(err)
	}
}

func BenchmarkBuild(b *testing.B) {
	dir := benchDir(b)
	ws, err := load.Find(dir)
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	floor(b, ws) // warm the go build cache: export data of dependencies
	var tFloor, tCold, tWarm time.Duration
	b.ResetTimer()
	for range b.N {
		t0 := time.Now()
		floor(b, ws)
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
