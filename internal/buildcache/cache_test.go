package buildcache

import (
	"context"
	"crypto/sha256"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// fakeCache writes a cache with the go command's layout: actions[i]
// names output outs[i].
type fake struct {
	dir string
	t   *testing.T
}

func newFake(t *testing.T) *fake {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "README"), []byte(readme+"\nmore\n"), 0o666); err != nil {
		t.Fatal(err)
	}
	for i := range 256 {
		os.Mkdir(filepath.Join(dir, fmt.Sprintf("%02x", i)), 0o777)
	}
	return &fake{dir, t}
}

func (f *fake) path(id ID, kind string) string {
	return filepath.Join(f.dir, id.String()[:2], id.String()+"-"+kind)
}

// add writes an action entry and its output, both last used age ago.
func (f *fake) add(name, content string, age time.Duration) (ID, ID) {
	id := ID(sha256.Sum256([]byte(name)))
	out := ID(sha256.Sum256([]byte(content)))
	line := fmt.Sprintf("v1 %x %x %20d %20d\n", id[:], out[:], len(content), time.Now().UnixNano())
	tm := time.Now().Add(-age)
	for _, w := range []struct {
		p, data string
	}{{f.path(id, "a"), line}, {f.path(out, "d"), content}} {
		if err := os.WriteFile(w.p, []byte(w.data), 0o666); err != nil {
			f.t.Fatal(err)
		}
		os.Chtimes(w.p, tm, tm)
	}
	return id, out
}

func TestParseAction(t *testing.T) {
	id := ID(sha256.Sum256([]byte("a")))
	out := ID(sha256.Sum256([]byte("o")))
	good := fmt.Sprintf("v1 %x %x %20d %20d\n", id[:], out[:], 5, 1)
	if got, ok := parseAction(id, []byte(good)); !ok || got != out {
		t.Errorf("good entry: %v %v", got, ok)
	}
	for name, bad := range map[string]string{
		"other id":  fmt.Sprintf("v1 %x %x %20d %20d\n", out[:], out[:], 5, 1),
		"too long":  good + "x",
		"negative":  fmt.Sprintf("v1 %x %x %20d %20d\n", id[:], out[:], -5, 1),
		"version 2": "v2" + good[2:],
		"empty":     "",
	} {
		if _, ok := parseAction(id, []byte(bad)); ok {
			t.Errorf("%s: parsed", name)
		}
	}
}

func TestCheck(t *testing.T) {
	f := newFake(t)
	if _, err := Check(f.dir); err != nil {
		t.Fatal(err)
	}
	other := t.TempDir()
	os.WriteFile(filepath.Join(other, "README"), []byte("my photos\n"), 0o666)
	for _, d := range []string{"off", "", "relative/dir", other, filepath.Join(other, "nothere")} {
		if _, err := Check(d); err == nil {
			t.Errorf("Check(%q) accepted it", d)
		}
	}
}

// TestTrimRules checks the numbered rules: entries used in the last hour
// stay (1), an output another kept action names stays (2), names not of
// the cache's form stay (3), and an entry used after the scan stays.
func TestTrimRules(t *testing.T) {
	f := newFake(t)
	oldID, oldOut := f.add("old", "old output", 10*24*time.Hour)
	newID, newOut := f.add("new", "new output", 10*time.Minute)
	// The output is old, one action naming it is not.
	sharedNew, _ := f.add("shared-new", "shared output", 30*time.Minute)
	sharedOld, shared := f.add("shared-old", "shared output", 10*24*time.Hour)
	usedID, usedOut := f.add("used", "used output", 10*24*time.Hour)
	stray := filepath.Join(f.dir, "00", "notes-a")
	os.WriteFile(stray, []byte("x"), 0o666)
	os.Chtimes(stray, time.Now().Add(-100*24*time.Hour), time.Now().Add(-100*24*time.Hour))

	c, err := Scan(context.Background(), f.dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Actions) != 5 || len(c.Outputs) != 4 || c.OtherFiles != 2 {
		t.Fatalf("scan: %d actions, %d outputs, %d other files", len(c.Actions), len(c.Outputs), c.OtherFiles)
	}
	tr := Select(c, Selection{Older: time.Minute, Now: time.Now()})
	// The used entry is used after the scan: a go command marks it.
	now := time.Now()
	os.Chtimes(f.path(usedID, "a"), now, now)
	res, err := Apply(c, tr)
	if err != nil {
		t.Fatal(err)
	}
	gone := []string{f.path(oldID, "a"), f.path(oldOut, "d"), f.path(sharedOld, "a")}
	kept := []string{f.path(newID, "a"), f.path(newOut, "d"), f.path(shared, "d"), f.path(sharedNew, "a"), f.path(usedID, "a"), f.path(usedOut, "d"), stray}
	for _, p := range gone {
		if _, err := os.Stat(p); err == nil {
			t.Errorf("%s kept", p)
		}
	}
	for _, p := range kept {
		if _, err := os.Stat(p); err != nil {
			t.Errorf("%s removed", p)
		}
	}
	if res.Used != 1 {
		t.Errorf("used since the scan: %d, want 1", res.Used)
	}
}
