package modfix

// This file runs the go command on a scratch copy of a module, never on
// the user's tree: go mod tidy and go mod graph give the exact answers
// (module graph pruning, // indirect, go.sum contents) that a
// reimplementation could only approximate. The copy holds what those
// commands read: go.mod (relative replace paths made absolute), go.sum,
// and the .go files of the module's packages. The environment keeps the
// go command offline (GOPROXY=off), out of any workspace (GOWORK=off, as
// go mod tidy itself ignores go.work) and on the local toolchain.

import (
	"bytes"
	"context"
	"fmt"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/goremover/goremover/internal/progress"

	"github.com/goremover/goremover/internal/gocmd"

	"github.com/goremover/goremover/internal/buildcfg"
	"github.com/goremover/goremover/internal/edit"
	"github.com/goremover/goremover/internal/load"
	"golang.org/x/mod/modfile"
	"golang.org/x/mod/module"
)

// GoError is a go command that failed in a scratch copy of a module:
// usually a module that the module cache does not hold (goremover never
// downloads), or a go.mod the go command rejects.
type GoError struct {
	Module string   // the module copied
	Args   []string // go command arguments
	Stderr string
	Online bool // the go command asked the module proxy
}

func (e *GoError) Error() string {
	if e.Online {
		return fmt.Sprintf("go %s in a copy of %s failed: %s; the module proxy (GOPROXY) must be reachable", strings.Join(e.Args, " "), e.Module, e.line())
	}
	return fmt.Sprintf("go %s in a copy of %s failed: %s; the module cache may lack a module (goremover works offline: fill the cache with 'go mod download all', or run 'go mod tidy' once where the network is reachable)", strings.Join(e.Args, " "), e.Module, e.line())
}

// line returns, on one line, the go command's message that says what
// failed: its first line that is not a "go: downloading" one, without
// the "go: " prefix, and the indented lines that go on with it.
func (e *GoError) line() string {
	var parts []string
	for _, l := range strings.Split(strings.TrimSpace(e.Stderr), "\n") {
		if len(parts) == 0 {
			if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "go: downloading ") {
				parts = append(parts, strings.TrimPrefix(l, "go: "))
			}
			continue
		}
		if l == "" || (l[0] != '\t' && l[0] != ' ') {
			break
		}
		parts = append(parts, strings.Join(strings.Fields(l), " "))
	}
	return strings.Join(parts, " ")
}

// ignoreDir is the directory of the synthetic package that blank-imports
// what the module's //go:build ignore files import: the SPEC counts those
// files as references, go mod tidy does not see them.
const ignoreDir = "zz_goremover_ignore_imports"

// scratch is a copy of a module for the go command.
type scratch struct {
	dir string
	mod string // module path, for errors
}

// tree is the content of a module's Go files: the index's bytes, with a
// change set applied or not.
type tree struct {
	files    map[string][]byte // absolute path -> content
	ign      map[string]bool   // imports of //go:build ignore files
	ignFiles map[string]bool   // the //go:build ignore files
}

// moduleTree returns module m's Go files as dirs (the index's, or a scan)
// hold them, with set applied if set is not nil.
func moduleTree(ws *load.WorkingSet, dirs []*load.Dir, m *load.Module, set *edit.Set) *tree {
	t := &tree{files: map[string][]byte{}, ign: map[string]bool{}, ignFiles: map[string]bool{}}
	for _, d := range dirs {
		if d.Module == nil || d.Module.Dir != m.Dir {
			continue
		}
		for _, f := range d.Files {
			src := f.Src
			if set != nil {
				if c := set.Get(f.Abs); c != nil {
					if c.New == nil {
						continue
					}
					t.files[f.Abs] = c.New
					t.addIgnore(f.Abs, c.New)
					continue
				}
			}
			t.files[f.Abs] = src
			if f.Cons.Ignore() {
				t.ignFiles[f.Abs] = true
				for _, p := range f.Imports {
					t.ign[p] = true
				}
			}
		}
	}
	if set != nil {
		for _, c := range set.Files() {
			if c.Old != nil || c.New == nil || !strings.HasSuffix(c.Path, ".go") || ws.ModuleOf(c.Path) != m {
				continue
			}
			if _, ok := t.files[c.Path]; !ok {
				t.files[c.Path] = c.New
				t.addIgnore(c.Path, c.New)
			}
		}
	}
	return t
}

// addIgnore records the imports of file abs, with content src, if it is
// a //go:build ignore file.
func (t *tree) addIgnore(abs string, src []byte) {
	cons, err := buildcfg.FileConstraint(filepath.Base(abs), src)
	if err != nil || !cons.Ignore() {
		return
	}
	t.ignFiles[abs] = true
	for _, p := range importsOf(src) {
		t.ign[p] = true
	}
}

