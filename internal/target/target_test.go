package target

import (
	"errors"
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	tests := []struct {
		arg    string
		module bool
		form   Form
		path   string
		line   int
		col    int
		err    string
	}{
		{arg: "example.com/m/internal/pay", form: FormPath, path: "example.com/m/internal/pay"},
		{arg: "./internal/pay.Charge", form: FormPath, path: "./internal/pay.Charge"},
		{arg: "./internal/legacy/...", form: FormPattern, path: "./internal/legacy"},
		{arg: "...", form: FormPattern, path: "."},
		{arg: "pay/client.go:40:18", form: FormPos, path: "pay/client.go", line: 40, col: 18},
		{arg: "example.com/dep", module: true, form: FormModule, path: "example.com/dep"},
		{arg: "example.com/dep@v1.2.3", module: true, form: FormModule, path: "example.com/dep"},
		{arg: "", err: "empty target"},
		{arg: "a b", err: "white space"},
		{arg: "x.go:0:1", err: "malformed position"},
		{arg: "x.go:1", err: "malformed position"},
		{arg: "x.go:a:b", err: "malformed position"},
		{arg: "./a/.../b", err: "only a trailing /..."},
		{arg: "a//b", err: "empty path element"},
		{arg: "Example.com/%", module: true, err: "malformed module path"},
		{arg: "./pay.", err: "empty declaration name after the package path; name a declaration (./pay.Name) or the package (./pay)"},
		{arg: "pay..", err: "empty declaration name after the package path; name a declaration (pay.Name) or the package (pay)"},
		{arg: "./pay.Client.", err: "empty method or field name after Client.; name a method or field (./pay.Client.Name) or the type (./pay.Client)"},
		{arg: "./.T.", err: "empty method or field name after T."},
		{arg: "./.", form: FormPath, path: "./."},
		{arg: "../..", form: FormPath, path: "../.."},
		{arg: "./api.v2/x", form: FormPath, path: "./api.v2/x"},
	}
	for _, tt := range tests {
		s, err := Parse(tt.arg, tt.module)
		if tt.err != "" {
			var te *Error
			if !errors.As(err, &te) || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("Parse(%q) error = %v, want *Error containing %q", tt.arg, err, tt.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("Parse(%q): %v", tt.arg, err)
			continue
		}
		if s.Form != tt.form || s.Path != tt.path || s.Line != tt.line || s.Col != tt.col {
			t.Errorf("Parse(%q) = %+v, want form %d path %q %d:%d", tt.arg, s, tt.form, tt.path, tt.line, tt.col)
		}
	}
}

// FuzzParse checks that Parse never panics and that what it accepts is
// self-consistent.
func FuzzParse(f *testing.F) {
	for _, s := range []string{"example.com/m/pay.Client.Do", "./internal/pay", "./x/...", "a.go:1:2", "", "x.go:", ".go:1:1", "./.F", "a/../b.C", "./pay.", "./pay.Client.", "pay..", "./.T.", "./pay/pay.go",
		// From fuzzing: a name of one letter or a non-ASCII one
		// before a trailing dot, a bare slash, a position with no
		// file name.
		"0.", "\uab72.", "/", "/...", ".go:0"} {
		f.Add(s, false)
	}
	f.Add("example.com/dep@v1.0.0", true)
	f.Fuzz(func(t *testing.T, arg string, module bool) {
		s, err := Parse(arg, module)
		if err != nil {
			var te *Error
			if !errors.As(err, &te) {
				t.Fatalf("Parse(%q) returned %T, want *Error", arg, err)
			}
			if strings.Contains(err.Error(), "\n") && len(te.Candidates) == 0 {
				t.Fatalf("Parse(%q) error has several lines: %q", arg, err)
			}
			return
		}
		if s.Arg != arg {
			t.Fatalf("Arg = %q, want %q", s.Arg, arg)
		}
		if s.Form == FormPos && (s.Line < 1 || s.Col < 1 || !strings.HasSuffix(s.Path, ".go")) {
			t.Fatalf("bad position %+v", s)
		}
		if s.Path == "" && s.Form != FormPattern {
			t.Fatalf("empty path from %q", arg)
		}
		if elem := s.Path[strings.LastIndex(s.Path, "/")+1:]; s.Form == FormPath && strings.HasSuffix(elem, ".") && elem != "." && elem != ".." {
			t.Fatalf("Parse(%q) accepted an empty name after a dot", arg)
		}
	})
}

func TestDistance(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"Charge", "Charge", 0},
		{"charge", "Charge", 0}, // case does not count
		{"Chrage", "Charge", 1}, // a transposition
		{"Nme", "Name", 1},
		{"paymnt", "payment", 1},
		{"Charge", "Refund", 6},
		{"", "abc", 3},
		{"héllo", "hello", 1}, // letters, not bytes
	}
	for _, tt := range tests {
		if got := distance(tt.a, tt.b); got != tt.want {
			t.Errorf("distance(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
		if got := distance(tt.b, tt.a); got != tt.want {
			t.Errorf("distance(%q, %q) = %d, want %d", tt.b, tt.a, got, tt.want)
		}
	}
}

func TestCloseTo(t *testing.T) {
	tests := []struct {
		want, have string
		score      int
		ok         bool
	}{
		{"example.com/m/paymnt", "example.com/m/payment", 2, true},
		{"example.com/m/foo", "example.com/m/bar", 0, false}, // 3 letters: one edit at most
		{"Item/Nme", "Item/Name", 2, true},
		{"Itme/Nme", "Item/Name", 4, true},
		{"Item/Executee", "Item/execute", 3, true}, // the case differs too
		{"Item/charge", "Item/Charge", 1, true},
		{"a/b", "a/b/c", 0, false}, // element counts differ
		{"internalpay", "internal/pay", 0, false},
	}
	for _, tt := range tests {
		score, ok := closeTo(strings.Split(tt.want, "/"), strings.Split(tt.have, "/"))
		if ok != tt.ok || ok && score != tt.score {
			t.Errorf("closeTo(%q, %q) = %d, %v; want %d, %v", tt.want, tt.have, score, ok, tt.score, tt.ok)
		}
	}
}
