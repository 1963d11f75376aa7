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
		if err == nil || !strings.HasPrefix(err.Error(), file+": ") {
			t.Errorf("ReadBaseline(%q) = %v", bad, err)
		}
	}
	os.WriteFile(file, []byte("{\n  \"version\": \"1\"}"), 0o644)
	if _, err := ReadBaseline(file, false); !strings.Contains(err.Error(), "line 2, column") {
		t.Errorf("no position: %v", err)
	}
}
