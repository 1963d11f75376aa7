package main

import (
	"bytes"
	"os"
	"testing"

	"github.com/goremover/goremover/internal/cli"
)

// TestDocs checks that doc.go is what the Command values generate; with
// -update it rewrites it:
//
//	go test ./cmd/goremover -run TestDocs -update
func TestDocs(t *testing.T) {
	var want bytes.Buffer
	if err := cli.Documentation(&want); err != nil {
		t.Fatal(err)
	}
	if *update {
		if err := os.WriteFile("doc.go", want.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	got, err := os.ReadFile("doc.go")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want.Bytes()) {
		t.Fatal("doc.go is stale; to regenerate it:\n\tgo test ./cmd/goremover -run TestDocs -update")
	}
}
