package edit

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

func TestDiff(t *testing.T) {
	root := t.TempDir()
	var s Set
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(s.Add(&File{Path: filepath.Join(root, "a.go"), Old: []byte("package a\n\nfunc F() {}\n\nfunc G() {}\n"), New: []byte("package a\n\nfunc G() {}\n"), Mode: 0o644}))
	must(s.Add(&File{Path: filepath.Join(root, "sub", "b.go"), Old: []byte("package sub\n"), Mode: 0o644}))
	must(s.Add(&File{Path: filepath.Join(root, "c.sh"), New: []byte("echo hi\n"), Mode: 0o755}))
	// No-op changes are dropped; identical ones merge; different ones conflict.
	must(s.Add(&File{Path: filepath.Join(root, "same.go"), Old: []byte("x"), New: []byte("x")}))
	must(s.Add(&File{Path: filepath.Join(root, "sub", "b.go"), Old: []byte("package sub\n"), Mode: 0o644}))
	if err := s.Add(&File{Path: filepath.Join(root, "a.go"), Old: []byte("x"), New: []byte("y")}); err == nil {
		t.Errorf("conflicting change accepted")
	}
	if s.Len() != 3 {
		t.Fatalf("Len = %d, want 3", s.Len())
	}
	var out bytes.Buffer
	must(Diff(&out, root, &s))
	want := `diff --git a/a.go b/a.go
--- a/a.go
+++ b/a.go
@@ -1,5 +1,3 @@
 package a
 
-func F() {}
-
 func G() {}
diff --git a/c.sh b/c.sh
new file mode 100755
--- /dev/null
+++ b/c.sh
@@ -0,0 +1,1 @@
+echo hi
diff --git a/sub/b.go b/sub/b.go
deleted file mode 100644
--- a/sub/b.go
+++ /dev/null
@@ -1,1 +0,0 @@
-package sub
`
	if out.String() != want {
		t.Errorf("Diff:\n%s\nwant:\n%s", out.String(), want)
	}

	// git apply takes it.
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("no git")
	}
	must(os.WriteFile(filepath.Join(root, "a.go"), []byte("package a\n\nfunc F() {}\n\nfunc G() {}\n"), 0o644))
	must(os.MkdirAll(filepath.Join(root, "sub"), 0o755))
	must(os.WriteFile(filepath.Join(root, "sub", "b.go"), []byte("package sub\n"), 0o644))
	cmd := exec.Command("git", "apply", "--check", "-")
	cmd.Dir = root
	cmd.Stdin = bytes.NewReader(out.Bytes())
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Errorf("git apply --check: %v\n%s", err, b)
	}
}
