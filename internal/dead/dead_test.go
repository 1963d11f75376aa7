package dead

import (
	"context"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/goremover/goremover/internal/index"
	"github.com/goremover/goremover/internal/load"
)

func TestParseAPI(t *testing.T) {
	for _, s := range []string{"auto", "on", "off"} {
		if got, ok := ParseAPI(s); !ok || string(got) != s {
			t.Errorf("ParseAPI(%q) = %q, %v", s, got, ok)
		}
	}
	for _, s := range []string{"", "yes", "ON", "library"} {
		if got, ok := ParseAPI(s); ok {
			t.Errorf("ParseAPI(%q) = %q, true; want false", s, got)
		}
	}
}

func TestInternalPath(t *testing.T) {
	tests := []struct {
		path string
		want bool
	}{
		{"example.com/m/internal", true},
		{"example.com/m/internal/pay", true},
		{"internal/pay", true},
		{"/internal", true},
		{"example.com/m/internals/pay", false},
		{"example.com/m/myinternal", false},
		{"example.com/m/pay", false},
		{"", false},
	}
	for _, tt := range tests {
		if got := internalPath(tt.path); got != tt.want {
			t.Errorf("internalPath(%q) = %v, want %v", tt.path, got, tt.want)
		}
	}
}

func TestIsExported(t *testing.T) {
	tests := []struct {
		name string
		want bool
	}{
		{"F", true},
		{"f", false},
		{"T.M", true},
		{"T.m", false},
		{"t.M", true}, // an exported method of an unexported type
		{"_", false},
		{"Ä", true},
	}
	for _, tt := range tests {
		if got := isExported(tt.name); got != tt.want {
			t.Errorf("isExported(%q) = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestTestFunc(t *testing.T) {
	tests := []struct {
		name string
		want bool
	}{
		{"TestMain", true},
		{"Test", true},
		{"TestCharge", true},
		{"Test_charge", true},
		{"Test1", true},
		{"Testify", false},
		{"BenchmarkX", true},
		{"Benchmarks", false},
		{"Example", true},
		{"ExampleClient_Do", true},
		{"Examples", false},
		{"FuzzParse", true},
		{"Fuzzy", false},
		{"helper", false},
		{"TestÄ", true},
		{"Testä", false},
	}
	for _, tt := range tests {
		if got := testFunc(tt.name); got != tt.want {
			t.Errorf("testFunc(%q) = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestQualName(t *testing.T) {
	tests := []struct {
		pkg, name, want string
	}{
		{"example.com/m/pay", "Do", "Do"},
		{"example.com/m/pay", "do", "example.com/m/pay.do"},
		// An external test package's unexported methods match its
		// package's interfaces by the package's path.
		{"example.com/m/pay_test", "do", "example.com/m/pay.do"},
	}
	for _, tt := range tests {
		if got := qualName(index.Key{Pkg: tt.pkg, Path: "T." + tt.name}, tt.name); got != tt.want {
			t.Errorf("qualName(%s, %q) = %q, want %q", tt.pkg, tt.name, got, tt.want)
		}
	}
}

// analysisFiles is a module whose declarations say what they are: a
// //@ dead("name"), //@ uncertain("name") or //@ live("name") comment
// names a declaration of its file's package (T.M for a method or field).
// Every declaration of the module without a comment must be live.
var analysisFiles = map[string]string{
	"go.mod": "module example.com/m\n\ngo 1.22\n",
	"main.go": `package main

import (
	"reflect"

	"example.com/m/pay"
)

func main() {
	c := pay.New()
	c.Charge(pay.Limit)
	var v any = c
	reflect.ValueOf(v).MethodByName("Hook")
}

func unused() {} //@ dead("unused")
`,
	"pay/pay.go": `package pay

const Limit = 10

const fee = 2 //@ dead("fee")

type Client struct {
	amount int
	legacy bool //@ dead("Client.legacy")
}

func New() *Client { return &Client{amount: 1} }

func (c *Client) Charge(n int) { c.amount += n; c.log() }

func (c *Client) log() {}

func (c *Client) Hook() {}

func (c *Client) Report() string { return c.summary() } //@ uncertain("Client.Report")

func (c *Client) summary() string { return "" } //@ uncertain("Client.summary")

func (c *Client) retry() { c.legacy = true } //@ dead("Client.retry")

type request struct{ id int } //@ dead("request"), dead("request.id")

func legacyCharge(r request) int { return r.id * fee } //@ dead("legacyCharge")
`,
	"pay/pay_windows.go": `package pay

func init() { windowsOnly() }

func windowsOnly() {}
`,
	"pay/pay_test.go": `package pay

import "testing"

func TestCharge(t *testing.T) { onlyTests() }

func onlyTests() {}

func testHelper() {} //@ dead("testHelper")
`,
}

// TestAnalyze checks the liveness of every declaration of a small module
// against its //@ comments, both ways.
func TestAnalyze(t *testing.T) {
	t.Setenv("GOWORK", "off")
	t.Setenv("GOFLAGS", "-mod=mod")
	dir := t.TempDir()
	for name, src := range analysisFiles {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o777); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(src), 0o666); err != nil {
			t.Fatal(err)
		}
	}
	ws, err := load.Find(dir)
	if err != nil {
		t.Fatal(err)
	}
	x, err := index.Build(context.Background(), ws, &index.Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := expectations(t)
	res := Analyze(x, &Options{Tests: true})
	if len(res.Modules) != 1 || res.Modules[0].Mode != Application {
		t.Errorf("modules = %+v, want one application", res.Modules)
	}
	n := 0
	for _, p := range x.Packages {
		for _, d := range p.Decls {
			n++
			got := "dead"
			switch {
			case res.Uncertain(d.Key):
				got = "uncertain"
			case res.Live(d.Key):
				got = "live"
			}
			w := want[d.Key]
			if w == "" {
				w = "live"
			}
			if got != w {
				t.Errorf("%s (%s:%d): %s, want %s", d.Key.Path, d.Pos.File, d.Pos.Line, got, w)
			}
			delete(want, d.Key)
		}
	}
	for k := range want {
		t.Errorf("//@ comment names %s.%s, which the index does not declare", k.Pkg, k.Path)
	}
	if n < 20 {
		t.Errorf("the index has %d declarations; the module has more", n)
	}

	// Findings: the members of the dead type go with it; the uncertain
	// ones are not dead.
	var dead, uncertain []string
	for _, f := range res.Findings {
		switch f.Status {
		case Dead:
			dead = append(dead, f.Name)
		case Uncertain:
			uncertain = append(uncertain, f.Name)
		}
	}
	slices.Sort(dead)
	slices.Sort(uncertain)
	if w := []string{"Client.legacy", "Client.retry", "fee", "legacyCharge", "request", "testHelper", "unused"}; !slices.Equal(dead, w) {
		t.Errorf("dead findings %q, want %q", dead, w)
	}
	if w := []string{"Client.Report", "Client.summary"}; !slices.Equal(uncertain, w) {
		t.Errorf("uncertain findings %q, want %q", uncertain, w)
	}

	// -why: the chain of a method that a constant MethodByName on a
	// value of unknown type keeps starts at main and ends where a value
	// of its type becomes an interface value, naming the reflection.
	chain := res.Why(index.Key{Pkg: "example.com/m/pay", Path: "Client.Hook"})
	if len(chain) != 2 || chain[0].Name != "example.com/m.main" || !strings.HasPrefix(chain[0].How, "root: ") ||
		chain[1].Pos.File != "main.go" || chain[1].Pos.Line != 12 || !strings.Contains(chain[1].How, `found by reflection (MethodByName("Hook") on a value of unknown type) at main.go:13:34`) {
		t.Errorf("Why(Client.Hook) = %+v", chain)
	}
	// windowsOnly is live through an init of a _windows.go file.
	chain = res.Why(index.Key{Pkg: "example.com/m/pay", Path: "windowsOnly"})
	if len(chain) != 2 || !slices.Equal(chain[1].Platforms, []string{"windows/*"}) {
		t.Errorf("Why(windowsOnly) = %+v", chain)
	}
	if chain := res.Why(index.Key{Pkg: "example.com/m/pay", Path: "legacyCharge"}); chain != nil {
		t.Errorf("Why(legacyCharge) = %+v, want nil (dead)", chain)
	}

	// Without tests as roots, what only tests use is dead.
	res = Analyze(x, &Options{Tests: false})
	if k := (index.Key{Pkg: "example.com/m/pay", Path: "onlyTests"}); res.Live(k) {
		t.Errorf("-test=false: onlyTests is live")
	}
}

// expectations reads the //@ comments of the Go files of analysisFiles.
func expectations(t *testing.T) map[index.Key]string {
	want := map[index.Key]string{}
	for name, src := range analysisFiles {
		if !strings.HasSuffix(name, ".go") {
			continue
		}
		f, err := parser.ParseFile(token.NewFileSet(), name, src, parser.ParseComments)
		if err != nil {
			t.Fatal(err)
		}
		pkg := "example.com/m"
		if d := filepath.Dir(name); d != "." {
			pkg += "/" + d
		}
		for _, cg := range f.Comments {
			for _, c := range cg.List {
				rest, ok := strings.CutPrefix(c.Text, "//@ ")
				if !ok {
					continue
				}
				for _, s := range strings.Split(rest, ", ") {
					e, err := parser.ParseExpr(s)
					call, ok := e.(*ast.CallExpr)
					if err != nil || !ok || len(call.Args) != 1 {
						t.Fatalf("%s: bad expectation %q", name, s)
					}
					lit, ok := call.Args[0].(*ast.BasicLit)
					if !ok {
						t.Fatalf("%s: bad expectation %q", name, s)
					}
					decl, _ := strconv.Unquote(lit.Value)
					want[index.Key{Pkg: pkg, Path: decl}] = call.Fun.(*ast.Ident).Name
				}
			}
		}
	}
	return want
}
