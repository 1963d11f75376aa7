package txn

import (
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/goremover/goremover/internal/edit"
)

// plant writes a snapshot directory under root/.goremover as an attacker
// who knows the user's key would (the strongest case: a real attacker
// cannot make the MAC verify at all): rec sealed with the key, blobs,
// and a journal of states.
func plant(t testing.TB, root string, rec *record, blobs map[string]string, states ...string) {
	t.Helper()
	key, err := userKey()
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(root, dotDir, "snapshots", rec.ID)
	if err := os.MkdirAll(filepath.Join(dir, "blobs"), 0o700); err != nil {
		t.Fatal(err)
	}
	data, err := seal(key, rec)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "snapshot.json"), data, 0o600); err != nil {
		t.Fatal(err)
	}
	for h, b := range blobs {
		if err := os.WriteFile(filepath.Join(dir, "blobs", h), []byte(b), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	var j strings.Builder
	for n, st := range states {
		j.WriteString(journalMAC(key, rec.ID, n, st) + " " + st + "\n")
	}
	if err := os.WriteFile(filepath.Join(dir, "journal"), []byte(j.String()), 0o600); err != nil {
		t.Fatal(err)
	}
}

// sandbox returns a root inside a directory that also holds victim/,
// with files that nothing may touch, and root/link -> ../victim.
func sandbox(t testing.TB) (root, victim string) {
	base := fastDir(t)
	root = filepath.Join(base, "root")
	victim = filepath.Join(base, "victim")
	writeFiles(t, base, map[string]string{
		"root/go.mod":      "module example.com/m\n",
		"root/a.go":        "package m\n",
		"victim/keep.txt":  "keep\n",
		"victim/sub/x.txt": "x\n",
	}, nil)
	if err := os.Symlink("../victim", filepath.Join(root, "link")); err != nil {
		t.Fatal(err)
	}
	return root, victim
}

// TestForgedRecords gives recovery, rollback and history records whose
// MAC verifies but whose paths lead outside the root (.., absolute, a
// symbolic link on the way), into .goremover, or whose modes carry
// setuid bits: nothing outside the root changes, and nothing is created
// setuid.
func TestForgedRecords(t *testing.T) {
	evil := hashOf([]byte("#!/bin/sh\necho pwned\n"))
	blobs := map[string]string{evil: "#!/bin/sh\necho pwned\n"}
	cases := []struct {
		name string
		rec  record
	}{
		{"dotdot", record{Files: []fileRec{{File: "../victim/keep.txt", Action: "create", After: &version{Hash: hashOf([]byte("keep\n")), Mode: 0o644}}}}},
		{"absolute", record{Files: []fileRec{{File: "/victim/keep.txt", Action: "create", After: &version{Hash: hashOf([]byte("keep\n")), Mode: 0o644}}}}},
		{"dotgoremover", record{Files: []fileRec{{File: ".goremover/lock", Action: "create", After: &version{Hash: evil, Mode: 0o644}}}}},
		{"setuid", record{Files: []fileRec{{File: "pwn.sh", Action: "delete", Before: &version{Hash: evil, Mode: 0o4755}}}}},
		{"removed dir 0777|sticky", record{RemovedDirs: []dirRec{{Dir: "open", Mode: 0o1777}}, Files: []fileRec{{File: "open/x", Action: "delete", Before: &version{Hash: evil, Mode: 0o644}}}}},
		// Valid record, but the path goes through root/link, out of the
		// root: os.Root refuses, the path is kept as a conflict.
		{"through link", record{Files: []fileRec{
			{File: "link/keep.txt", Action: "create", After: &version{Hash: hashOf([]byte("keep\n")), Mode: 0o644}},
			{File: "link/new.sh", Action: "delete", Before: &version{Hash: evil, Mode: 0o755}},
			{File: "link/sub/x.txt", Action: "edit", Before: &version{Hash: evil, Mode: 0o755}, After: &version{Hash: hashOf([]byte("x\n")), Mode: 0o644}},
		}}},
	}
	for i, c := range cases {
		for _, states := range [][]string{{stateApplying}, {stateApplying, stateApplied}, {stateApplying, stateApplied, stateRollingBack}} {
			root, victim := sandbox(t)
			before := readTree(t, filepath.Dir(root))
			rec := c.rec
			rec.ID = "20260101T000000Z-000" + string(rune('0'+i))
			plant(t, root, &rec, blobs, states...)
			if rc, err := Recover(root); err != nil {
				t.Logf("%s %v: Recover: %v", c.name, states, err)
			} else if c.name != "through link" && len(rc.Ignored) == 0 {
				t.Errorf("%s %v: Recover did not report the record", c.name, states)
			}
			Restore(root, "", true)
			Restore(root, rec.ID, true)
			History(root)
			Abandon(root, rec.ID)
			after := readTree(t, filepath.Dir(root))
			for k, n := range after {
				if strings.HasPrefix(k, "root/") && !strings.HasPrefix(k, "root/.goremover") && n.mode&fs.ModeSymlink == 0 {
					if n.mode&(fs.ModeSetuid|fs.ModeSetgid|fs.ModeSticky) != 0 || n.mode&0o002 != 0 {
						t.Errorf("%s %v: %s has mode %v", c.name, states, k, n.mode)
					}
				}
			}
			if d := diffTrees(subtree(after, "victim"), subtree(before, "victim")); d != "" {
				t.Errorf("%s %v: outside the root changed:\n%s", c.name, states, d)
			}
			if _, err := os.Lstat(filepath.Join(victim, "new.sh")); err == nil {
				t.Errorf("%s: created a file outside", c.name)
			}
		}
	}
}

// subtree returns the nodes of tr under dir/.
func subtree(tr tree, dir string) tree {
	out := tree{}
	for k, v := range tr {
		if strings.HasPrefix(k, dir+"/") {
			out[k] = v
		}
	}
	return out
}

// TestStateNotOurs: symbolic links and files where goremover's own
// directories should be are refused with a StateError, before anything
// is written.
func TestStateNotOurs(t *testing.T) {
	for _, c := range []struct {
		name string
		make func(root, outside string) error
		path string
	}{
		{"dot dir link", func(root, outside string) error { return os.Symlink(outside, filepath.Join(root, dotDir)) }, ".goremover"},
		{"dot dir file", func(root, outside string) error { return os.WriteFile(filepath.Join(root, dotDir), nil, 0o644) }, ".goremover"},
		{"snapshots link", func(root, outside string) error {
			os.Mkdir(filepath.Join(root, dotDir), 0o700)
			return os.Symlink(outside, filepath.Join(root, dotDir, "snapshots"))
		}, ".goremover/snapshots"},
		{"lock link", func(root, outside string) error {
			os.Mkdir(filepath.Join(root, dotDir), 0o700)
			return os.Symlink(filepath.Join(outside, "f"), filepath.Join(root, dotDir, "lock"))
		}, ".goremover/lock"},
	} {
		root := fixture(t)
		outside := t.TempDir()
		os.WriteFile(filepath.Join(outside, "f"), []byte("precious\n"), 0o644)
		if err := c.make(root, outside); err != nil {
			t.Fatal(err)
		}
		orig := readTree(t, root)
		_, err := Apply(ctx, root, fixtureSet(t, root), Meta{}, extras)
		var se *StateError
		if !errors.As(err, &se) || se.Path != c.path {
			t.Errorf("%s: Apply = %v, want a StateError for %s", c.name, err, c.path)
		}
		if c.path != ".goremover/lock" {
			if _, err := Recover(root); !errors.As(err, &se) {
				t.Errorf("%s: Recover = %v, want a StateError", c.name, err)
			}
		}
		mustEqual(t, root, orig, c.name)
		if b, _ := os.ReadFile(filepath.Join(outside, "f")); string(b) != "precious\n" {
			t.Errorf("%s: the lock's target was written: %q", c.name, b)
		}
		if ents, _ := os.ReadDir(outside); len(ents) != 1 {
			t.Errorf("%s: wrote into the link's target: %v", c.name, ents)
		}
	}
}

// TestRollbackKeepsEdits: a file changed while the Tx was open (during
// verification) is kept by Rollback, with the snapshot's version saved
// under .goremover/conflicts; the rest is restored. Same for a file the
// apply created and for one it deleted.
func TestRollbackKeepsEdits(t *testing.T) {
	root := fastFixture(t)
	orig := readTree(t, root)
	tx, err := Begin(ctx, root, fixtureSet(t, root), Meta{Command: "rm"}, extras)
	if err != nil {
		t.Fatal(err)
	}
	writeFiles(t, root, map[string]string{
		"a/a.go":       "package a // saved by the user\n",
		"new/sub/n.go": "package sub // the user's\n",
		"d/gone.go":    "package d // recreated by the user\n",
	}, nil)
	snap, err := tx.Rollback()
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]Conflict{}
	for _, c := range snap.Conflicts {
		got[c.File] = c
	}
	if len(got) != 3 {
		t.Fatalf("conflicts = %v, want a/a.go, d/gone.go, new/sub/n.go", snap.Conflicts)
	}
	want := tree{}
	for k, v := range orig {
		want[k] = v
	}
	want["a/a.go"] = node{mode: 0o644, data: "package a // saved by the user\n"}
	want["d/gone.go"] = node{mode: 0o644, data: "package d // recreated by the user\n"}
	want["new"] = node{dir: true, mode: fs.ModeDir | 0o755}
	want["new/sub"] = node{dir: true, mode: fs.ModeDir | 0o755}
	want["new/sub/n.go"] = node{mode: 0o640, data: "package sub // the user's\n"} // the mode the apply gave it
	mustEqual(t, root, want, "after Rollback")
	for _, f := range []string{"a/a.go", "d/gone.go"} {
		c := got[f]
		data, err := os.ReadFile(filepath.Join(root, c.Saved))
		if err != nil || string(data) != orig[f].data {
			t.Errorf("%s: saved %s = %q, %v; want the original", f, c.Saved, data, err)
		}
	}
	if c := got["new/sub/n.go"]; c.Saved != "" {
		t.Errorf("created file: saved = %q, want none (its snapshot version is no file)", c.Saved)
	}
}

