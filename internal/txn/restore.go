// This file holds everything that puts a tree back: restoreTree, and the
// operations built on it, Recover, Restore (rollback) and Abandon, plus
// History.

package txn

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
)

func interrupted(state string) bool {
	return state == stateApplying || state == stateRollingBack
}

// History lists the snapshots under root, oldest first, and the snapshot
// directories it ignored (see Recovery.Ignored).
func History(root string) ([]*Snapshot, []string, error) {
	root, err := cleanRoot(root)
	if err != nil {
		return nil, nil, err
	}
	s, err := openState(root)
	if err != nil {
		return nil, nil, err
	}
	defer s.close()
	es, ignored, err := s.snapshots()
	if err != nil {
		return nil, nil, err
	}
	out := make([]*Snapshot, 0, len(es))
	for _, e := range es {
		if e.rec != nil && e.state() != "" {
			out = append(out, e.rec.snapshot(e.state()))
		}
	}
	return out, ignored, nil
}

// Recovery is what Recover did.
type Recovery struct {
	// Restored lists the interrupted applies (and rollbacks) it
	// restored, newest first, each with its Conflicts.
	Restored []*Snapshot
	// Ignored lists, one message each, the snapshot directories that
	// goremover did not write for this user (their MAC does not
	// verify): they are left alone.
	Ignored []string
}

// Conflicts returns every conflict of the restored snapshots.
func (r *Recovery) Conflicts() []Conflict {
	var out []Conflict
	for _, s := range r.Restored {
		out = append(out, s.Conflicts...)
	}
	return out
}

// Recover restores an apply (or a rollback) that was interrupted — crash,
// kill -9, power loss — at any instant, as its journal shows: the tree
// goes back byte-identical to before that apply (created files and
// directories removed, deleted files and directories recreated, modes
// restored), except paths someone changed since (Conflicts); an
// interrupted rollback is finished. Every goremover command calls it
// first.
//
// Recover writes nothing, and does not create root/.goremover, when no
// journal is interrupted and no snapshot is partial. Otherwise it takes
// the lock; if another live process holds it, what Recover saw is that
// process's work in progress, and Recover does nothing.
func Recover(root string) (*Recovery, error) {
	resetWrites()
	root, err := cleanRoot(root)
	if err != nil {
		return nil, err
	}
	s, err := openState(root)
	if err != nil {
		return nil, err
	}
	defer s.close()
	es, ignored, err := s.snapshots()
	if err != nil {
		return nil, err
	}
	rc := &Recovery{Ignored: ignored}
	todo := false
	for _, e := range es {
		todo = todo || e.state() == "" || interrupted(e.state())
	}
	if !todo {
		return rc, nil
	}
	lk, err := s.lock(0)
	var locked *LockedError
	if errors.As(err, &locked) {
		return rc, nil
	}
	if err != nil {
		return nil, err
	}
	defer lk.unlock()
	restored, err := s.recoverLocked()
	rc.Restored = restored
	return rc, err
}

// recoverLocked restores every interrupted snapshot, newest first, and
// removes the directories of snapshots that never got a journal. The
// caller holds the lock.
func (s *state) recoverLocked() ([]*Snapshot, error) {
	es, _, err := s.snapshots()
	if err != nil {
		return nil, err
	}
	var restored []*Snapshot
	for i := len(es) - 1; i >= 0; i-- {
		e := es[i]
		if e.state() == "" {
			// Crashed while writing the snapshot: the tree was not
			// touched yet.
			if err := step(func() error { return s.d.RemoveAll("snapshots/" + e.id) }); err != nil {
				return restored, err
			}
			continue
		}
		if !interrupted(e.state()) {
			continue
		}
		cs, err := s.restoreTree(e.rec, false)
		if err != nil {
			return restored, &RecoveryError{ID: e.id, Err: err}
		}
		final := stateRecovered
		if e.state() == stateRollingBack {
			final = stateRolledBack
		}
		if err := e.j.append(final); err != nil {
			return restored, err
		}
		snap := e.rec.snapshot(final)
		snap.Conflicts = cs
		restored = append(restored, snap)
	}
	return restored, nil
}

