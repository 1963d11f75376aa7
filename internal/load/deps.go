package load

// This file finds the packages of other modules in the build that import
// a module's packages: a requirement that the working set no longer
// imports is still needed while a dependency does (go mod tidy keeps it
// as // indirect).

import (
	"context"
	"fmt"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/goremover/goremover/internal/buildcfg"

	"golang.org/x/tools/go/packages"
)

// DepImport is an import of a package of some module by a package of
// another, non-working-set module.
type DepImport struct {
	Importer string // import path of the importing package
	Module   string // its module, "path@version"
	File     string // slash-separated, relative to that module's root
	Line     int
	Col      int
	Imported string // the imported package
	Of       string // the imported package's module
}

// DepPackage is a package of a module other than the working set's, in
// the host build of the working set (tests included).
type DepPackage struct {
	Path    string
	Module  string // its module's path
	Version string // its module's version, "" for a replaced directory
	Dir     string // its module's root directory
	GoFiles []string
	Imports []string // sorted import paths
	// ImportModule gives the module path of each import.
	ImportModule map[string]string
}

// ModVersion returns the package's module as path@version.
func (d *DepPackage) ModVersion() string {
	if d.Version == "" {
		return d.Module
	}
	return d.Module + "@" + d.Version
}

// ImportPos returns where the package's files import path, relative to
// its module's root.
func (d *DepPackage) ImportPos(path string) (file string, line, col int) {
	return findImport(d.Path, d.GoFiles, d.Dir, path)
}

// DepGraph returns the packages of other modules in the build of the
// working set, tests included, by import path. As for go mod tidy and go
// mod why, a dependency's imports are those of every build
// configuration (its files for other platforms or tags too, but for
// //go:build ignore ones), and what they import is loaded in turn: one
// go list, and one more per round of packages only other
// configurations import. The packages named by extra (imported only by
// working-set files of other configurations) are loaded too.
func DepGraph(ctx context.Context, ws *WorkingSet, opts *Options, extra ...string) (map[string]*DepPackage, error) {
	cfg := packagesConfig(ctx, ws, opts, packages.NeedName|packages.NeedImports|packages.NeedDeps|packages.NeedModule|packages.NeedFiles, true)
	var patterns []string
	for _, m := range ws.Modules {
		patterns = append(patterns, m.Dir+"/...")
	}
	pkgs, err := packages.Load(cfg, patterns...)
	if err != nil {
		return nil, packagesError(err)
	}
	main := map[string]bool{}
	for _, m := range ws.Modules {
		main[m.Path] = true
	}
	out := map[string]*DepPackage{}
	add := func(pkgs []*packages.Package) {
		packages.Visit(pkgs, nil, func(p *packages.Package) {
			if p.Module == nil || main[p.Module.Path] || out[p.PkgPath] != nil {
				return
			}
			d := &DepPackage{Path: p.PkgPath, Module: p.Module.Path, Version: p.Module.Version, Dir: p.Module.Dir, GoFiles: p.GoFiles, ImportModule: map[string]string{}}
			for path, imp := range p.Imports {
				d.Imports = append(d.Imports, path)
				if imp.Module != nil {
					d.ImportModule[path] = imp.Module.Path
				}
			}
			d.otherImports(p.IgnoredFiles)
			sort.Strings(d.Imports)
			out[p.PkgPath] = d
		})
	}
	add(pkgs)
	// A package that does not load on the host (golang.org/x/sys/windows
	// on linux) is listed with its errors: what it imports is still
	// known.
	cfg.Tests = false
	want := extra
	for round := 0; len(want) > 0 && round < 8; round++ {
		more, err := packages.Load(cfg, want...)
		if err != nil {
			break
		}
		add(more)
		seen := map[string]bool{}
		want = nil
		for _, d := range out {
			for _, imp := range d.Imports {
				if out[imp] == nil && !seen[imp] && !IsStd(imp) {
					seen[imp] = true
					want = append(want, imp)
				}
			}
		}
		sort.Strings(want)
	}
	for _, d := range out {
		for _, imp := range d.Imports {
			if d.ImportModule[imp] == "" && out[imp] != nil {
				d.ImportModule[imp] = out[imp].Module
			}
		}
	}
	return out, nil
}

// otherImports adds the imports of the package's files that the host
// build ignores, but for //go:build ignore programs and tests, and keeps
// those files for ImportPos.
func (d *DepPackage) otherImports(ignored []string) {
	have := map[string]bool{}
	for _, p := range d.Imports {
		have[p] = true
	}
	for _, name := range ignored {
		if !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") {
			continue
		}
		fi, err := os.Lstat(name)
		if err != nil || !fi.Mode().IsRegular() || fi.Size() > maxSource {
			continue
		}
		src, err := os.ReadFile(name)
		if err != nil {
			continue
		}
		if cons, err := buildcfg.FileConstraint(filepath.Base(name), src); err != nil || cons.Ignore() {
			continue
		}
		f, err := parser.ParseFile(token.NewFileSet(), name, src, parser.ImportsOnly)
		if err != nil {
			continue
		}
		d.GoFiles = append(d.GoFiles, name)
		for _, s := range f.Imports {
			p, err := strconv.Unquote(s.Path.Value)
			if err == nil && p != "C" && !have[p] {
				have[p] = true
				d.Imports = append(d.Imports, p)
			}
		}
	}
}

// IsStd reports whether an import path is in the standard library (its
// first element has no dot), or is "C".
func IsStd(p string) bool {
	first, _, _ := strings.Cut(p, "/")
	return !strings.Contains(first, ".")
}

// ImportsOf lists the imports of packages of the modules mods by the
// packages of graph (of other modules).
func ImportsOf(graph map[string]*DepPackage, mods []string) []DepImport {
	want := map[string]bool{}
	for _, m := range mods {
		want[m] = true
	}
	var out []DepImport
	for _, p := range graph {
		for _, h := range p.Imports {
			of := p.ImportModule[h]
			if of == "" || !want[of] || of == p.Module {
				continue
			}
			d := DepImport{Importer: p.Path, Module: p.ModVersion(), Imported: h, Of: of}
			d.File, d.Line, d.Col = p.ImportPos(h)
			out = append(out, d)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Module != out[j].Module {
			return out[i].Module < out[j].Module
		}
		if out[i].File != out[j].File {
			return out[i].File < out[j].File
		}
		if out[i].Line != out[j].Line {
			return out[i].Line < out[j].Line
		}
		return out[i].Imported < out[j].Imported
	})
	return out
}

// findImport returns where a package's files import path, relative to
// the package's module root.
func findImport(pkgPath string, goFiles []string, modDir, path string) (string, int, int) {
	for _, name := range goFiles {
		fset := token.NewFileSet()
		f, err := parser.ParseFile(fset, name, nil, parser.ImportsOnly)
		if err != nil {
			continue
		}
		for _, s := range f.Imports {
			if v, _ := strconv.Unquote(s.Path.Value); v == path {
				pos := fset.Position(s.Path.Pos())
				rel := name
				if modDir != "" {
					if r, err := filepath.Rel(modDir, name); err == nil {
						rel = r
					}
				}
				return filepath.ToSlash(rel), pos.Line, pos.Column
			}
		}
	}
	return fmt.Sprintf("(%s)", pkgPath), 0, 0
}
