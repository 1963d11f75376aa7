package goremover_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/goremover/goremover"
)

// module writes a small module to a new directory.
func module(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	t.Setenv("XDG_CONFIG_HOME", filepath.Join(t.TempDir(), "config"))
	files := map[string]string{
		"go.mod": "module example.com/m\n\ngo 1.22\n",
		"pay/pay.go": `package pay

// Charge charges.
func Charge() int { return helper() }

// Refund is used by nothing.
func Refund() int { return refundHelper() }

func helper() int { return 1 }

func refundHelper() int { return 2 }
`,
		"pay/pay_windows.go": "package pay\n\nvar _ = Charge()\n",
		"pay/client.go":      "package pay\n\n// Client pays.\ntype Client struct{ Name string }\n\nfunc New() *Client { return &Client{} }\n",
		"use/use.go":         "package use\n\nimport \"example.com/m/pay\"\n\nfunc Use() string { return pay.New().Name }\n",
		"main.go":            "package main\n\nimport \"example.com/m/pay\"\n\nfunc main() { pay.Charge() }\n",
	}
	for name, data := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestSession(t *testing.T) {
	dir := module(t)
	ctx := context.Background()
	s, err := goremover.Open(ctx, &goremover.Options{Dir: dir, CacheDir: "off"})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ts, err := s.Impact(ctx, "./pay.Charge", "./pay.Refund")
	if err != nil {
		t.Fatal(err)
	}
	charge, refund := ts[0], ts[1]
	if charge.Safe || charge.Kind != "func" || charge.Decl == nil || charge.Decl.File != "pay/pay.go" {
		t.Errorf("Charge = %+v", charge)
	}
	var windows bool
	for _, r := range charge.Refs {
		if r.File == "pay/pay_windows.go" && strings.Join(r.Platforms, ",") == "windows/*" {
			windows = true
		}
	}
	if !windows {
		t.Errorf("Charge: no reference from pay_windows.go: %+v", charge.Refs)
	}
	if !refund.Safe {
		t.Errorf("Refund = %+v, want safe", refund)
	}
	// A type's references are those of its name; the uses of its fields
	// are its members.
	ts, err = s.Impact(ctx, "./pay.Client")
	if err != nil {
		t.Fatal(err)
	}
	if c := ts[0]; len(c.Members) != 1 || c.Members[0].Member != "Client.Name" || c.Members[0].File != "use/use.go" {
		t.Errorf("Client members = %+v", c.Members)
	}

	// Not safe: a BlockedError listing what keeps it; nothing written.
	_, err = s.Remove(ctx, []string{"./pay.Charge"}, nil)
	var be *goremover.BlockedError
	if !errors.As(err, &be) || len(be.Blocked) != 1 || len(be.Blocked[0].Refs) == 0 {
		t.Fatalf("Remove Charge = %v, want a BlockedError with its references", err)
	}

	// A dry run: the diff, nothing written.
	before, _ := os.ReadFile(filepath.Join(dir, "pay/pay.go"))
	r, err := s.Remove(ctx, []string{"./pay.Refund"}, &goremover.RemoveOptions{DryRun: true})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(r.Diff, "-func Refund() int") || !strings.Contains(r.Diff, "-func refundHelper() int") || r.Snapshot != "" {
		t.Errorf("dry run = %+v", r)
	}
	if after, _ := os.ReadFile(filepath.Join(dir, "pay/pay.go")); string(after) != string(before) {
		t.Fatal("a dry run wrote")
	}

	// The removal, verified, then rolled back.
	r, err = s.Remove(ctx, []string{"./pay.Refund"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if r.Snapshot == "" || r.Verified != "typecheck" || len(r.Files) != 1 || r.Files[0].Action != "edit" || len(r.Orphans) != 1 {
		t.Errorf("Remove = %+v", r)
	}
	if _, err := s.Impact(ctx, "./pay.Charge"); !errors.Is(err, goremover.ErrEnded) {
		t.Errorf("Impact after a Remove: %v, want ErrEnded", err)
	}
	if err := goremover.Rollback(dir, r.Snapshot, false); err != nil {
		t.Fatal(err)
	}
	if after, _ := os.ReadFile(filepath.Join(dir, "pay/pay.go")); string(after) != string(before) {
		t.Fatal("Rollback did not restore pay.go")
	}
}

func TestImpactModuleless(t *testing.T) {
	_, err := goremover.Impact(context.Background(), t.TempDir(), []string{"./x.Y"})
	if err == nil || !strings.Contains(err.Error(), "not in a Go module") {
		t.Errorf("Impact outside a module: %v", err)
	}
}

func TestPrune(t *testing.T) {
	dir := module(t)
	ctx := context.Background()
	s, err := goremover.Open(ctx, &goremover.Options{Dir: dir, CacheDir: "off"})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.Prune(ctx, nil, &goremover.PruneOptions{Kinds: []string{"uncertain"}}); err == nil || !strings.Contains(err.Error(), "never removed") {
		t.Errorf("Prune -kind uncertain: %v, want an error", err)
	}
	if _, err := s.Prune(ctx, []string{"./nope"}, nil); err == nil {
		t.Error("Prune of an unknown pattern: no error")
	}

	// A dry run: what is dead (Refund, which alone calls refundHelper;
	// package use, which nothing imports; New and Client, which only use
	// uses), as a diff; nothing written.
	before := readTree(t, dir)
	r, err := s.Prune(ctx, nil, &goremover.PruneOptions{DryRun: true})
	if err != nil {
		t.Fatal(err)
	}
	var pruned []string
	for _, f := range r.Pruned {
		pruned = append(pruned, f.Kind+" "+f.Name)
	}
	want := []string{"type Client", "func New", "func Refund", "func refundHelper", "package example.com/m/use"}
	if strings.Join(pruned, ", ") != strings.Join(want, ", ") {
		t.Errorf("pruned = %s, want %s", strings.Join(pruned, ", "), strings.Join(want, ", "))
	}
	if !strings.Contains(r.Diff, "-func Refund() int") || !strings.Contains(r.Diff, "deleted file mode") || r.Snapshot != "" || r.Rounds != 1 {
		t.Errorf("dry run = %+v", r)
	}
	if after := readTree(t, dir); after != before {
		t.Fatal("a dry run wrote")
	}

	// Functions only, in pay: New stays while package use, which is
	// not selected, calls it. Applied, verified, then rolled back.
	r, err = s.Prune(ctx, []string{"./pay"}, &goremover.PruneOptions{Kinds: []string{"func"}})
	if err != nil {
		t.Fatal(err)
	}
	if r.Snapshot == "" || r.Verified != "typecheck" || strings.Join(r.Removed, " ") != "example.com/m/pay.Refund example.com/m/pay.refundHelper" {
		t.Errorf("Prune = %+v", r)
	}
	if len(r.Skipped) != 1 || r.Skipped[0].Name != "New" || !strings.HasPrefix(r.Skipped[0].Skipped, "still used by Use at use/use.go:5:32") {
		t.Errorf("skipped = %+v, want New, still used by use.Use", r.Skipped)
	}
	if _, err := s.Prune(ctx, nil, nil); !errors.Is(err, goremover.ErrEnded) {
		t.Errorf("Prune after a Prune: %v, want ErrEnded", err)
	}
	if err := goremover.Rollback(dir, r.Snapshot, false); err != nil {
		t.Fatal(err)
	}
	if after := readTree(t, dir); after != before {
		t.Fatal("Rollback did not restore the tree")
	}
}

// readTree returns the names and contents of the files under dir, but
// .goremover.
func readTree(t *testing.T, dir string) string {
	t.Helper()
	var b strings.Builder
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			if d != nil && d.Name() == ".goremover" {
				return filepath.SkipDir
			}
			return err
		}
		data, err := os.ReadFile(p)
		b.WriteString(p + "\n" + string(data) + "\n")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return b.String()
}
