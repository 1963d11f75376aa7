package index

// This file builds the index of a working set, reusing per-package
// entries from an on-disk cache.
//
// Like the go command's build cache, an entry is keyed by a hash of its
// inputs: the directory's file contents, the contents of every
// working-set directory it imports (transitively, tests included, because
// implements and promotion references depend on their types), and the
// global inputs (go.mod, go.sum, go.work, the toolchain, the configuration
// plan, goremover's own version). A warm run only reads and hashes the
// files; a changed file re-indexes its package and the packages that
// import it, nothing else.

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"sort"
	"sync"

	"github.com/goremover/goremover/internal/report"

	"github.com/goremover/goremover/internal/progress"

	"github.com/goremover/goremover/internal/buildcfg"
	"github.com/goremover/goremover/internal/load"
)

// Options configure Build.
type Options struct {
	Load load.Options
	// CacheDir is the directory of the index cache; "" disables it.
	CacheDir string
	// Stats, if not nil, receives what Build did.
	Stats *Stats
}

// Stats reports how an index was built.
type Stats struct {
	Packages int // working-set packages
	Cached   int // taken from the cache
	Configs  []string
	Unsat    []string // files no configuration compiles
}

// DefaultCacheDir returns $GOREMOVERCACHE, or goremover/index under the
// user cache directory. "off" disables the cache.
func DefaultCacheDir() string {
	if d := os.Getenv("GOREMOVERCACHE"); d != "" {
		if d == "off" {
			return ""
		}
		return d
	}
	d, err := os.UserCacheDir()
	if err != nil {
		return ""
	}
	return filepath.Join(d, "goremover", "index")
}

// cacheVersion changes whenever the format or meaning of entries does.
const cacheVersion = "goremover-index-12"

// Build indexes the working set.
func Build(ctx context.Context, ws *load.WorkingSet, opts *Options) (*Index, error) {
	dirs, err := ws.Scan()
	if err != nil {
		return nil, err
	}
	for _, d := range dirs {
		for _, f := range d.Files {
			if f.Err != nil {
				return nil, f.Err
			}
		}
	}
	host, err := load.HostConfig(ctx, ws, &opts.Load)
	if err != nil {
		return nil, err
	}
	var cons []buildcfg.Constraint
	for _, d := range dirs {
		for _, f := range d.Files {
			cons = append(cons, f.Cons)
		}
	}
	cfgs, _ := host.Plan(cons, opts.Load.Platforms)

	global := sha256.New()
	fmt.Fprintf(global, "%s\n%s\n%+v\n", cacheVersion, selfVersion(), host)
	for _, c := range cfgs {
		fmt.Fprintf(global, "cfg %s\n", c)
	}
	global.Write(ws.WorkSum)
	for _, m := range ws.Modules {
		fmt.Fprintf(global, "mod %s %s\n", m.Path, m.Dir)
		global.Write(m.GoMod)
		sum, _ := os.ReadFile(filepath.Join(m.Dir, "go.sum"))
		global.Write(sum)
	}
	for _, e := range opts.Load.Env {
		fmt.Fprintf(global, "env %s\n", e)
	}
	keys := dirKeys(dirs, global.Sum(nil))

	stats := opts.Stats
	if stats == nil {
		stats = &Stats{}
	}
	stats.Packages = len(dirs)
	for _, c := range cfgs {
		stats.Configs = append(stats.Configs, c.String())
	}

	pkgs := make([]*Package, len(dirs))
	parallel(len(dirs), func(i int) {
		pkgs[i] = readEntry(opts.CacheDir, keys[dirs[i]])
	})
	var missing []*load.Dir
	for i, d := range dirs {
		if pkgs[i] != nil {
			stats.Cached++
		} else {
			missing = append(missing, d)
		}
	}
	if len(missing) > 0 {
		progress.Printf(ctx, "loading %s (%d from the index cache)", report.Plural(len(dirs), "package"), stats.Cached)
		lopts := opts.Load
		lopts.AltErrors = true
		checked, err := load.Check(ctx, ws, dirs, missing, host, cfgs, &lopts)
		if err != nil {
			return nil, err
		}
		for _, f := range checked.Unsat {
			_, rel := ws.Rel(f)
			stats.Unsat = append(stats.Unsat, rel)
		}
		progress.Printf(ctx, "indexing %s", report.Plural(len(missing), "package"))
		built := buildPackages(ws, dirs, missing, checked, host, func(d *load.Dir, p *Package) {
			writeEntry(opts.CacheDir, keys[d], p)
		})
		for i, d := range dirs {
			if p := built[d]; p != nil {
				pkgs[i] = p
			}
		}
	}
	x := New(pkgs)
	x.Dirs = dirs
	return x, nil
}

