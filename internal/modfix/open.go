package modfix

// This file opens the working set for doctor. It finds go.work and go.mod
// as load.Find does, but where the go command would refuse the working
// set for a reason that a rule describes, it reports a finding and checks
// the rest: a go.work use of a directory without a module (GR120), one
// directory or one module used twice (GR123), and a go.mod whose only
// errors are requirements at a version of another major than their path
// says (GR142; that module is left out, since no go command reads it).
// Anything else that does not parse is an error, exit 2.

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/goremover/goremover/internal/load"
	"github.com/goremover/goremover/internal/report"
	"golang.org/x/mod/modfile"
	"golang.org/x/mod/module"
)

// openDoctor returns the working set containing dir and the findings
// about how it is put together.
func openDoctor(dir string) (*load.WorkingSet, []*report.Finding, error) {
	ws, err := load.Find(dir)
	if err == nil {
		fs := checkUses(ws)
		return ws, fs, nil
	}
	abs, aerr := filepath.Abs(dir)
	if aerr != nil {
		return nil, nil, err
	}
	work := workFile(abs)
	if work == "" {
		modDir := findUp(abs, "go.mod")
		if modDir == "" {
			return nil, nil, err
		}
		m, fs, merr := readDoctorModule(modDir)
		if merr != nil || fs == nil {
			return nil, nil, err
		}
		ws := &load.WorkingSet{Root: modDir}
		if m != nil {
			ws.Modules = append(ws.Modules, *m)
		}
		return ws, fs, nil
	}
	data, rerr := os.ReadFile(work)
	if rerr != nil {
		return nil, nil, err
	}
	wf, perr := modfile.ParseWork(work, data, nil)
	if perr != nil {
		return nil, nil, err
	}
	root := filepath.Dir(work)
	ws = &load.WorkingSet{Root: root, Work: work, WorkSum: data}
	var out []*report.Finding
	for _, u := range wf.Use {
		d := u.Path
		if !filepath.IsAbs(d) {
			d = filepath.Join(root, filepath.FromSlash(d))
		}
		if _, serr := os.Stat(filepath.Join(d, "go.mod")); serr != nil {
			what := "has no go.mod"
			if _, serr := os.Stat(d); serr != nil {
				what = "does not exist"
			}
			out = append(out, &report.Finding{
				Rule: ruleWorkUse.ID, Severity: ruleWorkUse.Severity, File: "go.work", Root: root,
				Line: u.Syntax.Start.Line, Col: u.Syntax.Start.LineRune, Fixable: true,
				Message: fmt.Sprintf("use %s: directory %s", u.Path, what),
				Why:     "every go command in the workspace fails",
				Fix:     fixWorkUse{line: u.Syntax.Start.Line},
			})
			continue
		}
		m, fs, merr := readDoctorModule(d)
		if merr != nil {
			return nil, nil, merr
		}
		out = append(out, fs...)
		if m != nil {
			ws.Modules = append(ws.Modules, *m)
		}
	}
	if len(out) == 0 {
		return nil, nil, err
	}
	// As load.Find: a module outside the use list is refused.
	if modDir := findUp(abs, "go.mod"); modDir != "" && modDir != root && within(modDir, root) {
		inside := false
		for _, m := range ws.Modules {
			if within(abs, m.Dir) {
				inside = true
			}
		}
		for _, f := range out {
			if f.Root != root && within(abs, f.Root) {
				inside = true
			}
		}
		if !inside && !used(wf, root, modDir) {
			return nil, nil, err
		}
	}
	sort.Slice(ws.Modules, func(i, j int) bool { return ws.Modules[i].Dir < ws.Modules[j].Dir })
	out = append(out, checkUses(ws)...)
	return ws, out, nil
}

// used reports whether go.work uses dir.
func used(wf *modfile.WorkFile, root, dir string) bool {
	for _, u := range wf.Use {
		d := u.Path
		if !filepath.IsAbs(d) {
			d = filepath.Join(root, filepath.FromSlash(d))
		}
		if filepath.Clean(d) == filepath.Clean(dir) {
			return true
		}
	}
	return false
}

// workFile returns the go.work that applies to dir, as the go command
// finds it (GOWORK), or "".
func workFile(dir string) string {
	switch gw := os.Getenv("GOWORK"); gw {
	case "off":
		return ""
	case "", "auto":
		if d := findUp(dir, "go.work"); d != "" {
			return filepath.Join(d, "go.work")
		}
		return ""
	default:
		return gw
	}
}

func findUp(dir, name string) string {
	for d := dir; ; d = filepath.Dir(d) {
		if fi, err := os.Stat(filepath.Join(d, name)); err == nil && !fi.IsDir() {
			return d
		}
		if filepath.Dir(d) == d {
			return ""
		}
	}
}