// TestRecoverKeepsEdits: after a kill -9, a file edited before recovery
// is kept.
func TestRecoverKeepsEdits(t *testing.T) {
	root := fastFixture(t)
	if _, err := Apply(ctx, root, fixtureSet(t, root), Meta{}, extras); err != nil {
		t.Fatal(err)
	}
	n := Writes()
	root = fastFixture(t)
	orig := readTree(t, root)
	if crashed, out := runChild(t, "apply", root, n-1); !crashed {
		t.Fatalf("child did not crash: %s", out)
	}
	writeFiles(t, root, map[string]string{"a/run.sh": "#!/bin/sh\necho mine\n"}, nil)
	rc, err := Recover(root)
	if err != nil {
		t.Fatal(err)
	}
	cs := rc.Conflicts()
	if len(cs) != 1 || cs[0].File != "a/run.sh" || cs[0].Forced {
		t.Fatalf("conflicts = %+v", cs)
	}
	want := orig
	n0 := want["a/run.sh"]
	n0.data = "#!/bin/sh\necho mine\n"
	want["a/run.sh"] = n0
	mustEqual(t, root, want, "after Recover")
}

// TestAbandon ends an interrupted apply whose recovery cannot finish (its
// blobs are gone): every Recover fails with a RecoveryError naming the
// way out until Abandon, which leaves the files as they are.
func TestAbandon(t *testing.T) {
	root := fastFixture(t)
	if crashed, out := runChild(t, "apply", root, 25); !crashed {
		t.Fatalf("child did not crash: %s", out)
	}
	crashed := readTree(t, root)
	ents, _ := os.ReadDir(filepath.Join(root, dotDir, "snapshots"))
	if len(ents) != 1 {
		t.Fatalf("snapshots: %v", ents)
	}
	id := ents[0].Name()
	os.RemoveAll(filepath.Join(root, dotDir, "snapshots", id, "blobs"))
	_, err := Recover(root)
	var re *RecoveryError
	if !errors.As(err, &re) || re.ID != id || !strings.Contains(err.Error(), "goremover rollback -abandon "+id) {
		t.Fatalf("Recover = %v, want a RecoveryError naming rollback -abandon", err)
	}
	if _, err := Abandon(root, "20260101T000000Z-0000"); !errors.As(err, new(*NotFoundError)) {
		t.Errorf("Abandon of an unknown id: %v", err)
	}
	s, err := Abandon(root, id)
	if err != nil || s.State != stateAbandoned {
		t.Fatalf("Abandon = %v, %v", s, err)
	}
	if s, err := recoverOne(root); s != nil || err != nil {
		t.Fatalf("Recover after Abandon = %v, %v", s, err)
	}
	mustEqual(t, root, crashed, "after Abandon")
	if _, err := Abandon(root, id); err == nil {
		t.Error("second Abandon: no error")
	}
}

