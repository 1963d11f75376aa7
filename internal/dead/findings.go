package dead

// This file turns liveness into findings: a declaration nothing live
// uses, with the reason; a package nothing links; a file whose
// declarations are all dead (one finding for the file instead of one per
// declaration); what only reflection with a computed name reaches; and
// exported identifiers only their own package uses.
//
// What is never reported: members of a dead type (the type's finding
// covers them), embedded and blank fields, marker methods (an unexported
// method with no parameters, no results and an empty body that an
// interface of its package names: removing it changes which types
// satisfy the interface, as cmd/deadcode notes), vars whose initialiser
// has a side effect, and, unless asked, generated files.

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"slices"
	"strings"

	"github.com/goremover/goremover/internal/index"
	"github.com/goremover/goremover/internal/load"
)

// fileInfo is what findings need to know about a Go file beyond the
// index: read from its source once.
type fileInfo struct {
	generated bool
	// keep is set when deleting the file would lose more than its
	// declarations: a blank or dot import (an init it wants run),
	// import "C", a //go:generate or //go:embed line.
	keep bool
}

func (a *analysis) fileInfo(p index.Pos) fileInfo {
	k := p.Module + "\x00" + p.File
	if fi, ok := a.files[k]; ok {
		return fi
	}
	var fi fileInfo
	if f := a.srcFile(p); f != nil {
		fset := token.NewFileSet()
		af, _ := parser.ParseFile(fset, f.Abs, f.Src, parser.ParseComments|parser.SkipObjectResolution)
		if af != nil {
			fi.generated = ast.IsGenerated(af)
			for _, imp := range af.Imports {
				if imp.Name != nil && (imp.Name.Name == "_" || imp.Name.Name == ".") || imp.Path.Value == `"C"` {
					fi.keep = true
				}
			}
			for _, cg := range af.Comments {
				for _, c := range cg.List {
					if strings.HasPrefix(c.Text, "//go:generate") || strings.HasPrefix(c.Text, "//go:embed") {
						fi.keep = true
					}
				}
			}
		}
	}
	if a.files == nil {
		a.files = map[string]fileInfo{}
	}
	a.files[k] = fi
	return fi
}

// srcFile returns the scanned file at p, or nil.
func (a *analysis) srcFile(p index.Pos) *load.File {
	if a.byFile == nil {
		a.byFile = map[string]*load.File{}
		for _, d := range a.x.Dirs {
			for _, f := range d.Files {
				rel := f.Name
				if d.Rel != "." {
					rel = d.Rel + "/" + f.Name
				}
				a.byFile[d.Module.Path+"\x00"+rel] = f
			}
		}
	}
	return a.byFile[p.Module+"\x00"+p.File]
}

func (a *analysis) platforms(p index.Pos) []string {
	if f := a.x.File(p); f != nil {
		return f.Platforms
	}
	return []string{"all"}
}

// findings returns everything to report, sorted.
func (a *analysis) findings() []*Finding {
	var out []*Finding
	markers := a.markers()
	byFile := map[string][]*Finding{} // dead declarations by file
	for id := range a.nodes {
		n := &a.nodes[id]
		for _, d := range n.decls {
			f := a.declFinding(int32(id), d, markers)
			if f == nil {
				continue
			}
			if f.Status == Dead {
				k := f.Pos.Module + "\x00" + f.Pos.File
				byFile[k] = append(byFile[k], f)
				continue
			}
			out = append(out, f)
		}
	}
	out = append(out, a.fileFindings(byFile)...)
	out = append(out, a.packageFindings()...)
	slices.SortFunc(out, func(x, y *Finding) int {
		switch {
		case x.Pos.Less(y.Pos):
			return -1
		case y.Pos.Less(x.Pos):
			return 1
		}
		return strings.Compare(x.Name, y.Name)
	})
	return out
}

// markers returns, per package, the names of its unexported interface
// methods with no parameters and no results.
func (a *analysis) markers() map[string]bool {
	m := map[string]bool{}
	for _, n := range a.nodes {
		for _, d := range n.decls {
			if d.Iface && d.Empty && !isExported(d.Name) {
				m[n.qual] = true
			}
		}
	}
	return m
}

