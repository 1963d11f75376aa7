package index

// This file lists and trims the index cache (goremover cache index).
//
// Entries are written to a temporary file and renamed into place, and a
// missing or unreadable entry is a miss: so removing an entry never
// breaks a goremover reading the cache at the same time, it only costs
// that goremover a re-index of the package. Entries live under a
// directory named by the cache version; those of any other version (and
// those of the layout before versioned directories, directly under the
// cache) are never read again and always go. Entries of the current
// version go by age: an entry's mtime is when it was written, since
// reads do not touch it.

import (
	"encoding/hex"
	"errors"
	"io/fs"
	"os"
	"path"
	"sort"
	"strings"
	"time"
)

// CacheEntry is an entry (or a leftover temporary file) of the index cache.
type CacheEntry struct {
	Name    string // slash-separated, relative to the cache
	Version string // the cache version of its directory; "" before versioned directories
	Size    int64
	Time    time.Time
	Temp    bool // a temporary file a write left behind
}

// Stale reports whether no goremover of this build would read e.
func (e *CacheEntry) Stale() bool { return e.Version != cacheVersion || e.Temp }

// CacheVersion returns the version of the entries this goremover reads.
func CacheVersion() string { return cacheVersion }

// ListCache returns the entries of the index cache at dir. Files that
// are not entries are not listed: TrimCache leaves them alone.
func ListCache(dir string) ([]*CacheEntry, error) {
	root, err := os.OpenRoot(dir)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, nil
		}
		return nil, err
	}
	defer root.Close()
	var out []*CacheEntry
	top, err := fs.ReadDir(root.FS(), ".")
	if err != nil {
		return nil, err
	}
	for _, d := range top {
		switch {
		case !d.IsDir():
		case strings.HasPrefix(d.Name(), "goremover-index-"):
			subs, _ := fs.ReadDir(root.FS(), d.Name())
			for _, s := range subs {
				if s.IsDir() && isHex2(s.Name()) {
					out = append(out, listSub(root, path.Join(d.Name(), s.Name()), d.Name())...)
				}
			}
		case isHex2(d.Name()):
			out = append(out, listSub(root, d.Name(), "")...)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

func listSub(root *os.Root, sub, version string) []*CacheEntry {
	ents, _ := fs.ReadDir(root.FS(), sub)
	var out []*CacheEntry
	for _, e := range ents {
		name := e.Name()
		temp := strings.HasPrefix(name, ".tmp-")
		if !temp && !isEntryName(name, path.Base(sub)) {
			continue
		}
		info, err := e.Info()
		if err != nil || !info.Mode().IsRegular() {
			continue
		}
		out = append(out, &CacheEntry{Name: path.Join(sub, name), Version: version, Size: info.Size(), Time: info.ModTime(), Temp: temp})
	}
	return out
}

func isHex2(s string) bool {
	_, err := hex.DecodeString(s)
	return len(s) == 2 && err == nil && strings.ToLower(s) == s
}

// isEntryName reports whether name is "<64 hex>-i" in subdirectory sub.
func isEntryName(name, sub string) bool {
	key, ok := strings.CutSuffix(name, "-i")
	if !ok || len(key) != 64 || key[:2] != sub {
		return false
	}
	_, err := hex.DecodeString(key)
	return err == nil && strings.ToLower(key) == key
}

// tempAge is how old a temporary file must be before it is taken for
// one a write left behind, not one being written.
const tempAge = time.Hour

// SelectCache returns the entries a trim removes: every stale one (a
// temporary file only once it is tempAge old), and, if older is not
// zero, every entry unused for longer than older.
func SelectCache(ents []*CacheEntry, older time.Duration, now time.Time) []*CacheEntry {
	var out []*CacheEntry
	for _, e := range ents {
		switch {
		case e.Temp:
			if now.Sub(e.Time) < tempAge {
				continue
			}
		case e.Stale():
		case older == 0 || now.Sub(e.Time) <= older:
			continue
		}
		out = append(out, e)
	}
	return out
}

// TrimCache removes ents from the index cache at dir, and returns the
// bytes freed. Only files of the cache's own names are ever removed,
// through an os.Root at dir; an entry rewritten since it was listed (a
// new mtime) is kept.
func TrimCache(dir string, ents []*CacheEntry) (removed int, freed int64, err error) {
	root, err := os.OpenRoot(dir)
	if err != nil {
		return 0, 0, err
	}
	defer root.Close()
	for _, e := range ents {
		info, err := root.Lstat(e.Name)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return removed, freed, err
		}
		if !info.Mode().IsRegular() || !info.ModTime().Equal(e.Time) {
			continue
		}
		if err := root.Remove(e.Name); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return removed, freed, err
		}
		removed++
		freed += e.Size
	}
	// Empty directories of old versions go too; Remove fails on the
	// others, which is what we want.
	for _, e := range ents {
		if e.Version != cacheVersion {
			root.Remove(path.Dir(e.Name))
			if e.Version != "" {
				root.Remove(e.Version)
			}
		}
	}
	return removed, freed, nil
}
