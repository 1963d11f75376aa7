package dead

// This file decides the modes of the modules, which packages a root
// links, and the roots (R1-R5, see the package comment).

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/goremover/goremover/internal/index"
)

// modules returns the mode of every module of the index, and records
// which modules' API is a root.
func (a *analysis) modules() []Module {
	var mods []Module
	byPath := map[string]int{}
	for _, p := range a.x.Packages {
		i, ok := byPath[p.Module]
		if !ok {
			i = len(mods)
			byPath[p.Module] = i
			mods = append(mods, Module{Path: p.Module})
		}
		if a.isMain(p) {
			mods[i].Mains = append(mods[i].Mains, p.Path)
		}
	}
	for i := range mods {
		m := &mods[i]
		switch a.opts.API {
		case APIOn:
			m.Mode = Library
		case APIOff:
			m.Mode = Application
		default:
			m.Mode = Library
			if len(m.Mains) > 0 {
				m.Mode = Application
			}
		}
		a.apiModule[m.Path] = m.Mode == Library
	}
	slices.SortFunc(mods, func(x, y Module) int { return strings.Compare(x.Path, y.Path) })
	return mods
}

// isMain reports whether p is a command: a main package with non-test
// files.
func (a *analysis) isMain(p *index.Package) bool {
	if p.Name != "main" {
		return false
	}
	for _, f := range p.Files {
		if !f.Test && !slices.Contains(f.Platforms, "ignore") {
			return true
		}
	}
	return false
}

// apiPackage reports whether the exported identifiers of p are roots
// (R5): it is outside internal/ in a module whose API is a root, and not
// a command.
func (a *analysis) apiPackage(p *index.Package) bool {
	return a.apiModule[p.Module] && !internalPath(strings.TrimPrefix(p.Path, p.Module)) && p.Name != "main"
}

// hasTests reports whether p has test files.
func hasTests(p *index.Package) bool {
	for _, f := range p.Files {
		if f.Test {
			return true
		}
	}
	return false
}

// link computes the packages that some root's program links: commands,
// the packages of the API, with tests every package that has some (its
// test binary), the imports of //go:build ignore programs, and
// everything they import.
func (a *analysis) link() {
	var queue []string
	add := func(p string) {
		if !a.linked[p] {
			a.linked[p] = true
			queue = append(queue, p)
		}
	}
	for _, p := range a.x.Packages {
		switch {
		case a.isMain(p), a.apiPackage(p):
			add(p.Path)
		case a.opts.Tests && hasTests(p):
			add(p.Path)
		}
		if a.opts.Tests && hasTests(p) {
			add(p.Path + "_test")
		}
	}
	for _, p := range a.imports[""] {
		add(p)
	}
	for len(queue) > 0 {
		p := queue[0]
		queue = queue[1:]
		for _, q := range a.imports[p] {
			add(q)
		}
	}
}

// linkedPkg reports whether the package of a key is linked.
func (a *analysis) linkedPkg(pkg string) bool { return a.linked[pkg] }

// roots marks the roots.
func (a *analysis) roots() {
	for _, p := range a.x.Packages {
		// (R1) Commands.
		if a.isMain(p) {
			a.root(index.Key{Pkg: p.Path, Path: "main"}, "func main of a command")
		}
		api := a.apiPackage(p)
		for i := range p.Decls {
			d := &p.Decls[i]
			if d.Test && !a.opts.Tests {
				continue
			}
			switch {
			case d.Kind == index.Func && d.Name == "main" && a.fileIgnored(d.Pos):
				// (R1) A //go:build ignore program: a generator.
				a.root(d.Key, "func main of a //go:build ignore program")
			case d.Kind == index.Var && d.Effect && a.linkedPkg(d.Key.Pkg):
				// (R2)
				a.root(d.Key, "its initialiser runs when the package is linked")
			case d.Kind == index.Func && strings.HasPrefix(d.Name, "Fuzz") && a.fileGoFuzz(d.Pos):
				// (R4) An entry point of go-fuzz or of a libFuzzer
				// build (go-fuzz-build -func Fuzz...): a tool outside
				// the working set calls it.
				a.root(d.Key, "a go-fuzz entry point (//go:build gofuzz)")
			case d.Test && d.Kind == index.Func && testFunc(d.Name):
				// (R3) Examples without an output comment too:
				// go test never runs them, but they are the
				// package's documentation.
				a.root(d.Key, "a test")
			case api && !d.Test && d.Recv == "" && isExported(d.Name) && d.Kind != index.Method && d.Kind != index.Field:
				// (R5)
				a.root(d.Key, "exported API of a library")
			}
		}
	}
	// (R2) func init and blank declarations (var _ I = (*T)(nil),
	// func _()), which the index keys "init" and "_".
	for id := range a.nodes {
		k := a.nodes[id].key
		if (k.Path == "init" || k.Path == "_") && a.linkedPkg(k.Pkg) {
			how := "func init of a linked package"
			if k.Path == "_" {
				how = "a blank declaration of a linked package"
			}
			a.root(k, how)
		}
	}
	// (R4) The directive counts only in a package some root links:
	// otherwise it is in no binary.
	for _, r := range a.hiddenRoots {
		if !a.linkedPkg(r.From) {
			continue
		}
		how := "//go:linkname"
		if r.Kind == index.CgoExport {
			how = "//export: called from C"
		}
		a.mark(a.node(r.To), cause{from: -1, ref: r, how: how})
	}
	for _, r := range a.fileRoots {
		if a.linkedPkg(r.From) {
			a.mark(a.node(r.To), cause{from: -1, ref: r, how: "used outside any declaration"})
		}
	}
}

func (a *analysis) root(k index.Key, how string) {
	id, ok := a.ids[k]
	if !ok {
		return
	}
	var pos index.Pos
	if d := a.nodes[id].decls; len(d) > 0 {
		pos = d[0].Pos
	}
	a.mark(id, cause{from: -1, pos: pos, how: how})
}

// testFunc reports whether name is one that go test runs: TestMain, or
// Test, Benchmark, Example or Fuzz followed by nothing or by a character
// that is not a lower-case letter.
func testFunc(name string) bool {
	if name == "TestMain" {
		return true
	}
	for _, prefix := range []string{"Test", "Benchmark", "Example", "Fuzz"} {
		rest, ok := strings.CutPrefix(name, prefix)
		if !ok {
			continue
		}
		if rest == "" {
			return true
		}
		r, _ := utf8.DecodeRuneInString(rest)
		if !unicode.IsLower(r) {
			return true
		}
	}
	return false
}
