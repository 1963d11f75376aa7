package modfix

// This file implements RemoveModule, the computation behind
// goremover rm -m. The go.mod edit is direct (drop the module's require,
// replace and exclude lines); what else leaves with it is go mod tidy's
// answer in a scratch copy, restricted to the module versions reachable
// from the module in the build graph before (go mod graph), so that
// requirements and go.sum lines unrelated to the removal keep their
// lines even where go mod tidy would change them too.

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/goremover/goremover/internal/edit"
	"github.com/goremover/goremover/internal/impact"
	"github.com/goremover/goremover/internal/index"
	"github.com/goremover/goremover/internal/load"
	"github.com/goremover/goremover/internal/target"
	"golang.org/x/mod/modfile"
	"golang.org/x/mod/module"
)

// BlockedError reports that a module cannot be removed: packages of the
// working set (any platform, tests, //go:build ignore files) or of its
// dependencies import packages of it, or a tool directive names one.
type BlockedError struct {
	Module string
	// Result lists the blocking references (Refs) and the go.mod lines
	// that would go with the module (Self), as impact -m reports them.
	Result *impact.Result
	// Reason is set when no import blocks, but go mod tidy would keep
	// the module required anyway.
	Reason string
}

func (e *BlockedError) Error() string {
	if e.Reason != "" {
		return fmt.Sprintf("cannot remove module %s: %s", e.Module, e.Reason)
	}
	n, p := len(e.Result.Refs), e.Result.Packages()
	imports, verb, pkgs := "imports", "remain", "packages"
	if n == 1 {
		imports, verb = "import", "remains"
	}
	if p == 1 {
		pkgs = "package"
	}
	return fmt.Sprintf("cannot remove module %s: %d %s %s in %d %s", e.Module, n, imports, verb, p, pkgs)
}

// RemoveModule returns the changes that remove module path mod from the
// working set: in every working-set module that mentions it, its require,
// replace and exclude lines, the go.sum lines of it and of the module
// versions that leave the build with it, the requirements that only it
// needed (as go mod tidy drops them), its vendor/ directory and
// vendor/modules.txt entries when the module vendors; and its replace
// lines in go.work and the go.work.sum lines no module needs any more.
//
// t is the resolved module target (target.FormModule). deps are the
// dependency packages of the build (load.DepGraph), nil to list them
// here. If anything still imports a package of its module, RemoveModule
// returns a *BlockedError listing the importers, as impact -m reports
// them.
func RemoveModule(ctx context.Context, ws *load.WorkingSet, x *index.Index, t *target.Target, deps map[string]*load.DepPackage) (*edit.Set, error) {
	mod := t.Module
	if err := module.CheckImportPath(mod); err != nil {
		return nil, &load.Error{Msg: fmt.Sprintf("-m %s: malformed module path", mod)}
	}
	var mods []*load.Module
	for i := range ws.Modules {
		m := &ws.Modules[i]
		if m.Path == mod {
			return nil, &load.Error{Msg: fmt.Sprintf("%s: is a module of the working set, not a requirement", mod)}
		}
		if mentions(m.File, mod) {
			mods = append(mods, m)
		}
	}
	var wf *modfile.WorkFile
	if ws.Work != "" {
		var err error
		wf, err = modfile.ParseWork(ws.Work, ws.WorkSum, nil)
		if err != nil {
			return nil, &load.Error{Msg: oneLine(err)}
		}
	}
	workRepl := wf != nil && workReplaces(wf, mod)
	if len(mods) == 0 && !workRepl {
		return nil, &load.Error{Msg: fmt.Sprintf("%s: module is not required by the working set", mod)}
	}

	// Blocked while anything imports it.
	res := impact.Analyze(x, ws, t)
	if len(mods) > 0 {
		if deps == nil {
			var err error
			if deps, err = load.DepGraph(ctx, ws, &load.Options{}); err != nil {
				return nil, err
			}
		}
		impact.AddDepImports(res, load.ImportsOf(deps, []string{mod}))
	}
	if !res.Safe() {
		return nil, &BlockedError{Module: mod, Result: res}
	}
	for _, m := range mods {
		for _, tl := range m.File.Tool {
			if tl.Path == mod || strings.HasPrefix(tl.Path, mod+"/") {
				return nil, &BlockedError{Module: mod, Result: res, Reason: fmt.Sprintf("%s/go.mod:%d: tool %s is a package of it", relDir(ws, m.Dir), tl.Syntax.Start.Line, tl.Path)}
			}
		}
	}

	set := &edit.Set{}
	gone := map[string]bool{mod: true} // module paths whose lines leave
	for _, m := range mods {
		if err := removeFromModule(ctx, ws, x, m, mod, set, gone); err != nil {
			return nil, err
		}
	}
	if wf != nil {
		if err := removeFromWork(ws, wf, mod, set, gone); err != nil {
			return nil, err
		}
	}
	return set, nil
}