// declFinding returns the finding for one declaration, or nil.
func (a *analysis) declFinding(id int32, d *index.Decl, markers map[string]bool) *Finding {
	n := &a.nodes[id]
	pkg := strings.TrimSuffix(d.Key.Pkg, "_test")
	if !a.linked[d.Key.Pkg] && !a.linked[pkg] {
		return nil // the package's finding says it
	}
	if n.typ >= 0 && a.nodes[n.typ].state == dead && len(a.nodes[n.typ].decls) > 0 {
		return nil // the type's finding says it
	}
	switch {
	case d.Kind == index.Field && (d.Name == "_" || d.Embedded):
		return nil
	case d.Kind == index.Var && d.Effect:
		return nil
	case d.Kind == index.Method && d.Empty && !isExported(d.Name) && markers[n.qual]:
		return nil
	}
	fi := a.fileInfo(d.Pos)
	if fi.generated && !a.opts.Generated {
		return nil
	}
	f := &Finding{
		Kind: d.Kind, Key: d.Key, Name: d.Key.Path, Pkg: d.Key.Pkg, Pos: d.Pos, End: d.End,
		Platforms: a.platforms(d.Pos), Test: d.Test, Generated: fi.generated,
	}
	switch n.state {
	case uncertain:
		f.Status, f.Rule = Uncertain, ruleUncertain.ID
		f.Reason = reflectionOnly + " with a computed name"
		f.Detail = a.describe(n.cause)
		return f
	case live:
		return a.unexportFinding(id, d, f)
	}
	f.Status = Dead
	f.Rule = deadRule(d.Kind).ID
	f.Reason, f.Detail = a.deadReason(id, d)
	return f
}

// deadReason says why a dead declaration is dead.
func (a *analysis) deadReason(id int32, d *index.Decl) (reason, detail string) {
	n := &a.nodes[id]
	if n.iface {
		return "interface method that nothing calls", ""
	}
	var user *index.Ref
	implemented := false
	for _, r := range a.x.RefsTo(d.Key) {
		if r.Encl == (index.Key{}) || r.Test && !a.opts.Tests {
			continue
		}
		from, ok := a.ids[r.Encl]
		if !ok || from == id || a.nodes[from].typ == id {
			continue // itself, or its own method or field
		}
		if r.Kind == index.Implements {
			if a.nodes[from].state != dead {
				implemented = true
			}
			continue
		}
		if user == nil || r.Pos.Less(user.Pos) {
			user = r
		}
	}
	switch {
	case implemented && user == nil:
		return "needed only to satisfy an interface whose method " + d.Name + " nothing calls", ""
	case user != nil:
		name := user.EnclName
		if name == "" {
			name = user.Encl.Path
		}
		return "used only by dead code", fmt.Sprintf("used by %s at %s:%d:%d", name, user.Pos.File, user.Pos.Line, user.Pos.Col)
	case d.Kind == index.Func || d.Kind == index.Method:
		return "unreachable from any root", ""
	}
	return "never used", ""
}

// unexportFinding returns an Unexport finding for a live exported
// top-level declaration of a package whose API is not a root, when only
// its own package (in-package tests included) refers to it; nil
// otherwise.
func (a *analysis) unexportFinding(id int32, d *index.Decl, f *Finding) *Finding {
	if d.Test || d.Recv != "" || !isExported(d.Name) || d.Kind == index.Method || d.Kind == index.Field {
		return nil
	}
	p := a.x.Package(d.Key.Pkg)
	if p == nil || p.Name == "main" || a.apiPackage(p) {
		return nil
	}
	if a.nodes[id].cause.from < 0 {
		return nil // a root
	}
	uses := 0
	for _, r := range a.x.RefsTo(d.Key) {
		if r.From != d.Key.Pkg || r.Hidden {
			return nil
		}
		if r.Encl != d.Key {
			uses++
		}
	}
	if uses == 0 {
		return nil
	}
	f.Status, f.Rule = Unexport, ruleUnexport.ID
	f.Reason = "exported but used only in its own package"
	return f
}

// describe says how an uncertain node is reached, for its detail: where
// values of its type become interface values, or which uncertain code
// uses it.
func (a *analysis) describe(c cause) string {
	var s string
	if rest, ok := strings.CutPrefix(c.how, reflectionOnly+": "); ok {
		s = rest
	} else if c.from >= 0 {
		s = "used by " + a.nodes[c.from].key.Path + ", which only reflection reaches"
		if p := posString(c); p != "?" {
			s += ", at " + p
		}
		return s
	} else {
		s = c.how
	}
	if p := posString(c); p != "?" {
		s += " at " + p
	}
	if c.from >= 0 {
		s += " (in " + a.nodes[c.from].key.Path + ")"
	}
	return s
}

