package modcache

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/lockedfile"
	"golang.org/x/mod/modfile"
	"golang.org/x/mod/module"
)

// writeVersion writes path@vers into the cache at root as the go command
// lays it out: the download cache's files, and an extracted tree of
// files files (read-only, as the go command leaves it).
func writeVersion(t testing.TB, root, path, vers string, files int) {
	t.Helper()
	enc, _ := module.EscapePath(path)
	ev, _ := module.EscapeVersion(vers)
	dl := filepath.Join(root, "cache", "download", filepath.FromSlash(enc), "@v")
	must(t, os.MkdirAll(dl, 0o777))
	for ext, data := range map[string]string{
		"info":    fmt.Sprintf(`{"Version":%q,"Time":"2024-01-01T00:00:00Z"}`, vers),
		"mod":     "module " + path + "\n\ngo 1.22\n",
		"zip":     strings.Repeat("z", 2000),
		"ziphash": "h1:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=",
		"lock":    "",
	} {
		must(t, os.WriteFile(filepath.Join(dl, ev+"."+ext), []byte(data), 0o666))
	}
	tree := filepath.Join(root, filepath.FromSlash(enc)+"@"+ev)
	for i := range files {
		p := filepath.Join(tree, fmt.Sprintf("pkg%d", i%3), fmt.Sprintf("f%d.go", i))
		must(t, os.MkdirAll(filepath.Dir(p), 0o777))
		must(t, os.WriteFile(p, []byte("package p\n\n// "+strings.Repeat("x", 300*(i%5+1))+"\n"), 0o444))
	}
	if files > 0 {
		makeReadOnly(t, tree)
	}
}

