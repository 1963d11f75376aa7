// This file holds the JSON every command that writes prints; the writing
// itself is session.Apply, the one path every change takes.

package cli

import "github.com/goremover/goremover/internal/session"

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
