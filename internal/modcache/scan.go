// Package modcache lists and prunes the go command's module cache
// (GOMODCACHE): every module version it holds, what each costs on disk,
// when it was last used, and which projects need it; and removes what no
// listed project needs, in the order and under the locks that keep a
// concurrent go command working.
//
// The layout, as the go command writes it (module paths and versions
// case-encoded: an upper-case letter is '!' and the lower-case letter):
//
//	<path>@<version>/                    extracted tree, read-only
//	cache/download/<path>/@v/<v>.info    version metadata (time)
//	cache/download/<path>/@v/<v>.mod     go.mod, read for the module graph
//	cache/download/<path>/@v/<v>.zip     the module's source
//	cache/download/<path>/@v/<v>.ziphash its checksum; a tree without it
//	                                     is incomplete to the go command
//	cache/download/<path>/@v/<v>.lock    held while downloading/extracting
//	cache/download/<path>/@v/<v>.partial present while extracting
//	cache/download/<path>/@v/list        the versions that have a .mod
//	cache/download/sumdb/...             checksum database tiles, lookups
//	cache/vcs/<hash>, <hash>.info/.lock  VCS clones (GOPROXY=direct)
package modcache

// This file scans the cache: one walk of every directory, files stat'ed
// once through their directory entries, subtrees walked in parallel, so
// that a scan costs about what du -s does.

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/mod/module"
)

// Version is one module version in the cache, with its files.
type Version struct {
	Path, Version string

	Tree    int64 // bytes of the extracted tree, 0 if none
	Zip     int64 // .zip and .ziphash
	Mod     int64 // .mod and .info
	Other   int64 // .lock, .partial, leftover temporary files
	HasTree bool
	HasZip  bool // the .zip file
	HasHash bool // the .ziphash file
	HasMod  bool
	HasInfo bool
	Partial bool // a .partial file: extraction did not finish

	// LastUse is the newest access or modification time of the
	// version's files (lock files aside). The go command records no use
	// in the module cache; reading a file updates its access time where
	// the file system keeps them (relatime: at most once a day), so this
	// is the last build that read the version, or its download.
	LastUse time.Time
}

// Bytes is the disk space the version occupies.
func (v *Version) Bytes() int64 { return v.Tree + v.Zip + v.Mod + v.Other }

// String returns path@version.
func (v *Version) String() string { return v.Path + "@" + v.Version }

// MV returns the module.Version.
func (v *Version) MV() module.Version { return module.Version{Path: v.Path, Version: v.Version} }

// Extra is a cache entry that belongs to no module version: the
// checksum database's cache, a VCS clone, anything unknown.
type Extra struct {
	Kind    string // "sumdb", "vcs", "other"
	Name    string // slash path relative to the cache root
	Remote  string // a VCS clone's repository, from its .info file
	Bytes   int64
	LastUse time.Time
}

// Listing is what a scan found.
type Listing struct {
	Root     string // the cache directory, symbolic links resolved
	Versions []*Version
	Extras   []*Extra
	Bytes    int64     // everything, as du -s counts it
	Scanned  time.Time // when the scan started
}

// Progress is told how far a scan is: done of total module versions
// sized. It may be called from several goroutines.
type Progress func(done, total int)

