// This file restores the interrupted applies of a working set before
// anything reads it (safety contract: an interrupted apply is undone by
// the next command), wherever GOWORK put their snapshots.

package session

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/goremover/goremover/internal/load"
	"github.com/goremover/goremover/internal/report"
	"github.com/goremover/goremover/internal/txn"
)

// BlockedError reports that a command found what stops it: a target that
// is not safe, a failed verification (the tree restored), paths a
// recovery kept. It maps to exit status 1.
type BlockedError struct {
	Msg   string
	Lines []string // details to print before Msg, one per line (what broke)
}

func (e *BlockedError) Error() string { return e.Msg }

// SnapshotRoots returns the directories whose .goremover may hold an
// apply of this working set, whatever GOWORK said when it was made: the
// working set's root, each of its modules, and the nearest go.mod and
// go.work directories above cwd. ws may be nil.
func SnapshotRoots(cwd string, ws *load.WorkingSet) []string {
	var roots []string
	seen := map[string]bool{}
	add := func(d string) {
		if d != "" && !seen[d] {
			seen[d] = true
			roots = append(roots, d)
		}
	}
	if ws != nil {
		add(ws.Root)
		for _, m := range ws.Modules {
			add(m.Dir)
		}
	}
	for _, d := range load.Enclosing(cwd) {
		add(d)
	}
	return roots
}

// Recover restores every interrupted apply of the working set of cwd (ws
// may be nil) and tells say what it did and which records it ignored.
// Paths it kept because someone changed them since the apply make it
// return a *BlockedError naming them.
func Recover(cwd string, ws *load.WorkingSet, say func(string)) error {
	var kept []string
	for _, root := range SnapshotRoots(cwd, ws) {
		rc, err := txn.Recover(root)
		if err != nil {
			return RootError(cwd, root, err)
		}
		for _, msg := range rc.Ignored {
			say("warning: " + relTo(cwd, root, msg))
		}
		for _, s := range rc.Restored {
			n := report.Plural(len(s.Files), "file")
			if s.State == "rolled back" {
				say(fmt.Sprintf("finished interrupted rollback of %s (%s)", s.ID, n))
			} else {
				say(fmt.Sprintf("restored %s of interrupted apply %s", n, s.ID))
			}
			for _, c := range s.Conflicts {
				kept = append(kept, ConflictLine(cwd, root, c))
			}
		}
	}
	if len(kept) > 0 {
		return &BlockedError{Msg: fmt.Sprintf("the interrupted apply is restored except %s, changed since and kept as %s:\n\t%s",
			report.Plural(len(kept), "path"), pick(len(kept) == 1, "it is", "they are"), strings.Join(kept, "\n\t"))}
	}
	return nil
}

// ConflictLine describes c, a path under root, relative to cwd.
func ConflictLine(cwd, root string, c txn.Conflict) string {
	c.File = RelPath(cwd, filepath.Join(root, c.File))
	if c.Saved != "" {
		c.Saved = RelPath(cwd, filepath.Join(root, c.Saved))
	}
	return c.String()
}

// RootError makes a txn error about root's .goremover name its paths
// relative to cwd.
func RootError(cwd, root string, err error) error {
	if root == cwd {
		return err
	}
	return fmt.Errorf("%s: %w", RelPath(cwd, root), err)
}

// relTo rewrites a message that starts with a path relative to root so
// that it starts with the path relative to cwd.
func relTo(cwd, root, msg string) string {
	if root == cwd {
		return msg
	}
	return RelPath(cwd, root) + "/" + msg
}
