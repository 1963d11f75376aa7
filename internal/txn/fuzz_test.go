package txn

import (
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzRecover feeds random snapshot records, journals and blobs to
// Recover, Restore (plain and forced), Abandon and History, inside a
// sandbox: a root with a symbolic link to a sibling directory, victim/.
// Half the records are sealed with the user's own key (as if an attacker
// knew it), so that the checks behind the MAC are reached too. Whatever
// the input, nothing outside the root changes, and nothing in it becomes
// setuid, setgid, sticky or world-writable.
//
//	go test -fuzz FuzzRecover -fuzztime 10m ./internal/txn
func FuzzRecover(f *testing.F) {
	seeds := []record{
		{Files: []fileRec{{File: "../victim/keep.txt", Action: "create", After: &version{Hash: hashOf([]byte("keep\n")), Mode: 0o644}}}},
		{Files: []fileRec{{File: "/tmp/x", Action: "delete", Before: &version{Hash: hashOf([]byte("x")), Mode: 0o644}}}},
		{Files: []fileRec{{File: "link/keep.txt", Action: "create", After: &version{Hash: hashOf([]byte("keep\n")), Mode: 0o644}}}},
		{Files: []fileRec{{File: "link/sub/x.txt", Action: "edit", Before: &version{Hash: hashOf([]byte("x")), Mode: 0o4755}, After: &version{Hash: hashOf([]byte("x\n")), Mode: 0o644}}}},
		{Files: []fileRec{{File: "a.go", Action: "edit", Before: &version{Hash: hashOf([]byte("x")), Mode: 0o644}, After: &version{Hash: hashOf([]byte("package m\n")), Mode: 0o644}}}},
		{RemovedDirs: []dirRec{{Dir: "link/sub", Mode: 0o777}}, Files: []fileRec{{File: "link/sub/y", Action: "delete", Before: &version{Hash: hashOf([]byte("x")), Mode: 0o644}}}},
		{CreatedDirs: []dirRec{{Dir: "link", Mode: 0o755}}, Files: []fileRec{{File: "link/z", Action: "create", After: &version{Hash: hashOf([]byte("z")), Mode: 0o644}}}},
	}
	for i, r := range seeds {
		data, _ := json.Marshal(r)
		f.Add(data, "applying\n", "x", i%2 == 0)
		f.Add(data, "applying\napplied\nrolling back\n", "x", true)
	}
	f.Add([]byte(`{"mac":"00","record":{}}`), "applying\n", "", false)
	f.Fuzz(func(t *testing.T, recJSON []byte, journal string, blob string, sealIt bool) {
		root, _ := sandbox(t)
		base := filepath.Dir(root)
		before := readTree(t, base)
		const id = "20260101T000000Z-0001"
		dir := filepath.Join(root, dotDir, "snapshots", id)
		if err := os.MkdirAll(filepath.Join(dir, "blobs"), 0o700); err != nil {
			t.Fatal(err)
		}
		var states []string
		for _, s := range strings.Split(journal, "\n") {
			if s != "" {
				states = append(states, s)
			}
		}
		var rec record
		if sealIt && json.Unmarshal(recJSON, &rec) == nil {
			rec.ID = id
			plant(t, root, &rec, map[string]string{hashOf([]byte(blob)): blob}, states...)
		} else {
			os.WriteFile(filepath.Join(dir, "snapshot.json"), recJSON, 0o600)
			os.WriteFile(filepath.Join(dir, "journal"), []byte(journal), 0o600)
			os.WriteFile(filepath.Join(dir, "blobs", hashOf([]byte(blob))), []byte(blob), 0o600)
		}
		Recover(root)
		History(root)
		Restore(root, "", false)
		Restore(root, id, true)
		Abandon(root, id)
		Recover(root)
		after := readTree(t, base)
		for k, n := range after {
			if !strings.HasPrefix(k, "root/") {
				continue
			}
			if n.mode&fs.ModeSymlink == 0 && (n.mode&(fs.ModeSetuid|fs.ModeSetgid|fs.ModeSticky) != 0 || n.mode&0o002 != 0) {
				t.Errorf("%s has mode %v", k, n.mode)
			}
		}
		for k := range after {
			if !strings.HasPrefix(k, "root/") && k != "root" && k != "victim" && !strings.HasPrefix(k, "victim/") {
				t.Errorf("created %s outside the root", k)
			}
		}
		if d := diffTrees(subtree(after, "victim"), subtree(before, "victim")); d != "" {
			t.Errorf("outside the root changed:\n%s", d)
		}
	})
}
