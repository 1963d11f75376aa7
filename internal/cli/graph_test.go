package cli

import (
	"bytes"
	"os/exec"
	"strings"
	"testing"
)

// TestGraphDot checks that Graphviz reads every dot graph goremover
// draws of a fixture (a windows-only import, a test-only import, a
// cycle, a dependency module, an impact graph), without a warning.
func TestGraphDot(t *testing.T) {
	dot, err := exec.LookPath("dot")
	if err != nil {
		t.Skip("Graphviz's dot is not on PATH (apt-get install graphviz): the dot output is not checked")
	}
	dir := t.TempDir()
	files := map[string]string{
		"go.mod":           "module example.com/m\n\ngo 1.22\n",
		"a/a.go":           "package a\n\nimport \"example.com/m/b\"\n\nfunc A() { b.B() }\n",
		"a/a_test.go":      "package a\n\nimport (\n\t\"testing\"\n\n\t\"example.com/m/c\"\n)\n\nfunc TestA(t *testing.T) { c.C() }\n",
		"b/b.go":           "package b\n\nfunc B() {}\n",
		"b/b_windows.go":   "package b\n\nimport _ \"example.com/m/c\"\n",
		"c/c.go":           "package c\n\nfunc C() {}\n",
		"c/c_linux.go":     "package c\n\nimport _ \"example.com/m/b\"\n",
		"cmd/x/main.go":    "package main\n\nimport (\n\t\"fmt\"\n\n\t\"example.com/m/a\"\n)\n\nfunc main() { a.A(); fmt.Println() }\n",
		"cmd/x/x_other.go": "//go:build integration\n\npackage main\n\nimport \"example.com/m/b\"\n\nvar _ = b.B\n",
	}
	writeFiles(t, dir, files)
	t.Setenv("GOREMOVERCACHE", "off")
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	t.Setenv("GOFLAGS", "-mod=mod")
	t.Setenv("GOWORK", "off")
	oldOut, oldErr := Stdout, Stderr
	defer func() { Stdout, Stderr = oldOut, oldErr }()
	for _, args := range [][]string{
		{"graph", "-C", dir},
		{"graph", "-C", dir, "-std", "-group", "1"},
		{"graph", "-C", dir, "-focus", "./b.B", "-depth", "3"},
		{"graph", "-C", dir, "-m"},
	} {
		resetFlags()
		var stdout, stderr bytes.Buffer
		Stdout, Stderr = &stdout, &stderr
		if code := Main(args); code != exitOK {
			t.Fatalf("goremover %s: exit %d\n%s", strings.Join(args, " "), code, stderr.String())
		}
		cmd := exec.Command(dot, "-Tsvg")
		cmd.Stdin = bytes.NewReader(stdout.Bytes())
		var out, errb bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errb
		if err := cmd.Run(); err != nil || errb.Len() > 0 || !strings.Contains(out.String(), "<svg") {
			t.Errorf("goremover %s | dot -Tsvg: %v\n%s\ninput:\n%s", strings.Join(args, " "), err, errb.String(), stdout.String())
		}
	}
}