// Scan walks the module cache at root.
func Scan(ctx context.Context, root string, prog Progress) (*Listing, error) {
	abs, err := filepath.Abs(root)
	if err != nil {
		return nil, err
	}
	real, err := filepath.EvalSymlinks(abs)
	if err != nil {
		return nil, err
	}
	l := &Listing{Root: real, Scanned: time.Now()}
	s := &scanner{l: l, byKey: map[string]*Version{}, sem: make(chan struct{}, max(2, runtime.GOMAXPROCS(0)*2)), prog: prog}
	// The download cache first: it names every version, so that the
	// walk of the trees can show a total.
	if err := s.download(ctx, filepath.Join(real, "cache", "download")); err != nil {
		return nil, err
	}
	// Most versions with a .zip have a tree; a go.mod-only one has none.
	for _, v := range s.byKey {
		if v.HasZip || v.HasHash {
			s.total++
		}
	}
	if err := s.vcs(filepath.Join(real, "cache", "vcs")); err != nil {
		return nil, err
	}
	if err := s.trees(ctx, real, ""); err != nil {
		return nil, err
	}
	s.wg.Wait()
	if s.err != nil {
		return nil, s.err
	}
	for _, v := range s.byKey {
		l.Bytes += v.Bytes()
		if !v.HasTree && !v.HasZip && !v.HasHash && !v.HasMod && !v.HasInfo && !v.Partial && v.Other == 0 {
			continue // only a lock file: a download that never began
		}
		l.Versions = append(l.Versions, v)
	}
	for _, e := range l.Extras {
		l.Bytes += e.Bytes
	}
	l.Bytes += s.dirs.Load()
	return l, nil
}

type scanner struct {
	l     *Listing
	mu    sync.Mutex
	byKey map[string]*Version // "path@version"
	sem   chan struct{}
	wg    sync.WaitGroup
	err   error
	prog  Progress
	total int
	done  atomic.Int64
	dirs  atomic.Int64 // bytes of the directories that hold no entry of their own
}

// version returns the entry of path@vers, creating it.
func (s *scanner) version(path, vers string) *Version {
	key := path + "@" + vers
	s.mu.Lock()
	defer s.mu.Unlock()
	v := s.byKey[key]
	if v == nil {
		v = &Version{Path: path, Version: vers}
		s.byKey[key] = v
	}
	return v
}

func (s *scanner) fail(err error) {
	s.mu.Lock()
	if s.err == nil {
		s.err = err
	}
	s.mu.Unlock()
}

