package modcache

// This file decides what prune removes and removes it.
//
// The go command treats a version's extracted tree as present when the
// directory exists, no .partial file is beside its .zip, and its
// .ziphash exists; otherwise, holding the version's .lock, it removes
// the directory and extracts the .zip again, downloading the .zip (and
// re-hashing it into .ziphash) only if the .zip or the .ziphash is
// missing. A version's go.mod is present when its .mod file is; the @v
// list names the versions that have one. From that, removal goes:
//
//  1. take the version's .lock, as the go command does to download and
//     extract (lock files themselves are never removed: a waiter could
//     then lock a different file);
//  2. check that nothing of the version changed since the scan (a
//     concurrent go mod download that brought it back in is kept);
//  3. create .partial: from here, the tree is incomplete to the go
//     command;
//  4. remove the tree (its read-only directories made writable first),
//     then .zip, then .ziphash, then .partial;
//  5. for a whole version, .info, then .mod;
//  6. rewrite the @v list, under its own lock, as the go command does.
//
// A crash after any step leaves the version whole (a .partial with the
// .zip and .ziphash: the go command extracts it again, offline) or
// cleanly absent (no tree, or a tree marked .partial, and no .zip: the
// go command downloads it, as after go clean -modcache).

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/rogpeppe/go-internal/lockedfile"
	"golang.org/x/mod/module"
	"golang.org/x/mod/semver"
)

// Options say what prune may remove.
type Options struct {
	Older      time.Duration // keep what was used more recently (0: no limit)
	KeepLatest int           // keep the N highest versions of each module
	Now        time.Time
}

// What is the part of a version that goes.
type What int

const (
	Keep   What = iota
	Source      // tree, .zip, .ziphash: only its go.mod is needed
	All         // everything but the .lock file
)

// Removal is one version's part to remove.
type Removal struct {
	V     *Version
	What  What
	Bytes int64
}

// Entry is a version with what the projects need of it and why it stays.
type Entry struct {
	*Version
	Need     Need
	Projects []int  // indexes of the projects that need it
	Keep     string // why prune keeps it though unneeded: "recent", "latest"
}

// Attribute combines the scan with each project's needs.
func Attribute(l *Listing, needs []Needs) []*Entry {
	out := make([]*Entry, 0, len(l.Versions))
	for _, v := range l.Versions {
		e := &Entry{Version: v}
		for i, n := range needs {
			var need Need
			if v.Path == toolchainPath {
				need = toolchainNeed(v.Version, n)
			} else {
				need = n[v.MV()]
			}
			if need > NeedNone {
				e.Projects = append(e.Projects, i)
				e.Need = max(e.Need, need)
			}
		}
		out = append(out, e)
	}
	slices.SortFunc(out, func(a, b *Entry) int {
		return cmp.Or(cmp.Compare(b.Bytes(), a.Bytes()), cmp.Compare(a.Path, b.Path), semver.Compare(a.Version.Version, b.Version.Version))
	})
	return out
}

// Plan returns what prune removes of the entries, and marks on each
// entry kept though unneeded why it is.
func Plan(entries []*Entry, opts Options) []Removal {
	latest := map[module.Version]bool{}
	if opts.KeepLatest > 0 {
		byPath := map[string][]string{}
		for _, e := range entries {
			byPath[e.Path] = append(byPath[e.Path], e.Version.Version)
		}
		for p, vs := range byPath {
			semver.Sort(vs)
			for _, v := range vs[max(0, len(vs)-opts.KeepLatest):] {
				latest[module.Version{Path: p, Version: v}] = true
			}
		}
	}
	var out []Removal
	for _, e := range entries {
		if e.Need == NeedSrc {
			continue
		}
		if latest[e.MV()] {
			e.Keep = "latest"
			continue
		}
		if opts.Older > 0 && opts.Now.Sub(e.LastUse) < opts.Older {
			e.Keep = "recent"
			continue
		}
		switch e.Need {
		case NeedMod:
			if n := e.Tree + e.Zip; n > 0 || e.Partial {
				out = append(out, Removal{V: e.Version, What: Source, Bytes: n})
			}
		case NeedNone:
			out = append(out, Removal{V: e.Version, What: All, Bytes: e.Tree + e.Zip + e.Mod})
		}
	}
	return out
}

