package modfix

import (
	"testing"

	"github.com/goremover/goremover/internal/load"
)

// TestApplyRequiresPre117 drops one requirement and adds another in a
// go.mod older than go 1.17, where the go command edits with SetRequire:
// the dropped entry must not reach it (it panicked on real code, cobra).
func TestApplyRequiresPre117(t *testing.T) {
	start := []byte("module example.com/m\n\ngo 1.15\n\nrequire (\n\texample.com/a v1.0.0\n\texample.com/b v1.0.0\n)\n")
	got, err := applyRequires(&load.Module{Dir: t.TempDir()}, start, map[string]*reqState{
		"example.com/b": nil,
		"example.com/c": {version: "v1.2.0", indirect: true},
	})
	if err != nil {
		t.Fatal(err)
	}
	want := "module example.com/m\n\ngo 1.15\n\nrequire (\n\texample.com/a v1.0.0\n\texample.com/c v1.2.0 // indirect\n)\n"
	if string(got) != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
}
