package impact

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/goremover/goremover/internal/index"
	"github.com/goremover/goremover/internal/target"
)

func TestNamedTest(t *testing.T) {
	tests := []struct {
		fn, stem string
		want     bool
	}{
		{"TestCharge", "Charge", true},
		{"TestCharge_declined", "Charge", true},
		{"ExampleCharge", "Charge", true},
		{"BenchmarkCharge_big", "Charge", true},
		{"FuzzCharge", "Charge", true},
		{"TestClient_Do", "Client_Do", true},
		{"ExampleClient_Do_retry", "Client_Do", true},
		{"Test_helper", "helper", true},
		{"TestHelper", "helper", true},
		{"TestChargeback", "Charge", false},
		{"TestRefund", "Charge", false},
		{"Charge", "Charge", false},
		{"T.TestCharge", "Charge", false},
		{"", "Charge", false},
	}
	for _, tt := range tests {
		if got := NamedTest(tt.fn, tt.stem); got != tt.want {
			t.Errorf("NamedTest(%q, %q) = %v, want %v", tt.fn, tt.stem, got, tt.want)
		}
	}
}

// TestTypeMembers checks how the references of a type target are sorted:
// its name's are references (or removed with it), its members' are member
// uses, except what no name stands for.
func TestTypeMembers(t *testing.T) {
	const p = "example.com/m/doc"
	key := func(path string) index.Key { return index.Key{Pkg: p, Path: path} }
	at := func(file string, line int) index.Pos {
		return index.Pos{Module: "example.com/m", File: file, Line: line, Col: 1}
	}
	ref := func(to index.Key, pos index.Pos, kind index.Kind, from string, encl string) index.Ref {
		r := index.Ref{To: to, Pos: pos, Kind: kind, From: from}
		if encl != "" {
			r.Encl, r.EnclName = index.Key{Pkg: from, Path: encl}, encl
		}
		return r
	}
	doc := &index.Package{Path: p, Name: "doc", Module: "example.com/m", Dir: "doc",
		Decls: []index.Decl{
			{Key: key("Doc"), Kind: index.Type, Name: "Doc"},
			{Key: key("Doc.Name"), Kind: index.Field, Name: "Name", Recv: "Doc"},
			{Key: key("Doc.Title"), Kind: index.Method, Name: "Title", Recv: "Doc"},
			{Key: key("New"), Kind: index.Func, Name: "New"},
		},
		Refs: []index.Ref{
			ref(key("Doc"), at("doc/doc.go", 10), index.Use, p, "New"),           // names it: blocks
			ref(key("Doc"), at("doc/doc.go", 5), index.Use, p, "Doc.Title"),      // in its method: removed with it
			ref(key("Doc.Name"), at("doc/doc.go", 5), index.Use, p, "Doc.Title"), // member use inside: not listed
			ref(key("Doc.Name"), at("doc/doc.go", 11), index.Use, p, "New"),      // member use
		},
	}
	app := &index.Package{Path: "example.com/m/app", Name: "app", Module: "example.com/m", Dir: "app",
		Refs: []index.Ref{
			ref(key("Doc.Title"), at("app/app.go", 3), index.Call, "example.com/m/app", "Run"),
			ref(index.NameKey(index.NameMember, "Name"), at("app/page.tmpl", 1), index.Template, "example.com/m/app", "Run"),
			// A //go:linkname pull of a method names no type.
			{To: key("Doc.Title"), Pos: at("app/pull.go", 7), Kind: index.Linkname, From: "example.com/m/app", Hidden: true},
		},
	}
	x := index.New([]*index.Package{doc, app})
	tg := &target.Target{Kind: index.Type, Pkgs: []string{p}, Key: key("Doc"), Name: "Doc", Pkg: doc,
		Keys: []index.Key{key("Doc"), key("Doc.Name"), key("Doc.Title")}, Decls: x.Decls(key("Doc"))}
	res := Analyze(x, nil, tg)

	var got []string
	for _, r := range res.Refs {
		got = append(got, "ref "+r.Pos.File+":"+fmt.Sprint(r.Pos.Line))
	}
	for _, r := range res.Self {
		got = append(got, "self "+r.Pos.File+":"+fmt.Sprint(r.Pos.Line))
	}
	for _, m := range res.Members {
		got = append(got, "member "+m.Key.Path+" "+m.Pos.File+":"+fmt.Sprint(m.Pos.Line))
	}
	want := []string{
		"ref app/pull.go:7",
		"ref doc/doc.go:10",
		"self doc/doc.go:5",
		"member Doc.Name app/page.tmpl:1",
		"member Doc.Name doc/doc.go:11",
		"member Doc.Title app/app.go:3",
	}
	if !slices.Equal(got, want) {
		t.Errorf("got\n\t%s\nwant\n\t%s", strings.Join(got, "\n\t"), strings.Join(want, "\n\t"))
	}
	if res.Safe() {
		t.Errorf("Safe() = true with references to the name left")
	}
}
