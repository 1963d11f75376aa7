package modfix

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/goremover/goremover/internal/load"
	"golang.org/x/mod/modfile"
)

func TestScanSum(t *testing.T) {
	data := []byte("a.com/x v1.0.0 h1:aaa=\n\ngarbage\na.com/x v1.0.0/go.mod h1:bbb=\nnot a checksum\none two three four\n")
	lines, bad := scanSum(data)
	if len(lines) != 3 {
		t.Fatalf("scanSum: %d checksum lines, want 3: %v", len(lines), lines)
	}
	if !lines[1].GoMod || lines[1].Line != 4 || lines[1].Version != "v1.0.0" {
		t.Errorf("line 4 read as %+v", lines[1])
	}
	if lines[0].valid() != true || lines[2].valid() != false {
		t.Errorf("valid: %v, %v; want true, false", lines[0].valid(), lines[2].valid())
	}
	if len(bad) != 2 || bad[0] != 3 || bad[1] != 6 {
		t.Errorf("malformed lines %v, want [3 6]", bad)
	}
}

func TestEditSumMalformed(t *testing.T) {
	data := []byte("b.com/y v1.0.0 h1:b=\ngarbage\na.com/x v1.0.0 h1:a=\n")
	got := editSum(data, func(l SumLine) bool { return l.Path == "" && l.Line == 2 }, nil)
	if want := "b.com/y v1.0.0 h1:b=\na.com/x v1.0.0 h1:a=\n"; string(got) != want {
		t.Errorf("editSum dropping line 2 = %q, want %q", got, want)
	}
	// The go command's order: path, then version, the zip hash first.
	if got, want := string(normSum([]byte("b.com/y v1.0.0 h1:b=\n\na.com/x v1.10.0 h1:c=\na.com/x v1.2.0/go.mod h1:d=\na.com/x v1.2.0 h1:e=\na.com/x v1.2.0 h1:e=\n"))),
		"a.com/x v1.2.0 h1:e=\na.com/x v1.2.0/go.mod h1:d=\na.com/x v1.10.0 h1:c=\nb.com/y v1.0.0 h1:b=\n"; got != want {
		t.Errorf("normSum = %q, want %q", got, want)
	}
}

func TestWrongMajors(t *testing.T) {
	for _, tc := range []struct {
		gomod string
		want  []string // messages; nil: not only wrong majors
	}{
		{"module m\n\ngo 1.22\n\nrequire example.com/lib/v2 v1.0.0\n", []string{"require example.com/lib/v2 v1.0.0: the module path says major version v2"}},
		{"module m\n\nrequire (\n\texample.com/lib v2.0.0\n\tgopkg.in/yaml.v2 v3.0.0\n)\n", []string{
			"require example.com/lib v2.0.0: the module path says major version v0 or v1",
			"require gopkg.in/yaml.v2 v3.0.0: the module path says major version v2"}},
		{"module m\n\nrequire example.com/lib/v2 v1.0.0\nrequir x\n", nil},
		{"module m\n\nrequire example.com/lib latest\n", nil},
	} {
		_, err := modfile.Parse("go.mod", []byte(tc.gomod), nil)
		if err == nil {
			t.Fatalf("%q parses", tc.gomod)
		}
		fs := wrongMajors("/m", err)
		var got []string
		for _, f := range fs {
			got = append(got, f.Message)
			if f.Rule != "GR142" || f.Line == 0 || f.Root != "/m" {
				t.Errorf("%q: finding %+v", tc.gomod, f)
			}
		}
		if strings.Join(got, "\n") != strings.Join(tc.want, "\n") || (got == nil) != (tc.want == nil) {
			t.Errorf("wrongMajors(%q) = %q, want %q", tc.gomod, got, tc.want)
		}
	}
}

func TestGoErrorLine(t *testing.T) {
	e := &GoError{Stderr: "go: downloading example.com/dep v1.0.0\ngo: example.com/m/app imports\n\texample.com/dep: module lookup disabled by GOPROXY=off\n\nmore\n"}
	if got, want := e.line(), "example.com/m/app imports example.com/dep: module lookup disabled by GOPROXY=off"; got != want {
		t.Errorf("line() = %q, want %q", got, want)
	}
}

func TestCheckUses(t *testing.T) {
	dir := writeTree(t, map[string]string{
		"go.work":   "go 1.22\n\nuse (\n\t./a\n\ta\n\t./b\n\t./c\n)\n",
		"a/go.mod":  "module example.com/a\n",
		"b/go.mod":  "module example.com/b\n",
		"c/go.mod":  "module example.com/b\n",
		"a/main.go": "package main\n",
	})
	t.Setenv("GOWORK", "")
	ws, err := load.Find(dir)
	if err != nil {
		t.Fatal(err)
	}
	fs := checkUses(ws)
	if len(fs) != 2 {
		t.Fatalf("checkUses: %d findings, want 2", len(fs))
	}
	if f := fs[0]; f.Line != 5 || !f.Fixable || !strings.Contains(f.Message, "already used at go.work:4") {
		t.Errorf("duplicate directory: %+v", f)
	}
	if f := fs[1]; f.Line != 7 || f.Fixable || !strings.Contains(f.Message, "module example.com/b is used twice") {
		t.Errorf("duplicate module path: %+v", f)
	}
	if len(ws.Modules) != 3 {
		t.Errorf("%d modules left, want 3 (one per directory)", len(ws.Modules))
	}
	// The fix drops the later line only.
	d := &Diagnosis{WS: ws, Findings: fs}
	set, err := d.Fix()
	if err != nil {
		t.Fatal(err)
	}
	c := set.Get(filepath.Join(dir, "go.work"))
	if c == nil {
		t.Fatal("the fix does not change go.work")
	}
	if got, want := string(c.New), "go 1.22\n\nuse (\n\t./a\n\t./b\n\t./c\n)\n"; got != want {
		t.Errorf("fixed go.work = %q, want %q", got, want)
	}
}