// Result is what Remove did with one removal.
type Result struct {
	Removal
	Err     error  // it failed: the version is whole or cleanly absent
	Skipped string // why it was left alone
}

// Remove carries out the removals in the cache l was scanned from, a
// few versions at a time.
func Remove(ctx context.Context, l *Listing, rs []Removal, prog Progress) []Result {
	out := make([]Result, len(rs))
	var wg sync.WaitGroup
	sem := make(chan struct{}, 4)
	var mu sync.Mutex
	done := 0
	lists := map[string]bool{} // @v directories whose list to rewrite
	for i, r := range rs {
		out[i].Removal = r
		if ctx.Err() != nil {
			out[i].Skipped = "interrupted"
			continue
		}
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer func() { <-sem; wg.Done() }()
			skipped, err := removeOne(l, r)
			mu.Lock()
			out[i].Skipped, out[i].Err = skipped, err
			if r.What == All && skipped == "" {
				if d, err := atV(l.Root, r.V.Path); err == nil {
					lists[d] = true
				}
			}
			done++
			if prog != nil {
				prog(done, len(rs))
			}
			mu.Unlock()
		}()
	}
	wg.Wait()
	for d := range lists {
		if err := rewriteList(d); err != nil {
			for i := range out {
				if out[i].Err == nil && out[i].What == All {
					if vd, _ := atV(l.Root, out[i].V.Path); vd == d {
						out[i].Err = fmt.Errorf("rewriting the version list: %v", err)
					}
				}
			}
		}
	}
	return out
}

// atV returns the @v directory of module path in the cache at root.
func atV(root, path string) (string, error) {
	enc, err := module.EscapePath(path)
	if err != nil {
		return "", err
	}
	return filepath.Join(root, "cache", "download", filepath.FromSlash(enc), "@v"), nil
}

// treeDir returns the extracted tree of v.
func treeDir(root string, v *Version) (string, error) {
	enc, err := module.EscapePath(v.Path)
	if err != nil {
		return "", err
	}
	ev, err := module.EscapeVersion(v.Version)
	if err != nil {
		return "", err
	}
	return filepath.Join(root, filepath.FromSlash(enc)+"@"+ev), nil
}

// inside returns an error unless p's parent, symbolic links resolved,
// is within root: a link planted in the cache never leads a removal out.
func inside(root, p string) error {
	// The nearest directory that exists: a version without a tree has
	// no parent directory either.
	dir := filepath.Dir(p)
	for {
		if _, err := os.Lstat(dir); err == nil || filepath.Dir(dir) == dir {
			break
		}
		dir = filepath.Dir(dir)
	}
	parent, err := filepath.EvalSymlinks(dir)
	if err != nil {
		return err
	}
	if rel, err := filepath.Rel(root, parent); err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return fmt.Errorf("%s leads outside the module cache %s", p, root)
	}
	return nil
}

