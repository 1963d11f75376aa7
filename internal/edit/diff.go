package edit

import (
	"bytes"
	"fmt"
	"io"
	"path/filepath"

	"github.com/rogpeppe/go-internal/diff"
)

// Diff writes the set as a git-style unified diff, with paths relative to
// root: "diff --git a/x b/x", mode lines for created and deleted files,
// "--- a/x" / "+++ /dev/null" for deletions. git apply accepts it.
func Diff(w io.Writer, root string, s *Set) error {
	var buf bytes.Buffer
	for _, f := range s.Files() {
		rel, err := filepath.Rel(root, f.Path)
		if err != nil {
			rel = f.Path
		}
		rel = filepath.ToSlash(rel)
		a, b := "a/"+rel, "b/"+rel
		fmt.Fprintf(&buf, "diff --git %s %s\n", a, b)
		switch f.Action() {
		case "create":
			fmt.Fprintf(&buf, "new file mode %s\n", gitMode(f))
			a = "/dev/null"
		case "delete":
			fmt.Fprintf(&buf, "deleted file mode %s\n", gitMode(f))
			b = "/dev/null"
		}
		if len(f.Old) == 0 && len(f.New) == 0 {
			continue // an empty file created or deleted: headers only, as git
		}
		d := diff.Diff(a, f.Old, b, f.New)
		// Drop diff's own "diff a b" first line; keep ---/+++ and hunks.
		if i := bytes.IndexByte(d, '\n'); i >= 0 && bytes.HasPrefix(d, []byte("diff ")) {
			d = d[i+1:]
		}
		buf.Write(d)
	}
	_, err := w.Write(buf.Bytes())
	return err
}

func gitMode(f *File) string {
	if f.Mode&0o111 != 0 {
		return "100755"
	}
	return "100644"
}
