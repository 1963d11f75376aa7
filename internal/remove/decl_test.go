package remove

import (
	"go/format"
	"go/parser"
	"go/token"
	"strings"
	"testing"

	"github.com/goremover/goremover/internal/index"
)

// TestRemoveDecls deletes the declarations named in rm from small
// sources, then drops the imports only they used.
func TestRemoveDecls(t *testing.T) {
	tests := []struct {
		name, rm, src, want string
		allowIota           bool
		err                 string
	}{
		{name: "func with doc", rm: "F",
			src:  "package p\n\n// F does.\nfunc F() {}\n\nfunc G() {}\n",
			want: "package p\n\nfunc G() {}\n"},
		{name: "func at end", rm: "G",
			src:  "package p\n\nfunc F() {}\n\n// G does.\nfunc G() {} // trailing\n",
			want: "package p\n\nfunc F() {}\n"},
		{name: "method and type", rm: "T,T.M",
			src:  "package p\n\ntype T int\n\nfunc (t *T) M() {}\n\nfunc K() {}\n",
			want: "package p\n\nfunc K() {}\n"},
		{name: "generic receiver", rm: "L.Len",
			src:  "package p\n\ntype L[E any] []E\n\nfunc (l L[E]) Len() int { return len(l) }\n",
			want: "package p\n\ntype L[E any] []E\n"},
		{name: "spec in group keeps group", rm: "B",
			src:  "package p\n\nvar (\n\tA = 1\n\t// B doc.\n\tB = 2 // b\n\tC = 3\n)\n",
			want: "package p\n\nvar (\n\tA = 1\n\tC = 3\n)\n"},
		{name: "whole group", rm: "A,B",
			src:  "package p\n\n// Vars.\nvar (\n\tA = 1\n\tB = 2\n)\n\nvar C = 3\n",
			want: "package p\n\nvar C = 3\n"},
		{name: "one of several names", rm: "b",
			src:  "package p\n\nvar a, b, c = 1, 2, 3\n",
			want: "package p\n\nvar a, c = 1, 3\n"},
		{name: "last of several names", rm: "c",
			src:  "package p\n\nvar a, b, c int\n",
			want: "package p\n\nvar a, b int\n"},
		{name: "name bound to a call result", rm: "b",
			src:  "package p\n\nvar a, b = f()\n\nfunc f() (int, int) { return 1, 2 }\n",
			want: "package p\n\nvar a, _ = f()\n\nfunc f() (int, int) { return 1, 2 }\n"},
		{name: "struct field", rm: "S.B",
			src:  "package p\n\ntype S struct {\n\tA int\n\t// B doc.\n\tB string\n\tC bool\n}\n",
			want: "package p\n\ntype S struct {\n\tA int\n\tC bool\n}\n"},
		{name: "one name of a field", rm: "S.B",
			src:  "package p\n\ntype S struct {\n\tA, B int\n}\n",
			want: "package p\n\ntype S struct {\n\tA int\n}\n"},
		{name: "field on one line", rm: "S.A",
			src:  "package p\n\ntype S struct{ A int; B int }\n",
			want: "package p\n\ntype S struct{ B int }\n"},
		{name: "nested field", rm: "S.In.X",
			src:  "package p\n\ntype S struct {\n\tIn struct {\n\t\tX int\n\t\tY int\n\t}\n}\n",
			want: "package p\n\ntype S struct {\n\tIn struct {\n\t\tY int\n\t}\n}\n"},
		{name: "interface method", rm: "I.B",
			src:  "package p\n\ntype I interface {\n\tA()\n\tB() error\n}\n",
			want: "package p\n\ntype I interface {\n\tA()\n}\n"},
		{name: "last iota const", rm: "C",
			src:  "package p\n\nconst (\n\tA = iota\n\tB\n\tC\n)\n",
			want: "package p\n\nconst (\n\tA = iota\n\tB\n)\n"},
		{name: "iota shift refused", rm: "A",
			src: "package p\n\nconst (\n\tA = iota\n\tB\n\tC\n)\n",
			err: "removing A would change the value of B"},
		{name: "iota shift allowed", rm: "A", allowIota: true,
			src:  "package p\n\nconst (\n\tA Kind = iota\n\tB\n\tC\n)\n\ntype Kind int\n",
			want: "package p\n\nconst (\n\tB Kind = iota\n\tC\n)\n\ntype Kind int\n"},
		{name: "inherited expression copied", rm: "A",
			src:  "package p\n\nconst (\n\tX = 1\n\tA = \"a\"\n\tB\n\tC\n)\n",
			want: "package p\n\nconst (\n\tX = 1\n\tB = \"a\"\n\tC\n)\n"},
		{name: "import used only by removed code", rm: "F",
			src:  "package p\n\nimport (\n\t\"fmt\"\n\t\"strings\"\n)\n\nfunc F() { fmt.Println() }\n\nfunc G() string { return strings.ToUpper(\"\") }\n",
			want: "package p\n\nimport (\n\t\"strings\"\n)\n\nfunc G() string { return strings.ToUpper(\"\") }\n"},
		{name: "single import decl", rm: "F",
			src:  "package p\n\nimport \"fmt\"\n\nfunc F() { fmt.Println() }\n\nfunc G() {}\n",
			want: "package p\n\nfunc G() {}\n"},
		{name: "named and blank imports", rm: "F",
			src:  "package p\n\nimport (\n\t_ \"embed\"\n\tstr \"strings\"\n)\n\nfunc F() string { return str.ToUpper(\"\") }\n\nfunc G() {}\n",
			want: "package p\n\nimport (\n\t_ \"embed\"\n)\n\nfunc G() {}\n"},
		{name: "local variable named like the import", rm: "A",
			src:  "package p\n\nimport \"strings\"\n\nfunc A() string { return strings.ToUpper(\"a\") }\n\nfunc B() int {\n\tstrings := struct{ N int }{1}\n\treturn strings.N\n}\n",
			want: "package p\n\nfunc B() int {\n\tstrings := struct{ N int }{1}\n\treturn strings.N\n}\n"},
		{name: "file left empty", rm: "F",
			src:  "package p\n\nimport \"fmt\"\n\nfunc F() { fmt.Println() }\n",
			want: "<deleted>"},
		{name: "file with a package doc stays", rm: "F",
			src:  "// Package p is p.\npackage p\n\nfunc F() {}\n",
			want: "// Package p is p.\npackage p\n"},
		{name: "init is never a key", rm: "init",
			src:  "package p\n\nfunc init() {}\n",
			want: "package p\n\nfunc init() {}\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rm := map[string]bool{}
			for _, k := range strings.Split(tt.rm, ",") {
				rm[k] = true
			}
			fset := token.NewFileSet()
			f, err := parser.ParseFile(fset, "p.go", tt.src, parser.ParseComments|parser.SkipObjectResolution)
			if err != nil {
				t.Fatal(err)
			}
			e := &fileEdit{fset: fset, tf: fset.File(f.Pos()), file: f, src: []byte(tt.src)}
			_, err = removeDecls(e, "p", func(k index.Key) bool { return k.Pkg == "p" && rm[k.Path] }, nil, tt.allowIota)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("err = %v, want %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			out, empty, err := dropImports(fset, "p.go", []byte(tt.src), e.apply(), nil)
			if err != nil {
				t.Fatal(err)
			}
			got := string(out)
			if empty {
				got = "<deleted>"
			} else if b, err := format.Source(out); err == nil {
				got = string(b)
			} else {
				t.Fatalf("result does not parse: %v\n%s", err, out)
			}
			if got != tt.want {
				t.Errorf("got:\n%s\nwant:\n%s", got, tt.want)
			}
		})
	}
}