// importsOf returns the import paths of Go source, nil if it does not
// parse.
func importsOf(src []byte) []string {
	f, err := parser.ParseFile(token.NewFileSet(), "x.go", src, parser.ImportsOnly)
	if f == nil {
		return nil
	}
	_ = err
	var out []string
	for _, s := range f.Imports {
		if p, err := strconv.Unquote(s.Path.Value); err == nil {
			out = append(out, p)
		}
	}
	return out
}

// newScratch writes a copy of module m with the given go.mod content and
// Go files to a new temporary directory.
func newScratch(ws *load.WorkingSet, m *load.Module, goMod []byte, t *tree) (*scratch, error) {
	dir, err := os.MkdirTemp("", "goremover-modfix-")
	if err != nil {
		return nil, err
	}
	s := &scratch{dir: dir, mod: m.Path}
	if err := writeCopy(dir, ws, m, goMod, t, false); err != nil {
		s.remove()
		return nil, err
	}
	return s, nil
}

// writeCopy writes into dir a copy of module m with the given go.mod
// content and Go files. inWork says the copy is used in a copy of the
// workspace, whose go.work provides the other workspace modules.
func writeCopy(dir string, ws *load.WorkingSet, m *load.Module, goMod []byte, t *tree, inWork bool) error {
	gm, err := scratchGoMod(ws, m, goMod, t, inWork)
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), gm, 0o666); err != nil {
		return err
	}
	if sum, err := os.ReadFile(filepath.Join(m.Dir, "go.sum")); err == nil {
		if err := os.WriteFile(filepath.Join(dir, "go.sum"), sum, 0o666); err != nil {
			return err
		}
	}
	for abs, src := range t.files {
		rel, err := filepath.Rel(m.Dir, abs)
		if err != nil || strings.HasPrefix(rel, "..") {
			continue
		}
		p := filepath.Join(dir, rel)
		if err := os.MkdirAll(filepath.Dir(p), 0o777); err != nil {
			return err
		}
		if err := os.WriteFile(p, src, 0o666); err != nil {
			return err
		}
	}
	if err := copyImportedDirs(ws, m, dir, t); err != nil {
		return err
	}
	// Only imports that a requirement provides: the package keeps a
	// requirement that only an ignore file needs, and adds none (go build
	// never needs one, and go mod tidy would not add it).
	req, err := modfile.ParseLax("go.mod", goMod, nil)
	if err != nil {
		return err
	}
	var imps []string
	for p := range t.ign {
		if p == "C" || load.IsStd(p) || ownedBy(ws, p) == m.Path || !providedBy(req, p) {
			continue
		}
		imps = append(imps, p)
	}
	if len(imps) > 0 {
		sort.Strings(imps)
		var b bytes.Buffer
		b.WriteString("// Code generated by goremover: imports of //go:build ignore files.\n\npackage ignoreimports\n\nimport (\n")
		for _, p := range imps {
			fmt.Fprintf(&b, "\t_ %s\n", strconv.Quote(p))
		}
		b.WriteString(")\n")
		d := filepath.Join(dir, ignoreDir)
		if err := os.MkdirAll(d, 0o777); err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(d, "imports.go"), b.Bytes(), 0o666); err != nil {
			return err
		}
	}
	return nil
}

func (s *scratch) remove() { os.RemoveAll(s.dir) }

// copyImportedDirs copies into the scratch copy the directories of m that
// the working set does not scan but its files import (a testdata or _x
// package imported by path), transitively, so that the go command
// resolves them as in the user's tree.
func copyImportedDirs(ws *load.WorkingSet, m *load.Module, dir string, t *tree) error {
	have := map[string]bool{}
	var queue []string
	for abs, src := range t.files {
		have[filepath.Dir(abs)] = true
		queue = append(queue, importsOf(src)...)
	}
	for len(queue) > 0 {
		p := queue[0]
		queue = queue[1:]
		if ownedBy(ws, p) != m.Path {
			continue
		}
		rel := strings.TrimPrefix(strings.TrimPrefix(p, m.Path), "/")
		src := filepath.Join(m.Dir, filepath.FromSlash(rel))
		if have[src] {
			continue
		}
		have[src] = true
		ents, err := os.ReadDir(src)
		if err != nil {
			continue // a missing package: the go command reports it
		}
		for _, e := range ents {
			if e.IsDir() || !strings.HasSuffix(e.Name(), ".go") || !e.Type().IsRegular() {
				continue
			}
			data, err := os.ReadFile(filepath.Join(src, e.Name()))
			if err != nil {
				return err
			}
			to := filepath.Join(dir, filepath.FromSlash(rel), e.Name())
			if err := os.MkdirAll(filepath.Dir(to), 0o777); err != nil {
				return err
			}
			if err := os.WriteFile(to, data, 0o666); err != nil {
				return err
			}
			queue = append(queue, importsOf(data)...)
		}
	}
	return nil
}