// Restore puts back the files of snapshot id ("" = the latest applied
// one), as 'goremover rollback' does, and returns it. Unless force, it
// refuses with a *ModifiedError if any file changed since the apply (its
// content is neither what the apply wrote nor, already, the original).
// With force, such a file gets the snapshot's version, and the one it had
// is kept under .goremover/conflicts/ID/ (a Conflict with Forced set);
// what cannot be replaced (a directory where a file was) is kept as it
// is.
func Restore(root, id string, force bool) (*Snapshot, error) {
	s, done, err := locked(root, id)
	if err != nil {
		return nil, err
	}
	defer done()
	if _, err := s.recoverLocked(); err != nil {
		return nil, err
	}
	e, err := s.find(id, func(e *entry) bool { return e.state() == stateApplied })
	if err != nil {
		return nil, err
	}
	if e.state() != stateApplied {
		return nil, fmt.Errorf("snapshot %s is %s; nothing to roll back", e.id, e.state())
	}
	if !force {
		var mod []string
		for _, f := range e.rec.Files {
			ps, err := s.stat(f.File)
			if err != nil {
				return nil, err
			}
			if !ps.is(f.After) && !ps.is(f.Before) {
				mod = append(mod, f.File)
			}
		}
		if len(mod) > 0 {
			return nil, &ModifiedError{ID: e.id, Paths: mod}
		}
	}
	if err := e.j.append(stateRollingBack); err != nil {
		return nil, err
	}
	cs, err := s.restoreTree(e.rec, force)
	if err != nil {
		return nil, &RecoveryError{ID: e.id, Err: err}
	}
	if err := e.j.append(stateRolledBack); err != nil {
		return nil, err
	}
	snap := e.rec.snapshot(stateRolledBack)
	snap.Conflicts = cs
	return snap, nil
}

// Abandon ends the interrupted apply or rollback id without restoring
// anything: the files stay as they are, and the journal says
// "abandoned". It is the way out of a recovery that cannot finish.
func Abandon(root, id string) (*Snapshot, error) {
	s, done, err := locked(root, id)
	if err != nil {
		return nil, err
	}
	defer done()
	e, err := s.find(id, nil)
	if err != nil {
		return nil, err
	}
	if !interrupted(e.state()) {
		return nil, fmt.Errorf("snapshot %s is %s, not interrupted; nothing to abandon", e.id, e.state())
	}
	if err := e.j.append(stateAbandoned); err != nil {
		return nil, err
	}
	return e.rec.snapshot(stateAbandoned), nil
}

// locked opens root's state and takes its lock, for an operation on an
// existing snapshot (id, or the latest if ""); done releases both.
func locked(root, id string) (s *state, done func(), err error) {
	resetWrites()
	if root, err = cleanRoot(root); err != nil {
		return nil, nil, err
	}
	if s, err = openState(root); err != nil {
		return nil, nil, err
	}
	if s.d == nil {
		s.close()
		return nil, nil, &NotFoundError{ID: id}
	}
	lk, err := s.lock(lockWait)
	if err != nil {
		s.close()
		return nil, nil, err
	}
	return s, func() { lk.unlock(); s.close() }, nil
}

// find returns snapshot id, or if id is "", the latest snapshot for
// which latest returns true.
func (s *state) find(id string, latest func(*entry) bool) (*entry, error) {
	es, _, err := s.snapshots()
	if err != nil {
		return nil, err
	}
	for i := len(es) - 1; i >= 0; i-- {
		e := es[i]
		if e.rec == nil || e.state() == "" {
			continue
		}
		if id == "" && latest != nil && latest(e) || id != "" && e.id == id {
			return e, nil
		}
	}
	return nil, &NotFoundError{ID: id}
}