func TestGuessName(t *testing.T) {
	for path, want := range map[string]string{
		"fmt": "fmt", "github.com/pkg/errors": "errors", "gopkg.in/yaml.v3": "yaml",
		"github.com/go-chi/chi/v5": "chi", "example.com/go-kit": "kit", "example.com/a-b": "a_b",
	} {
		if got := GuessName(path); got != want {
			t.Errorf("GuessName(%q) = %q, want %q", path, got, want)
		}
	}
}

// FuzzRemoveDecls removes, from any source that parses, each
// declaration in turn (and then all of them) and checks that the result
// still parses: deletions never cut through a token or leave a dangling
// comma, paren or brace.
func FuzzRemoveDecls(f *testing.F) {
	for _, s := range []string{
		"package p\n\nfunc F() {}\n",
		"package p\n\nvar (\n\ta, b = 1, 2\n\tc int // c\n)\n",
		"package p\n\nconst (\n\tA = iota\n\tB\n\tC\n)\n",
		"package p\n\ntype S struct{ A, B int; C struct{ D int } }\n\nfunc (s S) M() {}\n",
		"package p\n\nimport (\n\t\"fmt\"\n\t\"os\"\n)\n\nfunc F() { fmt.Println(os.Args) }\n\nfunc G() { fmt.Println() }\n",
		"package p\n\ntype I interface{ A(); B() int }\n\nvar x, y = f()\n\nfunc f() (int, int) { return 1, 2 }\n",
		"package p; func A() {}; func B() {}",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		fset := token.NewFileSet()
		file, err := parser.ParseFile(fset, "p.go", src, parser.ParseComments|parser.SkipObjectResolution)
		if err != nil {
			return
		}
		var keys []string
		collect := func(k index.Key) bool { keys = append(keys, k.Path); return false }
		e := &fileEdit{fset: fset, tf: fset.File(file.Pos()), file: file, src: []byte(src)}
		removeDecls(e, "p", collect, nil, true)
		try := func(rm map[string]bool) {
			e := &fileEdit{fset: fset, tf: fset.File(file.Pos()), file: file, src: []byte(src)}
			if _, err := removeDecls(e, "p", func(k index.Key) bool { return rm[k.Path] }, nil, true); err != nil {
				return
			}
			out := e.apply()
			if _, err := parser.ParseFile(token.NewFileSet(), "p.go", out, parser.ParseComments); err != nil {
				t.Fatalf("removing %v: result does not parse: %v\n%s\nfrom:\n%s", rm, err, out, src)
			}
			if _, _, err := dropImports(token.NewFileSet(), "p.go", []byte(src), out, nil); err != nil {
				t.Fatalf("dropImports: %v", err)
			}
		}
		all := map[string]bool{}
		for _, k := range keys {
			try(map[string]bool{k: true})
			all[k] = true
		}
		try(all)
	})
}