// TestCheck: the paths Check refuses, which rm -n and rm share.
func TestCheck(t *testing.T) {
	root, _ := sandbox(t)
	os.Symlink("a.go", filepath.Join(root, "alias.go"))
	for _, c := range []struct {
		path, msg string
	}{
		{filepath.Join(root, "..", "victim", "keep.txt"), "outside"},
		{filepath.Join(root, "link", "keep.txt"), "through a symbolic link"},
		{filepath.Join(root, "link", "new.go"), "through a symbolic link"},
		{filepath.Join(root, "alias.go"), "is a symbolic link"},
		{filepath.Join(root, ".goremover", "x"), "inside goremover's own"},
		{"rel.go", "not absolute"},
	} {
		var s edit.Set
		s.Add(&edit.File{Path: c.path, New: []byte("x")})
		err := Check(root, &s)
		var pe *PathError
		if !errors.As(err, &pe) || !strings.Contains(err.Error(), c.msg) {
			t.Errorf("Check(%s) = %v, want a PathError with %q", c.path, err, c.msg)
		}
	}
	var s edit.Set
	s.Add(&edit.File{Path: filepath.Join(root, "a.go"), Old: []byte("package m\n"), New: []byte("package m // x\n")})
	s.Add(&edit.File{Path: filepath.Join(root, "new", "dir", "n.go"), New: []byte("package dir\n")})
	if err := Check(root, &s); err != nil {
		t.Errorf("Check of a valid set: %v", err)
	}
}