// restoreTree drives every path of rec to its state before the apply,
// skipping what is already there, so that it is correct after any prefix
// of the apply's writes (or of an earlier restore's) and idempotent:
//
//  1. recreate the removed directories, shallowest first, with their modes;
//  2. put back each file that existed (temp file, fsync, rename) if it
//     holds what the apply wrote, and its mode;
//  3. remove each file that did not exist if it holds what the apply
//     wrote, and leftover temp files;
//  4. remove the created directories, deepest first, if empty;
//  5. fsync the directories touched.
//
// A path that holds something else is someone else's (5 in the package
// comment): it is kept, its snapshot version saved under
// .goremover/conflicts/ID/, and returned as a Conflict. With force, a
// regular file is replaced anyway and its bytes saved there instead.
// go.sum and go.work.sum, which the go command rewrites on its own when
// goremover runs it, are always put back when the apply did not edit them.
func (s *state) restoreTree(rec *record, force bool) ([]Conflict, error) {
	var cs []Conflict
	dirs := map[string]bool{}
	conflict := func(f fileRec, ps *pathState, why string) error {
		c := Conflict{File: f.File, Reason: why}
		if f.Before != nil {
			data, err := s.blob(rec.ID, f.File, f.Before.Hash)
			if err != nil {
				return err
			}
			if c.Saved, err = s.saveConflict(rec.ID, f.File, data); err != nil {
				return err
			}
		}
		cs = append(cs, c)
		return nil
	}
	blocked := map[string]string{} // directory → why its files cannot be restored
	for _, d := range rec.RemovedDirs {
		name := filepath.FromSlash(d.Dir)
		fi, err := s.r.Lstat(name)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			if err := step(func() error { return s.mkdir(d.Dir, d.Mode, d.UID, d.GID) }); err != nil {
				if shapeError(err) {
					blocked[d.Dir] = "its directory cannot be recreated: " + errMsg(err)
					continue
				}
				return nil, err
			}
			dirs[path.Dir(d.Dir)] = true
		case err != nil && shapeError(err):
			blocked[d.Dir] = "its directory cannot be recreated: " + errMsg(err)
		case err != nil:
			return nil, err
		case !fi.IsDir():
			blocked[d.Dir] = d.Dir + " is not a directory any more"
		case fi.Mode()&fs.ModePerm != d.Mode:
			if err := step(func() error { return s.r.Chmod(name, d.Mode) }); err != nil {
				return nil, err
			}
		}
	}
	isBlocked := func(rel string) string {
		for d := path.Dir(rel); d != "."; d = path.Dir(d) {
			if why, ok := blocked[d]; ok {
				return why
			}
		}
		return ""
	}
	for _, f := range rec.Files {
		tmp := filepath.FromSlash(tmpName(f.File, rec.ID))
		if fi, err := s.r.Lstat(tmp); err == nil && fi.Mode().IsRegular() {
			if err := step(func() error { return s.r.Remove(tmp) }); err != nil {
				return nil, err
			}
			dirs[path.Dir(f.File)] = true
		}
		if why := isBlocked(f.File); why != "" {
			if err := conflict(f, &pathState{}, why); err != nil {
				return nil, err
			}
			continue
		}
		ps, err := s.stat(f.File)
		if err != nil {
			if shapeError(err) {
				if err := conflict(f, ps, errMsg(err)); err != nil {
					return nil, err
				}
				continue
			}
			return nil, err
		}
		if ps.is(f.Before) {
			if ps.exists && ps.fi.Mode()&fs.ModePerm != f.Before.Mode {
				if err := step(func() error { return s.r.Chmod(filepath.FromSlash(f.File), f.Before.Mode) }); err != nil {
					return nil, err
				}
			}
			continue
		}
		ours := ps.is(f.After) || f.Action == "" && goMaintained(f.File)
		if !ours && !(force && (ps.regular || !ps.exists)) {
			if err := conflict(f, ps, ps.what()); err != nil {
				return nil, err
			}
			continue
		}
		if !ours && ps.regular {
			// Forced: keep what is there beside the tree.
			saved, err := s.saveConflict(rec.ID, f.File, ps.data)
			if err != nil {
				return nil, err
			}
			cs = append(cs, Conflict{File: f.File, Saved: saved, Reason: ps.what(), Forced: true})
		}
		err = s.putBack(rec, f)
		if err != nil && shapeError(err) {
			if err := conflict(f, ps, errMsg(err)); err != nil {
				return nil, err
			}
			continue
		}
		if err != nil {
			return nil, err
		}
		dirs[path.Dir(f.File)] = true
	}
	for i := len(rec.CreatedDirs) - 1; i >= 0; i-- {
		d := rec.CreatedDirs[i].Dir
		fi, err := s.r.Lstat(filepath.FromSlash(d))
		if err != nil || !fi.IsDir() {
			continue
		}
		err = step(func() error { return s.r.Remove(filepath.FromSlash(d)) })
		if err != nil && !isNotEmpty(err) {
			return nil, err
		}
		delete(dirs, d)
		dirs[path.Dir(d)] = true
	}
	if err := s.syncDirs(dirs); err != nil {
		return nil, err
	}
	return cs, nil
}