// removeOne removes r under the version's lock.
func removeOne(l *Listing, r Removal) (skipped string, err error) {
	v := r.V
	dir, err := atV(l.Root, v.Path)
	if err != nil {
		return "", err
	}
	ev, err := module.EscapeVersion(v.Version)
	if err != nil {
		return "", err
	}
	tree, err := treeDir(l.Root, v)
	if err != nil {
		return "", err
	}
	file := func(ext string) string { return filepath.Join(dir, ev+"."+ext) }
	if err := os.MkdirAll(dir, 0o777); err != nil {
		return "", err
	}
	if err := inside(l.Root, file("lock")); err != nil {
		return "", err
	}
	if err := inside(l.Root, tree); err != nil {
		return "", err
	}
	unlock, err := lockedfile.MutexAt(file("lock")).Lock()
	if err != nil {
		return "", err
	}
	defer unlock()

	// What the scan saw must still be so: a version downloaded or
	// extracted again meanwhile is in use.
	for _, ext := range []string{"zip", "ziphash", "mod", "info"} {
		fi, err := os.Lstat(file(ext))
		if err != nil {
			continue
		}
		if fi.ModTime().After(l.Scanned) {
			return "changed since the scan", nil
		}
		if (ext == "zip" && !v.HasZip) || (ext == "ziphash" && !v.HasHash) || (ext == "mod" && !v.HasMod) || (ext == "info" && !v.HasInfo) {
			return "changed since the scan", nil
		}
	}
	fi, err := os.Lstat(tree)
	hasTree := err == nil
	if hasTree && (!fi.IsDir() || fi.ModTime().After(l.Scanned)) {
		if !fi.IsDir() {
			return "", fmt.Errorf("%s is not a directory", tree)
		}
		return "changed since the scan", nil
	}
	if hasTree != v.HasTree {
		return "changed since the scan", nil
	}

	partial := file("partial")
	steps := []struct {
		name string
		do   func() error
	}{
		{"partial", func() error {
			if !hasTree {
				return nil
			}
			return os.WriteFile(partial, nil, 0o666)
		}},
		// If this fails, .partial stays: the go command re-extracts.
		{"tree", func() error {
			if !hasTree {
				return nil
			}
			return removeTree(tree)
		}},
		{"zip", func() error { return removeFile(file("zip")) }},
		{"ziphash", func() error {
			if err := removeFile(file("ziphash")); err != nil {
				return err
			}
			// Temporary zips of a download that died: the go command
			// removes them under this lock too.
			if tmps, err := filepath.Glob(filepath.Join(dir, globQuote(ev)+".zip*.tmp")); err == nil {
				for _, t := range tmps {
					removeFile(t)
				}
			}
			return nil
		}},
		{"unpartial", func() error { return removeFile(partial) }},
		{"info", func() error {
			if r.What != All {
				return nil
			}
			return removeFile(file("info"))
		}},
		{"mod", func() error {
			if r.What != All {
				return nil
			}
			return removeFile(file("mod"))
		}},
	}
	for _, st := range steps {
		if err := st.do(); err != nil {
			return "", err
		}
		if stopAfter != nil {
			if err := stopAfter(st.name); err != nil {
				return "", err
			}
		}
	}
	return "", nil
}

// stopAfter, if set (by tests), is called after each step of a removal;
// an error stops the removal there, as a crash would.
var stopAfter func(step string) error

func removeFile(p string) error {
	if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return nil
}

// globQuote escapes the glob metacharacters of s.
func globQuote(s string) string {
	var b strings.Builder
	for _, c := range s {
		if strings.ContainsRune(`*?[\`, c) {
			b.WriteByte('\\')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// removeTree removes an extracted tree, whose directories the go command
// made read-only: each is made writable first (WalkDir follows no
// symbolic link, nor does os.RemoveAll).
func removeTree(dir string) error {
	filepath.WalkDir(dir, func(p string, e fs.DirEntry, err error) error {
		if err == nil && e.IsDir() {
			os.Chmod(p, 0o755)
		}
		return nil
	})
	return os.RemoveAll(dir)
}

// rewriteList rewrites the list file of @v directory dir from the .mod
// files it holds, under the lock the go command takes on it, in its
// format: one canonical version a line, in semver order.
func rewriteList(dir string) error {
	f, err := lockedfile.Edit(filepath.Join(dir, "list"))
	if err != nil {
		return err
	}
	defer f.Close()
	ents, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	var list []string
	for _, e := range ents {
		if v, ok := strings.CutSuffix(e.Name(), ".mod"); ok && v != "" && module.CanonicalVersion(v) == v {
			list = append(list, v)
		}
	}
	semver.Sort(list)
	var b strings.Builder
	for _, v := range list {
		b.WriteString(v + "\n")
	}
	if err := f.Truncate(0); err != nil {
		return err
	}
	if _, err := f.WriteAt([]byte(b.String()), 0); err != nil {
		return err
	}
	return f.Close()
}