// TestRecordValidate: records with paths or modes goremover never writes
// do not unseal, even with a valid MAC.
func TestRecordValidate(t *testing.T) {
	key, err := userKey()
	if err != nil {
		t.Fatal(err)
	}
	good := record{ID: "x", Files: []fileRec{{File: "a/b.go", Action: "edit", Before: &version{Hash: hashOf(nil), Mode: 0o644}, After: &version{Hash: hashOf(nil), Mode: 0o600}}}}
	data, _ := seal(key, &good)
	if _, err := unseal(key, "x", data); err != nil {
		t.Fatalf("good record: %v", err)
	}
	if _, err := unseal(key, "y", data); err == nil {
		t.Error("record of another snapshot directory: no error")
	}
	bad := []func(r *record){
		func(r *record) { r.Files[0].File = "../x" },
		func(r *record) { r.Files[0].File = "/x" },
		func(r *record) { r.Files[0].File = "a/../../x" },
		func(r *record) { r.Files[0].File = "a//b" },
		func(r *record) { r.Files[0].File = ".goremover/lock" },
		func(r *record) { r.Files[0].File = "" },
		func(r *record) { r.Files[0].Before.Mode = 0o4755 },
		func(r *record) { r.Files[0].After.Mode = fs.ModeSymlink | 0o777 },
		func(r *record) { r.Files[0].Before.Hash = "../../etc/passwd" },
		func(r *record) { r.Files[0].Action = "chmod" },
		func(r *record) { r.RemovedDirs = []dirRec{{Dir: "..", Mode: 0o755}} },
		func(r *record) { r.CreatedDirs = []dirRec{{Dir: "d", Mode: 0o1777}} },
	}
	for i, f := range bad {
		r := good
		r.Files = []fileRec{{File: good.Files[0].File, Action: good.Files[0].Action, Before: &version{}, After: &version{}}}
		*r.Files[0].Before, *r.Files[0].After = *good.Files[0].Before, *good.Files[0].After
		f(&r)
		data, _ := seal(key, &r)
		if _, err := unseal(key, "x", data); err == nil {
			b, _ := json.Marshal(r)
			t.Errorf("%d: record %s unsealed", i, b)
		}
	}
	// A MAC under another key.
	other := make([]byte, keySize)
	data, _ = seal(other, &good)
	if _, err := unseal(key, "x", data); err == nil {
		t.Error("record sealed under another key unsealed")
	}
}
