package index

import (
	"context"
	"go/ast"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/goremover/goremover/internal/load"
)

// The fixture module testdata/hidden exercises every kind of hidden
// reference, and for each a look-alike that must not be one.
const hiddenMod = "example.com/hidden/"

// wantHidden lists every hidden reference of the fixture, as
// "file:line:col kind key encl [guess] [test]"; keys drop hiddenMod, and
// "-" is the zero enclosing declaration. Anything else found is an error:
// that is how the negative cases are checked.
var wantHidden = []string{
	// (1) go:linkname, both ways; runtime is not in the working set,
	// and "// go:linkname" (lib.go:35) is no directive.
	"lib/lib.go:32:1 linkname lib#hook -",
	"link/link.go:10:1 linkname link#now -",
	"link/link.go:10:1 linkname lib#now -",
	"link/link.go:13:1 linkname link#reset -",
	"link/link.go:13:1 linkname lib#Service.do -",
	"link/link.go:16:1 linkname link#nanotime -",

	// (2) cgo //export; plain.go's is in a file that does not import "C".
	"cgoexp/cgoexp.go:9:1 cgo-export cgoexp#GoCallback -",
	"cgoexp/cgoexp.go:13:55 reflect name:member:FromCgo Reflect",

	// (3) reflection on known types; bytes.Buffer, a method asked for as
	// a field and a look-alike MethodByName (Negative) make none.
	"refl/refl.go:13:34 reflect lib#Service.Do Known",
	"refl/refl.go:14:33 reflect lib#Service.Stop Known",
	"refl/refl.go:15:41 reflect lib#Service.Name Known",
	"refl/refl.go:16:51 reflect lib#Service.Count Known",
	"refl/refl.go:17:34 reflect lib#Base.Ping Known",
	"refl/refl.go:17:34 reflect lib#Service.Base Known",
	"refl/refl.go:19:17 reflect lib#Service.Reset Known",
	"refl/refl.go:20:45 reflect lib#Base.ID Known",
	"refl/refl.go:20:45 reflect lib#Service.Base Known",
	"refl/refl.go:21:55 reflect lib#Doer.Run Known",
	"refl/refl.go:22:34 reflect lib#Service.Missing Known",
	// ... and on values of unknown type, or names that are not constant.
	"refl/refl.go:27:34 reflect name:member:Close Unknown",
	"refl/refl.go:28:32 reflect name:member:Title Unknown",
	"refl/refl.go:29:34 reflect name:method: Unknown guess",
	"refl/refl.go:30:33 reflect name:field: Unknown guess",
	"refl/refl.go:31:37 reflect name:field: Unknown guess",
	"refl/refl.go:34:17 reflect name:member:Flush Unknown",
	"refl/refl_test.go:11:46 reflect lib#Service.Stop TestKnown test",

	// (4) plugin.Lookup; a template's Lookup is not one.
	"plug/plug.go:13:11 plugin name:main:Handler Load",
	"plug/plug.go:14:11 plugin name:main:Version Load",
	"plug/plug.go:15:11 plugin name:main: Load guess",

	// (5) templates: a raw literal, positioned inside it; comments,
	// strings, a template that does not parse, text under other
	// delimiters and strings never parsed make none.
	"tmpl/tmpl.go:23:61 template name:member:Title Page",
	"tmpl/tmpl.go:24:20 template name:member:Items Page",
	"tmpl/tmpl.go:24:32 template name:member:Name Page",
	"tmpl/tmpl.go:25:9 template name:member:User Page",
	"tmpl/tmpl.go:25:18 template name:member:Profile Page",
	"tmpl/tmpl.go:25:26 template name:member:Email Page",
	"tmpl/tmpl.go:25:48 template name:member:Fn Page",
	"tmpl/tmpl.go:25:56 template name:member:Get Page",
	"tmpl/tmpl.go:25:61 template name:member:Value Page",
	"tmpl/tmpl.go:26:20 template name:member:Sub Page",
	"tmpl/tmpl.go:26:50 template name:member:Arg Page",
	// Constants: one literal is positioned inside the literal, a
	// concatenation at the argument.
	"tmpl/tmpl.go:17:20 template name:member:Footer parse",
	"tmpl/tmpl.go:31:24 template name:member:Header parse",
	"tmpl/tmpl.go:34:71 template name:member:Secret parse",
	"tmpl/tmpl.go:41:28 template name:member:Angled parse", // Delims on a local
	// Files: ParseFiles (package dir, then module root), ParseGlob,
	// ParseFS of an embed.FS and of os.DirFS.
	"tmpl/views/page.tmpl:1:7 template name:member:PageTitle parse",
	"tmpl/views/page.tmpl:2:10 template name:member:Rows parse",
	"tmpl/views/page.tmpl:2:19 template name:member:Cell parse",
	"shared/base.tmpl:2:4 template name:member:Shared parse",
	"tmpl/views/list.gohtml:1:9 template name:member:ListItem parse",
	"tmpl/embedded/mail.tmpl:1:7 template name:member:Recipient parse",
	"tmpl/views/dir.tmpl:1:16 template name:member:FromDir parse",
	// ParseFS with patterns unknown: every embedded template-like file.
	"tmplany/assets/a.tmpl:1:4 template name:member:AnyA Load",
	"tmplany/assets/d.tmpl.html:1:7 template name:member:AnyD Load",
}

