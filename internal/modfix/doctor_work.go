package modfix

// This file holds doctor's checks of a go.work workspace as a whole:
// modules nothing uses, use lines, replaces that conflict across modules,
// and a workspace the go command refuses.

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/goremover/goremover/internal/gocmd"
	"github.com/goremover/goremover/internal/load"
	"github.com/goremover/goremover/internal/progress"
	"github.com/goremover/goremover/internal/report"
	"golang.org/x/mod/modfile"
	"golang.org/x/mod/module"
)

// workUnused reports workspace modules that no other one imports and
// that have no main package (GR122).
func workUnused(ws *load.WorkingSet, dirs []*load.Dir) []*report.Finding {
	if ws.Work == "" || len(ws.Modules) < 2 {
		return nil
	}
	wf, err := modfile.ParseWork(ws.Work, ws.WorkSum, nil)
	if err != nil {
		return nil
	}
	// owner returns the workspace module an import path belongs to: the
	// longest module path that prefixes it.
	owner := func(p string) string {
		best := ""
		for _, m := range ws.Modules {
			if (p == m.Path || strings.HasPrefix(p, m.Path+"/")) && len(m.Path) > len(best) {
				best = m.Path
			}
		}
		return best
	}
	used := map[string]bool{}
	for _, d := range dirs {
		if d.Name() == "main" {
			used[d.Module.Path] = true
		}
		for _, f := range d.Files {
			for _, imp := range f.Imports {
				if o := owner(imp); o != "" && o != d.Module.Path {
					used[o] = true
				}
			}
		}
	}
	var out []*report.Finding
	for _, u := range wf.Use {
		dir := u.Path
		if !filepath.IsAbs(dir) {
			dir = filepath.Join(ws.Root, filepath.FromSlash(dir))
		}
		for _, m := range ws.Modules {
			if filepath.Clean(m.Dir) != filepath.Clean(dir) || used[m.Path] {
				continue
			}
			out = append(out, &report.Finding{
				Rule: ruleWorkUnused.ID, Severity: ruleWorkUnused.Severity, File: "go.work", Root: ws.Root,
				Line: u.Syntax.Start.Line, Col: u.Syntax.Start.LineRune,
				Message: fmt.Sprintf("use %s: module %s is imported by no other workspace module and has no main package", u.Path, m.Path),
				Why:     "nothing in the workspace needs it; it may be left over from a removal",
			})
		}
	}
	return out
}

// workFindings checks go.work against its modules (GR114, GR121).
func workFindings(ws *load.WorkingSet) []*report.Finding {
	if ws.Work == "" {
		return nil
	}
	wf, err := modfile.ParseWork(ws.Work, ws.WorkSum, nil)
	if err != nil {
		return nil
	}
	out := conflictingReplaces(ws, wf)
	// A go.work without a go line is go 1.18 to the go command.
	wgo, lists := "1.18", "implicitly requires"
	line := 0
	if wf.Go != nil {
		wgo, lists, line = wf.Go.Version, "lists", wf.Go.Syntax.Start.Line
	}
	gos := map[string]bool{}
	for _, m := range ws.Modules {
		if m.File.Go == nil {
			continue
		}
		gos[m.File.Go.Version] = true
		if compareGo(m.File.Go.Version, wgo) > 0 {
			rel, _ := filepath.Rel(ws.Root, m.Dir)
			out = append(out, &report.Finding{Rule: ruleWorkGo.ID, Severity: report.Error, File: "go.work", Root: ws.Root, Line: line, Col: 1,
				Message: fmt.Sprintf("module %s (%s) requires go >= %s, but go.work %s go %s", m.Path, filepath.ToSlash(rel), m.File.Go.Version, lists, wgo),
				Why:     "the go command refuses the workspace; to update go.work: go work use"})
		}
	}
	for _, m := range ws.Modules {
		if m.File.Toolchain != nil && wf.Toolchain != nil && m.File.Toolchain.Name != wf.Toolchain.Name {
			rel, _ := filepath.Rel(ws.Root, m.Dir)
			out = append(out, &report.Finding{Rule: ruleWorkGo.ID, Severity: report.Info, File: "go.work", Root: ws.Root,
				Line: wf.Toolchain.Syntax.Start.Line, Col: 1,
				Message: fmt.Sprintf("module %s (%s) says toolchain %s, go.work says %s; go.work wins in the workspace", m.Path, filepath.ToSlash(rel), m.File.Toolchain.Name, wf.Toolchain.Name)})
		}
	}
	if len(gos) > 1 {
		var vs []string
		for v := range gos {
			vs = append(vs, v)
		}
		sort.Strings(vs)
		out = append(out, &report.Finding{Rule: ruleWorkGo.ID, Severity: report.Info, File: "go.work", Root: ws.Root, Line: line, Col: 1,
			Message: fmt.Sprintf("workspace modules have different go lines: %s", strings.Join(vs, ", "))})
	}
	return out
}

