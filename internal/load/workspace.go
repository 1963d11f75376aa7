// Package load finds the working set (the main module, or the modules of
// the go.work workspace that contains the current directory), scans its
// files, and type-checks it: once for the host configuration with
// go/packages, and then, for every other build configuration, only the
// packages whose file set differs (see check.go).
package load

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/goremover/goremover/internal/gocmd"

	"golang.org/x/mod/modfile"
)

// Module is a module of the working set.
type Module struct {
	Path  string // module path
	Dir   string // absolute directory
	GoMod []byte // contents of go.mod
	File  *modfile.File
}

// WorkingSet is the set of modules goremover analyses and edits.
type WorkingSet struct {
	Root     string // the workspace root, or the main module's directory
	Work     string // absolute path of go.work, "" if none
	WorkSum  []byte // contents of go.work, if any
	WorkFile *modfile.WorkFile
	Modules  []Module // sorted by Dir
}

// Error is an error in the user's input at a position (go.mod, go.work,
// a Go file). It maps to exit status 2.
type Error struct {
	Pos string // "file:line:col" or "file:line" or "file", may be ""
	Msg string
}

func (e *Error) Error() string {
	if e.Pos == "" {
		return e.Msg
	}
	return e.Pos + ": " + e.Msg
}

// Find returns the working set containing dir.
func Find(dir string) (*WorkingSet, error) {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	// Real paths throughout: the go command reports them, and a
	// working set entered through a symbolic link must match.
	if real, err := filepath.EvalSymlinks(dir); err == nil {
		dir = real
	}
	if fi, err := os.Stat(dir); err != nil {
		return nil, &Error{Msg: fmt.Sprintf("cannot use %s: %v", dir, errors.Unwrap(err))}
	} else if !fi.IsDir() {
		return nil, &Error{Msg: fmt.Sprintf("%s is not a directory", dir)}
	}
	modDir := findUp(dir, "go.mod")
	work := ""
	switch gw := os.Getenv("GOWORK"); gw {
	case "off":
	case "", "auto":
		work = findUp(dir, "go.work")
		if work != "" {
			work = filepath.Join(work, "go.work")
		}
	default:
		work = gw
	}
	if work != "" {
		ws, err := readWork(work)
		if err != nil {
			return nil, err
		}
		for _, m := range ws.Modules {
			if within(dir, m.Dir) {
				return ws, nil
			}
		}
		if modDir == "" || modDir == filepath.Dir(work) {
			// The workspace root itself: every module is in play.
			return ws, nil
		}
		// A module outside the workspace's use list: go would refuse;
		// so do we, with the same advice.
		return nil, &Error{Pos: work, Msg: fmt.Sprintf("module %s is not in the workspace; to add it:\n\tgo work use %s", modDir, modDir)}
	}
	if modDir == "" {
		return nil, &Error{Msg: fmt.Sprintf("directory %s is not in a Go module (no go.mod in it or any parent)", dir)}
	}
	m, err := readModule(modDir)
	if err != nil {
		return nil, err
	}
	return &WorkingSet{Root: modDir, Modules: []Module{m}}, nil
}

func readWork(path string) (*WorkingSet, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, &Error{Pos: path, Msg: err.Error()}
	}
	wf, err := modfile.ParseWork(path, data, nil)
	if err != nil {
		return nil, &Error{Msg: oneLine(err)}
	}
	root := filepath.Dir(path)
	ws := &WorkingSet{Root: root, Work: path, WorkSum: data, WorkFile: wf}
	for _, u := range wf.Use {
		d := u.Path
		if !filepath.IsAbs(d) {
			d = filepath.Join(root, d)
		}
		m, err := readModule(d)
		if err != nil {
			if errors.Is(err, errNoGoMod) {
				return nil, &Error{Pos: fmt.Sprintf("%s:%d", path, u.Syntax.Start.Line), Msg: fmt.Sprintf("use %s: directory has no go.mod", u.Path)}
			}
			return nil, err
		}
		ws.Modules = append(ws.Modules, m)
	}
	if len(ws.Modules) == 0 {
		return nil, &Error{Pos: path, Msg: "workspace uses no modules"}
	}
	sort.Slice(ws.Modules, func(i, j int) bool { return ws.Modules[i].Dir < ws.Modules[j].Dir })
	return ws, nil
}

