// This file holds goremover's own state under root/.goremover/: the lock,
// the snapshots and their journals, and the test-only fault injection.
//
//	.goremover/.gitignore                 "*": git ignores all of it
//	.goremover/lock                       flock(2)ed by Apply, Recover, Restore; holds the pid
//	.goremover/snapshots/ID/blobs/SHA256  bytes of each kept file version
//	.goremover/snapshots/ID/snapshot.json the record: each path's state before and after
//	.goremover/snapshots/ID/journal       one state per line, appended and fsynced

package txn

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

const dotDir = ".goremover"

var (
	errNotEmpty        = syscall.ENOTEMPTY
	errSyncUnsupported = syscall.EINVAL
)

// lockWait is how long Apply and Restore wait for the lock.
var lockWait = 3 * time.Second

type fileLock struct{ f *os.File }

// ensureDotDir creates root/.goremover with its .gitignore.
func ensureDotDir(root string) (string, error) {
	dir := filepath.Join(root, dotDir)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	gi := filepath.Join(dir, ".gitignore")
	if _, err := os.Lstat(gi); errors.Is(err, fs.ErrNotExist) {
		if err := os.WriteFile(gi, []byte("*\n"), 0o644); err != nil {
			return "", err
		}
	}
	return dir, nil
}

// lock takes root/.goremover/lock, polling for up to wait, and writes
// our pid in it. The lock is the open file description's: a process that
// dies, however, releases it.
func lock(root string, wait time.Duration) (*fileLock, error) {
	dir, err := ensureDotDir(root)
	if err != nil {
		return nil, err
	}
	p := filepath.Join(dir, "lock")
	f, err := os.OpenFile(p, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, err
	}
	deadline := time.Now().Add(wait)
	for {
		err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		if err == nil {
			break
		}
		if err == syscall.EINTR {
			continue
		}
		if err != syscall.EWOULDBLOCK {
			f.Close()
			return nil, &fs.PathError{Op: "flock", Path: p, Err: err}
		}
		if !time.Now().Before(deadline) {
			data, _ := os.ReadFile(p)
			pid, _ := strconv.Atoi(strings.TrimSpace(string(data)))
			f.Close()
			return nil, &LockedError{Path: filepath.ToSlash(filepath.Join(dotDir, "lock")), Pid: pid}
		}
		time.Sleep(50 * time.Millisecond)
	}
	if err := f.Truncate(0); err == nil {
		f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
	}
	return &fileLock{f}, nil
}

func (l *fileLock) unlock() { l.f.Close() }

// appendJournal appends state to sdir's journal and fsyncs it. The first
// append creates the journal, and fsyncs the directory too.
func appendJournal(sdir, state string) error {
	p := filepath.Join(sdir, "journal")
	_, statErr := os.Lstat(p)
	return step(func() error {
		f, err := os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
		if err != nil {
			return err
		}
		// One write of one short line: a torn append leaves a line
		// without its newline, which readJournal ignores.
		_, err = f.Write([]byte(state + "\n"))
		if err == nil {
			err = f.Sync()
		}
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err == nil && statErr != nil {
			err = syncDir(sdir)
		}
		return err
	})
}

// readJournal returns the last complete state of sdir's journal, "" if
// there is none (the snapshot never got to the point of writing the tree).
func readJournal(sdir string) string {
	data, err := os.ReadFile(filepath.Join(sdir, "journal"))
	if err != nil {
		return ""
	}
	state := ""
	for len(data) > 0 {
		line, rest, ok := bytes.Cut(data, []byte("\n"))
		if !ok {
			break
		}
		if s := string(line); s != "" {
			state = s
		}
		data = rest
	}
	return state
}

// entry is a snapshot on disk.
type entry struct {
	dir   string
	rec   *record
	state string
}

// snapshots lists the snapshots under root, oldest first. Snapshot
// directories without a record or a journal state are returned with
// rec == nil if garbage is set, else skipped.
func snapshots(root string, garbage bool) ([]*entry, error) {
	base := filepath.Join(root, dotDir, "snapshots")
	ents, err := os.ReadDir(base)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out []*entry
	for _, e := range ents {
		if !e.IsDir() {
			continue
		}
		dir := filepath.Join(base, e.Name())
		state := readJournal(dir)
		var rec *record
		if state != "" {
			data, err := os.ReadFile(filepath.Join(dir, "snapshot.json"))
			if err == nil {
				rec = new(record)
				if json.Unmarshal(data, rec) != nil {
					rec = nil
				}
			}
		}
		if rec == nil && !garbage {
			continue
		}
		out = append(out, &entry{dir: dir, rec: rec, state: state})
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i].rec, out[j].rec
		if a == nil || b == nil || a.Time.Equal(b.Time) {
			return filepath.Base(out[i].dir) < filepath.Base(out[j].dir)
		}
		return a.Time.Before(b.Time)
	})
	return out, nil
}