// buildPackages indexes the units of a check into one Package per
// directory.
// write, if not nil, is called for each package once it is indexed.
func buildPackages(ws *load.WorkingSet, all, dirs []*load.Dir, checked *load.Checked, host buildcfg.Host, write func(*load.Dir, *Package)) map[*load.Dir]*Package {
	inWS := map[string]bool{}
	for _, d := range all {
		inWS[d.ImportPath] = true
	}
	out := map[*load.Dir]*Package{}
	builders := map[*load.Dir]*builder{}
	for _, d := range dirs {
		p := &Package{Path: d.ImportPath, Name: d.Name(), Module: d.Module.Path, Dir: d.Rel}
		for _, f := range d.Files {
			labels := host.Labels(f.Cons)
			p.Files = append(p.Files, File{
				Pos:        Pos{Module: d.Module.Path, File: relFile(d, f)},
				Platforms:  labels,
				Constraint: f.Cons.String(),
				Test:       f.Test,
			})
		}
		out[d] = p
		builders[d] = &builder{ws: ws, inWS: func(path string) bool { return inWS[path] }, pkg: p, seen: map[refID]bool{}}
	}
	units := map[*load.Dir][]*load.Unit{}
	for _, u := range checked.Units {
		units[u.Dir] = append(units[u.Dir], u)
	}
	// Directories index independently: spread them over the CPUs.
	parallel(len(dirs), func(i int) {
		d := dirs[i]
		b := builders[d]
		for _, u := range units[d] {
			b.indexUnit(u, true)
			if u.Config.String() == host.Base().String() {
				b.pkg.Errors = append(b.pkg.Errors, u.Errors...)
			} else {
				b.pkg.AltErrors = append(b.pkg.AltErrors, u.Errors...)
			}
		}
		p := b.pkg
		sort.SliceStable(p.Refs, func(i, j int) bool { return p.Refs[i].Pos.Less(p.Refs[j].Pos) })
		sort.SliceStable(p.Runtime, func(i, j int) bool { return p.Runtime[i].Pos.Less(p.Runtime[j].Pos) })
		if write != nil {
			write(d, p)
		}
	})
	return out
}

func relFile(d *load.Dir, f *load.File) string {
	if d.Rel == "." {
		return f.Name
	}
	return d.Rel + "/" + f.Name
}

// dirKeys returns the cache key of every directory.
func dirKeys(dirs []*load.Dir, global []byte) map[*load.Dir]string {
	byPath := map[string]*load.Dir{}
	for _, d := range dirs {
		byPath[d.ImportPath] = d
	}
	keys := map[*load.Dir]string{}
	for _, d := range dirs {
		// The transitive working-set imports, tests and every
		// configuration included.
		seen := map[*load.Dir]bool{d: true}
		queue := []*load.Dir{d}
		for len(queue) > 0 {
			q := queue[0]
			queue = queue[1:]
			for _, f := range q.Files {
				for _, imp := range f.Imports {
					if dep := byPath[imp]; dep != nil && !seen[dep] {
						seen[dep] = true
						queue = append(queue, dep)
					}
				}
			}
		}
		var deps []string
		for dep := range seen {
			if dep != d {
				deps = append(deps, dep.ImportPath+" "+hex.EncodeToString(dep.Hash[:]))
			}
		}
		sort.Strings(deps)
		h := sha256.New()
		h.Write(global)
		fmt.Fprintf(h, "dir %s %s %x\n", d.Module.Path, d.ImportPath, d.Hash)
		for _, dep := range deps {
			fmt.Fprintf(h, "dep %s\n", dep)
		}
		keys[d] = hex.EncodeToString(h.Sum(nil))
	}
	return keys
}

// entryPath is where an entry lives: under a directory named by the
// cache version, so that entries no goremover reads any more can be told
// apart and trimmed (see TrimCache).
func entryPath(dir, key string) string {
	return filepath.Join(dir, cacheVersion, key[:2], key+"-i")
}

func readEntry(dir, key string) *Package {
	if dir == "" {
		return nil
	}
	data, err := os.ReadFile(entryPath(dir, key))
	if err != nil {
		return nil
	}
	p, err := decodeEntry(data)
	if err != nil {
		return nil // a corrupt entry is a miss
	}
	return p
}

// writeEntry stores an entry; failures only cost a later miss.
func writeEntry(dir, key string, p *Package) {
	if dir == "" {
		return
	}
	data, err := encodeEntry(p)
	if err != nil {
		return
	}
	path := entryPath(dir, key)
	if err := os.MkdirAll(filepath.Dir(path), 0o777); err != nil {
		return
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".tmp-*")
	if err != nil {
		return
	}
	_, err = tmp.Write(data)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(tmp.Name())
		return
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		os.Remove(tmp.Name())
	}
}

// parallel calls f(0..n-1) on every CPU.
func parallel(n int, f func(i int)) {
	work := make(chan int)
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range work {
				f(i)
			}
		}()
	}
	for i := range n {
		work <- i
	}
	close(work)
	wg.Wait()
}

// selfVersion identifies the running goremover build, so that a new build
// never reads entries an older one wrote.
func selfVersion() string {
	if bi, ok := debug.ReadBuildInfo(); ok {
		s := bi.Main.Version
		for _, kv := range bi.Settings {
			if kv.Key == "vcs.revision" || kv.Key == "vcs.modified" {
				s += " " + kv.Value
			}
		}
		if s != "(devel)" && s != "" {
			return s
		}
	}
	// A development build: key on the executable's identity, which
	// every rebuild changes.
	exe, err := os.Executable()
	if err != nil {
		return "unknown"
	}
	fi, err := os.Stat(exe)
	if err != nil {
		return "unknown"
	}
	return fmt.Sprintf("%s %d %d", exe, fi.Size(), fi.ModTime().UnixNano())
}