// mentions reports whether a go.mod requires, replaces or excludes mod.
func mentions(f *modfile.File, mod string) bool {
	for _, r := range f.Require {
		if r.Mod.Path == mod {
			return true
		}
	}
	for _, r := range f.Replace {
		if r.Old.Path == mod {
			return true
		}
	}
	for _, e := range f.Exclude {
		if e.Mod.Path == mod {
			return true
		}
	}
	return false
}

func workReplaces(wf *modfile.WorkFile, mod string) bool {
	for _, r := range wf.Replace {
		if r.Old.Path == mod {
			return true
		}
	}
	return false
}

// dropModuleLines returns goMod without mod's require, replace and
// exclude lines.
func dropModuleLines(m *load.Module, goMod []byte, mod string) ([]byte, error) {
	f, err := modfile.Parse(filepath.Join(m.Dir, "go.mod"), goMod, nil)
	if err != nil {
		return nil, err
	}
	if err := f.DropRequire(mod); err != nil {
		return nil, err
	}
	for _, r := range append([]*modfile.Replace(nil), f.Replace...) {
		if r.Old.Path == mod {
			if err := f.DropReplace(r.Old.Path, r.Old.Version); err != nil {
				return nil, err
			}
		}
	}
	for _, e := range append([]*modfile.Exclude(nil), f.Exclude...) {
		if e.Mod.Path == mod {
			if err := f.DropExclude(e.Mod.Path, e.Mod.Version); err != nil {
				return nil, err
			}
		}
	}
	f.Cleanup()
	return f.Format()
}

