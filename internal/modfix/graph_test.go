package modfix

import (
	"reflect"
	"testing"

	"golang.org/x/mod/module"
)

func TestBuildList(t *testing.T) {
	v := func(p, ver string) module.Version { return module.Version{Path: p, Version: ver} }
	main := v("example.com/m", "")
	edges := []Edge{
		{From: main, To: v("example.com/dep", "v1.0.0")},
		{From: main, To: v("example.com/user", "v1.0.0")},
		{From: v("example.com/user", "v1.0.0"), To: v("example.com/dep", "v1.1.0")},
		// Not reachable from the main module: selects nothing.
		{From: v("example.com/nobody", "v1.0.0"), To: v("example.com/dep", "v1.9.0")},
	}
	got := BuildList(edges, "example.com/m")
	want := map[string]string{"example.com/dep": "v1.1.0", "example.com/user": "v1.0.0"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("BuildList = %v, want %v", got, want)
	}
	if r := Reachable(edges, "example.com/m"); len(r) != 3 || r[v("example.com/nobody", "v1.0.0")] {
		t.Errorf("Reachable = %v, want dep@v1.0.0, dep@v1.1.0, user@v1.0.0", r)
	}
}