// scratchGoMod returns goMod for a copy: relative replacement directories
// made absolute against m's directory, so that they still resolve; and,
// in a workspace, a replace by its directory for each other workspace
// module that m's files import but m does not require, so that the go
// command outside the workspace finds it as the workspace build does.
func scratchGoMod(ws *load.WorkingSet, m *load.Module, goMod []byte, t *tree, inWork bool) ([]byte, error) {
	f, err := modfile.Parse(filepath.Join(m.Dir, "go.mod"), goMod, nil)
	if err != nil {
		return nil, err
	}
	changed := false
	if len(ws.Modules) > 1 && !inWork {
		known := map[string]bool{}
		for _, r := range f.Require {
			known[r.Mod.Path] = true
		}
		for _, r := range f.Replace {
			known[r.Old.Path] = true
		}
		for _, src := range t.files {
			for _, p := range importsOf(src) {
				o := ownedBy(ws, p)
				if o == "" || o == m.Path || known[o] {
					continue
				}
				known[o] = true
				for _, sib := range ws.Modules {
					if sib.Path == o {
						if err := f.AddReplace(o, "", sib.Dir, ""); err != nil {
							return nil, err
						}
						changed = true
					}
				}
			}
		}
	}
	for _, r := range f.Replace {
		if r.New.Version == "" && !filepath.IsAbs(r.New.Path) {
			abs := filepath.Join(m.Dir, filepath.FromSlash(r.New.Path))
			if err := f.AddReplace(r.Old.Path, r.Old.Version, abs, ""); err != nil {
				return nil, err
			}
			changed = true
		}
	}
	if !changed {
		return goMod, nil
	}
	f.Cleanup()
	return f.Format()
}

// goEnv is the environment of every go command modfix runs. The module
// proxy is the module cache itself (file://GOMODCACHE/cache/download):
// the go command can then resolve, offline, what the cache holds (an
// import no requirement provides, a "latest" query), which GOPROXY=off
// refuses; without a cache directory it is GOPROXY=off.
func goEnv() []string {
	flags := "-mod=mod"
	// Keep -modcacherw: the copy may extract cached zips into the module
	// cache, which must stay removable for users (and tests) who ask so.
	for _, f := range strings.Fields(os.Getenv("GOFLAGS")) {
		if f == "-modcacherw" || f == "--modcacherw" {
			flags += " -modcacherw"
		}
	}
	proxy := "off"
	if c := cacheDir(); c != "" {
		proxy = "file://" + filepath.ToSlash(filepath.Join(c, "cache", "download"))
		if !strings.HasPrefix(proxy, "file:///") {
			proxy = "file:///" + strings.TrimPrefix(proxy, "file://")
		}
	}
	return gocmd.Env(
		"GOFLAGS="+flags,
		"GOPROXY="+proxy,
		"GOWORK=off",
		// Lines tidy would add are not checked against the checksum
		// database (that needs the network): their hashes come from the
		// cache, which was checked when the module was downloaded.
		"GONOSUMDB=*",
		"GOSUMDB=off",
		// A GO111MODULE=off or auto of the user's (doctor reports it,
		// GR190) would turn the module commands off.
		"GO111MODULE=on",
	)
}

// workEnv is goEnv for a go command that reads the workspace of go.work
// file work: workspace mode, where -mod=mod is refused. (Later entries
// of an environment win.)
func workEnv(work string) []string {
	flags := ""
	for _, f := range strings.Fields(os.Getenv("GOFLAGS")) {
		if f == "-modcacherw" || f == "--modcacherw" {
			flags = "-modcacherw"
		}
	}
	return append(goEnv(), "GOFLAGS="+flags, "GOWORK="+work)
}

// workList runs go list -m in the workspace of ws, which reads go.work and
// the modules' go.mod files, offline, and writes nothing; it returns the
// go command's stderr.
func workList(ctx context.Context, ws *load.WorkingSet) (string, error) {
	cmd := gocmd.Command(ctx, ws.Root, workEnv(ws.Work), "list", "-m")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	err := cmd.Run()
	return stderr.String(), err
}

var (
	cacheMu   sync.Mutex
	cacheDirs = map[string]string{} // environment key -> GOMODCACHE
)

// cacheDir returns GOMODCACHE, or "" if the go command cannot say. The
// answer is remembered per GOMODCACHE, GOPATH and HOME setting.
func cacheDir() string {
	key := os.Getenv("GOMODCACHE") + "\x00" + os.Getenv("GOPATH") + "\x00" + os.Getenv("HOME") + "\x00" + os.Getenv("GOENV")
	cacheMu.Lock()
	d, ok := cacheDirs[key]
	cacheMu.Unlock()
	if ok {
		return d
	}
	d = goModCache()
	cacheMu.Lock()
	cacheDirs[key] = d
	cacheMu.Unlock()
	return d
}

