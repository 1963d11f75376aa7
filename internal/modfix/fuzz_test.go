package modfix

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/goremover/goremover/internal/load"
	"golang.org/x/mod/modfile"
)

// FuzzModFiles feeds user-controlled go.mod, go.sum (also read as
// vendor/modules.txt) and go.work bytes through every path of modfix
// that takes them without the go command: parsing, the go.sum and
// go.mod editors, vendor parsing, the tolerant workspace opener and the
// workspace rules. None may panic; editing nothing must give back the
// input byte for byte.
func FuzzModFiles(f *testing.F) {
	f.Add([]byte("module example.com/m\n\ngo 1.22\n\nrequire (\n\texample.com/dep v1.0.0\n\texample.com/gen v1.0.0 // indirect\n)\n\nreplace example.com/dep => ../dep\n\nexclude example.com/old v1.0.0\n"),
		[]byte("example.com/dep v1.0.0 h1:PSroT39sxGSMH2IFlcV+jjyHh0Qni76m8nYK+W+ti4Y=\nexample.com/dep v1.0.0/go.mod h1:+EcA0RRhTHNkhwTZrs6d61eGbU3a6I3fKHjUcNddTyc=\n"),
		[]byte("go 1.22\n\nuse (\n\t.\n\t./gone\n)\n"))
	f.Add([]byte("module example.com/m\nrequire example.com/x v1.0.0\n"), []byte("# example.com/x v1.0.0\n## explicit; go 1.22\nexample.com/x\n"), []byte(""))
	f.Add([]byte("module m\ngo 1.17\nrequire a.b/c v0.0.0-20240101000000-abcdefabcdef\n"), []byte("a.b/c v0.0.0-20240101000000-abcdefabcdef/go.mod h1:x\n\n\nbad line\n"), []byte("use ./a\nreplace x => y v1.0.0\n"))
	f.Add([]byte("requir x\n"), []byte("x v1"), []byte("go 1.99999999999999999999\nuse ../../../..\n"))
	f.Fuzz(fuzzBody)
}

func fuzzBody(t *testing.T, goMod, goSum, goWork []byte) {
	{
		lines, err := ParseSum("go.sum", goSum)
		if got := editSum(goSum, func(SumLine) bool { return false }, nil); !bytes.Equal(got, goSum) {
			t.Fatalf("editSum changed the input:\n%q\n%q", goSum, got)
		}
		if err == nil && len(lines) > 0 {
			out := editSum(goSum, func(l SumLine) bool { return l.Key() == lines[0].Key() }, []SumLine{lines[0]})
			if _, err := ParseSum("go.sum", out); err != nil {
				t.Fatalf("editSum output does not parse: %v\n%q", err, out)
			}
		}
		ParseVendor(goSum)
		compareGo(string(goWork), string(goMod))

		dir := t.TempDir()
		mf, err := modfile.Parse(filepath.Join(dir, "go.mod"), goMod, nil)
		if err == nil && mf.Module != nil {
			m := &load.Module{Path: mf.Module.Mod.Path, Dir: dir, GoMod: goMod, File: mf}
			if _, err := applyRequires(m, goMod, nil); err != nil {
				t.Fatal(err)
			}
			if len(mf.Require) > 0 {
				r := mf.Require[0]
				changed := map[string]*reqState{r.Mod.Path: {version: r.Mod.Version, indirect: !r.Indirect}}
				if out, err := applyRequires(m, goMod, changed); err == nil {
					if _, err := modfile.Parse("go.mod", out, nil); err != nil {
						t.Fatalf("applyRequires output does not parse: %v\n%s", err, out)
					}
				}
				if out, err := dropModuleLines(m, goMod, r.Mod.Path); err == nil {
					if g, err := modfile.Parse("go.mod", out, nil); err != nil {
						t.Fatalf("dropModuleLines output does not parse: %v\n%s", err, out)
					} else if mentions(g, r.Mod.Path) {
						t.Fatalf("dropModuleLines kept %s:\n%s", r.Mod.Path, out)
					}
				}
			}
		}

		// The tolerant opener over a tree with these files.
		os.WriteFile(filepath.Join(dir, "go.mod"), goMod, 0o666)
		os.WriteFile(filepath.Join(dir, "go.sum"), goSum, 0o666)
		if len(goWork) > 0 {
			os.WriteFile(filepath.Join(dir, "go.work"), goWork, 0o666)
		}
		t.Setenv("GOWORK", "")
		ws, _, err := openDoctor(dir)
		if err == nil {
			workFindings(ws)
		}
	}
}