// workGraph drops the GR110 and GR130 findings of a workspace module
// whose module is in another workspace module's graph: in workspace mode
// every module's replace and exclude lines apply to the one build of the
// whole workspace, so a line one module does not need may still decide
// what the workspace builds.
func workGraph(fs []*report.Finding, graph map[module.Version]bool) []*report.Finding {
	in := func(p, v string) bool {
		for n := range graph {
			if n.Path == p && (v == "" || n.Version == v) {
				return true
			}
		}
		return false
	}
	out := fs[:0]
	for _, f := range fs {
		switch x := f.Fix.(type) {
		case fixReplace:
			if f.Rule == ruleReplaceUnused.ID && in(x.old.Path, x.old.Version) {
				continue
			}
		case fixExclude:
			if f.Rule == ruleExclude.ID && in(x.mod.Path, "") {
				continue
			}
		}
		out = append(out, f)
	}
	return out
}

// conflictingReplaces reports replace lines of two workspace modules
// that replace one module version with different targets when go.work
// does not replace that module (GR114), as the go command checks them.
func conflictingReplaces(ws *load.WorkingSet, wf *modfile.WorkFile) []*report.Finding {
	byWork := map[string]bool{}
	for _, r := range wf.Replace {
		byWork[r.Old.Path] = true
	}
	type seen struct {
		m   *load.Module
		r   *modfile.Replace
		new module.Version
	}
	first := map[module.Version]seen{}
	var out []*report.Finding
	for i := range ws.Modules {
		m := &ws.Modules[i]
		for _, r := range m.File.Replace {
			if byWork[r.Old.Path] {
				continue
			}
			nv := r.New
			if nv.Version == "" && !filepath.IsAbs(nv.Path) {
				nv.Path = filepath.Join(m.Dir, filepath.FromSlash(nv.Path))
			}
			prev, ok := first[r.Old]
			if !ok {
				first[r.Old] = seen{m, r, nv}
				continue
			}
			if prev.m == m || prev.new == nv {
				continue
			}
			rel, _ := filepath.Rel(ws.Root, filepath.Join(prev.m.Dir, "go.mod"))
			old := r.Old.Path
			if r.Old.Version != "" {
				old += "@" + r.Old.Version
			}
			out = append(out, &report.Finding{
				Rule: ruleReplaceConflict.ID, Severity: ruleReplaceConflict.Severity, Module: m.Path, File: "go.mod", Root: m.Dir,
				Line: r.Syntax.Start.Line, Col: r.Syntax.Start.LineRune,
				Message: fmt.Sprintf("replace of %s conflicts with %s:%d, and go.work does not replace it", old, filepath.ToSlash(rel), prev.r.Syntax.Start.Line),
				Why:     "the go command refuses the workspace: conflicting replacements; say which in go.work (go work edit -replace)",
			})
		}
	}
	return out
}

// workBroken reports whether a finding already says why the go command
// refuses the workspace.
func workBroken(fs []*report.Finding) bool {
	for _, f := range fs {
		switch f.Rule {
		case ruleWorkUse.ID, ruleWorkDup.ID, ruleReplaceConflict.ID, ruleWrongMajor.ID:
			return true
		case ruleWorkGo.ID:
			if f.Severity == report.Error {
				return true
			}
		}
	}
	return false
}

// workRefused asks the go command to read the workspace (go list -m,
// which reads go.work and the modules' go.mod files and writes nothing)
// and reports its refusal, if any, as GR124 with its message.
func workRefused(ctx context.Context, ws *load.WorkingSet) []*report.Finding {
	stderr, err := workList(ctx, ws)
	if err == nil || ctx.Err() != nil {
		return nil
	}
	var lines []string
	line := 0
	for _, l := range strings.Split(strings.TrimSpace(stderr), "\n") {
		l = strings.TrimSpace(strings.TrimPrefix(l, "go: "))
		if l == "" || strings.HasPrefix(l, "downloading ") {
			continue
		}
		// "go.work:5: ...": the go command names the line.
		if rest, ok := strings.CutPrefix(l, "go.work:"); ok && line == 0 {
			if n, _, ok := strings.Cut(rest, ":"); ok {
				if v, err := strconv.Atoi(n); err == nil {
					line = v
				}
			}
		}
		lines = append(lines, l)
	}
	if len(lines) == 0 {
		lines = []string{err.Error()}
	}
	return []*report.Finding{{
		Rule: ruleWorkRefused.ID, Severity: ruleWorkRefused.Severity, File: "go.work", Root: ws.Root, Line: line,
		Message: "the go command refuses the workspace: " + strings.Join(lines, " "),
		Why:     "every go command in the workspace fails",
	}}
}

// fixWorkSum drops lines of go.work.sum.
type fixWorkSum struct {
	key  string // a checksum line, or
	line int    // a repeated line
}