func makeReadOnly(t testing.TB, dir string) {
	var dirs []string
	filepath.WalkDir(dir, func(p string, e os.DirEntry, err error) error {
		if err == nil && e.IsDir() {
			dirs = append(dirs, p)
		}
		return nil
	})
	for i := len(dirs) - 1; i >= 0; i-- {
		must(t, os.Chmod(dirs[i], 0o555))
	}
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// cleanup makes every directory under dir writable, so that the test's
// temporary directory can go.
func cleanup(t testing.TB, dir string) {
	t.Cleanup(func() {
		filepath.WalkDir(dir, func(p string, e os.DirEntry, err error) error {
			if err == nil && e.IsDir() {
				os.Chmod(p, 0o755)
			}
			return nil
		})
	})
}

func find(l *Listing, path, vers string) *Version {
	for _, v := range l.Versions {
		if v.Path == path && v.Version == vers {
			return v
		}
	}
	return nil
}

func TestScan(t *testing.T) {
	root := t.TempDir()
	cleanup(t, root)
	writeVersion(t, root, "example.com/Upper", "v1.0.0-RC1", 4)
	writeVersion(t, root, "example.com/m", "v1.0.0", 2)
	writeVersion(t, root, "example.com/m/sub", "v0.1.0", 1)
	// A version whose go.mod only the cache holds.
	writeVersion(t, root, "example.com/m", "v0.9.0", 0)
	enc := filepath.Join(root, "cache", "download", "example.com", "m", "@v")
	os.Remove(filepath.Join(enc, "v0.9.0.zip"))
	os.Remove(filepath.Join(enc, "v0.9.0.ziphash"))
	// A lock left by a download that never began is no version.
	must(t, os.WriteFile(filepath.Join(enc, "v2.0.0.lock"), nil, 0o666))
	must(t, os.MkdirAll(filepath.Join(root, "cache", "download", "sumdb", "sum.golang.org", "tile"), 0o777))
	must(t, os.WriteFile(filepath.Join(root, "cache", "download", "sumdb", "sum.golang.org", "tile", "x"), []byte("tile"), 0o666))

	l, err := Scan(context.Background(), root, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(l.Versions) != 4 {
		t.Fatalf("%d versions, want 4: %v", len(l.Versions), l.Versions)
	}
	up := find(l, "example.com/Upper", "v1.0.0-RC1")
	if up == nil || !up.HasTree || !up.HasZip || !up.HasHash || !up.HasMod || !up.HasInfo || up.Tree == 0 {
		t.Fatalf("example.com/Upper@v1.0.0-RC1: %+v", up)
	}
	if v := find(l, "example.com/m", "v0.9.0"); v == nil || v.HasTree || v.HasZip || !v.HasMod || v.Tree+v.Zip != 0 {
		t.Fatalf("example.com/m@v0.9.0: %+v", v)
	}
	if v := find(l, "example.com/m/sub", "v0.1.0"); v == nil || !v.HasTree {
		t.Fatalf("nested module: %+v", v)
	}
	if len(l.Extras) != 1 || l.Extras[0].Kind != "sumdb" || l.Extras[0].Bytes == 0 {
		t.Fatalf("extras: %+v", l.Extras)
	}
	var sum int64
	for _, v := range l.Versions {
		sum += v.Bytes()
		if v.LastUse.IsZero() {
			t.Errorf("%s: no last use", v)
		}
	}
	if sum+l.Extras[0].Bytes > l.Bytes {
		t.Errorf("total %d is less than its parts %d", l.Bytes, sum)
	}
}

func TestSplitVersionFile(t *testing.T) {
	for name, want := range map[string][2]string{
		"v1.2.3.zip":               {"v1.2.3", "zip"},
		"v1.2.3.ziphash":           {"v1.2.3", "ziphash"},
		"v1.0.0-!r!c1.mod":         {"v1.0.0-RC1", "mod"},
		"v2.0.0+incompatible.info": {"v2.0.0+incompatible", "info"},
		"v1.2.3.zip1234567.tmp":    {"v1.2.3", "tmp"},
		"list":                     {"", ""},
		"v1.0.0-!!.mod":            {"", ""},
	} {
		v, k := splitVersionFile(name)
		if v != want[0] || k != want[1] {
			t.Errorf("splitVersionFile(%q) = %q, %q; want %q, %q", name, v, k, want[0], want[1])
		}
	}
}

// TestPlan checks what prune removes: nothing a project needs the source
// of, the source of what it needs the go.mod of, and everything of the
// rest, but for -keep-latest and -older.
func TestPlan(t *testing.T) {
	now := time.Now()
	old := now.Add(-100 * 24 * time.Hour)
	v := func(path, vers string, last time.Time) *Version {
		return &Version{Path: path, Version: vers, Tree: 100, Zip: 10, Mod: 1, HasTree: true, HasZip: true, HasHash: true, HasMod: true, HasInfo: true, LastUse: last}
	}
	l := &Listing{Versions: []*Version{
		v("a", "v1.0.0", old), v("a", "v1.1.0", old), v("a", "v1.2.0", now),
		v("b", "v0.1.0", old), v("b", "v0.2.0", old),
	}}
	needs := []Needs{{{Path: "a", Version: "v1.1.0"}: NeedSrc, {Path: "b", Version: "v0.1.0"}: NeedMod}}
	got := func(opts Options) string {
		var out []string
		for _, r := range Plan(Attribute(l, needs), opts) {
			out = append(out, fmt.Sprintf("%s:%s:%d", r.V, r.What, r.Bytes))
		}
		return strings.Join(out, " ")
	}
	if g, want := got(Options{Now: now}), "a@v1.0.0:all:111 a@v1.2.0:all:111 b@v0.1.0:source:110 b@v0.2.0:all:111"; g != want {
		t.Errorf("plain: %s\nwant %s", g, want)
	}
	if g, want := got(Options{Now: now, Older: 90 * 24 * time.Hour}), "a@v1.0.0:all:111 b@v0.1.0:source:110 b@v0.2.0:all:111"; g != want {
		t.Errorf("-older 90d: %s\nwant %s", g, want)
	}
	if g, want := got(Options{Now: now, KeepLatest: 1}), "a@v1.0.0:all:111 b@v0.1.0:source:110"; g != want {
		t.Errorf("-keep-latest 1: %s\nwant %s", g, want)
	}
}

// TestRemoveLock checks that a removal waits for the lock the go command
// holds while it downloads a version, and leaves the version alone if
// the go command changed it meanwhile; then removes it whole, read-only
// tree and all, and rewrites the version list.
func TestRemoveLock(t *testing.T) {
	root := t.TempDir()
	cleanup(t, root)
	writeVersion(t, root, "example.com/m", "v1.0.0", 3)
	writeVersion(t, root, "example.com/m", "v1.1.0", 1)
	dl := filepath.Join(root, "cache", "download", "example.com", "m", "@v")
	must(t, os.WriteFile(filepath.Join(dl, "list"), []byte("v1.0.0\nv1.1.0\n"), 0o666))
	// A version whose go.mod only is in the cache, of a module that has
	// no extracted tree at all.
	writeVersion(t, root, "gomodonly.example/m", "v1.0.0", 0)
	l, err := Scan(context.Background(), root, nil)
	if err != nil {
		t.Fatal(err)
	}
	if res := Remove(context.Background(), l, Plan(Attribute(l, []Needs{{{Path: "example.com/m", Version: "v1.0.0"}: NeedSrc, {Path: "example.com/m", Version: "v1.1.0"}: NeedSrc}}), Options{Now: time.Now()}), nil); len(res) != 1 || res[0].Err != nil || res[0].Skipped != "" || res[0].V.Path != "gomodonly.example/m" {
		t.Fatalf("removing a version without a tree: %+v", res)
	}
	plan := Plan(Attribute(l, []Needs{{{Path: "example.com/m", Version: "v1.1.0"}: NeedSrc}}), Options{Now: time.Now()})
	plan = slices.DeleteFunc(plan, func(r Removal) bool { return r.V.Path == "gomodonly.example/m" })
	if len(plan) != 1 || plan[0].V.Version != "v1.0.0" || plan[0].What != All {
		t.Fatalf("plan: %+v", plan)
	}
	tree := filepath.Join(root, "example.com", "m@v1.0.0")

	// The go command holds the lock, downloading the version again.
	unlock, err := lockedfile.MutexAt(filepath.Join(dl, "v1.0.0.lock")).Lock()
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan []Result)
	go func() { done <- Remove(context.Background(), l, plan, nil) }()
	select {
	case <-done:
		t.Fatal("Remove did not wait for the lock")
	case <-time.After(200 * time.Millisecond):
	}
	if _, err := os.Stat(tree); err != nil {
		t.Fatalf("tree removed under the go command's lock: %v", err)
	}
	later := time.Now()
	must(t, os.Chtimes(filepath.Join(dl, "v1.0.0.zip"), later, later))
	unlock()
	res := <-done
	if res[0].Skipped != "changed since the scan" || res[0].Err != nil {
		t.Fatalf("after a concurrent download: %+v", res[0])
	}
	if _, err := os.Stat(filepath.Join(tree, "pkg0", "f0.go")); err != nil {
		t.Fatalf("changed version was removed: %v", err)
	}

	// A new scan, and nothing in the way.
	if l, err = Scan(context.Background(), root, nil); err != nil {
		t.Fatal(err)
	}
	plan = Plan(Attribute(l, []Needs{{{Path: "example.com/m", Version: "v1.1.0"}: NeedSrc}}), Options{Now: time.Now()})
	res = Remove(context.Background(), l, plan, nil)
	if len(res) != 1 || res[0].Err != nil || res[0].Skipped != "" {
		t.Fatalf("remove: %+v", res)
	}
	for _, p := range []string{tree, filepath.Join(dl, "v1.0.0.zip"), filepath.Join(dl, "v1.0.0.ziphash"), filepath.Join(dl, "v1.0.0.mod"), filepath.Join(dl, "v1.0.0.info"), filepath.Join(dl, "v1.0.0.partial")} {
		if _, err := os.Lstat(p); !os.IsNotExist(err) {
			t.Errorf("%s: still there (%v)", p, err)
		}
	}
	if _, err := os.Stat(filepath.Join(dl, "v1.0.0.lock")); err != nil {
		t.Errorf("lock file removed: %v", err)
	}
	if data, err := os.ReadFile(filepath.Join(dl, "list")); err != nil || string(data) != "v1.1.0\n" {
		t.Errorf("list: %q, %v", data, err)
	}
	if _, err := os.Stat(filepath.Join(root, "example.com", "m@v1.1.0", "pkg0", "f0.go")); err != nil {
		t.Errorf("needed version touched: %v", err)
	}
}

// TestRemoveOutside checks that a symbolic link in the cache never leads
// a removal outside it.
func TestRemoveOutside(t *testing.T) {
	root := t.TempDir()
	outside := t.TempDir()
	must(t, os.MkdirAll(filepath.Join(outside, "m@v1.0.0"), 0o777))
	must(t, os.WriteFile(filepath.Join(outside, "m@v1.0.0", "keep.go"), []byte("package keep\n"), 0o666))
	must(t, os.Symlink(outside, filepath.Join(root, "evil.com")))
	l, err := Scan(context.Background(), root, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(l.Versions) != 0 {
		t.Fatalf("scan followed the link: %v", l.Versions)
	}
	v := &Version{Path: "evil.com/m", Version: "v1.0.0", HasTree: true}
	res := Remove(context.Background(), l, []Removal{{V: v, What: All}}, nil)
	if res[0].Err == nil || !strings.Contains(res[0].Err.Error(), "leads outside the module cache") {
		t.Fatalf("removal through a link: %+v", res[0])
	}
	if _, err := os.Stat(filepath.Join(outside, "m@v1.0.0", "keep.go")); err != nil {
		t.Fatalf("file outside the cache removed: %v", err)
	}
}

// TestToolchainNeed checks which golang.org/toolchain versions a
// toolchain line, and a go line newer than the local go, keep.
func TestToolchainNeed(t *testing.T) {
	needs := Needs{}
	toolchainNeeds("go1.26.1", &modfile.Go{Version: "1.27.2"}, &modfile.Toolchain{Name: "go1.25.3"}, needs)
	toolchainNeeds("go1.26.1", &modfile.Go{Version: "1.22"}, nil, needs) // older than local: no switch
	for v, want := range map[string]Need{
		"v0.0.1-go1.25.3.linux-amd64":  NeedSrc,
		"v0.0.1-go1.25.3.darwin-arm64": NeedSrc,
		"v0.0.1-go1.25.2.linux-amd64":  NeedNone,
		"v0.0.1-go1.27.2.linux-amd64":  NeedSrc,
		"v0.0.1-go1.27.5.linux-amd64":  NeedSrc,
		"v0.0.1-go1.27.1.linux-amd64":  NeedNone,
		"v0.0.1-go1.28.0.linux-amd64":  NeedNone,
		"v0.0.1-go1.22.0.linux-amd64":  NeedNone,
	} {
		if got := toolchainNeed(v, needs); got != want {
			t.Errorf("toolchainNeed(%s) = %v, want %v", v, got, want)
		}
	}
}