func TestHidden(t *testing.T) {
	x := buildHiddenFixture(t)
	cgo := cgoEnabled(t)
	var got []string
	for _, p := range x.Packages {
		for _, r := range p.Refs {
			switch r.Kind {
			case Linkname, CgoExport, Reflect, Template, Plugin:
			default:
				continue
			}
			if !r.Hidden {
				t.Errorf("%s: %s reference not marked hidden", r.Pos.File, r.Kind)
			}
			if r.Note == "" {
				t.Errorf("%s: %s reference without a note", r.Pos.File, r.Kind)
			}
			if r.From != p.Path && r.From != p.Path+"_test" {
				t.Errorf("%s: reference from %s in package %s", r.Pos.File, r.From, p.Path)
			}
			if r.Encl != (Key{}) && (r.Encl.Pkg != r.From || r.Encl.Path != r.EnclName) {
				t.Errorf("%s: encl %v does not match %s/%s", r.Pos.File, r.Encl, r.From, r.EnclName)
			}
			got = append(got, hiddenString(r))
		}
	}
	want := slices.Clone(wantHidden)
	if !cgo {
		// The cgo file is not compiled: whether a configuration
		// checks it is not this test's business.
		want = slices.DeleteFunc(want, func(s string) bool { return strings.HasPrefix(s, "cgoexp/") })
		got = slices.DeleteFunc(got, func(s string) bool { return strings.HasPrefix(s, "cgoexp/") })
	}
	slices.Sort(got)
	slices.Sort(want)
	for _, s := range want {
		if _, found := slices.BinarySearch(got, s); !found {
			t.Errorf("missing: %s", s)
		}
	}
	for _, s := range got {
		if _, found := slices.BinarySearch(want, s); !found {
			t.Errorf("unexpected: %s", s)
		}
	}
}

// TestHiddenNotes checks what the references say about themselves.
func TestHiddenNotes(t *testing.T) {
	x := buildHiddenFixture(t)
	notes := map[string]string{}
	for _, p := range x.Packages {
		for _, r := range p.Refs {
			if r.Hidden {
				notes[hiddenString(r)] = r.Note
			}
		}
	}
	for at, want := range map[string]string{
		"lib/lib.go:32:1 linkname lib#hook -":                           "go:linkname (pushed)",
		"link/link.go:10:1 linkname link#now -":                         "go:linkname as example.com/hidden/lib.now",
		"link/link.go:10:1 linkname lib#now -":                          "go:linkname from now",
		"refl/refl.go:13:34 reflect lib#Service.Do Known":               `MethodByName("Do")`,
		"refl/refl.go:27:34 reflect name:member:Close Unknown":          `MethodByName("Close") on a value of unknown type`,
		"refl/refl.go:29:34 reflect name:method: Unknown guess":         "MethodByName with a non-constant name",
		"plug/plug.go:13:11 plugin name:main:Handler Load":              `plugin.Lookup("Handler")`,
		"tmpl/tmpl.go:23:61 template name:member:Title Page":            "template field .Title",
		"tmpl/views/page.tmpl:1:7 template name:member:PageTitle parse": "template field .PageTitle in page.tmpl",
	} {
		got, ok := notes[at]
		if !ok {
			t.Errorf("no reference %s", at)
		} else if got != want {
			t.Errorf("%s: note %q, want %q", at, got, want)
		}
	}
	if cgoEnabled(t) {
		if got := notes["cgoexp/cgoexp.go:9:1 cgo-export cgoexp#GoCallback -"]; got != "called from C" {
			t.Errorf("cgo export note %q", got)
		}
	}
}