func removeFromModule(ctx context.Context, ws *load.WorkingSet, x *index.Index, m *load.Module, mod string, set *edit.Set, gone map[string]bool) error {
	goSum, err := readSum(m)
	if err != nil {
		return err
	}
	base, err := dropModuleLines(m, m.GoMod, mod)
	if err != nil {
		return err
	}
	t := moduleTree(ws, x.Dirs, m, nil)

	// The graph before, and go mod tidy's answer (and its graph) after.
	type out struct {
		edges [][2]module.Version
		tidy  tidyResult
		err   error
	}
	// Each scratch copy is removed before its result is sent: the
	// caller may return, and goremover exit, as soon as it has both.
	before, after := make(chan out, 1), make(chan out, 1)
	go func() {
		before <- func() out {
			s, err := newScratch(ws, m, m.GoMod, t)
			if err != nil {
				return out{err: err}
			}
			defer s.remove()
			e, _, err := s.graphEdges(ctx)
			return out{edges: e, err: err}
		}()
	}()
	go func() {
		after <- func() out {
			s, err := newScratch(ws, m, base, t)
			if err != nil {
				return out{err: err}
			}
			defer s.remove()
			f, sum, err := s.tidy(ctx)
			if err != nil {
				return out{err: err}
			}
			return out{tidy: tidyResult{mod: f, sum: sum}}
		}()
	}()
	b, a := <-before, <-after
	if b.err != nil {
		return b.err
	}
	if a.err != nil {
		return a.err
	}
	// What mod brought into the build: the versions reachable from it.
	reach := reachable(b.edges, mod)
	leaving := map[string]bool{mod: true}
	for v := range reach {
		leaving[v.Path] = true
	}
	rn := requires(a.tidy.mod)
	if s, ok := rn[mod]; ok {
		return &BlockedError{Module: mod, Result: &impact.Result{}, Reason: fmt.Sprintf("go mod tidy keeps it required at %s (a dependency needs it)", s.version)}
	}
	// go.mod: the leaving modules take tidy's state.
	bf, err := modfile.Parse("go.mod", base, nil)
	if err != nil {
		return err
	}
	cur := requires(bf)
	changed := map[string]*reqState{}
	for p := range leaving {
		c, had := cur[p]
		n, keep := rn[p]
		switch {
		case had && !keep:
			changed[p] = nil
		case keep && (!had || c != n):
			n := n
			changed[p] = &n
		}
	}
	newMod, err := applyRequires(m, base, changed)
	if err != nil {
		return err
	}
	// go.sum: lines of leaving modules that tidy does not keep.
	keepSum := map[string]bool{}
	for _, l := range a.tidy.sum {
		keepSum[l.Key()] = true
	}
	newSum := editSum(goSum, func(l SumLine) bool {
		return (l.Path == mod || reach[l.Mod()]) && !keepSum[l.Key()]
	}, nil)
	for p := range leaving {
		if _, ok := rn[p]; !ok {
			gone[p] = true
		}
	}

	modPath := filepath.Join(m.Dir, "go.mod")
	if err := set.Add(&edit.File{Path: modPath, Old: m.GoMod, New: newMod, Mode: edit.ModeOf(modPath)}); err != nil {
		return err
	}
	if goSum != nil {
		sumPath := filepath.Join(m.Dir, "go.sum")
		if err := set.Add(&edit.File{Path: sumPath, Old: goSum, New: newSum, Mode: edit.ModeOf(sumPath)}); err != nil {
			return err
		}
	}
	return removeVendored(m, func(p string) bool {
		_, keep := rn[p]
		return leaving[p] && !keep
	}, set)
}

// removeFromWork drops mod's replace lines from go.work, and from
// go.work.sum the lines of modules that left that no module's go.sum
// still has.
func removeFromWork(ws *load.WorkingSet, wf *modfile.WorkFile, mod string, set *edit.Set, gone map[string]bool) error {
	if workReplaces(wf, mod) {
		for _, r := range append([]*modfile.Replace(nil), wf.Replace...) {
			if r.Old.Path == mod {
				if err := wf.DropReplace(r.Old.Path, r.Old.Version); err != nil {
					return err
				}
			}
		}
		wf.Cleanup()
		data := modfile.Format(wf.Syntax)
		if err := set.Add(&edit.File{Path: ws.Work, Old: ws.WorkSum, New: data, Mode: edit.ModeOf(ws.Work)}); err != nil {
			return err
		}
	}
	sumPath := ws.Work + ".sum"
	old, err := os.ReadFile(sumPath)
	if err != nil {
		return nil // no go.work.sum
	}
	// Paths some module still mentions in go.mod or go.sum after the change.
	still := map[string]bool{}
	for i := range ws.Modules {
		m := &ws.Modules[i]
		gm, gs := m.GoMod, []byte(nil)
		if c := set.Get(filepath.Join(m.Dir, "go.mod")); c != nil {
			gm = c.New
		}
		if c := set.Get(filepath.Join(m.Dir, "go.sum")); c != nil {
			gs = c.New
		} else {
			gs, _ = readSum(m)
		}
		if f, err := modfile.Parse("go.mod", gm, nil); err == nil {
			for _, r := range f.Require {
				still[r.Mod.Path] = true
			}
		}
		if lines, err := ParseSum("go.sum", gs); err == nil {
			for _, l := range lines {
				still[l.Path] = true
			}
		}
	}
	newSum := editSum(old, func(l SumLine) bool { return gone[l.Path] && !still[l.Path] }, nil)
	return set.Add(&edit.File{Path: sumPath, Old: old, New: newSum, Mode: edit.ModeOf(sumPath)})
}

