package load

// This file scans the working set's directories without the go command:
// every .go file is read once, hashed, and its header parsed (package
// clause, imports, build constraint). The scan is what a warm run costs,
// so it must stay cheap: no type checking, no go list.

import (
	"crypto/sha256"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/goremover/goremover/internal/buildcfg"
)

// File is a .go file of a working-set directory.
type File struct {
	Name    string // base name
	Abs     string // absolute path
	Src     []byte
	Hash    [32]byte
	Test    bool   // name ends in _test.go
	PkgName string // package clause
	Imports []string
	Cons    buildcfg.Constraint
	Err     error // parse error of the header, positioned
}

// Dir is a directory of a working-set module that holds .go files.
type Dir struct {
	Module     *Module
	Abs        string
	Rel        string // slash-separated, relative to the module root; "." for the root
	ImportPath string
	Files      []*File // sorted by name
	Hash       [32]byte
}

// Name returns the package name of the directory's non-test, non-ignored
// files (the name most of them use), or "" if it has none.
func (d *Dir) Name() string {
	count := map[string]int{}
	best := ""
	for _, f := range d.Files {
		if f.Test || f.Cons.Ignore() || f.PkgName == "" {
			continue
		}
		count[f.PkgName]++
		if n := count[f.PkgName]; n > count[best] || n == count[best] && f.PkgName < best {
			best = f.PkgName
		}
	}
	if best == "" {
		for _, f := range d.Files {
			if f.Test && !strings.HasSuffix(f.PkgName, "_test") && f.PkgName != "" {
				return f.PkgName
			}
		}
	}
	return best
}

// Scan reads every Go file of the working set's packages, as `go list
// ./...` in each module would find them: it skips testdata, vendor,
// directories starting with "." or "_", and nested modules. Unlike
// ./..., it also enters directories reached through a symbolic link: the
// go command builds a package there when something imports its path, and
// its references count (a loop of links is entered once).
func (ws *WorkingSet) Scan() ([]*Dir, error) {
	var dirs []*Dir
	for i := range ws.Modules {
		m := &ws.Modules[i]
		real, err := filepath.EvalSymlinks(m.Dir)
		if err != nil {
			return nil, fmt.Errorf("scanning %s: %w", m.Dir, err)
		}
		if err := scanDir(m, m.Dir, map[string]bool{real: true}, &dirs); err != nil {
			return nil, fmt.Errorf("scanning %s: %w", m.Dir, err)
		}
	}
	sort.Slice(dirs, func(i, j int) bool { return dirs[i].ImportPath < dirs[j].ImportPath })

	// Read and parse headers in parallel: this is the whole cost of a
	// warm run.
	var files []*File
	for _, d := range dirs {
		files = append(files, d.Files...)
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	var firstErr error
	work := make(chan *File)
	for range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for f := range work {
				if err := f.read(); err != nil {
					mu.Lock()
					if firstErr == nil {
						firstErr = err
					}
					mu.Unlock()
				}
			}
		}()
	}
	for _, f := range files {
		work <- f
	}
	close(work)
	wg.Wait()
	if firstErr != nil {
		return nil, firstErr
	}
	for _, d := range dirs {
		h := sha256.New()
		for _, f := range d.Files {
			fmt.Fprintf(h, "%s %x\n", f.Name, f.Hash)
		}
		h.Sum(d.Hash[:0])
	}
	return dirs, nil
}

// scanDir adds p, a directory of module m, and those below it to dirs.
// onPath holds the real paths of the directories being walked, so that
// a symbolic link to one of them is not followed again.
func scanDir(m *Module, p string, onPath map[string]bool, dirs *[]*Dir) error {
	ents, err := os.ReadDir(p)
	if err != nil {
		return err
	}
	var dir *Dir
	var subdirs []string
	for _, e := range ents {
		n := e.Name()
		isDir := e.IsDir()
		if e.Type()&fs.ModeSymlink != 0 {
			fi, err := os.Stat(filepath.Join(p, n))
			if err != nil {
				continue // dangling: the go command ignores it too
			}
			isDir = fi.IsDir()
		}
		if isDir {
			if n == "testdata" || n == "vendor" || strings.HasPrefix(n, ".") || strings.HasPrefix(n, "_") {
				continue
			}
			if _, err := os.Stat(filepath.Join(p, n, "go.mod")); err == nil {
				continue // a nested module
			}
			subdirs = append(subdirs, n)
			continue
		}
		if !strings.HasSuffix(n, ".go") || strings.HasPrefix(n, ".") || strings.HasPrefix(n, "_") {
			continue
		}
		if dir == nil {
			rel, _ := filepath.Rel(m.Dir, p)
			rel = filepath.ToSlash(rel)
			ip := m.Path
			if rel != "." {
				ip = path.Join(m.Path, rel)
			}
			dir = &Dir{Module: m, Abs: p, Rel: rel, ImportPath: ip}
		}
		dir.Files = append(dir.Files, &File{Name: n, Abs: filepath.Join(p, n), Test: strings.HasSuffix(n, "_test.go")})
	}
	if dir != nil {
		*dirs = append(*dirs, dir)
	}
	for _, n := range subdirs {
		sub := filepath.Join(p, n)
		real, err := filepath.EvalSymlinks(sub)
		if err != nil || onPath[real] {
			continue
		}
		onPath[real] = true
		err = scanDir(m, sub, onPath, dirs)
		delete(onPath, real)
		if err != nil {
			return err
		}
	}
	return nil
}

// maxSource is the largest Go file goremover reads: a hostile tree may
// hold a huge one, and every file is read whole.
var maxSource int64 = 256 << 20

func (f *File) read() error {
	fi, err := os.Stat(f.Abs)
	if err != nil {
		return err
	}
	if fi.Size() > maxSource {
		return &Error{Pos: f.Abs, Msg: fmt.Sprintf("%d MB; goremover reads Go files of up to %d MB", fi.Size()>>20, maxSource>>20)}
	}
	src, err := os.ReadFile(f.Abs)
	if err != nil {
		return err
	}
	f.Src = src
	f.Hash = sha256.Sum256(src)
	f.Cons, err = buildcfg.FileConstraint(f.Name, src)
	if err != nil {
		f.Err = &Error{Pos: f.Abs, Msg: err.Error()}
		return nil
	}
	fset := token.NewFileSet()
	af, err := parser.ParseFile(fset, f.Abs, src, parser.ImportsOnly)
	if af != nil && af.Name != nil {
		f.PkgName = af.Name.Name
		f.Imports = importPaths(af)
	}
	if err != nil {
		f.Err = &Error{Msg: firstLine(err.Error())}
	}
	return nil
}

func importPaths(f *ast.File) []string {
	var paths []string
	for _, s := range f.Imports {
		if p, err := strconv.Unquote(s.Path.Value); err == nil {
			paths = append(paths, p)
		}
	}
	return paths
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}