// hiddenString formats a reference as in wantHidden.
func hiddenString(r Ref) string {
	key := r.To.Pkg + "#" + r.To.Path
	if _, _, ok := r.To.IsName(); ok {
		key = r.To.Path
	}
	encl := r.EnclName
	if r.Encl == (Key{}) {
		encl = "-"
	}
	s := r.Pos.File + ":" + strconv.Itoa(r.Pos.Line) + ":" + strconv.Itoa(r.Pos.Col) + " " + string(r.Kind) + " " + strings.TrimPrefix(key, hiddenMod) + " " + encl
	if r.Guess {
		s += " guess"
	}
	if r.Test {
		s += " test"
	}
	return s
}

var hiddenIndex struct {
	x   *Index
	err error
}

// buildHiddenFixture indexes testdata/hidden through the real pipeline,
// once for all tests.
func buildHiddenFixture(t *testing.T) *Index {
	t.Helper()
	if hiddenIndex.x == nil && hiddenIndex.err == nil {
		t.Setenv("GOWORK", "off")
		dir, err := filepath.Abs(filepath.Join("testdata", "hidden"))
		if err != nil {
			t.Fatal(err)
		}
		ws, err := load.Find(dir)
		if err != nil {
			t.Fatal(err)
		}
		hiddenIndex.x, hiddenIndex.err = Build(context.Background(), ws, &Options{})
	}
	if hiddenIndex.err != nil {
		t.Fatal(hiddenIndex.err)
	}
	return hiddenIndex.x
}

// cgoEnabled reports whether the go command builds cgo files here.
func cgoEnabled(t *testing.T) bool {
	out, err := exec.Command("go", "env", "CGO_ENABLED").Output()
	if err != nil {
		t.Fatalf("go env: %v", err)
	}
	return strings.TrimSpace(string(out)) == "1"
}

// TestHiddenFakeC checks a cgo file type-checked as written (FakeImportC),
// as configurations other than a cgo-enabled host see it: its //export
// comments are its own, and there is no cgo output to map back.
func TestHiddenFakeC(t *testing.T) {
	t.Setenv("GOWORK", "off")
	dir, err := filepath.Abs(filepath.Join("testdata", "hidden", "cgoexp"))
	if err != nil {
		t.Fatal(err)
	}
	ws, err := load.Find(dir)
	if err != nil {
		t.Fatal(err)
	}
	d := &load.Dir{Module: &ws.Modules[0], Abs: dir, Rel: "cgoexp", ImportPath: hiddenMod + "cgoexp"}
	fset := token.NewFileSet()
	var files []*ast.File
	for _, name := range []string{"cgoexp.go", "plain.go"} {
		abs := filepath.Join(dir, name)
		src, err := os.ReadFile(abs)
		if err != nil {
			t.Fatal(err)
		}
		d.Files = append(d.Files, &load.File{Name: name, Abs: abs, Src: src})
		f, err := parser.ParseFile(fset, abs, src, parser.ParseComments)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, f)
	}
	info := &types.Info{
		Types:      map[ast.Expr]types.TypeAndValue{},
		Defs:       map[*ast.Ident]types.Object{},
		Uses:       map[*ast.Ident]types.Object{},
		Selections: map[*ast.SelectorExpr]*types.Selection{},
		Instances:  map[*ast.Ident]types.Instance{},
	}
	conf := types.Config{FakeImportC: true, Importer: importer.ForCompiler(fset, "source", nil)}
	tpkg, err := conf.Check(d.ImportPath, fset, files, info)
	if err != nil {
		t.Fatal(err)
	}
	u := &load.Unit{Dir: d, Path: d.ImportPath, Fset: fset, Files: files, New: files, Types: tpkg, Info: info}
	b := &builder{ws: ws, inWS: func(p string) bool { return strings.HasPrefix(p, hiddenMod) }, pkg: &Package{}, seen: map[refID]bool{}}
	b.hidden(u)
	var got []string
	for _, r := range b.pkg.Refs {
		got = append(got, hiddenString(r))
	}
	want := []string{
		"cgoexp/cgoexp.go:9:1 cgo-export cgoexp#GoCallback -",
		"cgoexp/cgoexp.go:13:55 reflect name:member:FromCgo Reflect",
	}
	if !slices.Equal(got, want) {
		t.Errorf("got %q\nwant %q", got, want)
	}
}

