// Package bench holds what goremover's benchmarks share: a generated
// module shaped like the worst case (every package re-checked in two more
// configurations) and the floor they are measured against, one
// go/packages load of the working set.
//
// Set GOREMOVER_BENCH_DIR to benchmark a real repository instead.
package bench

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"golang.org/x/tools/go/packages"

	"github.com/goremover/goremover/internal/load"
)

// Module writes a module of n packages, each importing the previous
// one, with tests, an interface, an unused method, platform and
// tag-specific files.
func Module(tb testing.TB, n int) string {
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

// Drop is used nowhere: removing it from p0 changes a package that
// every other one imports.
func (t *T) Drop() int { return t.n }

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

// Dir returns $GOREMOVER_BENCH_DIR, or a generated module of 150
// packages.
func Dir(b *testing.B) string {
	if d := os.Getenv("GOREMOVER_BENCH_DIR"); d != "" {
		return d
	}
	return Module(b, 150)
}

// Floor loads the working set once for the host, as the index's cold load
// does (see load.Check) and as cheaply as any tool that type-checks it from
// source can: one go/packages load of every package and its tests from
// source, dependencies from export data, with the same information asked
// of the go command. The go build cache is expected warm (callers load
// once before measuring): export data of dependencies is read, not built.
func Floor(b *testing.B, ws *load.WorkingSet) {
	var patterns []string
	for _, m := range ws.Modules {
		patterns = append(patterns, m.Dir+"/...")
	}
	cfg := &packages.Config{
		Mode: packages.NeedName | packages.NeedFiles | packages.NeedCompiledGoFiles |
			packages.NeedImports | packages.NeedTypes | packages.NeedTypesInfo | packages.NeedSyntax |
			packages.NeedTypesSizes | packages.NeedEmbedFiles | packages.NeedModule,
		Dir:   ws.Root,
		Tests: true,
	}
	if _, err := packages.Load(cfg, patterns...); err != nil {
		b.Fatal(err)
	}
}
