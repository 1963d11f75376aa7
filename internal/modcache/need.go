package modcache

// This file says which module versions a project needs from the cache to
// build and test offline: the go command's own module graph (go mod
// graph, with graph pruning as it applies it), asked offline in a scratch
// copy that holds only go.mod, go.sum and go.work files, so that no file
// of the project is written and none of its code runs.
//
// A version in the graph needs its .mod (and .info): minimal version
// selection reads the go.mod of every version the graph holds, even of
// versions it does not select. A selected version (the build list) needs
// its source too: .zip, .ziphash and the extracted tree. That keeps the
// source of a selected module none of whose packages the host build
// imports: another platform's build, or a test, may.

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"go/version"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/goremover/goremover/internal/gocmd"
	"github.com/goremover/goremover/internal/modfix"
	"golang.org/x/mod/modfile"
	"golang.org/x/mod/module"
	"golang.org/x/mod/semver"
)

// Need says what of a version a project needs.
type Need int

const (
	NeedNone Need = iota
	NeedMod       // .mod and .info: the module graph reads its go.mod
	NeedSrc       // everything: a package of the build may come from it
)

func (n Need) String() string {
	switch n {
	case NeedMod:
		return "mod"
	case NeedSrc:
		return "src"
	}
	return ""
}

// Project is a module or a workspace whose builds must keep working.
type Project struct {
	Dir  string // absolute directory of its go.mod or go.work
	Work bool   // a go.work workspace
}

// Name returns the project's directory.
func (p Project) Name() string { return p.Dir }

// Error is a bad project list: File:Line names the line (Line 0: the
// file, or a command-line directory).
type Error struct {
	File string
	Line int
	Msg  string
}

func (e *Error) Error() string {
	switch {
	case e.File == "":
		return e.Msg
	case e.Line == 0:
		return e.File + ": " + e.Msg
	}
	return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
}

// ReadProjects reads a project list: one directory a line (relative to
// the file's directory), # comments, blank lines ignored. Each directory
// must hold a go.mod or a go.work.
func ReadProjects(file string) ([]Project, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, &Error{File: file, Msg: strings.TrimPrefix(err.Error(), "open "+file+": ")}
	}
	base := filepath.Dir(file)
	var out []Project
	sc := bufio.NewScanner(bytes.NewReader(data))
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if i := strings.Index(line, "#"); i >= 0 {
			line = line[:i]
		}
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		dir := line
		if !filepath.IsAbs(dir) {
			dir = filepath.Join(base, dir)
		}
		p, err := projectAt(dir)
		if err != nil {
			return nil, &Error{File: file, Line: n, Msg: line + ": " + err.Error()}
		}
		out = append(out, p)
	}
	if len(out) == 0 {
		return nil, &Error{File: file, Msg: "no project listed"}
	}
	return out, nil
}

// projectAt returns the project whose go.work or go.mod is in dir.
func projectAt(dir string) (Project, error) {
	fi, err := os.Stat(dir)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return Project{}, errors.New("no such directory")
		}
		return Project{}, err
	}
	if !fi.IsDir() {
		return Project{}, errors.New("not a directory")
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return Project{}, err
	}
	if real, err := filepath.EvalSymlinks(abs); err == nil {
		abs = real
	}
	if isFile(filepath.Join(abs, "go.work")) {
		return Project{Dir: abs, Work: true}, nil
	}
	if isFile(filepath.Join(abs, "go.mod")) {
		return Project{Dir: abs}, nil
	}
	return Project{}, errors.New("no go.mod or go.work in this directory")
}

func isFile(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && fi.Mode().IsRegular()
}

// Current returns the project of directory dir: the workspace that
// contains it (unless GOWORK=off), else the module that contains it.
func Current(ctx context.Context, dir string) (Project, error) {
	cmd := gocmd.Command(ctx, dir, gocmd.Env("GOFLAGS="), "env", "GOWORK", "GOMOD")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return Project{}, fmt.Errorf("go env GOWORK GOMOD: %s", strings.TrimSpace(stderr.String()))
	}
	lines := strings.Split(strings.TrimRight(string(out), "\n"), "\n")
	if len(lines) == 2 && lines[0] != "" && lines[0] != "off" {
		return projectAt(filepath.Dir(lines[0]))
	}
	if len(lines) == 2 && lines[1] != "" && lines[1] != os.DevNull {
		return projectAt(filepath.Dir(lines[1]))
	}
	return Project{}, errors.New("not in a module; name projects with -projects file or -scan dir")
}

