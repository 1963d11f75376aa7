package index

import (
	"reflect"
	"testing"
)

func TestEntryRoundTrip(t *testing.T) {
	p := &Package{
		Path: "example.com/m/pay", Name: "pay", Module: "example.com/m", Dir: "pay",
		Files: []File{{Pos: Pos{Module: "example.com/m", File: "pay/pay_windows.go"}, Platforms: []string{"windows/*"}, Constraint: "windows"}},
		Decls: []Decl{
			{Key: Key{Pkg: "example.com/m/pay", Path: "Charge"}, Kind: Func, Name: "Charge", Pos: Pos{Module: "example.com/m", File: "pay/pay.go", Line: 3, Col: 6}},
			{Key: Key{Pkg: "example.com/m/pay", Path: "cards"}, Kind: Var, Name: "cards", Effect: true},
			{Key: Key{Pkg: "example.com/m/pay", Path: "Client.isPay"}, Kind: Method, Name: "isPay", Recv: "Client", Empty: true},
			{Key: Key{Pkg: "example.com/m/pay", Path: "Client.Card"}, Kind: Field, Name: "Card", Recv: "Client", Embedded: true},
		},
		Refs: []Ref{
			{To: Key{Pkg: "example.com/m/pay", Path: "Charge"}, Pos: Pos{Module: "example.com/m", File: "pay/pay_test.go", Line: 9, Col: 2}, Kind: Call, From: "example.com/m/pay", Encl: Key{Pkg: "example.com/m/pay", Path: "TestCharge"}, EnclName: "TestCharge", Test: true},
			{To: NameKey(NameMember, "Total"), Pos: Pos{Module: "example.com/m", File: "pay/t.tmpl", Line: 1, Col: 4}, Kind: Template, From: "example.com/m/pay", Hidden: true, Note: "template field .Total"},
			{To: NameKey(NameMethod, ""), Pos: Pos{File: "x.go", Line: 1, Col: 1}, Kind: Reflect, Hidden: true, Guess: true},
			{To: Key{Pkg: "example.com/m/pay", Path: "Client.Write"}, Pos: Pos{File: "x.go", Line: 2, Col: 1}, Kind: Implements, Ext: true},
		},
		Runtime: []Ref{
			{To: Key{Pkg: "example.com/m/pay", Path: "Client"}, Pos: Pos{File: "x.go", Line: 3, Col: 1}, Kind: Convert, Encl: Key{Pkg: "example.com/m/pay", Path: "Charge"}},
			{To: Key{Pkg: "example.com/m/pay", Path: "Card"}, Pos: Pos{File: "x.go", Line: 4, Col: 6}, Kind: Element, Encl: Key{Pkg: "example.com/m/pay", Path: "Client"}},
		},
		Errors: []string{"x.go:1:1: undefined: y"},
	}
	data, err := encodeEntry(p)
	if err != nil {
		t.Fatal(err)
	}
	got, err := decodeEntry(data)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, p) {
		t.Errorf("round trip:\n got %+v\nwant %+v", got, p)
	}
	if _, err := decodeEntry(data[:len(data)/2]); err == nil {
		t.Error("truncated entry decoded without error")
	}
}