// fileFindings replaces the dead declarations of a file by one finding
// for the whole file when every declaration it makes is dead and
// deleting it loses nothing else.
func (a *analysis) fileFindings(byFile map[string][]*Finding) []*Finding {
	// Every declaration of every file, and whether it is dead.
	total := map[string]int{}
	deadDecls := map[string]int{}
	for id := range a.nodes {
		n := &a.nodes[id]
		for _, d := range n.decls {
			if d.Kind == index.Field && (d.Name == "_" || d.Embedded) {
				continue // goes with its type
			}
			k := d.Pos.Module + "\x00" + d.Pos.File
			total[k]++
			if n.state == dead && !(d.Kind == index.Var && d.Effect) {
				deadDecls[k]++
			}
		}
	}
	// Files holding an init or a blank declaration that runs.
	for id := range a.nodes {
		n := &a.nodes[id]
		if (n.key.Path == "init" || n.key.Path == "_") && n.state != dead {
			for _, r := range n.out {
				total[r.Pos.Module+"\x00"+r.Pos.File]++
			}
		}
	}
	var out []*Finding
	for k, fs := range byFile {
		if total[k] != deadDecls[k] || len(fs) == 0 {
			out = append(out, fs...)
			continue
		}
		pos := index.Pos{Module: fs[0].Pos.Module, File: fs[0].Pos.File}
		fi := a.fileInfo(pos)
		if fi.keep {
			out = append(out, fs...)
			continue
		}
		f := &Finding{
			Rule: ruleDeadFile.ID, Status: Dead, Kind: FileKind, Name: pos.File, Pkg: fs[0].Pkg,
			Pos: index.Pos{Module: pos.Module, File: pos.File, Line: 1, Col: 1}, Platforms: fs[0].Platforms,
			Test: fs[0].Test, Generated: fi.generated,
			Reason: "every declaration in the file is dead",
		}
		var names []string
		for _, d := range fs {
			f.Decls = append(f.Decls, d.Key)
			names = append(names, d.Name)
		}
		slices.Sort(names)
		names = slices.Compact(names)
		if len(names) > 4 {
			names = append(names[:4], fmt.Sprintf("and %d more", len(names)-4))
		}
		f.Detail = strings.Join(names, ", ")
		out = append(out, f)
	}
	return out
}

// packageFindings reports the packages no root links that are not
// commands.
func (a *analysis) packageFindings() []*Finding {
	var out []*Finding
	for _, p := range a.x.Packages {
		if a.linked[p.Path] || p.Name == "main" || p.Name == "" {
			continue
		}
		var first *index.File
		constrained := false
		platforms := map[string]bool{}
		for i := range p.Files {
			f := &p.Files[i]
			if f.Test || slices.Contains(f.Platforms, "ignore") {
				continue
			}
			if first == nil {
				first = f
			}
			if f.Constraint != "" {
				constrained = true
			}
			for _, pl := range f.Platforms {
				platforms[pl] = true
			}
		}
		if first == nil {
			continue // only tests or generators
		}
		if !a.declares(p) && constrained {
			continue // a tools.go: blank imports that keep requirements
		}
		pls := []string{"all"}
		if !platforms["all"] {
			pls = slices.Sorted(func(yield func(string) bool) {
				for pl := range platforms {
					if !yield(pl) {
						return
					}
				}
			})
		}
		reason := "nothing imports it and it is not a command"
		for _, r := range a.x.RefsTo(index.PkgKey(p.Path)) {
			if r.Kind == index.Import {
				reason = "imported only by packages nothing links"
				if r.Test && !a.opts.Tests {
					reason = "imported only by tests"
				}
				break
			}
		}
		if a.fileInfo(first.Pos).generated && !a.opts.Generated {
			continue
		}
		out = append(out, &Finding{
			Rule: ruleDeadPackage.ID, Status: Dead, Kind: index.PackageKind, Key: index.PkgKey(p.Path),
			Name: p.Path, Pkg: p.Path, Pos: index.Pos{Module: first.Pos.Module, File: first.Pos.File, Line: 1, Col: 1},
			Platforms: pls, Reason: reason,
		})
	}
	return out
}

// declares reports whether p declares anything outside its test files.
func (a *analysis) declares(p *index.Package) bool {
	for _, d := range p.Decls {
		if !d.Test {
			return true
		}
	}
	for _, r := range p.Refs {
		if !r.Test && (r.Encl.Path == "init" || r.Encl.Path == "_") {
			return true
		}
	}
	return false
}