func goModCache() string {
	cmd := gocmd.Command(context.Background(), "", gocmd.Env("GOFLAGS=", "GOWORK=off"), "env", "GOMODCACHE")
	out, err := cmd.Output()
	if err != nil {
		return ""
	}
	d := strings.TrimSpace(string(out))
	if fi, err := os.Stat(filepath.Join(d, "cache", "download")); err != nil || !fi.IsDir() {
		return ""
	}
	return d
}

// run runs the go command in the scratch copy and returns its stdout.
func (s *scratch) run(ctx context.Context, args ...string) ([]byte, error) {
	cmd := gocmd.Command(ctx, s.dir, goEnv(), args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		msg := stderr.String()
		if msg == "" {
			msg = err.Error()
		}
		return nil, &GoError{Module: s.mod, Args: args, Stderr: msg}
	}
	return stdout.Bytes(), nil
}

// tidy runs go mod tidy and returns the resulting go.mod (parsed) and
// go.sum lines.
func (s *scratch) tidy(ctx context.Context) (*modfile.File, []SumLine, error) {
	progress.Printf(ctx, "asking go mod tidy about %s (offline, in a scratch copy)", s.mod)
	if _, err := s.run(ctx, "mod", "tidy"); err != nil {
		return nil, nil, err
	}
	data, err := os.ReadFile(filepath.Join(s.dir, "go.mod"))
	if err != nil {
		return nil, nil, err
	}
	f, err := modfile.Parse("go.mod", data, nil)
	if err != nil {
		return nil, nil, err
	}
	sum, err := os.ReadFile(filepath.Join(s.dir, "go.sum"))
	if err != nil && !os.IsNotExist(err) {
		return nil, nil, err
	}
	// go mod tidy ignores a malformed line and, when the checksums it
	// needs do not change, keeps it: it is none of tidy's answer.
	lines, _ := scanSum(sum)
	return f, lines, nil
}

// graph returns the module versions of go mod graph (the pruned module
// graph), the main module excluded.
func (s *scratch) graph(ctx context.Context) (map[module.Version]bool, error) {
	_, nodes, err := s.graphEdges(ctx)
	return nodes, err
}

// graphEdges returns go mod graph's edges (the main module as a version
// with an empty Version) and its nodes other than the main module.
func (s *scratch) graphEdges(ctx context.Context) ([][2]module.Version, map[module.Version]bool, error) {
	out, err := s.run(ctx, "mod", "graph")
	if err != nil {
		return nil, nil, err
	}
	var edges [][2]module.Version
	nodes := map[module.Version]bool{}
	parse := func(f string) (module.Version, bool) {
		p, v, _ := strings.Cut(f, "@")
		if p == "go" || p == "toolchain" {
			return module.Version{}, false
		}
		return module.Version{Path: p, Version: v}, true
	}
	for _, line := range strings.Split(string(out), "\n") {
		f := strings.Fields(line)
		if len(f) != 2 {
			continue
		}
		from, ok1 := parse(f[0])
		to, ok2 := parse(f[1])
		if !ok1 || !ok2 {
			continue
		}
		edges = append(edges, [2]module.Version{from, to})
		for _, v := range []module.Version{from, to} {
			if v.Version != "" {
				nodes[v] = true
			}
		}
	}
	return edges, nodes, nil
}

// reachable returns the module versions reachable in edges from any
// version of module path.
func reachable(edges [][2]module.Version, path string) map[module.Version]bool {
	next := map[module.Version][]module.Version{}
	var queue []module.Version
	seen := map[module.Version]bool{}
	for _, e := range edges {
		next[e[0]] = append(next[e[0]], e[1])
		for _, v := range e {
			if v.Path == path && v.Version != "" && !seen[v] {
				seen[v] = true
				queue = append(queue, v)
			}
		}
	}
	for len(queue) > 0 {
		v := queue[0]
		queue = queue[1:]
		for _, w := range next[v] {
			if !seen[w] {
				seen[w] = true
				queue = append(queue, w)
			}
		}
	}
	return seen
}

// providedBy reports whether a requirement of f has a module path that
// is a prefix of import path p.
func providedBy(f *modfile.File, p string) bool {
	for _, r := range f.Require {
		if p == r.Mod.Path || strings.HasPrefix(p, r.Mod.Path+"/") {
			return true
		}
	}
	return false
}

// ownedBy returns the working-set module whose path is the longest prefix
// of import path p, or "".
func ownedBy(ws *load.WorkingSet, p string) string {
	best := ""
	for _, m := range ws.Modules {
		if (p == m.Path || strings.HasPrefix(p, m.Path+"/")) && len(m.Path) > len(best) {
			best = m.Path
		}
	}
	return best
}