// staleWorkSum reports go.work.sum lines that no build of the workspace
// needs (GR125). Which ones it needs is the go command's answer: in a
// scratch copy of the workspace (go.work, and each module's go.mod, go.sum
// and Go files) with an empty go.work.sum, go mod download, offline,
// writes to go.work.sum the checksums that the modules' go.sum files lack
// and the workspace's packages and their tests need. A user's line that
// it does not write is stale: a module no longer in the workspace graph,
// or a checksum a module's go.sum now has. Lines of golang.org/toolchain
// are kept: a toolchain switch needs them, which no build shows.
func staleWorkSum(ctx context.Context, ws *load.WorkingSet, dirs []*load.Dir) []*report.Finding {
	sumPath := ws.Work + ".sum"
	have, err := os.ReadFile(sumPath)
	if err != nil || len(have) == 0 {
		return nil
	}
	lines, _ := scanSum(have)
	if len(lines) == 0 {
		return nil
	}
	want, err := workSumNeeded(ctx, ws, dirs)
	if err != nil {
		if ctx.Err() != nil {
			return nil
		}
		msg := err.Error()
		var ge *GoError
		if errors.As(err, &ge) {
			msg = ge.line()
		}
		return []*report.Finding{{
			Rule: ruleOffline.ID, Severity: ruleOffline.Severity, File: "go.work.sum", Root: ws.Root,
			Message: "go mod download fails offline in the workspace: " + msg,
			Why:     "go.work.sum lines were not checked (GR125); run 'go mod download'",
		}}
	}
	var out []*report.Finding
	add := func(l SumLine, fix fixWorkSum, format string, args ...any) {
		out = append(out, &report.Finding{
			Rule: ruleStaleWorkSum.ID, Severity: ruleStaleWorkSum.Severity, File: "go.work.sum", Line: l.Line, Col: 1, Root: ws.Root,
			Message: fmt.Sprintf(format, args...), Fixable: true, Fix: fix,
		})
	}
	first := map[string]int{}
	for _, l := range lines {
		if l.Path == "golang.org/toolchain" {
			continue
		}
		if n, dup := first[l.String()]; dup {
			if want[l.Key()] {
				add(l, fixWorkSum{line: l.Line}, "%s repeats go.work.sum:%d", l.Key(), n)
			}
			continue
		}
		first[l.String()] = l.Line
		if want[l.Key()] {
			continue
		}
		if m := sumHolder(ws, l); m != "" {
			add(l, fixWorkSum{key: l.Key()}, "%s is in the go.sum of %s, so no build reads it here", l.Key(), m)
		} else {
			add(l, fixWorkSum{key: l.Key()}, "%s is not needed by any build of the workspace", l.Key())
		}
	}
	return out
}

// sumHolder returns the path of a workspace module whose go.sum has line
// l, or "".
func sumHolder(ws *load.WorkingSet, l SumLine) string {
	for i := range ws.Modules {
		data, err := readSum(&ws.Modules[i])
		if err != nil {
			continue
		}
		ls, _ := scanSum(data)
		for _, x := range ls {
			if x.Key() == l.Key() && x.Hash == l.Hash {
				return ws.Modules[i].Path
			}
		}
	}
	return ""
}

// workSumNeeded returns the keys of the go.work.sum lines go mod download
// writes in a scratch copy of the workspace whose go.work.sum is empty.
func workSumNeeded(ctx context.Context, ws *load.WorkingSet, dirs []*load.Dir) (map[string]bool, error) {
	dir, err := os.MkdirTemp("", "goremover-worksum-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	wf, err := modfile.ParseWork(ws.Work, ws.WorkSum, nil)
	if err != nil {
		return nil, err
	}
	for _, u := range wf.Use {
		if err := wf.DropUse(u.Path); err != nil {
			return nil, err
		}
	}
	for i := range ws.Modules {
		m := &ws.Modules[i]
		md := filepath.Join(dir, fmt.Sprintf("m%d", i))
		if err := os.MkdirAll(md, 0o777); err != nil {
			return nil, err
		}
		if err := writeCopy(md, ws, m, m.GoMod, moduleTree(ws, dirs, m, nil), true); err != nil {
			return nil, err
		}
		if err := wf.AddUse(md, ""); err != nil {
			return nil, err
		}
	}
	for _, r := range wf.Replace {
		if r.New.Version == "" && !filepath.IsAbs(r.New.Path) {
			abs := filepath.Join(ws.Root, filepath.FromSlash(r.New.Path))
			if err := wf.AddReplace(r.Old.Path, r.Old.Version, abs, ""); err != nil {
				return nil, err
			}
		}
	}
	wf.Cleanup()
	work := filepath.Join(dir, "go.work")
	if err := os.WriteFile(work, modfile.Format(wf.Syntax), 0o666); err != nil {
		return nil, err
	}
	progress.Printf(ctx, "asking go mod download which go.work.sum lines the workspace needs (offline, in a scratch copy)")
	cmd := gocmd.Command(ctx, dir, workEnv(work), "mod", "download")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		msg := stderr.String()
		if msg == "" {
			msg = err.Error()
		}
		return nil, &GoError{Module: "the workspace", Args: []string{"mod", "download"}, Stderr: msg}
	}
	data, err := os.ReadFile(work + ".sum")
	if err != nil && !os.IsNotExist(err) {
		return nil, err
	}
	want := map[string]bool{}
	ls, _ := scanSum(data)
	for _, l := range ls {
		want[l.Key()] = true
	}
	return want, nil
}
