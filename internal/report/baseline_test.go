package report

import (
	"errors"
	"fmt"
	"maps"
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
	if n := b.Gone(map[BaselineEntry]bool{a: true, d: true}); n != 1 {
		t.Errorf("Gone = %d, want 1 (c)", n)
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
		"{\n  \"version\": \"1\"}":  ":2:14: ",
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

// TestParseBaseline checks that every malformed baseline is an error at
// the position of what is wrong.
func TestParseBaseline(t *testing.T) {
	for _, tc := range []struct{ data, pos, msg string }{
		{`{"version": 1, "findings": []} x`, "1:32", "invalid character 'x' after top-level value"},
		{`[]`, "1:1", "an object"},
		{`{"findings": []}`, "1:1", "no version"},
		{`{"version": 1}`, "1:1", "no findings"},
		{`{"version": 2, "findings": []}`, "1:13", "baseline version 2"},
		{`{"version": 1.0, "findings": []}`, "1:13", "baseline version 1.0"},
		{`{"version": 1, "findings": {}}`, "1:28", "findings: want an array"},
		{`{"version": 1, "tool": 3, "findings": []}`, "1:24", "tool: want a string"},
		{"{\"version\": 1, \"findings\": [\n  {\"rule\": \"GR201\", \"key\": \"p.A\"},\n  {\"rule\": \"GR201\"}]}", "3:3", "an entry without a key"},
		{`{"version": 1, "findings": [{"rule": "GR201", "key": "p.A", "line": 3}]}`, "1:61", `unknown field "line"`},
		{`{"version": 1, "findings": [{"rule": "GR201", "key": 7}]}`, "1:54", "key: want a string"},
		{`{"version": 1, "findings": [{"rule": "GR201", "key": "p.A\nGR999 q"}]}`, "1:29", "a space or control character"},
		{`{"version": 1, "findings": ["p.A"]}`, "1:29", `want {"rule", "key"}`},
		{`{"version": 1, "findings": [], "extra": 1}`, "1:32", `unknown field "extra"`},
	} {
		_, err := parseBaseline([]byte(tc.data))
		var pe *parseError
		if !errors.As(err, &pe) {
			t.Errorf("parseBaseline(%q) = %v, want an error", tc.data, err)
			continue
		}
		line, col := lineCol([]byte(tc.data), pe.off)
		if pos := fmt.Sprintf("%d:%d", line, col); pos != tc.pos || !strings.Contains(pe.msg, tc.msg) {
			t.Errorf("parseBaseline(%q) = %s: %s, want %s: ...%s...", tc.data, pos, pe.msg, tc.pos, tc.msg)
		}
	}
	es, err := parseBaseline([]byte(`{"tool": "goremover", "findings": [{"key": "p.A", "rule": "GR201"}], "version": 1}`))
	if err != nil || len(es) != 1 || es[0] != (BaselineEntry{"GR201", "p.A"}) {
		t.Errorf("parseBaseline(fields in another order) = %v, %v", es, err)
	}
}

// FuzzReadBaseline checks that the parser of baseline files, which are
// user input, never panics, that its errors are one line with a
// position inside the file, and that what it accepts writes back to the
// same entries.
func FuzzReadBaseline(f *testing.F) {
	for _, s := range []string{
		"{\n  \"version\": 1,\n  \"tool\": \"goremover\",\n  \"findings\": [\n    {\n      \"rule\": \"GR201\",\n      \"key\": \"example.com/m/pay.legacyA\"\n    }\n  ]\n}\n",
		`{"version": 1, "findings": []}`,
		`{"version": 1, "findings": null}`,
		`{"version": 2, "findings": []}`,
		`{"version": 1, "findings": [{"rule": "GR201"}]}`,
		"{\n  \"version\": 1,\n  \"findings\": x\n}\n",
		`{"version": 1e0, "findings": [{"rule": "GR2\u00e901", "key": "p.\u0000"}]} `,
		"",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		es, err := parseBaseline(data)
		if err != nil {
			var pe *parseError
			if !errors.As(err, &pe) {
				t.Fatalf("not a *parseError: %T %v", err, err)
			}
			if pe.off < 0 || pe.off > int64(len(data)) {
				t.Fatalf("offset %d outside the file (%d bytes): %v", pe.off, len(data), err)
			}
			if strings.ContainsAny(pe.msg, "\n\r") {
				t.Fatalf("a message on several lines: %q", pe.msg)
			}
			return
		}
		for _, e := range es {
			if msg := checkEntry(e); msg != "" {
				t.Fatalf("accepted an entry %q: %s", e, msg)
			}
		}
		// What is accepted writes back to the same set.
		want := map[BaselineEntry]bool{}
		for _, e := range es {
			want[e] = true
		}
		out, err := encodeBaseline(want)
		if err != nil {
			t.Fatal(err)
		}
		back, err := parseBaseline(out)
		if err != nil {
			t.Fatalf("reading back what was written: %v\n%s", err, out)
		}
		got := map[BaselineEntry]bool{}
		for _, e := range back {
			got[e] = true
		}
		if !maps.Equal(got, want) {
			t.Fatalf("wrote %v, read back %v", want, got)
		}
	})
}
