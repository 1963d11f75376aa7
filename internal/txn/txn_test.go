package txn

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/goremover/goremover/internal/edit"
)

var ctx = context.Background()

func TestMain(m *testing.M) {
	// Created directories get 0755 & ^umask; fix the umask so expected
	// trees are known.
	syscall.Umask(0o022)
	// The snapshot key goes to a config directory of the test's own,
	// which the crash tests' children share.
	if os.Getenv("GOREMOVER_TXN_CHILD") != "" {
		os.Exit(m.Run())
	}
	cfg, err := os.MkdirTemp("", "txntest-config")
	if err != nil {
		panic(err)
	}
	os.Setenv("XDG_CONFIG_HOME", cfg)
	code := m.Run()
	os.RemoveAll(cfg)
	os.Exit(code)
}

// recoverOne runs Recover and returns the one snapshot it restored, or
// nil; a restore with conflicts or ignored records is an error here.
func recoverOne(root string) (*Snapshot, error) {
	rc, err := Recover(root)
	if err != nil {
		return nil, err
	}
	if len(rc.Ignored) > 0 || len(rc.Conflicts()) > 0 || len(rc.Restored) > 1 {
		return nil, fmt.Errorf("Recover: ignored %v, restored %v, conflicts %v", rc.Ignored, rc.Restored, rc.Conflicts())
	}
	if len(rc.Restored) == 0 {
		return nil, nil
	}
	return rc.Restored[0], nil
}

// modeBits are the mode bits trees compare.
const modeBits = fs.ModePerm | fs.ModeSetuid | fs.ModeSetgid | fs.ModeSticky

func relPath(root, p string) string {
	rel, err := filepath.Rel(root, p)
	if err != nil {
		return filepath.ToSlash(p)
	}
	return filepath.ToSlash(rel)
}

// history runs History; ignored records are an error here.
func history(root string) ([]*Snapshot, error) {
	h, ignored, err := History(root)
	if err == nil && len(ignored) > 0 {
		err = fmt.Errorf("History ignored %v", ignored)
	}
	return h, err
}

// node is one file or directory of a tree.
type node struct {
	dir  bool
	mode fs.FileMode
	data string
}

// tree maps slash paths relative to root to nodes; root/.goremover is
// goremover's own state and is not part of it.
type tree map[string]node

func readTree(t testing.TB, root string) tree {
	t.Helper()
	tr := tree{}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel := relPath(root, p)
		if rel == "." {
			return nil
		}
		if rel == dotDir {
			return filepath.SkipDir
		}
		fi, err := os.Lstat(p)
		if err != nil {
			return err
		}
		n := node{dir: fi.IsDir(), mode: fi.Mode() & (modeBits | fs.ModeType)}
		if fi.Mode().IsRegular() {
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			n.data = string(b)
		}
		tr[rel] = n
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return tr
}

