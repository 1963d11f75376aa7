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
	"path/filepath"
	"sort"
	"strconv"

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

// DepImports lists the imports of packages of the modules mods by
// dependency packages in the host build of the working set, tests
// included. One go list serves every module.
func DepImports(ctx context.Context, ws *WorkingSet, mods []string, opts *Options) ([]DepImport, error) {
	want := map[string]bool{}
	for _, m := range mods {
		want[m] = true
	}
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
	var out []DepImport
	seen := map[string]bool{}
	packages.Visit(pkgs, nil, func(p *packages.Package) {
		if p.Module == nil || main[p.Module.Path] || seen[p.ID] {
			return
		}
		seen[p.ID] = true
		var hits []string
		for path, imp := range p.Imports {
			if imp.Module != nil && want[imp.Module.Path] && imp.Module.Path != p.Module.Path {
				hits = append(hits, path)
			}
		}
		if len(hits) == 0 {
			return
		}
		sort.Strings(hits)
		mv := p.Module.Path
		if p.Module.Version != "" {
			mv += "@" + p.Module.Version
		}
		for _, h := range hits {
			d := DepImport{Importer: p.PkgPath, Module: mv, Imported: h, Of: p.Imports[h].Module.Path}
			d.File, d.Line, d.Col = findImport(p, h)
			out = append(out, d)
		}
	})
	sort.Slice(out, func(i, j int) bool {
		if out[i].Module != out[j].Module {
			return out[i].Module < out[j].Module
		}
		return out[i].File < out[j].File
	})
	return out, nil
}

// findImport returns where a package's files import path, relative to
// the package's module root.
func findImport(p *packages.Package, path string) (string, int, int) {
	for _, name := range p.GoFiles {
		fset := token.NewFileSet()
		f, err := parser.ParseFile(fset, name, nil, parser.ImportsOnly)
		if err != nil {
			continue
		}
		for _, s := range f.Imports {
			if v, _ := strconv.Unquote(s.Path.Value); v == path {
				pos := fset.Position(s.Path.Pos())
				rel := name
				if p.Module != nil && p.Module.Dir != "" {
					if r, err := filepath.Rel(p.Module.Dir, name); err == nil {
						rel = r
					}
				}
				return filepath.ToSlash(rel), pos.Line, pos.Column
			}
		}
	}
	return fmt.Sprintf("(%s)", p.PkgPath), 0, 0
}