func TestSplitLinkname(t *testing.T) {
	for _, tc := range []struct{ sym, pkg, name string }{
		{"runtime.nanotime", "runtime", "nanotime"},
		{"example.com/m/lib.now", "example.com/m/lib", "now"},
		{"example.com/m/lib.(*T).M", "example.com/m/lib", "T.M"},
		{"example.com/m/lib.T.M", "example.com/m/lib", "T.M"},
		{"example.com/m/lib.T[...].M", "example.com/m/lib", "T.M"},
		{"gopkg.in/yaml%2ev3.Marshal", "gopkg.in/yaml.v3", "Marshal"},
		{"example.com/m/nodot", "", ""},
	} {
		pkg, name, ok := splitLinkname(tc.sym)
		if ok != (tc.pkg != "") || pkg != tc.pkg || name != tc.name {
			t.Errorf("splitLinkname(%q) = %q, %q, %v; want %q, %q", tc.sym, pkg, name, ok, tc.pkg, tc.name)
		}
	}
}

func TestTemplateNames(t *testing.T) {
	for _, tc := range []struct {
		text        string
		left, right string
		want        []string // name@offset
	}{
		{text: "{{.A}}", want: []string{"A@3"}},
		{text: "{{.A.B.C}}", want: []string{"A@3", "B@5", "C@7"}},
		{text: "{{$x := .A}}{{$x.B.C}}{{$.D}}", want: []string{"A@9", "B@17", "C@19", "D@26"}},
		{text: "{{(.A).B}} {{call .F 1}}", want: []string{"A@4", "B@7", "F@19"}},
		{text: "{{if .A}}{{else if .B}}{{else}}{{.C}}{{end}}", want: []string{"A@6", "B@20", "C@34"}},
		{text: `{{block "b" .A}}{{.B}}{{end}}{{template "b" .C}}`, want: []string{"A@13", "C@45", "B@19"}},
		{text: "{{range .A}}{{break}}{{end}}{{/* .X */}}{{\".Y\"}}", want: []string{"A@9"}},
		{text: "<<.A>> {{.B}}", left: "<<", right: ">>", want: []string{"A@3"}},
	} {
		names, ok := templateNames("t", tc.text, tc.left, tc.right)
		if !ok {
			t.Errorf("%q does not parse", tc.text)
			continue
		}
		var got []string
		for _, n := range names {
			got = append(got, n.name+"@"+strconv.Itoa(n.off))
			if tc.text[n.off:n.off+len(n.name)] != n.name {
				t.Errorf("%q: %s is not at offset %d", tc.text, n.name, n.off)
			}
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("%q: got %v, want %v", tc.text, got, tc.want)
		}
	}
	if _, ok := templateNames("t", "{{.A", "", ""); ok {
		t.Errorf("an unterminated action parses")
	}
}

func TestLineCol(t *testing.T) {
	text := []byte("ab\ncd\n\nef")
	for off, want := range map[int][2]int{0: {1, 1}, 1: {1, 2}, 3: {2, 1}, 4: {2, 2}, 6: {3, 1}, 8: {4, 2}} {
		if l, c := lineCol(text, off); l != want[0] || c != want[1] {
			t.Errorf("lineCol(%d) = %d:%d, want %d:%d", off, l, c, want[0], want[1])
		}
	}
}