// removeVendored removes from m's vendor/modules.txt the blocks of the
// modules for which drop reports true, and deletes their vendored files.
func removeVendored(m *load.Module, drop func(string) bool, set *edit.Set) error {
	vdir := filepath.Join(m.Dir, "vendor")
	txtPath := filepath.Join(vdir, "modules.txt")
	txt, err := os.ReadFile(txtPath)
	if err != nil {
		return nil // not vendoring
	}
	vm := ParseVendor(txt)
	var lines []string
	removed := map[string]bool{}
	var all []string
	for _, b := range vm {
		all = append(all, b.Path)
		if drop(b.Path) {
			removed[b.Path] = true
			continue
		}
		lines = append(lines, b.Lines...)
	}
	if len(removed) == 0 {
		return nil
	}
	// With no module left, go mod vendor removes vendor/ altogether
	// ("no dependencies to vendor"): modules.txt is deleted too.
	var newTxt []byte
	if len(lines) > 0 {
		newTxt = []byte(strings.Join(lines, "\n") + "\n")
	}
	if err := set.Add(&edit.File{Path: txtPath, Old: txt, New: newTxt, Mode: edit.ModeOf(txtPath)}); err != nil {
		return err
	}
	// Longest vendored module path owning a directory.
	sort.Strings(all)
	owner := func(rel string) string {
		best := ""
		for _, p := range all {
			if (rel == p || strings.HasPrefix(rel, p+"/")) && len(p) > len(best) {
				best = p
			}
		}
		return best
	}
	for p := range removed {
		root := filepath.Join(vdir, filepath.FromSlash(p))
		err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				if os.IsNotExist(err) {
					return nil
				}
				return err
			}
			if d.IsDir() || !d.Type().IsRegular() {
				return nil
			}
			rel, _ := filepath.Rel(vdir, filepath.Dir(path))
			if !removed[owner(filepath.ToSlash(rel))] {
				return nil
			}
			data, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			return set.Add(&edit.File{Path: path, Old: data, New: nil, Mode: edit.ModeOf(path)})
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// VendorModule is a module block of vendor/modules.txt.
type VendorModule struct {
	Path     string   // module path
	Version  string   // "" for a replaced module without version
	Replace  string   // the replacement after "=>", if any
	Explicit bool     // "## explicit"
	GoVer    string   // "## explicit; go 1.22"
	Packages []string // vendored packages
	Line     int      // line of the "# " header
	Lines    []string // the block's lines, as written
}

// ParseVendor splits vendor/modules.txt into module blocks. Lines before
// the first header (there should be none) form a block with an empty
// Path.
func ParseVendor(data []byte) []*VendorModule {
	var out []*VendorModule
	var cur *VendorModule
	for i, line := range strings.Split(strings.TrimSuffix(string(data), "\n"), "\n") {
		if line == "" && i == 0 && len(data) == 0 {
			break
		}
		switch {
		case strings.HasPrefix(line, "# "):
			f := strings.Fields(line[2:])
			cur = &VendorModule{Line: i + 1}
			if len(f) > 0 {
				cur.Path = f[0]
			}
			if len(f) > 1 && f[1] != "=>" {
				cur.Version = f[1]
			}
			for j, w := range f {
				if w == "=>" {
					cur.Replace = strings.Join(f[j+1:], " ")
				}
			}
			out = append(out, cur)
		case strings.HasPrefix(line, "## "):
			if cur == nil {
				cur = &VendorModule{}
				out = append(out, cur)
			}
			for _, a := range strings.Split(line[3:], ";") {
				a = strings.TrimSpace(a)
				if a == "explicit" {
					cur.Explicit = true
				} else if v, ok := strings.CutPrefix(a, "go "); ok {
					cur.GoVer = v
				}
			}
		default:
			if cur == nil {
				cur = &VendorModule{}
				out = append(out, cur)
			}
			if l := strings.TrimSpace(line); l != "" {
				cur.Packages = append(cur.Packages, l)
			}
		}
		cur.Lines = append(cur.Lines, line)
	}
	return out
}

func relDir(ws *load.WorkingSet, dir string) string {
	rel, err := filepath.Rel(ws.Root, dir)
	if err != nil || rel == "." {
		return "."
	}
	return filepath.ToSlash(rel)
}

// oneLine reduces modfile's multi-error messages to their first line,
// which carries the position.
func oneLine(err error) string {
	s := err.Error()
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	return s
}
