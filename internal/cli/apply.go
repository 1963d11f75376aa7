// This file is the one path that every command that writes takes (rm,
// rm -m, doctor -fix): check the paths, then either print the change
// (-n) or apply it with txn.Begin, verify it inside the transaction, and
// Commit, or Rollback and say why.

package cli

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/goremover/goremover/internal/report"

	"github.com/goremover/goremover/internal/edit"
	"github.com/goremover/goremover/internal/load"
	"github.com/goremover/goremover/internal/txn"
)

// applyResult is the JSON every writing command prints (the SPEC's
// shape); commands embed it and add their own fields.
type applyResult struct {
	Snapshot  string         `json:"snapshot"`
	Removed   []string       `json:"removed"`
	Files     []fileJSON     `json:"files"`
	Verified  string         `json:"verified"`
	DryRun    bool           `json:"dry_run,omitempty"`
	Diff      string         `json:"diff,omitempty"`
	Conflicts []conflictJSON `json:"conflicts,omitempty"`
}

type fileJSON struct {
	Module string `json:"module,omitempty"`
	File   string `json:"file"`
	Action string `json:"action"`
}

type conflictJSON struct {
	File  string `json:"file"`
	Saved string `json:"saved,omitempty"`
	Why   string `json:"why"`
}

// change is a change a command wants to write.
type change struct {
	ws      *load.WorkingSet
	cwd     string
	set     *edit.Set
	meta    txn.Meta
	dryRun  bool
	json    bool
	res     *applyResult
	verify  func(ctx context.Context) error // run inside the transaction; a *checkFailure blocks
	checked string                          // what res.Verified says when verify passes
}

// checkFailure is a verification that found the change wrong: its lines
// are printed, and the command exits 1 with the tree restored.
type checkFailure struct {
	msg   string
	lines []string
}

func (e *checkFailure) Error() string { return e.msg }

// apply runs c. With c.dryRun it prints the diff (or, with c.json, puts
// it in c.res) and writes nothing. Otherwise it applies, verifies and
// commits; on a failed verification or a signal it rolls back, and the
// error says what happened to the tree.
func apply(ctx context.Context, c *change) error {
	// -n and the apply refuse the same paths.
	if err := txn.Check(c.ws.Root, c.set); err != nil {
		return c.relErr(err)
	}
	c.res.Files = c.res.Files[:0]
	for _, f := range c.set.Files() {
		mod, rel := c.ws.Rel(f.Path)
		if c.ws.Work == "" {
			mod = ""
		} else if mod == "" {
			rel = relPath(c.ws.Root, f.Path)
		}
		c.res.Files = append(c.res.Files, fileJSON{Module: mod, File: rel, Action: f.Action()})
	}
	if c.dryRun {
		if !c.json {
			return edit.Diff(Stdout, c.ws.Root, c.set)
		}
		var b strings.Builder
		if err := edit.Diff(&b, c.ws.Root, c.set); err != nil {
			return err
		}
		c.res.DryRun, c.res.Diff = true, b.String()
		return nil
	}
	tx, err := txn.Begin(ctx, c.ws.Root, c.set, c.meta, modFiles(c.ws))
	if err != nil {
		return c.relErr(err)
	}
	id := tx.Snapshot().ID
	c.res.Snapshot = id
	var verr error
	if c.verify != nil {
		verr = c.verify(ctx)
	}
	if verr == nil && ctx.Err() == nil {
		if err := tx.Commit(); err != nil {
			return c.relErr(err)
		}
		c.res.Verified = c.checked
		return nil
	}
	snap, rerr := tx.Rollback()
	if rerr != nil {
		if verr == nil {
			verr = context.Cause(ctx)
		}
		return fmt.Errorf("%v; %v", verr, rerr)
	}
	restored := c.restored(snap)
	if ctx.Err() != nil {
		return fmt.Errorf("%v; %s", context.Cause(ctx), restored)
	}
	var fail *checkFailure
	if errors.As(verr, &fail) {
		for _, l := range fail.lines {
			fmt.Fprintf(Stderr, "\t%s\n", l)
		}
		return &BlockedError{Msg: fail.msg + "; " + restored}
	}
	return fmt.Errorf("%v; %s", verr, restored)
}

// restored says what a rollback did to the tree, listing the paths it
// kept because someone changed them meanwhile.
func (c *change) restored(snap *txn.Snapshot) string {
	if len(snap.Conflicts) == 0 {
		return fmt.Sprintf("the snapshot %s is restored, nothing changed", snap.ID)
	}
	var lines []string
	for _, k := range snap.Conflicts {
		lines = append(lines, conflictLine(c.cwd, c.ws.Root, k))
		c.res.Conflicts = append(c.res.Conflicts, conflictJSON{File: relPath(c.ws.Root, filepath.Join(c.ws.Root, k.File)), Saved: k.Saved, Why: k.Reason})
	}
	return fmt.Sprintf("the snapshot %s is restored except %s changed meanwhile and kept as %s:\n\t%s",
		snap.ID, report.Plural(len(lines), "path"), pick(len(lines) == 1, "it is", "they are"), strings.Join(lines, "\n\t"))
}

// relErr makes the paths of txn's path errors relative to cwd.
func (c *change) relErr(err error) error {
	var pe *txn.PathError
	if errors.As(err, &pe) {
		return fmt.Errorf("%s: %s", relPath(c.cwd, filepath.Join(pe.Root, filepath.FromSlash(pe.Path))), pe.Msg)
	}
	return err
}