// download walks cache/download: every @v directory is a module's.
func (s *scanner) download(ctx context.Context, dir string) error {
	ents, err := os.ReadDir(dir)
	if os.IsNotExist(err) {
		return nil
	} else if err != nil {
		return err
	}
	s.dirs.Add(dirBytes(dir))
	for _, e := range ents {
		p := filepath.Join(dir, e.Name())
		if e.Name() == "sumdb" && filepath.Base(dir) == "download" && filepath.Base(filepath.Dir(dir)) == "cache" {
			n, last, err := du(p)
			if err != nil {
				return err
			}
			s.l.Extras = append(s.l.Extras, &Extra{Kind: "sumdb", Name: "cache/download/sumdb", Bytes: n, LastUse: last})
			continue
		}
		if !e.IsDir() {
			if err := s.other(p, e); err != nil {
				return err
			}
			continue
		}
		if e.Name() == "@v" {
			if err := s.atV(p); err != nil {
				return err
			}
			continue
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := s.download(ctx, p); err != nil {
			return err
		}
	}
	return nil
}

// atV reads the @v directory of a module.
func (s *scanner) atV(dir string) error {
	rel, err := filepath.Rel(filepath.Join(s.l.Root, "cache", "download"), filepath.Dir(dir))
	if err != nil {
		return err
	}
	path, err := module.UnescapePath(filepath.ToSlash(rel))
	if err != nil {
		return s.otherDir(dir)
	}
	ents, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	s.dirs.Add(dirBytes(dir))
	for _, e := range ents {
		name := e.Name()
		p := filepath.Join(dir, name)
		info, err := e.Info()
		if err != nil {
			if os.IsNotExist(err) {
				continue // removed meanwhile
			}
			return err
		}
		n := diskBytes(info)
		if name == "list" || name == "list.lock" {
			s.dirs.Add(n)
			continue
		}
		vers, kind := splitVersionFile(name)
		if vers == "" || e.IsDir() {
			if e.IsDir() {
				if err := s.otherDir(p); err != nil {
					return err
				}
			} else {
				s.other(p, e)
			}
			continue
		}
		v := s.version(path, vers)
		switch kind {
		case "zip":
			v.Zip += n
			v.HasZip = true
		case "ziphash":
			v.Zip += n
			v.HasHash = true
		case "mod":
			v.Mod += n
			v.HasMod = true
		case "info":
			v.Mod += n
			v.HasInfo = true
		case "partial":
			v.Other += n
			v.Partial = true
		default:
			v.Other += n
		}
		if kind != "lock" {
			if t := lastUse(info); t.After(v.LastUse) {
				v.LastUse = t
			}
		}
	}
	return nil
}

// splitVersionFile splits a file name of an @v directory into the
// version and the kind of file: "v1.2.3.zip" is v1.2.3 and "zip"; a
// temporary zip ("v1.2.3.zip123.tmp") is "tmp". It returns "" for a name
// that is no version's.
func splitVersionFile(name string) (vers, kind string) {
	if strings.HasSuffix(name, ".tmp") {
		if i := strings.Index(name, ".zip"); i > 0 {
			if v, err := module.UnescapeVersion(name[:i]); err == nil {
				return v, "tmp"
			}
		}
		return "", ""
	}
	for _, k := range []string{"ziphash", "zip", "mod", "info", "lock", "partial"} {
		if enc, ok := strings.CutSuffix(name, "."+k); ok {
			v, err := module.UnescapeVersion(enc)
			if err != nil || v == "" {
				return "", ""
			}
			return v, k
		}
	}
	return "", ""
}

// other records a file that is no version's as an "other" extra.
func (s *scanner) other(p string, e fs.DirEntry) error {
	info, err := e.Info()
	if err != nil {
		if os.IsNotExist(err) {
			return nil
		}
		return err
	}
	if filepath.Base(p) == "lock" && filepath.Dir(p) == filepath.Join(s.l.Root, "cache") {
		s.dirs.Add(diskBytes(info))
		return nil
	}
	s.add(&Extra{Kind: "other", Name: s.rel(p), Bytes: diskBytes(info), LastUse: lastUse(info)})
	return nil
}

func (s *scanner) otherDir(p string) error {
	n, last, err := du(p)
	if err != nil {
		return err
	}
	s.add(&Extra{Kind: "other", Name: s.rel(p), Bytes: n, LastUse: last})
	return nil
}

func (s *scanner) add(e *Extra) {
	s.mu.Lock()
	s.l.Extras = append(s.l.Extras, e)
	s.mu.Unlock()
}

func (s *scanner) rel(p string) string {
	r, err := filepath.Rel(s.l.Root, p)
	if err != nil {
		return filepath.ToSlash(p)
	}
	return filepath.ToSlash(r)
}

// vcs records each clone of cache/vcs with its .info and .lock files.
func (s *scanner) vcs(dir string) error {
	ents, err := os.ReadDir(dir)
	if os.IsNotExist(err) {
		return nil
	} else if err != nil {
		return err
	}
	s.dirs.Add(dirBytes(dir))
	clones := map[string]*Extra{}
	get := func(hash string) *Extra {
		e := clones[hash]
		if e == nil {
			e = &Extra{Kind: "vcs", Name: "cache/vcs/" + hash}
			clones[hash] = e
			s.l.Extras = append(s.l.Extras, e)
		}
		return e
	}
	for _, e := range ents {
		p := filepath.Join(dir, e.Name())
		hash, ext, _ := strings.Cut(e.Name(), ".")
		if e.IsDir() && ext == "" {
			n, last, err := du(p)
			if err != nil {
				return err
			}
			x := get(hash)
			x.Bytes += n
			if last.After(x.LastUse) {
				x.LastUse = last
			}
			continue
		}
		info, err := e.Info()
		if err != nil {
			continue
		}
		x := get(hash)
		x.Bytes += diskBytes(info)
		if ext == "info" {
			if data, err := os.ReadFile(p); err == nil {
				x.Remote = strings.TrimSpace(string(data))
			}
		}
	}
	return nil
}

// trees walks the directories outside cache/ for extracted trees: a
// directory whose name holds '@' is a module version's root (nested
// modules, such as golang.org/x/tools/gopls, live beside their parent's
// trees, never inside them).
func (s *scanner) trees(ctx context.Context, dir, rel string) error {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	s.dirs.Add(dirBytes(dir))
	for _, e := range ents {
		name := e.Name()
		p := filepath.Join(dir, name)
		r := name
		if rel != "" {
			r = rel + "/" + name
		}
		if r == "cache" {
			if err := s.cacheDir(p); err != nil {
				return err
			}
			continue
		}
		if !e.IsDir() {
			if err := s.other(p, e); err != nil {
				return err
			}
			continue
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if encPath, encVers, ok := strings.Cut(r, "@"); ok {
			path, err1 := module.UnescapePath(encPath)
			vers, err2 := module.UnescapeVersion(encVers)
			if err1 != nil || err2 != nil {
				if err := s.otherDir(p); err != nil {
					return err
				}
				continue
			}
			v := s.version(path, vers)
			s.sizeTree(v, p)
			continue
		}
		if err := s.trees(ctx, p, r); err != nil {
			return err
		}
	}
	return nil
}

// cacheDir accounts for cache/ itself: download and vcs are walked on
// their own; anything else is an extra.
func (s *scanner) cacheDir(dir string) error {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	s.dirs.Add(dirBytes(dir))
	for _, e := range ents {
		switch e.Name() {
		case "download", "vcs":
			continue
		}
		p := filepath.Join(dir, e.Name())
		if e.IsDir() {
			if err := s.otherDir(p); err != nil {
				return err
			}
		} else if err := s.other(p, e); err != nil {
			return err
		}
	}
	return nil
}

// sizeTree adds the bytes and last use of the tree at p to v, in a
// goroutine if one is free.
func (s *scanner) sizeTree(v *Version, p string) {
	work := func() {
		n, last, err := s.du(p)
		if err != nil {
			s.fail(err)
			return
		}
		s.mu.Lock()
		v.Tree += n
		v.HasTree = true
		if last.After(v.LastUse) {
			v.LastUse = last
		}
		s.mu.Unlock()
		if s.prog != nil {
			done := int(s.done.Add(1))
			s.prog(done, max(done, s.total))
		}
	}
	select {
	case s.sem <- struct{}{}:
		s.wg.Add(1)
		go func() {
			defer func() { <-s.sem; s.wg.Done() }()
			work()
		}()
	default:
		work()
	}
}

// du returns the disk bytes of the tree at p and the newest access or
// modification time of its regular files, subdirectories walked in
// parallel when a goroutine is free.
func (s *scanner) du(p string) (int64, time.Time, error) {
	var (
		mu    sync.Mutex
		total int64
		last  time.Time
		wg    sync.WaitGroup
		first error
	)
	var walk func(dir string)
	walk = func(dir string) {
		ents, err := os.ReadDir(dir)
		if err != nil {
			if !os.IsNotExist(err) {
				mu.Lock()
				first = cmpErr(first, err)
				mu.Unlock()
			}
			return
		}
		n := dirBytes(dir)
		var t time.Time
		for _, e := range ents {
			if e.IsDir() {
				sub := filepath.Join(dir, e.Name())
				select {
				case s.sem <- struct{}{}:
					wg.Add(1)
					go func() {
						defer func() { <-s.sem; wg.Done() }()
						walk(sub)
					}()
				default:
					walk(sub)
				}
				continue
			}
			info, err := e.Info()
			if err != nil {
				continue
			}
			n += diskBytes(info)
			if info.Mode().IsRegular() {
				if u := lastUse(info); u.After(t) {
					t = u
				}
			}
		}
		mu.Lock()
		total += n
		if t.After(last) {
			last = t
		}
		mu.Unlock()
	}
	walk(p)
	wg.Wait()
	return total, last, first
}

func cmpErr(a, b error) error {
	if a != nil {
		return a
	}
	return b
}

// du sizes a tree without the scanner's parallelism.
func du(p string) (int64, time.Time, error) {
	s := &scanner{sem: make(chan struct{})}
	return s.du(p)
}

// dirBytes returns the disk bytes of directory dir itself.
func dirBytes(dir string) int64 {
	fi, err := os.Lstat(dir)
	if err != nil {
		return 0
	}
	return diskBytes(fi)
}