// readDoctorModule reads the module in dir. A go.mod whose only errors
// are requirements at a version of another major gives GR142 findings
// and no module; any other error is returned.
func readDoctorModule(dir string) (*load.Module, []*report.Finding, error) {
	gm := filepath.Join(dir, "go.mod")
	src, err := os.ReadFile(gm)
	if err != nil {
		return nil, nil, &load.Error{Pos: gm, Msg: err.Error()}
	}
	f, err := modfile.Parse(gm, src, nil)
	if err != nil {
		fs := wrongMajors(dir, err)
		if fs == nil {
			return nil, nil, &load.Error{Msg: oneLine(err)}
		}
		return nil, fs, nil
	}
	if f.Module == nil {
		return nil, nil, &load.Error{Pos: gm, Msg: "no module directive"}
	}
	return &load.Module{Path: f.Module.Mod.Path, Dir: dir, GoMod: src, File: f}, nil, nil
}

// wrongMajors returns a GR142 finding for each error of modfile's err if
// every one is a require or exclude at a version whose major version
// differs from its module path's (example.com/lib/v2 v1.0.0), nil
// otherwise.
func wrongMajors(dir string, err error) []*report.Finding {
	var list modfile.ErrorList
	if !errors.As(err, &list) || len(list) == 0 {
		return nil
	}
	var out []*report.Finding
	for _, e := range list {
		var ive *module.InvalidVersionError
		if e.ModPath == "" || (e.Verb != "require" && e.Verb != "exclude") || !errors.As(e.Err, &ive) {
			return nil
		}
		_, pathMajor, ok := module.SplitPathVersion(e.ModPath)
		if !ok || module.CheckPathMajor(ive.Version, pathMajor) == nil {
			return nil
		}
		want := strings.TrimLeft(pathMajor, "/.")
		if want == "" {
			want = "v0 or v1"
		}
		out = append(out, &report.Finding{
			Rule: ruleWrongMajor.ID, Severity: ruleWrongMajor.Severity, File: "go.mod", Root: dir,
			Line: e.Pos.Line, Col: e.Pos.LineRune,
			Message: fmt.Sprintf("%s %s %s: the module path says major version %s", e.Verb, e.ModPath, ive.Version, want),
			Why:     fmt.Sprintf("go.mod does not parse (go: version %q invalid: %v): every go command in the module fails", ive.Version, ive.Err),
		})
	}
	return out
}

// checkUses reports go.work use lines that name one directory twice
// (fixable: the later line goes) or two directories of one module path
// (GR123), and keeps one module per directory in ws.
func checkUses(ws *load.WorkingSet) []*report.Finding {
	if ws.Work == "" {
		return nil
	}
	wf, err := modfile.ParseWork(ws.Work, ws.WorkSum, nil)
	if err != nil {
		return nil
	}
	var out []*report.Finding
	seenDir := map[string]*modfile.Use{}
	for _, u := range wf.Use {
		d := u.Path
		if !filepath.IsAbs(d) {
			d = filepath.Join(ws.Root, filepath.FromSlash(d))
		}
		d = filepath.Clean(d)
		if first, dup := seenDir[d]; dup {
			out = append(out, &report.Finding{
				Rule: ruleWorkDup.ID, Severity: ruleWorkDup.Severity, File: "go.work", Root: ws.Root,
				Line: u.Syntax.Start.Line, Col: u.Syntax.Start.LineRune, Fixable: true,
				Message: fmt.Sprintf("use %s: the directory is already used at go.work:%d", u.Path, first.Syntax.Start.Line),
				Why:     "every go command in the workspace fails: the path appears multiple times in the workspace",
				Fix:     fixWorkUse{line: u.Syntax.Start.Line},
			})
			continue
		}
		seenDir[d] = u
	}
	// One module per directory; a module path twice is the go command's
	// error too, not fixable: which copy is meant is the user's call.
	var mods []load.Module
	byDir := map[string]bool{}
	byPath := map[string]string{}
	for _, m := range ws.Modules {
		d := filepath.Clean(m.Dir)
		if byDir[d] {
			continue
		}
		byDir[d] = true
		if other, dup := byPath[m.Path]; dup {
			line, col := 0, 0
			for _, u := range wf.Use {
				ud := u.Path
				if !filepath.IsAbs(ud) {
					ud = filepath.Join(ws.Root, filepath.FromSlash(ud))
				}
				if filepath.Clean(ud) == d {
					line, col = u.Syntax.Start.Line, u.Syntax.Start.LineRune
				}
			}
			rel, _ := filepath.Rel(ws.Root, other)
			out = append(out, &report.Finding{
				Rule: ruleWorkDup.ID, Severity: ruleWorkDup.Severity, File: "go.work", Root: ws.Root,
				Line: line, Col: col,
				Message: fmt.Sprintf("module %s is used twice: here and in %s", m.Path, filepath.ToSlash(rel)),
				Why:     "every go command in the workspace fails: the module appears multiple times in the workspace",
			})
		} else {
			byPath[m.Path] = m.Dir
		}
		mods = append(mods, m)
	}
	ws.Modules = mods
	return out
}
