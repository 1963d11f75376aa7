// This file is the one path that every change goes through (rm, rm -m,
// doctor -fix, the library's Remove): check the paths, then either show
// the change (a dry run) or apply it with txn.Begin, verify it inside the
// transaction, and Commit, or Rollback and say why.

package session

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sort"
	"strings"

	"github.com/goremover/goremover/internal/edit"
	"github.com/goremover/goremover/internal/load"
	"github.com/goremover/goremover/internal/report"
	"github.com/goremover/goremover/internal/txn"
)

// Change is a change to write.
type Change struct {
	WS     *load.WorkingSet
	Cwd    string // for the paths of messages
	Set    *edit.Set
	Meta   txn.Meta // what history says made it
	DryRun bool     // show the diff, write nothing
	// Verify, if set, checks the applied change inside the transaction;
	// a *CheckFailure means the change is wrong (rolled back, exit 1).
	Verify  func(ctx context.Context) error
	Checked string // what Applied.Verified says when Verify passes
}

// CheckFailure is a verification that found the change wrong.
type CheckFailure struct {
	Msg   string   // e.g. "verification (typecheck) failed (2 new errors)"
	Lines []string // what broke, one per line
}

func (e *CheckFailure) Error() string { return e.Msg }

// Applied is what Apply did.
type Applied struct {
	Snapshot  string // "" for a dry run
	Files     []FileChange
	Verified  string
	Diff      string // a dry run's unified diff
	Conflicts []ConflictInfo
}

// FileChange is a file of a change.
type FileChange struct {
	Module string `json:"module,omitempty"` // set in a workspace
	File   string `json:"file"`             // relative to the module (or workspace) root
	Action string `json:"action"`           // edit, delete, create
}

// ConflictInfo is a path a rollback kept because someone changed it.
type ConflictInfo struct {
	File  string `json:"file"`
	Saved string `json:"saved,omitempty"`
	Why   string `json:"why"`
}

// Apply runs c. A dry run returns the diff and writes nothing. Otherwise
// Apply applies, verifies and commits; on a failed verification it rolls
// back and returns a *BlockedError whose Lines say what broke; on a
// signal (ctx cancelled) it rolls back and returns the cause. Either way
// the message says what happened to the tree.
func Apply(ctx context.Context, c *Change) (*Applied, error) {
	// A dry run and an apply refuse the same paths.
	if err := txn.Check(c.WS.Root, c.Set); err != nil {
		return nil, c.relErr(err)
	}
	a := &Applied{Files: Files(c.WS, c.Set)}
	if c.DryRun {
		var b strings.Builder
		if err := edit.Diff(&b, c.WS.Root, c.Set); err != nil {
			return nil, err
		}
		a.Diff = b.String()
		return a, nil
	}
	tx, err := txn.Begin(ctx, c.WS.Root, c.Set, c.Meta, ModFiles(c.WS))
	if err != nil {
		return nil, c.relErr(err)
	}
	a.Snapshot = tx.Snapshot().ID
	var verr error
	if c.Verify != nil {
		verr = c.Verify(ctx)
	}
	if verr == nil && ctx.Err() == nil {
		if err := tx.Commit(); err != nil {
			return nil, c.relErr(err)
		}
		a.Verified = c.Checked
		return a, nil
	}
	snap, rerr := tx.Rollback()
	if rerr != nil {
		if verr == nil {
			verr = context.Cause(ctx)
		}
		return a, fmt.Errorf("%v; %v", verr, rerr)
	}
	restored := c.restored(snap, a)
	if ctx.Err() != nil {
		return a, fmt.Errorf("%v; %s", context.Cause(ctx), restored)
	}
	var fail *CheckFailure
	if errors.As(verr, &fail) {
		return a, &BlockedError{Msg: fail.Msg + "; " + restored, Lines: fail.Lines}
	}
	return a, fmt.Errorf("%v; %s", verr, restored)
}

// Files describes the files of set as the JSON shapes do.
func Files(ws *load.WorkingSet, set *edit.Set) []FileChange {
	out := []FileChange{}
	for _, f := range set.Files() {
		mod, rel := ws.Rel(f.Path)
		if ws.Work == "" {
			mod = ""
		} else if mod == "" {
			rel = RelPath(ws.Root, f.Path)
		}
		out = append(out, FileChange{Module: mod, File: rel, Action: f.Action()})
	}
	return out
}

// ModFiles returns the module files every snapshot keeps: go.mod, go.sum,
// go.work, go.work.sum and vendor/modules.txt.
func ModFiles(ws *load.WorkingSet) []string {
	var out []string
	for _, m := range ws.Modules {
		for _, n := range []string{"go.mod", "go.sum", filepath.Join("vendor", "modules.txt")} {
			out = append(out, filepath.Join(m.Dir, n))
		}
	}
	if ws.Work != "" {
		out = append(out, ws.Work, ws.Work+".sum")
	}
	sort.Strings(out)
	return out
}

// restored says what a rollback did to the tree, listing the paths it
// kept because someone changed them meanwhile (also put in a).
func (c *Change) restored(snap *txn.Snapshot, a *Applied) string {
	if len(snap.Conflicts) == 0 {
		return fmt.Sprintf("the snapshot %s is restored, nothing changed", snap.ID)
	}
	var lines []string
	for _, k := range snap.Conflicts {
		lines = append(lines, ConflictLine(c.Cwd, c.WS.Root, k))
		a.Conflicts = append(a.Conflicts, ConflictInfo{File: k.File, Saved: k.Saved, Why: k.Reason})
	}
	return fmt.Sprintf("the snapshot %s is restored except %s changed meanwhile and kept as %s:\n\t%s",
		snap.ID, report.Plural(len(lines), "path"), pick(len(lines) == 1, "it is", "they are"), strings.Join(lines, "\n\t"))
}

// relErr makes the paths of txn's path errors relative to cwd.
func (c *Change) relErr(err error) error {
	var pe *txn.PathError
	if errors.As(err, &pe) {
		return fmt.Errorf("%s: %s", RelPath(c.Cwd, filepath.Join(pe.Root, filepath.FromSlash(pe.Path))), pe.Msg)
	}
	return err
}