// ScanProjects returns the projects under each of dirs: every go.work,
// and every go.mod that no go.work found covers. vendor, testdata,
// hidden and _ directories are skipped, symbolic links not followed.
func ScanProjects(dirs []string) ([]Project, error) {
	var works, mods []Project
	for _, d := range dirs {
		fi, err := os.Stat(d)
		if err != nil || !fi.IsDir() {
			return nil, &Error{File: d, Msg: "no such directory"}
		}
		err = filepath.WalkDir(d, func(p string, e fs.DirEntry, err error) error {
			if err != nil {
				return nil // unreadable: not a project
			}
			if e.IsDir() {
				n := e.Name()
				if p != d && (n == "vendor" || n == "testdata" || strings.HasPrefix(n, ".") || strings.HasPrefix(n, "_")) {
					return filepath.SkipDir
				}
				return nil
			}
			switch e.Name() {
			case "go.work":
				pr, err := projectAt(filepath.Dir(p))
				if err == nil {
					works = append(works, pr)
				}
			case "go.mod":
				pr, err := projectAt(filepath.Dir(p))
				if err == nil && !pr.Work {
					mods = append(mods, pr)
				}
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	covered := map[string]bool{}
	for _, w := range works {
		for _, u := range workUses(w.Dir) {
			covered[u] = true
		}
	}
	out := works
	for _, m := range mods {
		if !covered[m.Dir] {
			out = append(out, m)
		}
	}
	slices.SortFunc(out, func(a, b Project) int { return strings.Compare(a.Dir, b.Dir) })
	out = slices.CompactFunc(out, func(a, b Project) bool { return a.Dir == b.Dir })
	if len(out) == 0 {
		return nil, &Error{File: strings.Join(dirs, " "), Msg: "no go.mod or go.work found"}
	}
	return out, nil
}

// workUses returns the absolute directories a go.work file uses.
func workUses(dir string) []string {
	data, err := os.ReadFile(filepath.Join(dir, "go.work"))
	if err != nil {
		return nil
	}
	wf, err := modfile.ParseWork(filepath.Join(dir, "go.work"), data, nil)
	if err != nil {
		return nil
	}
	var out []string
	for _, u := range wf.Use {
		p := u.Path
		if !filepath.IsAbs(p) {
			p = filepath.Join(dir, filepath.FromSlash(p))
		}
		if real, err := filepath.EvalSymlinks(p); err == nil {
			p = real
		}
		out = append(out, p)
	}
	return out
}

// Needs maps each module version to what a project needs of it.
type Needs map[module.Version]Need

func (n Needs) add(v module.Version, need Need) {
	if need > n[v] {
		n[v] = need
	}
}

// NeedsOf returns what project p needs from the module cache: for a
// workspace, what the workspace build and each of its modules' own
// builds need.
func NeedsOf(ctx context.Context, p Project) (Needs, error) {
	local, err := gocmd.Version(ctx)
	if err != nil {
		return nil, err
	}
	needs := Needs{}
	if p.Work {
		if err := workNeeds(ctx, local, p.Dir, needs); err != nil {
			return nil, err
		}
		// A module of the workspace also builds alone (GOWORK=off): its
		// own graph may select other versions. It may not resolve alone
		// (a sibling required at a version no proxy has): then only the
		// workspace build counts.
		for _, u := range workUses(p.Dir) {
			modNeeds(ctx, local, u, needs)
		}
		return needs, nil
	}
	if err := modNeeds(ctx, local, p.Dir, needs); err != nil {
		return nil, err
	}
	return needs, nil
}

// modNeeds adds what the module in dir needs.
func modNeeds(ctx context.Context, local, dir string, needs Needs) error {
	gm := filepath.Join(dir, "go.mod")
	data, err := os.ReadFile(gm)
	if err != nil {
		return err
	}
	f, err := modfile.Parse(gm, data, nil)
	if err != nil {
		return err
	}
	if f.Module == nil {
		return fmt.Errorf("%s: no module directive", gm)
	}
	if err := absReplaces(f, dir); err != nil {
		return err
	}
	data, err = f.Format()
	if err != nil {
		return err
	}
	sum, err := os.ReadFile(filepath.Join(dir, "go.sum"))
	if err != nil && !os.IsNotExist(err) {
		return err
	}
	edges, err := modfix.GraphFiles(ctx, f.Module.Mod.Path, data, sum)
	if err != nil {
		return fmt.Errorf("%s: %v", dir, err)
	}
	addGraph(edges, []string{f.Module.Mod.Path}, f.Replace, needs)
	toolchainNeeds(local, f.Go, f.Toolchain, needs)
	return nil
}

// absReplaces makes f's directory replacements absolute against dir.
func absReplaces(f *modfile.File, dir string) error {
	for _, r := range slices.Clone(f.Replace) {
		if r.New.Version == "" && !filepath.IsAbs(r.New.Path) {
			if err := f.AddReplace(r.Old.Path, r.Old.Version, filepath.Join(dir, filepath.FromSlash(r.New.Path)), ""); err != nil {
				return err
			}
		}
	}
	return nil
}

// addGraph adds the needs of a module graph whose main modules are
// mains: every version's go.mod, and the source of the selected ones,
// through the replacements that apply.
func addGraph(edges []modfix.Edge, mains []string, replace []*modfile.Replace, needs Needs) {
	isMain := map[string]bool{}
	for _, m := range mains {
		isMain[m] = true
	}
	selected := map[string]string{}
	for _, e := range edges {
		for _, v := range []module.Version{e.From, e.To} {
			if v.Version == "" || isMain[v.Path] {
				continue
			}
			if r, ok := replaced(v, replace); ok {
				if r.Version != "" {
					needs.add(r, NeedMod)
				}
			} else {
				needs.add(v, NeedMod)
			}
			if semver.Compare(v.Version, selected[v.Path]) > 0 {
				selected[v.Path] = v.Version
			}
		}
	}
	for p, vers := range selected {
		v := module.Version{Path: p, Version: vers}
		if r, ok := replaced(v, replace); ok {
			v = r
		}
		if v.Version != "" {
			needs.add(v, NeedSrc)
		}
	}
}

// replaced returns the replacement of v: a replace of that exact version
// wins over one of every version.
func replaced(v module.Version, replace []*modfile.Replace) (module.Version, bool) {
	var all *modfile.Replace
	for _, r := range replace {
		if r.Old.Path != v.Path {
			continue
		}
		if r.Old.Version == v.Version {
			return r.New, true
		}
		if r.Old.Version == "" {
			all = r
		}
	}
	if all != nil {
		return all.New, true
	}
	return module.Version{}, false
}

// toolchainPath is the module the go command downloads toolchains as.
const toolchainPath = "golang.org/toolchain"

// toolchainNeeds records the toolchains a go or toolchain line makes the
// go command switch to (GOTOOLCHAIN=auto), as patterns that match
// golang.org/toolchain versions: "go1.25.3" for a toolchain line, and
// for a go line newer than this go, any release of that language
// version at or above it.
func toolchainNeeds(local string, goLine *modfile.Go, tc *modfile.Toolchain, needs Needs) {
	if tc != nil && version.IsValid(tc.Name) {
		needs.add(module.Version{Path: toolchainPath, Version: "=" + tc.Name}, NeedSrc)
	}
	if goLine != nil && version.IsValid("go"+goLine.Version) && version.Compare("go"+goLine.Version, local) > 0 {
		needs.add(module.Version{Path: toolchainPath, Version: ">=go" + goLine.Version}, NeedSrc)
	}
}

// toolchainNeed returns what needs says of toolchain version v
// ("v0.0.1-go1.25.3.linux-amd64").
func toolchainNeed(v string, needs Needs) Need {
	_, rest, ok := strings.Cut(v, "-")
	if !ok {
		return NeedNone
	}
	i := strings.LastIndex(rest, ".")
	if i < 0 {
		return NeedNone
	}
	goVers := rest[:i]
	for k, n := range needs {
		if k.Path != toolchainPath {
			continue
		}
		switch {
		case strings.HasPrefix(k.Version, "="):
			if k.Version[1:] == goVers {
				return n
			}
		case strings.HasPrefix(k.Version, ">="):
			want := k.Version[2:]
			if version.Lang(want) == version.Lang(goVers) && version.Compare(goVers, want) >= 0 {
				return n
			}
		}
	}
	return NeedNone
}

// workNeeds adds what the workspace at dir needs: go mod graph in a
// scratch copy of go.work, go.work.sum and each used module's go.mod and
// go.sum.
func workNeeds(ctx context.Context, local, dir string, needs Needs) error {
	wpath := filepath.Join(dir, "go.work")
	data, err := os.ReadFile(wpath)
	if err != nil {
		return err
	}
	wf, err := modfile.ParseWork(wpath, data, nil)
	if err != nil {
		return err
	}
	tmp, err := os.MkdirTemp("", "goremover-modcache-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	var mains []string
	var replace []*modfile.Replace
	for i, u := range slices.Clone(wf.Use) {
		src := u.Path
		if !filepath.IsAbs(src) {
			src = filepath.Join(dir, filepath.FromSlash(src))
		}
		to := filepath.Join(tmp, fmt.Sprintf("m%d", i))
		if err := os.MkdirAll(to, 0o777); err != nil {
			return err
		}
		gm, err := os.ReadFile(filepath.Join(src, "go.mod"))
		if err != nil {
			return fmt.Errorf("%s: use %s: %v", wpath, u.Path, err)
		}
		f, err := modfile.Parse(filepath.Join(src, "go.mod"), gm, nil)
		if err != nil {
			return err
		}
		if f.Module != nil {
			mains = append(mains, f.Module.Mod.Path)
		}
		if err := absReplaces(f, src); err != nil {
			return err
		}
		replace = append(replace, f.Replace...)
		if gm, err = f.Format(); err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(to, "go.mod"), gm, 0o666); err != nil {
			return err
		}
		if sum, err := os.ReadFile(filepath.Join(src, "go.sum")); err == nil {
			if err := os.WriteFile(filepath.Join(to, "go.sum"), sum, 0o666); err != nil {
				return err
			}
		}
		wf.DropUse(u.Path)
		wf.AddUse(filepath.ToSlash(to), u.ModulePath)
		toolchainNeeds(local, f.Go, f.Toolchain, needs)
	}
	for _, r := range slices.Clone(wf.Replace) {
		if r.New.Version == "" && !filepath.IsAbs(r.New.Path) {
			if err := wf.AddReplace(r.Old.Path, r.Old.Version, filepath.Join(dir, filepath.FromSlash(r.New.Path)), ""); err != nil {
				return err
			}
		}
	}
	// The workspace's replacements win over the modules'.
	replace = append(slices.Clone(wf.Replace), replace...)
	toolchainNeeds(local, wf.Go, wf.Toolchain, needs)
	wf.Cleanup()
	out := modfile.Format(wf.Syntax)
	if err := os.WriteFile(filepath.Join(tmp, "go.work"), out, 0o666); err != nil {
		return err
	}
	if sum, err := os.ReadFile(filepath.Join(dir, "go.work.sum")); err == nil {
		if err := os.WriteFile(filepath.Join(tmp, "go.work.sum"), sum, 0o666); err != nil {
			return err
		}
	}
	edges, err := workGraph(ctx, tmp)
	if err != nil {
		return fmt.Errorf("%s: %v", dir, err)
	}
	addGraph(edges, mains, replace, needs)
	return nil
}

// workGraph runs go mod graph in the scratch workspace dir, offline, and
// returns its edges (each main module with an empty version).
func workGraph(ctx context.Context, dir string) ([]modfix.Edge, error) {
	flags := ""
	for _, f := range strings.Fields(os.Getenv("GOFLAGS")) {
		if f == "-modcacherw" || f == "--modcacherw" {
			flags = "-modcacherw"
		}
	}
	env := gocmd.Env("GOFLAGS="+flags, "GOWORK="+filepath.Join(dir, "go.work"), "GOPROXY=off", "GOSUMDB=off", "GONOSUMDB=*", "GO111MODULE=on")
	cmd := gocmd.Command(ctx, dir, env, "mod", "graph")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, fmt.Errorf("go mod graph (offline, in a copy of the workspace) failed: %s", strings.TrimSpace(stderr.String()))
	}
	var edges []modfix.Edge
	for _, line := range strings.Split(string(out), "\n") {
		f := strings.Fields(line)
		if len(f) != 2 {
			continue
		}
		var vs [2]module.Version
		for i, s := range f {
			p, v, _ := strings.Cut(s, "@")
			vs[i] = module.Version{Path: p, Version: v}
		}
		if vs[0].Path == "go" || vs[0].Path == "toolchain" || vs[1].Path == "go" || vs[1].Path == "toolchain" {
			continue
		}
		edges = append(edges, modfix.Edge{From: vs[0], To: vs[1]})
	}
	return edges, nil
}
