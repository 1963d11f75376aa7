package report

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestBaseline(t *testing.T) {
	file := filepath.Join(t.TempDir(), "dead.json")
	if _, err := ReadBaseline(file, false); err == nil {
		t.Fatal("reading a missing baseline: no error")
	}
	b, err := ReadBaseline(file, true)
	if err != nil || b.Len() != 0 {
		t.Fatalf("ReadBaseline(create) = %v, %v", b, err)
	}
	a, c, d := BaselineEntry{"GR201", "p.A"}, BaselineEntry{"GR201", "p.C"}, BaselineEntry{"GR202", "p.D"}
	if _, err := b.Write([]BaselineEntry{c, a}); err != nil {
		t.Fatal(err)
	}
	b, err = ReadBaseline(file, false)
	if err != nil || !b.Has("GR201", "p.A") || !b.Has("GR201", "p.C") || b.Has("GR202", "p.D") {
		t.Fatalf("read back: %v %v", b, err)
	}
	// It never grows: d is new, c is gone.
	dropped, err := b.Write([]BaselineEntry{a, d})
	if err != nil || dropped != 1 {
		t.Fatalf("second Write: dropped %d, %v", dropped, err)
	}
	b, _ = ReadBaseline(file, false)
	if !b.Has("GR201", "p.A") || b.Has("GR201", "p.C") || b.Has("GR202", "p.D") || b.Len() != 1 {
		t.Errorf("after shrinking: %v", b.entries)
	}
	for _, bad := range []string{"{", `{"version": 2, "findings": []}`, `{"version": 1, "findings": [], "extra": 1}`, "{\n  \"version\": \"1\"}"} {
		os.WriteFile(file, []byte(bad), 0o644)
		_, err := ReadBaseline(file, false)
		if err == nil || !strings.HasPrefix(err.Error(), file+":") {
			t.Errorf("ReadBaseline(%q) = %v", bad, err)
		}
	}
	for bad, pos := range map[string]string{
		"{\n  \"version\": \"1\"}":  ":2:17: ",
		"{\n  \"version\": 1,\n  x": ":3:3: ",
		"{\n  \"version\": 1,\n":    ":3:1: ",
	} {
		os.WriteFile(file, []byte(bad), 0o644)
		if _, err := ReadBaseline(file, false); err == nil || !strings.HasPrefix(err.Error(), file+pos) {
			t.Errorf("ReadBaseline(%q) = %v, want the position %s", bad, err, pos)
		}
	}
}

// TestBaselineEmpty checks that a baseline emptied by fixes stays empty:
// writing it again accepts nothing new.
func TestBaselineEmpty(t *testing.T) {
	file := filepath.Join(t.TempDir(), "dead.json")
	b, _ := ReadBaseline(file, true)
	if b.Exists() {
		t.Error("a missing baseline exists")
	}
	a := BaselineEntry{"GR201", "p.A"}
	if _, err := b.Write(nil); err != nil {
		t.Fatal(err)
	}
	b, err := ReadBaseline(file, false)
	if err != nil || !b.Exists() || b.Len() != 0 {
		t.Fatalf("empty baseline read back: %v, %v", b, err)
	}
	if _, err := b.Write([]BaselineEntry{a}); err != nil {
		t.Fatal(err)
	}
	if b, _ = ReadBaseline(file, false); b.Len() != 0 {
		t.Errorf("an empty baseline grew: %v", b.Entries())
	}
}