// errNoGoMod is returned by readModule for a directory without go.mod.
var errNoGoMod = errors.New("no go.mod")

func readModule(dir string) (Module, error) {
	path := filepath.Join(dir, "go.mod")
	data, err := os.ReadFile(path)
	if err != nil {
		return Module{}, fmt.Errorf("%s: %w", dir, errNoGoMod)
	}
	f, err := modfile.Parse(path, data, nil)
	if err != nil {
		return Module{}, &Error{Msg: oneLine(err)}
	}
	if f.Module == nil {
		return Module{}, &Error{Pos: path, Msg: "no module directive"}
	}
	return Module{Path: f.Module.Mod.Path, Dir: dir, GoMod: data, File: f}, nil
}

// oneLine reduces modfile's multi-error messages to their first line, which
// carries the position.
func oneLine(err error) string {
	s := err.Error()
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	return s
}

func findUp(dir, name string) string {
	for {
		if fi, err := os.Stat(filepath.Join(dir, name)); err == nil && !fi.IsDir() {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return ""
		}
		dir = parent
	}
}

// within reports whether path is dir or inside it.
func within(path, dir string) bool {
	rel, err := filepath.Rel(dir, path)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}

// GoLines returns the go directives of the working set's go.work and
// go.mod files.
func (ws *WorkingSet) GoLines() []gocmd.GoLine {
	var out []gocmd.GoLine
	if wf := ws.WorkFile; wf != nil && wf.Go != nil {
		out = append(out, gocmd.GoLine{File: ws.Work, Line: wf.Go.Syntax.Start.Line, Version: wf.Go.Version})
	}
	for _, m := range ws.Modules {
		if f := m.File; f != nil && f.Go != nil {
			out = append(out, gocmd.GoLine{File: filepath.Join(m.Dir, "go.mod"), Line: f.Go.Syntax.Start.Line, Version: f.Go.Version})
		}
	}
	return out
}

// Enclosing returns the directories of the nearest go.mod and of the
// nearest go.work at or above dir, whatever GOWORK says: where an apply
// made under another GOWORK setting keeps its snapshots.
func Enclosing(dir string) []string {
	var out []string
	for _, name := range []string{"go.mod", "go.work"} {
		if d := findUp(dir, name); d != "" {
			out = append(out, d)
		}
	}
	return out
}

// ModuleOf returns the working-set module containing the absolute path,
// the innermost if modules nest, or nil.
func (ws *WorkingSet) ModuleOf(path string) *Module {
	var best *Module
	for i := range ws.Modules {
		m := &ws.Modules[i]
		if within(path, m.Dir) && (best == nil || len(m.Dir) > len(best.Dir)) {
			best = m
		}
	}
	return best
}

// Abs returns the absolute path of file rel (slash-separated) of the
// working-set module with path module, "" if there is none.
func (ws *WorkingSet) Abs(module, rel string) string {
	for _, m := range ws.Modules {
		if m.Path == module {
			return filepath.Join(m.Dir, filepath.FromSlash(rel))
		}
	}
	return ""
}

// Rel returns the module path and the slash-separated path of an absolute
// file relative to its module root. Outside the working set it returns
// "" and the path unchanged.
func (ws *WorkingSet) Rel(path string) (module, rel string) {
	m := ws.ModuleOf(path)
	if m == nil {
		return "", filepath.ToSlash(path)
	}
	r, _ := filepath.Rel(m.Dir, path)
	return m.Path, filepath.ToSlash(r)
}

// VCSRoot returns the nearest directory at or above dir that holds .git,
// .hg, .svn or .bzr: the root of the repository, or "".
func VCSRoot(dir string) string {
	for d := dir; ; d = filepath.Dir(d) {
		for _, v := range []string{".git", ".hg", ".svn", ".bzr"} {
			if _, err := os.Stat(filepath.Join(d, v)); err == nil {
				return d
			}
		}
		if filepath.Dir(d) == d {
			return ""
		}
	}
}
