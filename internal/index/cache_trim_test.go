package index

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestTrimCache checks what cache index removes: entries of other
// versions and of the layout before versioned directories always, a
// temporary file only once it is old, current entries by age, and
// nothing that is not an entry.
func TestTrimCache(t *testing.T) {
	dir := t.TempDir()
	key := func(c string) string { return strings.Repeat(c, 64) }
	now := time.Now()
	files := map[string]time.Duration{
		cacheVersion + "/aa/" + key("a") + "-i":     time.Hour,
		cacheVersion + "/bb/" + key("b") + "-i":     40 * 24 * time.Hour,
		cacheVersion + "/cc/.tmp-1":                 time.Minute,
		cacheVersion + "/cc/.tmp-2":                 2 * time.Hour,
		"goremover-index-3/dd/" + key("d") + "-i":   time.Minute,
		"ee/" + key("e") + "-i":                     time.Minute,
		"ff/notes-i":                                40 * 24 * time.Hour,
		cacheVersion + "/aa/" + key("f") + "-i.bak": 40 * 24 * time.Hour,
	}
	for name, age := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		os.MkdirAll(filepath.Dir(p), 0o777)
		if err := os.WriteFile(p, []byte("x"), 0o666); err != nil {
			t.Fatal(err)
		}
		os.Chtimes(p, now.Add(-age), now.Add(-age))
	}
	ents, err := ListCache(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(ents) != 6 {
		t.Fatalf("listed %d entries, want 6", len(ents))
	}
	for older, want := range map[time.Duration][]string{
		0:                   {".tmp-2", key("d"), key("e")},
		30 * 24 * time.Hour: {key("b"), ".tmp-2", key("d"), key("e")},
	} {
		var got []string
		for _, e := range SelectCache(ents, older, now) {
			got = append(got, filepath.Base(strings.TrimSuffix(e.Name, "-i")))
		}
		slices.Sort(got)
		slices.Sort(want)
		if strings.Join(got, " ") != strings.Join(want, " ") {
			t.Errorf("older %v: selected %q, want %q", older, got, want)
		}
	}
	if n, _, err := TrimCache(dir, SelectCache(ents, 0, now)); err != nil || n != 3 {
		t.Fatalf("TrimCache: %d, %v", n, err)
	}
	if _, err := os.Stat(filepath.Join(dir, "goremover-index-3")); err == nil {
		t.Error("the old version's directory stayed")
	}
	for _, name := range []string{"ff/notes-i", cacheVersion + "/aa/" + key("a") + "-i", cacheVersion + "/cc/.tmp-1"} {
		if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
			t.Errorf("%s removed", name)
		}
	}
}