func interrupted(state string) bool {
	return state == stateApplying || state == stateRollingBack
}

// History lists the snapshots under root, oldest first.
func History(root string) ([]*Snapshot, error) {
	root, err := cleanRoot(root)
	if err != nil {
		return nil, err
	}
	es, err := snapshots(root, false)
	if err != nil {
		return nil, err
	}
	out := make([]*Snapshot, 0, len(es))
	for _, e := range es {
		out = append(out, e.rec.snapshot(e.state))
	}
	return out, nil
}

// Recover restores an apply (or a rollback) that was interrupted — crash,
// kill -9, power loss — at any instant, as its journal shows: the tree
// goes back byte-identical to before that apply (created files and
// directories removed, deleted files and directories recreated, modes
// restored); an interrupted rollback is finished. It returns the snapshot
// it restored, or nil if there was nothing to do. Every goremover command
// calls it first.
//
// Recover writes nothing, and does not create root/.goremover, when no
// journal is interrupted and no snapshot is partial. Otherwise it takes
// the lock; if another live process holds it, what Recover saw is that
// process's work in progress, and Recover returns nil without waiting.
func Recover(root string) (*Snapshot, error) {
	resetWrites()
	root, err := cleanRoot(root)
	if err != nil {
		return nil, err
	}
	es, err := snapshots(root, true)
	if err != nil {
		return nil, err
	}
	todo := false
	for _, e := range es {
		todo = todo || e.rec == nil || interrupted(e.state)
	}
	if !todo {
		return nil, nil
	}
	lk, err := lock(root, 0)
	var locked *LockedError
	if errors.As(err, &locked) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	defer lk.unlock()
	return recoverLocked(root)
}

// recoverLocked restores every interrupted snapshot, newest first, and
// removes the directories of snapshots that never got a journal. The
// caller holds the lock. It returns the oldest snapshot restored: the
// tree is now as before it.
func recoverLocked(root string) (*Snapshot, error) {
	es, err := snapshots(root, true)
	if err != nil {
		return nil, err
	}
	var restored *Snapshot
	for i := len(es) - 1; i >= 0; i-- {
		e := es[i]
		if e.rec == nil {
			// Crashed while writing the snapshot: the tree was not
			// touched yet.
			if err := step(func() error { return os.RemoveAll(e.dir) }); err != nil {
				return nil, err
			}
			continue
		}
		if !interrupted(e.state) {
			continue
		}
		if err := restoreTree(root, e.dir, e.rec); err != nil {
			return nil, fmt.Errorf("restoring interrupted apply %s: %w", e.rec.ID, err)
		}
		final := stateRecovered
		if e.state == stateRollingBack {
			final = stateRolledBack
		}
		if err := appendJournal(e.dir, final); err != nil {
			return nil, err
		}
		restored = e.rec.snapshot(final)
	}
	return restored, nil
}

// Restore puts back the files of snapshot id ("" = the latest applied
// one), as 'goremover rollback' does, and returns it. Unless force, it
// refuses with a *ModifiedError if any file changed since the apply (its
// content is neither what the apply wrote nor, already, the original).
// With force it is also how a failed verification is undone, right after
// Apply.
func Restore(root, id string, force bool) (*Snapshot, error) {
	resetWrites()
	root, err := cleanRoot(root)
	if err != nil {
		return nil, err
	}
	lk, err := lock(root, lockWait)
	if err != nil {
		return nil, err
	}
	defer lk.unlock()
	if _, err := recoverLocked(root); err != nil {
		return nil, err
	}
	es, err := snapshots(root, false)
	if err != nil {
		return nil, err
	}
	var e *entry
	for i := len(es) - 1; i >= 0; i-- {
		if id == "" && es[i].state == stateApplied || id != "" && es[i].rec.ID == id {
			e = es[i]
			break
		}
	}
	if e == nil {
		return nil, &NotFoundError{ID: id}
	}
	if e.state != stateApplied {
		return nil, fmt.Errorf("snapshot %s is %s; nothing to roll back", id, e.state)
	}
	if !force {
		var mod []string
		for _, f := range e.rec.Files {
			p := fromSlash(root, f.File)
			after, err := equalState(p, f.After)
			if err != nil {
				return nil, err
			}
			before, err := equalState(p, f.Before)
			if err != nil {
				return nil, err
			}
			if !after && !before {
				mod = append(mod, f.File)
			}
		}
		if len(mod) > 0 {
			return nil, &ModifiedError{ID: e.rec.ID, Paths: mod}
		}
	}
	if err := appendJournal(e.dir, stateRollingBack); err != nil {
		return nil, err
	}
	if err := restoreTree(root, e.dir, e.rec); err != nil {
		return nil, fmt.Errorf("rolling back %s: %w; the next goremover command will retry", e.rec.ID, err)
	}
	if err := appendJournal(e.dir, stateRolledBack); err != nil {
		return nil, err
	}
	return e.rec.snapshot(stateRolledBack), nil
}

