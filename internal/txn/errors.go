package txn

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
)

// ChangedError reports a file that changed between analysis and write
// (or a file to create that exists). Nothing was written.
type ChangedError struct {
	Path string // slash-separated, relative to root
}

func (e *ChangedError) Error() string {
	return e.Path + ": changed since it was read; run goremover again"
}

// PathError reports a path of a change that goremover will not write:
// outside the root, inside .goremover, through a symbolic link that
// leaves the root, or not a regular file. Nothing was written.
type PathError struct {
	Path string // slash-separated, relative to root (may start with ..)
	Root string // the root, absolute
	Msg  string
}

func (e *PathError) Error() string { return e.Path + ": " + e.Msg }

// StateError reports that .goremover, or a file or directory in it, is
// not goremover's own: a symbolic link, a file where a directory should
// be, or something another user owns. goremover does not use it, and
// touches nothing, until the user deletes it.
type StateError struct {
	Path    string // slash-separated, relative to root, e.g. ".goremover/lock"
	Problem string // e.g. "is a symbolic link"
}

func (e *StateError) Error() string {
	return fmt.Sprintf("%s %s, so it is not goremover's own; delete it (rm -r %s) and run goremover again", e.Path, e.Problem, e.Path)
}

// KeyError reports that the per-user key that authenticates snapshots
// cannot be read or created.
type KeyError struct {
	Path string
	Err  error
}

func (e *KeyError) Error() string {
	if e.Path == "" {
		return fmt.Sprintf("cannot keep goremover's snapshot key: %v", e.Err)
	}
	return fmt.Sprintf("%s: cannot use goremover's snapshot key: %v", e.Path, e.Err)
}

func (e *KeyError) Unwrap() error { return e.Err }

// LockedError reports that another goremover holds root/.goremover/lock.
type LockedError struct {
	Path string // the lock file
	Pid  int    // the pid written in the lock file, 0 if unknown
}

func (e *LockedError) Error() string {
	who := "another goremover process"
	if e.Pid > 0 {
		who = fmt.Sprintf("goremover process %d", e.Pid)
	}
	return fmt.Sprintf("%s: locked by %s; wait for it to finish, then run goremover again", e.Path, who)
}

// ModifiedError reports files that changed since the apply a rollback
// would undo: restoring would lose those changes.
type ModifiedError struct {
	ID    string   // the snapshot
	Paths []string // slash-separated, relative to root, sorted
}

func (e *ModifiedError) Error() string {
	if len(e.Paths) == 1 {
		return fmt.Sprintf("%s: changed since snapshot %s was applied; to restore it anyway (your version is kept under .goremover/conflicts):\n\tgoremover rollback -force %s", e.Paths[0], e.ID, e.ID)
	}
	return fmt.Sprintf("%d files changed since snapshot %s was applied:\n\t%s\nto restore them anyway (your versions are kept under .goremover/conflicts):\n\tgoremover rollback -force %s",
		len(e.Paths), e.ID, strings.Join(e.Paths, "\n\t"), e.ID)
}

// WriteError reports an I/O failure during an apply. The tree was
// restored from the snapshot unless Restore is non-nil.
type WriteError struct {
	Path    string // slash-separated, relative to root
	Err     error
	Restore error // the error that stopped the restore, or nil
	// Conflicts lists the paths the restore kept as someone else left
	// them (see Conflict).
	Conflicts []Conflict
}

func (e *WriteError) Error() string {
	switch {
	case e.Restore != nil:
		return fmt.Sprintf("%s: %v; restoring the snapshot failed too: %v; the next goremover command will retry", e.Path, errMsg(e.Err), e.Restore)
	case len(e.Conflicts) > 0:
		return fmt.Sprintf("%s: %v; the snapshot is restored except %s", e.Path, errMsg(e.Err), conflictSummary(e.Conflicts))
	}
	return fmt.Sprintf("%s: %v; nothing was changed", e.Path, errMsg(e.Err))
}

func (e *WriteError) Unwrap() error { return e.Err }

// InterruptedError reports an apply stopped by its context (a signal)
// before it was committed: the tree was restored from the snapshot,
// except any Conflicts.
type InterruptedError struct {
	ID        string
	Cause     error // context.Cause of the context
	Conflicts []Conflict
}

func (e *InterruptedError) Error() string {
	if len(e.Conflicts) > 0 {
		return fmt.Sprintf("%v; the snapshot %s is restored except %s", e.Cause, e.ID, conflictSummary(e.Conflicts))
	}
	return fmt.Sprintf("%v; the snapshot %s is restored, nothing changed", e.Cause, e.ID)
}

func (e *InterruptedError) Unwrap() error { return e.Cause }

// RecoveryError reports an interrupted apply that recovery could not
// finish: every command fails with it until the cause is fixed or the
// journal is abandoned.
type RecoveryError struct {
	ID  string
	Err error
}

func (e *RecoveryError) Error() string {
	return fmt.Sprintf("restoring interrupted apply %s: %v; fix that and run goremover again, or keep the files as they are and end it:\n\tgoremover rollback -abandon %s", e.ID, errMsg(e.Err), e.ID)
}

func (e *RecoveryError) Unwrap() error { return e.Err }

// NotFoundError reports an unknown snapshot id.
type NotFoundError struct{ ID string }

func (e *NotFoundError) Error() string {
	if e.ID == "" {
		return "no applied snapshot to roll back; see 'goremover history'"
	}
	return fmt.Sprintf("no snapshot %s; see 'goremover history'", e.ID)
}

// Conflict is a path that a restore did not put back: it held neither
// the original bytes nor the bytes goremover wrote, so somebody else
// changed it (an editor, the user, a tool) and it is theirs. It is kept
// as it is, and the snapshot's version is saved beside the tree, unless
// the restore was forced: then the snapshot's version is in the tree
// and the other one is saved.
type Conflict struct {
	File   string // slash-separated, relative to root
	Saved  string // the version not in the tree, relative to root; "" if that version is "no file"
	Reason string // why, e.g. "changed since the apply"
	Forced bool   // the snapshot's version was put in the tree anyway
}

func conflictSummary(cs []Conflict) string {
	var b strings.Builder
	if len(cs) == 1 {
		b.WriteString("1 path changed meanwhile, kept as it is:")
	} else {
		fmt.Fprintf(&b, "%d paths changed meanwhile, kept as they are:", len(cs))
	}
	for _, c := range cs {
		b.WriteString("\n\t" + c.String())
	}
	return b.String()
}

// String describes c on one line.
func (c Conflict) String() string {
	s := c.File + " (" + c.Reason
	switch {
	case c.Forced && c.Saved != "":
		s += "; replaced, the version that was there is in " + c.Saved
	case c.Saved != "":
		s += "; the snapshot's version is in " + c.Saved
	}
	return s + ")"
}

// errMsg drops the path a *fs.PathError repeats.
func errMsg(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Op + ": " + pe.Err.Error()
	}
	var le *os.LinkError
	if errors.As(err, &le) {
		return le.Op + ": " + le.Err.Error()
	}
	return err.Error()
}
