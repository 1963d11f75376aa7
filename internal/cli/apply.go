// This file holds the JSON every command that writes prints; the writing
// itself is session.Apply, the one path every change takes.

package cli

import (
	"context"
	"fmt"
	"strings"

	"github.com/goremover/goremover/internal/edit"
	"github.com/goremover/goremover/internal/report"
	"github.com/goremover/goremover/internal/session"
	"github.com/goremover/goremover/internal/txn"
	"github.com/goremover/goremover/internal/verify"
)

// applyResult is the JSON every writing command prints (the SPEC's
// shape); commands embed it and add their own fields.
type applyResult struct {
	Snapshot  string                 `json:"snapshot"`
	Removed   []string               `json:"removed"`
	Files     []session.FileChange   `json:"files"`
	Verified  string                 `json:"verified"`
	DryRun    bool                   `json:"dry_run,omitempty"`
	Diff      string                 `json:"diff,omitempty"`
	Conflicts []session.ConflictInfo `json:"conflicts,omitempty"`
}

func newApplyResult() applyResult {
	return applyResult{Removed: []string{}, Files: []session.FileChange{}}
}

// set fills r from what session.Apply did.
func (r *applyResult) set(a *session.Applied, dryRun bool) {
	if a == nil {
		return
	}
	r.Snapshot, r.Files, r.Verified, r.Conflicts = a.Snapshot, a.Files, a.Verified, a.Conflicts
	if dryRun {
		r.DryRun, r.Diff = true, a.Diff
	}
}

// applyRemoval shows (dryRun) or applies a computed code removal,
// verified in mode: what rm and prune share after computing their change.
func applyRemoval(ctx context.Context, sess *session.Session, set *edit.Set, meta txn.Meta, dryRun bool, mode verify.Mode) (*session.Applied, error) {
	if !dryRun && AfterCompute != nil {
		AfterCompute(set)
	}
	return sess.ApplyVerified(ctx, set, meta, dryRun, mode)
}

// printSummary prints the last line of an applied removal: the files,
// the verification and the snapshot to roll back to.
func (r *applyResult) printSummary() {
	counts := map[string]int{}
	for _, f := range r.Files {
		counts[f.Action]++
	}
	var parts []string
	for _, a := range [][2]string{{"edit", "edited"}, {"delete", "deleted"}, {"create", "created"}} {
		if counts[a[0]] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", counts[a[0]], a[1]))
		}
	}
	fmt.Fprintf(Stdout, "%s changed (%s); verified: %s; snapshot %s (undo: goremover rollback %s)\n",
		report.Plural(len(r.Files), "file"), strings.Join(parts, ", "), r.Verified, r.Snapshot, r.Snapshot)
}