// diffTrees describes how got differs from want, "" if not at all.
func diffTrees(got, want tree) string {
	var keys []string
	for k := range got {
		keys = append(keys, k)
	}
	for k := range want {
		if _, ok := got[k]; !ok {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		g, gok := got[k]
		w, wok := want[k]
		switch {
		case !gok:
			fmt.Fprintf(&b, "\tmissing %s\n", k)
		case !wok:
			fmt.Fprintf(&b, "\textra %s\n", k)
		case g != w:
			fmt.Fprintf(&b, "\t%s: got %v %q, want %v %q\n", k, g.mode, trunc(g.data), w.mode, trunc(w.data))
		}
	}
	return b.String()
}

func trunc(s string) string {
	if len(s) > 40 {
		return s[:40] + "..."
	}
	return s
}

func mustEqual(t testing.TB, root string, want tree, what string) {
	t.Helper()
	if d := diffTrees(readTree(t, root), want); d != "" {
		t.Fatalf("%s: tree differs:\n%s", what, d)
	}
}

func writeFiles(t testing.TB, root string, files map[string]string, modes map[string]fs.FileMode) {
	t.Helper()
	for name, data := range files {
		p := filepath.Join(root, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// Modes last, deepest first, so read-only files and directories
	// do not stop the writes above.
	var names []string
	for name := range modes {
		names = append(names, name)
	}
	sort.Sort(sort.Reverse(sort.StringSlice(names)))
	for _, name := range names {
		if err := os.Chmod(filepath.Join(root, filepath.FromSlash(name)), modes[name]); err != nil {
			t.Fatal(err)
		}
	}
}

// fixture writes a small module to a new directory: files to edit with
// modes 0644, 0755, 0600 and 0444, files to delete that leave b/ and
// b/c/ empty (b is 0750), a deletion that leaves d/ non-empty, and a
// file to create in new directories. See fixtureSet.
func fixture(t testing.TB) string {
	root := t.TempDir()
	writeFixture(t, root)
	return root
}

func writeFixture(t testing.TB, root string) {
	writeFiles(t, root, map[string]string{
		"go.mod":       "module example.com/m\n\ngo 1.22\n",
		"a/a.go":       "package a\n\nfunc A() {}\n\nfunc Gone() {}\n",
		"a/run.sh":     "#!/bin/sh\necho gone\necho kept\n",
		"a/secret.go":  "package a\n\nconst secret = 1\n",
		"a/ro.go":      "package a\n\nvar RO = 1\n",
		"b/b.go":       "package b\n",
		"b/c/c.go":     "package c\n",
		"d/keep.go":    "package d\n",
		"d/gone.go":    "package d\n\nfunc Gone() {}\n",
		"e/untouched":  "x\n",
		"e/empty/.dir": "",
	}, map[string]fs.FileMode{
		"a/run.sh":    0o755,
		"a/secret.go": 0o600,
		"a/ro.go":     0o444,
		"b":           0o750,
	})
}

// fixtureSet is the change to fixture's tree, built from what is on disk
// (so that a child process builds the same one).
func fixtureSet(t testing.TB, root string) *edit.Set {
	t.Helper()
	var s edit.Set
	read := func(name string) []byte {
		b, err := os.ReadFile(filepath.Join(root, name))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	add := func(f *edit.File) {
		f.Path = filepath.Join(root, filepath.FromSlash(f.Path))
		if err := s.Add(f); err != nil {
			t.Fatal(err)
		}
	}
	add(&edit.File{Path: "go.mod", Old: read("go.mod"), New: []byte("module example.com/m\n\ngo 1.23\n"), Mode: 0o644})
	add(&edit.File{Path: "a/a.go", Old: read("a/a.go"), New: []byte("package a\n\nfunc A() {}\n"), Mode: 0o644})
	add(&edit.File{Path: "a/run.sh", Old: read("a/run.sh"), New: []byte("#!/bin/sh\necho kept\n"), Mode: 0o755})
	add(&edit.File{Path: "a/secret.go", Old: read("a/secret.go"), New: []byte("package a\n"), Mode: 0o600})
	add(&edit.File{Path: "a/ro.go", Old: read("a/ro.go"), New: []byte("package a\n\nvar RO = 2\n"), Mode: 0o444})
	add(&edit.File{Path: "b/b.go", Old: read("b/b.go"), Mode: 0o644})
	add(&edit.File{Path: "b/c/c.go", Old: read("b/c/c.go"), Mode: 0o644})
	add(&edit.File{Path: "d/gone.go", Old: read("d/gone.go"), Mode: 0o644})
	add(&edit.File{Path: "new/sub/n.go", New: []byte("package sub\n"), Mode: 0o640})
	return &s
}

var extras = []string{"go.mod", "go.sum", "go.work", "vendor/modules.txt"}

// applied returns what before becomes once set is applied: files
// written, deleted and created (with their new directories), and the
// directories left empty by deletions removed.
func applied(root string, before tree, set *edit.Set) tree {
	out := tree{}
	for k, v := range before {
		out[k] = v
	}
	var deletedDirs []string
	for _, f := range set.Files() {
		rel := relPath(root, f.Path)
		switch f.Action() {
		case "delete":
			delete(out, rel)
			deletedDirs = append(deletedDirs, filepath.ToSlash(filepath.Dir(rel)))
		case "edit":
			n := out[rel]
			n.data = string(f.New)
			out[rel] = n
		case "create":
			out[rel] = node{mode: f.Mode, data: string(f.New)}
			for d := filepath.Dir(rel); d != "."; d = filepath.Dir(d) {
				if _, ok := out[filepath.ToSlash(d)]; !ok {
					out[filepath.ToSlash(d)] = node{dir: true, mode: fs.ModeDir | 0o755}
				}
			}
		}
	}
	for _, d := range deletedDirs {
		for ; d != "."; d = filepath.ToSlash(filepath.Dir(d)) {
			empty := true
			for k := range out {
				if strings.HasPrefix(k, d+"/") {
					empty = false
					break
				}
			}
			if !empty {
				break
			}
			delete(out, d)
		}
	}
	return out
}

func TestApplyRestoreRoundTrip(t *testing.T) {
	root := fixture(t)
	orig := readTree(t, root)
	set := fixtureSet(t, root)
	snap, err := Apply(ctx, root, set, Meta{Command: "rm", Targets: []string{"./a.Gone"}}, extras)
	if err != nil {
		t.Fatal(err)
	}
	want := applied(root, orig, set)
	if _, ok := want["b"]; ok {
		t.Fatal("test bug: b should be removed")
	}
	mustEqual(t, root, want, "after Apply")
	if got := readTree(t, root)["a/run.sh"].mode; got != 0o755 {
		t.Errorf("run.sh mode = %v, want 0755", got)
	}
	if snap.State != "applied" || snap.Command != "rm" || len(snap.Files) != set.Len() {
		t.Errorf("snapshot = %+v", snap)
	}
	wantFiles := []FileEntry{
		{"a/a.go", "edit"}, {"a/ro.go", "edit"}, {"a/run.sh", "edit"}, {"a/secret.go", "edit"},
		{"b/b.go", "delete"}, {"b/c/c.go", "delete"}, {"d/gone.go", "delete"},
		{"go.mod", "edit"}, {"new/sub/n.go", "create"},
	}
	if fmt.Sprint(snap.Files) != fmt.Sprint(wantFiles) {
		t.Errorf("Files = %v, want %v", snap.Files, wantFiles)
	}
	gi, err := os.ReadFile(filepath.Join(root, ".goremover", ".gitignore"))
	if err != nil || string(gi) != "*\n" {
		t.Errorf(".goremover/.gitignore = %q, %v", gi, err)
	}
	if s, err := recoverOne(root); s != nil || err != nil {
		t.Errorf("Recover after a complete apply = %v, %v", s, err)
	}

	got, err := Restore(root, "", false)
	if err != nil {
		t.Fatal(err)
	}
	if got.ID != snap.ID || got.State != "rolled back" {
		t.Errorf("Restore = %+v", got)
	}
	mustEqual(t, root, orig, "after Restore")
	if _, err := Restore(root, "", false); !errors.As(err, new(*NotFoundError)) {
		t.Errorf("second Restore: %v, want NotFoundError", err)
	}
	if _, err := Restore(root, snap.ID, false); err == nil || !strings.Contains(err.Error(), "rolled back") {
		t.Errorf("Restore of a rolled back snapshot: %v", err)
	}
}

func TestChangedError(t *testing.T) {
	root := fixture(t)
	set := fixtureSet(t, root)
	os.WriteFile(filepath.Join(root, "d/gone.go"), []byte("package d // edited\n"), 0o644)
	before := readTree(t, root)
	_, err := Apply(ctx, root, set, Meta{Command: "rm"}, extras)
	var ce *ChangedError
	if !errors.As(err, &ce) || ce.Path != "d/gone.go" {
		t.Fatalf("Apply = %v, want ChangedError for d/gone.go", err)
	}
	if want := "d/gone.go: changed since it was read; run goremover again"; err.Error() != want {
		t.Errorf("error = %q, want %q", err, want)
	}
	mustEqual(t, root, before, "after ChangedError")
	if h, _ := history(root); len(h) != 0 {
		t.Errorf("History = %v, want none", h)
	}

	// A file to create that exists.
	root = fixture(t)
	set = fixtureSet(t, root)
	writeFiles(t, root, map[string]string{"new/sub/n.go": "package sub // mine\n"}, nil)
	before = readTree(t, root)
	if _, err := Apply(ctx, root, set, Meta{}, extras); !errors.As(err, &ce) || ce.Path != "new/sub/n.go" {
		t.Fatalf("Apply = %v, want ChangedError for new/sub/n.go", err)
	}
	mustEqual(t, root, before, "after ChangedError")
}

func TestOutsideRoot(t *testing.T) {
	root := fixture(t)
	other := t.TempDir()
	for _, p := range []string{filepath.Join(other, "x.go"), filepath.Join(root, ".goremover", "x"), root} {
		var s edit.Set
		s.Add(&edit.File{Path: p, New: []byte("x")})
		if _, err := Apply(ctx, root, &s, Meta{}, nil); err == nil {
			t.Errorf("Apply of %s: no error", p)
		}
	}
	// Through a symbolic link.
	if err := os.Symlink(other, filepath.Join(root, "link")); err != nil {
		t.Fatal(err)
	}
	var s edit.Set
	s.Add(&edit.File{Path: filepath.Join(root, "link", "x.go"), New: []byte("x")})
	if _, err := Apply(ctx, root, &s, Meta{}, nil); err == nil || !strings.Contains(err.Error(), "symbolic link") {
		t.Errorf("Apply through a link: %v", err)
	}
	if _, err := os.Lstat(filepath.Join(other, "x.go")); err == nil {
		t.Error("wrote outside root")
	}
}

// privileged reports whether permissions do not stop us (running as
// root, or with CAP_DAC_OVERRIDE): a read-only directory is writable.
func privileged(t *testing.T) bool {
	d := t.TempDir()
	os.Chmod(d, 0o555)
	defer os.Chmod(d, 0o755)
	f, err := os.Create(filepath.Join(d, "x"))
	if err != nil {
		return false
	}
	f.Close()
	os.Remove(filepath.Join(d, "x"))
	return true
}

func TestReadOnlyDir(t *testing.T) {
	if privileged(t) {
		// Root writes into read-only directories, so there is no real
		// permission failure to provoke. TestFailEveryWrite injects
		// EACCES (and ENOSPC) at every write instead.
		t.Skip("permissions do not apply to this user (root?); see TestFailEveryWrite")
	}
	root := fixture(t)
	set := fixtureSet(t, root)
	// Make d/ read-only: the deletion of d/gone.go fails after every
	// edit and creation was made, so all of them must be undone.
	os.Chmod(filepath.Join(root, "d"), 0o555)
	defer os.Chmod(filepath.Join(root, "d"), 0o755)
	before := readTree(t, root)
	_, err := Apply(ctx, root, set, Meta{}, extras)
	var we *WriteError
	if !errors.As(err, &we) || we.Restore != nil || !errors.Is(err, fs.ErrPermission) {
		t.Fatalf("Apply = %v, want a WriteError for permission", err)
	}
	if we.Path != "d/gone.go" {
		t.Errorf("WriteError.Path = %q, want d/gone.go", we.Path)
	}
	mustEqual(t, root, before, "after a failed write")
	h, _ := history(root)
	if len(h) != 1 || h[0].State != "failed (restored)" {
		t.Errorf("History = %v", h)
	}
}

// TestFailEveryWrite makes the k-th write fail, for every k: Apply
// returns the error and leaves the tree byte-identical.
func TestFailEveryWrite(t *testing.T) {
	root := fixture(t)
	if _, err := Apply(ctx, root, fixtureSet(t, root), Meta{}, extras); err != nil {
		t.Fatal(err)
	}
	n := Writes()
	if n < 20 {
		t.Fatalf("Writes() = %d, suspiciously few", n)
	}
	defer SetFaults(Faults{})
	for k := 1; k <= n; k++ {
		errno := syscall.ENOSPC
		if k%2 == 0 {
			errno = syscall.EACCES
		}
		root := fastFixture(t)
		set := fixtureSet(t, root)
		orig := readTree(t, root)
		SetFaults(Faults{FailAfter: k, FailErr: errno})
		_, err := Apply(ctx, root, set, Meta{}, extras)
		SetFaults(Faults{})
		var we *WriteError
		if !errors.As(err, &we) || !errors.Is(err, errno) || we.Restore != nil {
			t.Fatalf("k=%d: Apply = %v, want a WriteError wrapping %v, restored", k, err, errno)
		}
		mustEqual(t, root, orig, fmt.Sprintf("k=%d", k))
		if h, _ := history(root); len(h) > 1 || len(h) == 1 && h[0].State != "failed (restored)" {
			t.Fatalf("k=%d: History = %v", k, h)
		}
		if s, err := recoverOne(root); s != nil || err != nil {
			t.Fatalf("k=%d: Recover = %v, %v; want nothing to do", k, s, err)
		}
	}
}

func TestRestoreModified(t *testing.T) {
	root := fixture(t)
	orig := readTree(t, root)
	set := fixtureSet(t, root)
	snap, err := Apply(ctx, root, set, Meta{Command: "rm"}, extras)
	if err != nil {
		t.Fatal(err)
	}
	writeFiles(t, root, map[string]string{"a/a.go": "package a // mine\n", "go.sum": "x\n"}, nil)
	os.Remove(filepath.Join(root, "new/sub/n.go"))
	modified := readTree(t, root)
	_, err = Restore(root, "", false)
	var me *ModifiedError
	if !errors.As(err, &me) {
		t.Fatalf("Restore = %v, want ModifiedError", err)
	}
	// The user's removal of a created file is not a change Restore
	// would lose: it is already as before the apply.
	if want := []string{"a/a.go", "go.sum"}; fmt.Sprint(me.Paths) != fmt.Sprint(want) || me.ID != snap.ID {
		t.Errorf("ModifiedError = %+v, want paths %v", me, want)
	}
	if !strings.Contains(err.Error(), "goremover rollback -force "+snap.ID) {
		t.Errorf("error does not say how to force: %v", err)
	}
	mustEqual(t, root, modified, "after refused Restore")
	if _, err := Restore(root, snap.ID, true); err != nil {
		t.Fatal(err)
	}
	mustEqual(t, root, orig, "after forced Restore")
}

func TestHistoryAndRestoreByID(t *testing.T) {
	root := fixture(t)
	t0 := readTree(t, root)
	s1, err := Apply(ctx, root, fixtureSet(t, root), Meta{Command: "rm", Targets: []string{"./a.Gone"}}, extras)
	if err != nil {
		t.Fatal(err)
	}
	t1 := readTree(t, root)
	var set2 edit.Set
	old, _ := os.ReadFile(filepath.Join(root, "d/keep.go"))
	set2.Add(&edit.File{Path: filepath.Join(root, "d/keep.go"), Old: old, New: []byte("package d // 2\n")})
	s2, err := Apply(ctx, root, &set2, Meta{Command: "prune"}, extras)
	if err != nil {
		t.Fatal(err)
	}
	var set3 edit.Set
	old, _ = os.ReadFile(filepath.Join(root, "e/untouched"))
	set3.Add(&edit.File{Path: filepath.Join(root, "e/untouched"), Old: old})
	s3, err := Apply(ctx, root, &set3, Meta{Command: "doctor --fix"}, extras)
	if err != nil {
		t.Fatal(err)
	}
	if !(s1.ID < s2.ID || s1.ID[:16] == s2.ID[:16]) {
		t.Errorf("IDs not in time order: %s %s", s1.ID, s2.ID)
	}
	// Latest: s3.
	if s, err := Restore(root, "", false); err != nil || s.ID != s3.ID {
		t.Fatalf("Restore latest = %v, %v; want %s", s, err, s3.ID)
	}
	// By id: s2, then s1 (the latest applied one).
	if _, err := Restore(root, s2.ID, false); err != nil {
		t.Fatal(err)
	}
	mustEqual(t, root, t1, "after restoring s2")
	h, err := history(root)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, s := range h {
		got = append(got, s.ID+" "+s.Command+" "+s.State)
	}
	want := []string{s1.ID + " rm applied", s2.ID + " prune rolled back", s3.ID + " doctor --fix rolled back"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("History = %q, want %q", got, want)
	}
	if h[0].Time.After(h[1].Time) || len(h[0].Targets) != 1 {
		t.Errorf("History[0] = %+v", h[0])
	}
	if s, err := Restore(root, "", false); err != nil || s.ID != s1.ID {
		t.Fatalf("Restore latest = %v, %v; want %s", s, err, s1.ID)
	}
	mustEqual(t, root, t0, "after restoring s1")
	_, err = Restore(root, "20260101T000000Z-0000", false)
	if want := "no snapshot 20260101T000000Z-0000; see 'goremover history'"; err == nil || err.Error() != want {
		t.Errorf("unknown id: %v, want %q", err, want)
	}
}

// TestLock holds the lock as another process would: Apply and Restore
// wait, then fail with a LockedError naming the pid in the lock file;
// Recover does not touch an interrupted journal whose owner is alive.
func TestLock(t *testing.T) {
	defer func(d time.Duration) { lockWait = d }(lockWait)
	lockWait = 300 * time.Millisecond
	root := fixture(t)
	orig := readTree(t, root)
	set := fixtureSet(t, root)
	// An interrupted apply, to see that Recover leaves it to the
	// lock's holder.
	if crashed, out := runChild(t, "apply", root, 20); !crashed {
		t.Fatalf("child did not crash: %s", out)
	}
	crashedTree := readTree(t, root)
	if diffTrees(crashedTree, orig) == "" {
		t.Fatal("test bug: crash at 20 left the tree unchanged")
	}

	p := filepath.Join(root, ".goremover", "lock")
	f, err := os.OpenFile(p, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		t.Fatal(err)
	}
	f.Truncate(0)
	f.WriteAt([]byte("4242\n"), 0)

	start := time.Now()
	_, err = Apply(ctx, root, set, Meta{}, extras)
	var le *LockedError
	if !errors.As(err, &le) || le.Pid != 4242 {
		t.Fatalf("Apply = %v, want LockedError with pid 4242", err)
	}
	if d := time.Since(start); d < 250*time.Millisecond {
		t.Errorf("Apply gave up after %v, without waiting", d)
	}
	if want := ".goremover/lock: locked by goremover process 4242"; !strings.HasPrefix(err.Error(), want) {
		t.Errorf("error = %q, want prefix %q", err, want)
	}
	if _, err := Restore(root, "", true); !errors.As(err, &le) {
		t.Errorf("Restore = %v, want LockedError", err)
	}
	if s, err := recoverOne(root); s != nil || err != nil {
		t.Errorf("Recover with the lock held = %v, %v; want nothing", s, err)
	}
	mustEqual(t, root, crashedTree, "with the lock held")

	f.Close() // as if the holder died
	s, err := recoverOne(root)
	if err != nil || s == nil || s.State != "restored (interrupted)" {
		t.Fatalf("Recover = %+v, %v", s, err)
	}
	mustEqual(t, root, orig, "after Recover")
}