// restoreTree drives every path of rec to its state before the apply,
// skipping what is already there, so that it is correct after any prefix
// of the apply's writes (or of an earlier restore's) and idempotent:
//
//  1. recreate the removed directories, shallowest first, with their modes;
//  2. put back each file that existed (temp file, fsync, rename) unless its
//     bytes are there, and its mode;
//  3. remove each file that did not exist, and leftover temp files;
//  4. remove the created directories, deepest first, if empty;
//  5. fsync the directories touched.
func restoreTree(root, sdir string, rec *record) error {
	dirs := map[string]bool{}
	for _, d := range rec.RemovedDirs {
		p := fromSlash(root, d.Dir)
		fi, err := os.Lstat(p)
		if errors.Is(err, fs.ErrNotExist) {
			if err := step(func() error { return os.Mkdir(p, 0o700) }); err != nil {
				return err
			}
			dirs[filepath.Dir(p)] = true
		} else if err != nil {
			return err
		} else if !fi.IsDir() {
			return fmt.Errorf("%s: not a directory", d.Dir)
		} else if fi.Mode()&modeBits == d.Mode {
			continue
		}
		if err := step(func() error { return os.Chmod(p, d.Mode) }); err != nil {
			return err
		}
	}
	for _, f := range rec.Files {
		p := fromSlash(root, f.File)
		tmp := tmpPath(p, rec.ID)
		if _, err := os.Lstat(tmp); err == nil {
			if err := step(func() error { return os.Remove(tmp) }); err != nil {
				return err
			}
			dirs[filepath.Dir(p)] = true
		}
		if f.Before == nil {
			continue
		}
		data, mode, exists, err := readState(p)
		if err != nil {
			return err
		}
		if exists && hashOf(data) == f.Before.Hash {
			if mode != f.Before.Mode {
				if err := step(func() error { return os.Chmod(p, f.Before.Mode) }); err != nil {
					return err
				}
			}
			continue
		}
		orig, err := os.ReadFile(filepath.Join(sdir, "blobs", f.Before.Hash))
		if err != nil {
			return err
		}
		if hashOf(orig) != f.Before.Hash {
			return fmt.Errorf("%s: snapshot copy is corrupt", f.File)
		}
		if _, err := os.Lstat(filepath.Dir(p)); errors.Is(err, fs.ErrNotExist) {
			if err := step(func() error { return os.MkdirAll(filepath.Dir(p), 0o755) }); err != nil {
				return err
			}
		}
		if err := step(func() error { return writeFileSync(tmp, orig, f.Before.Mode) }); err != nil {
			os.Remove(tmp)
			return err
		}
		if err := step(func() error { return os.Rename(tmp, p) }); err != nil {
			os.Remove(tmp)
			return err
		}
		dirs[filepath.Dir(p)] = true
	}
	for _, f := range rec.Files {
		if f.Before != nil {
			continue
		}
		p := fromSlash(root, f.File)
		if _, err := os.Lstat(p); err == nil {
			if err := step(func() error { return os.Remove(p) }); err != nil {
				return err
			}
			dirs[filepath.Dir(p)] = true
		}
	}
	for i := len(rec.CreatedDirs) - 1; i >= 0; i-- {
		p := fromSlash(root, rec.CreatedDirs[i].Dir)
		if _, err := os.Lstat(p); err != nil {
			continue
		}
		err := step(func() error { return os.Remove(p) })
		if err != nil && !isNotEmpty(err) {
			return err
		}
		delete(dirs, p)
		dirs[filepath.Dir(p)] = true
	}
	if err := syncDirs(dirs); err != nil {
		return &fs.PathError{Op: "fsync", Path: err.dir, Err: err.err}
	}
	return nil
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
}

var (
	faultMu sync.Mutex
	faults  Faults
	writes  int
)

// SetFaults sets the faults for the following calls.
func SetFaults(f Faults) {
	faultMu.Lock()
	faults = f
	faultMu.Unlock()
}

// Writes returns the number of writes the last Apply, Recover or Restore
// made (or attempted), the range of k for Faults.
func Writes() int {
	faultMu.Lock()
	defer faultMu.Unlock()
	return writes
}

func resetWrites() {
	faultMu.Lock()
	writes = 0
	faultMu.Unlock()
}

// step makes one write to disk, fn, counting it for Faults.
func step(fn func() error) error {
	faultMu.Lock()
	writes++
	n, f := writes, faults
	faultMu.Unlock()
	if f.FailAfter == n {
		err := f.FailErr
		if err == nil {
			err = syscall.ENOSPC
		}
		return &fs.PathError{Op: "write", Path: "(injected)", Err: err}
	}
	err := fn()
	if f.CrashAfter == n {
		syscall.Kill(os.Getpid(), syscall.SIGKILL)
		select {}
	}
	return err
}