// putBack gives f.File its before state: the snapshot's bytes, or no
// file.
func (s *state) putBack(rec *record, f fileRec) error {
	name := filepath.FromSlash(f.File)
	if f.Before == nil {
		err := step(func() error { return s.r.Remove(name) })
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		return err
	}
	data, err := s.blob(rec.ID, f.File, f.Before.Hash)
	if err != nil {
		return err
	}
	if dir := path.Dir(f.File); dir != "." {
		if _, err := s.r.Lstat(filepath.FromSlash(dir)); errors.Is(err, fs.ErrNotExist) {
			if err := step(func() error { return s.r.MkdirAll(filepath.FromSlash(dir), 0o755) }); err != nil {
				return err
			}
		}
	}
	return s.writeFile(f.File, rec.ID, data, f.Before)
}

// blob returns the snapshot's bytes with hash, checked.
func (s *state) blob(id, file, hash string) ([]byte, error) {
	data, err := s.readMine("snapshots/" + id + "/blobs/" + hash)
	if err != nil {
		return nil, err
	}
	if hashOf(data) != hash {
		return nil, fmt.Errorf("%s: snapshot copy is corrupt", file)
	}
	return data, nil
}

// saveConflict keeps data as .goremover/conflicts/ID/FILE and returns
// that path, relative to root.
func (s *state) saveConflict(id, file string, data []byte) (string, error) {
	name := "conflicts/" + id + "/" + file
	if err := step(func() error { return s.d.MkdirAll(path.Dir(name), 0o700) }); err != nil {
		return "", err
	}
	s.d.Remove(name) // an earlier, interrupted restore's copy
	if err := step(func() error { return writeNew(s.d, name, data, 0o600) }); err != nil {
		return "", err
	}
	return dotDir + "/" + name, nil
}

// goMaintained reports whether rel is a checksum file that the go
// command rewrites by itself (go.sum, go.work.sum): one that the apply
// did not edit but that changed is the go command's doing, while
// goremover ran it, not a user's edit.
func goMaintained(rel string) bool {
	base := path.Base(rel)
	return base == "go.sum" || base == "go.work.sum"
}

// Faults injects failures, for tests only: production code never sets
// it (nor reads the environment for it).
type Faults struct {
	// CrashAfter, if > 0: after the k-th write to disk during Apply,
	// Recover or Restore (snapshot files, journal updates, temp files,
	// renames, deletes, mkdirs, chmods, directory removals all count),
	// the process kills itself with SIGKILL.
	CrashAfter int
	// FailAfter, if > 0: the k-th write fails with FailErr (default
	// syscall.ENOSPC) instead of being made.
	FailAfter int
	FailErr   error
	// SignalAfter, if > 0: after the k-th write the process sends
	// itself Signal, then waits briefly, as if a user or CI runner had
	// sent it at that instant.
	SignalAfter int
	Signal      os.Signal
}

// String describes f.
func (f Faults) String() string {
	var parts []string
	if f.CrashAfter > 0 {
		parts = append(parts, fmt.Sprintf("crash after %d", f.CrashAfter))
	}
	if f.FailAfter > 0 {
		parts = append(parts, fmt.Sprintf("fail %d", f.FailAfter))
	}
	if f.SignalAfter > 0 {
		parts = append(parts, fmt.Sprintf("%v after %d", f.Signal, f.SignalAfter))
	}
	return strings.Join(parts, ", ")
}
