package weigh

import "testing"

func TestSymbolPackage(t *testing.T) {
	for sym, want := range map[string]string{
		"runtime.main":                                 "runtime",
		"main.main":                                    "main",
		"github.com/a/b.(*T).M":                        "github.com/a/b",
		"github.com/a/b.F.func1":                       "github.com/a/b",
		"type:*github.com/a/b.T":                       "github.com/a/b",
		"type:.eq.github.com/a/b.T":                    "github.com/a/b",
		"go:itab.*github.com/a/b.T,io.Reader":          "github.com/a/b",
		"gopkg.in/yaml%2ev3.Marshal":                   "gopkg.in/yaml.v3",
		"github.com/a/b.G[go.shape.int]":               "github.com/a/b",
		"type:[]github.com/a/b.T":                      "github.com/a/b",
		"go:buildinfo":                                 "",
		"runtime.text":                                 "runtime",
		"type:map[string]github.com/a/b.T":             "",
		"crypto/internal/fips140/sha256.(*Digest).Sum": "crypto/internal/fips140/sha256",
	} {
		if got := SymbolPackage(sym); got != want {
			t.Errorf("SymbolPackage(%q) = %q, want %q", sym, got, want)
		}
	}
}

// TestParseNM checks that every defined symbol's bytes are charged to
// some package, so that the parts sum to the whole.
func TestParseNM(t *testing.T) {
	out := []byte(`  401000       1234 T runtime.text
  402000        100 T github.com/a/b.F
  403000         50 R type:*github.com/a/b.T
  404000         20 D go:buildinfo
                  0 U _cgo_foo
  405000          7 T main.main
`)
	s, err := ParseNM("app", out)
	if err != nil {
		t.Fatal(err)
	}
	if s.Total != 1411 {
		t.Errorf("total %d, want 1411", s.Total)
	}
	var sum int64
	for _, n := range s.ByPkg {
		sum += n
	}
	if sum != s.Total || s.ByPkg["github.com/a/b"] != 150 || s.ByPkg[""] != 20 {
		t.Errorf("by package %v (sum %d), want github.com/a/b 150, \"\" 20, sum %d", s.ByPkg, sum, s.Total)
	}
}
