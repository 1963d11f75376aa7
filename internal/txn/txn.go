// Package txn is the only package that writes the user's files. It applies
// an edit.Set under the SPEC's safety contract: a lock, a content check, a
// durable snapshot and journal under root/.goremover/, then atomic writes
// (temp file, fsync, rename) with deletions last. An apply interrupted at
// any instant is undone by Recover; any apply can be undone by Restore.
//
// The design is state-based rather than log-based: the snapshot records,
// for every path the apply may touch, its state before (bytes, mode, or
// absence) and after the apply. Restoring means driving every path to its
// "before" state, skipping paths already there. That is correct whatever
// subset of the apply's renames and deletions reached the disk, and it is
// idempotent, so a crash during a restore is fixed by restoring again.
// The journal only records the phase of the snapshot:
//
//	applying               snapshot durable, the tree may be partly written
//	                       (or, after Begin, written and being verified)
//	applied                every write is durable
//	failed (restored)      a write failed; the tree was restored
//	restored (interrupted) Recover restored an interrupted apply
//	rolling back           Restore began
//	rolled back            Restore is done
//
// A journal whose last state is "applying" or "rolling back", when nobody
// holds the lock, is an interrupted operation: Recover restores it. A
// journal without a state belongs to an apply that crashed before its
// first write to the tree; the next holder of the lock deletes it.
//
// Every write goes through step, which counts it for Faults.
package txn

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/goremover/goremover/internal/edit"
)

// Meta describes an apply, for history.
type Meta struct {
	Command string   // e.g. "rm", "doctor --fix"
	Targets []string // as the user named them
}

// Snapshot is one apply as history lists it.
type Snapshot struct {
	ID      string // e.g. "20261122T101500Z-3f2a" (UTC time + 4 hex random), sortable
	Time    time.Time
	Command string
	Targets []string
	Files   []FileEntry // the files the apply changed, sorted
	// State is the snapshot's last journal state: "applying" (in
	// progress, or interrupted and not yet recovered), "applied",
	// "failed (restored)", "restored (interrupted)", "rolling back"
	// (in progress or interrupted) or "rolled back".
	State string
}

// FileEntry is a file an apply changed.
type FileEntry struct {
	File   string // slash-separated, relative to root
	Action string // "edit" | "delete" | "create"
}

// Journal states; see the package comment.
const (
	stateApplying    = "applying"
	stateApplied     = "applied"
	stateFailed      = "failed (restored)"
	stateRecovered   = "restored (interrupted)"
	stateRollingBack = "rolling back"
	stateRolledBack  = "rolled back"
)

// ChangedError reports a file that changed between analysis and write
// (or a file to create that exists). Nothing was written.
type ChangedError struct {
	Path string // slash-separated, relative to root
}

func (e *ChangedError) Error() string {
	return e.Path + ": changed since it was read; run goremover again"
}

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
		return fmt.Sprintf("%s: changed since snapshot %s was applied; to restore it anyway:\n\tgoremover rollback -force %s", e.Paths[0], e.ID, e.ID)
	}
	return fmt.Sprintf("%d files changed since snapshot %s was applied:\n\t%s\nto restore them anyway:\n\tgoremover rollback -force %s",
		len(e.Paths), e.ID, strings.Join(e.Paths, "\n\t"), e.ID)
}

// WriteError reports an I/O failure during an apply. The tree was
// restored from the snapshot unless Restore is non-nil.
type WriteError struct {
	Path    string // slash-separated, relative to root
	Err     error
	Restore error // the error that stopped the restore, or nil
}

func (e *WriteError) Error() string {
	msg := fmt.Sprintf("%s: %v; nothing was changed", e.Path, errMsg(e.Err))
	if e.Restore != nil {
		msg = fmt.Sprintf("%s: %v; restoring the snapshot failed too: %v; the next goremover command will retry", e.Path, errMsg(e.Err), e.Restore)
	}
	return msg
}

func (e *WriteError) Unwrap() error { return e.Err }

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

// NotFoundError reports an unknown snapshot id.
type NotFoundError struct{ ID string }

func (e *NotFoundError) Error() string {
	if e.ID == "" {
		return "no applied snapshot to roll back; see 'goremover history'"
	}
	return fmt.Sprintf("no snapshot %s; see 'goremover history'", e.ID)
}

// record is a snapshot's snapshot.json.
type record struct {
	ID          string    `json:"id"`
	Time        time.Time `json:"time"`
	Command     string    `json:"command"`
	Targets     []string  `json:"targets"`
	Files       []fileRec `json:"files"`
	CreatedDirs []dirRec  `json:"created_dirs,omitempty"` // shallowest first
	RemovedDirs []dirRec  `json:"removed_dirs,omitempty"` // shallowest first
}

// fileRec is one path the apply may touch, with its state before and
// after. Files of the set have an Action; extra files (go.mod, go.sum...)
// that the set does not change have none and Before == After.
type fileRec struct {
	File   string   `json:"file"` // slash-separated, relative to root
	Action string   `json:"action,omitempty"`
	Before *version `json:"before,omitempty"` // nil: absent
	After  *version `json:"after,omitempty"`  // nil: absent
}

type version struct {
	Hash string      `json:"sha256"` // names the blob holding the bytes
	Mode fs.FileMode `json:"mode"`
}

type dirRec struct {
	Dir  string      `json:"dir"` // slash-separated, relative to root
	Mode fs.FileMode `json:"mode"`
}

func (r *record) snapshot(state string) *Snapshot {
	s := &Snapshot{ID: r.ID, Time: r.Time, Command: r.Command, Targets: r.Targets, State: state}
	for _, f := range r.Files {
		if f.Action != "" {
			s.Files = append(s.Files, FileEntry{File: f.File, Action: f.Action})
		}
	}
	return s
}

func hashOf(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

// modeBits are the mode bits a snapshot keeps.
const modeBits = fs.ModePerm | fs.ModeSetuid | fs.ModeSetgid | fs.ModeSticky

// Apply writes set under root's safety contract: it takes
// root/.goremover/lock (recovering any interrupted apply first), checks
// every file still has f.Old (a file to create must not exist) or returns
// a *ChangedError having written nothing, writes and fsyncs a snapshot
// (the original bytes and modes of every file to edit or delete, the files
// to create, and the current state of every path in extra — go.mod,
// go.sum, go.work, vendor/modules.txt — which may or may not exist) and a
// journal, then writes each edited or created file to a temp file in its
// own directory, fsyncs it, sets the original mode and renames it over the
// original; deletions come last, then directories left empty by them are
// removed (never root). The journal is then marked applied.
//
// Paths in set must be absolute and inside root; paths in extra may be
// relative to root. If a write fails, Apply restores the tree from the
// snapshot and returns a *WriteError.
func Apply(root string, set *edit.Set, meta Meta, extra []string) (*Snapshot, error) {
	t, err := Begin(root, set, meta, extra)
	if err != nil {
		return nil, err
	}
	if err := t.Commit(); err != nil {
		return nil, err
	}
	return t.Snapshot(), nil
}

// Tx is an apply whose writes are made but not yet committed, so that it
// can be verified first: until Commit, the journal still says
// "applying" and the lock stays held, so that a crash or kill during the
// verification is undone by the next Recover like one during the writes
// (SPEC, safety contract 5 and 6). The process that holds a Tx must end
// it with Commit or Rollback, and must not call Apply, Restore or
// Recover on the same root meanwhile (they would wait for its lock).
type Tx struct {
	root string
	sdir string
	rec  *record
	lk   *fileLock
}

// Snapshot returns the apply's snapshot.
func (t *Tx) Snapshot() *Snapshot {
	st := stateApplying
	if t.lk == nil {
		st = readJournal(t.sdir)
	}
	return t.rec.snapshot(st)
}

// Commit marks the apply complete and releases the lock. If the journal
// cannot be written, the tree is restored and a *WriteError returned.
func (t *Tx) Commit() error {
	if t.lk == nil {
		return errors.New("transaction already ended")
	}
	defer t.end()
	if err := appendJournal(t.sdir, stateApplied); err != nil {
		werr := &WriteError{Path: relPath(t.root, filepath.Join(t.sdir, "journal")), Err: err}
		if rerr := restoreTree(t.root, t.sdir, t.rec); rerr != nil {
			werr.Restore = rerr
			return werr
		}
		appendJournal(t.sdir, stateFailed)
		return werr
	}
	return nil
}

// Rollback restores the tree from the snapshot (say, because
// verification failed), marks it rolled back and releases the lock.
func (t *Tx) Rollback() error {
	if t.lk == nil {
		return errors.New("transaction already ended")
	}
	defer t.end()
	if err := restoreTree(t.root, t.sdir, t.rec); err != nil {
		return fmt.Errorf("rolling back %s: %w; the next goremover command will retry", t.rec.ID, err)
	}
	return appendJournal(t.sdir, stateRolledBack)
}

func (t *Tx) end() {
	t.lk.unlock()
	t.lk = nil
}

// Begin is Apply without the commit: it makes every write and returns
// the Tx, holding the lock, for Commit or Rollback.
func Begin(root string, set *edit.Set, meta Meta, extra []string) (*Tx, error) {
	resetWrites()
	root, err := cleanRoot(root)
	if err != nil {
		return nil, err
	}
	if set == nil || set.Len() == 0 {
		return nil, errors.New("no changes to apply")
	}
	if err := checkPaths(root, set, extra); err != nil {
		return nil, err
	}
	lk, err := lock(root, lockWait)
	if err != nil {
		return nil, err
	}
	ok := false
	defer func() {
		if !ok {
			lk.unlock()
		}
	}()
	if _, err := recoverLocked(root); err != nil {
		return nil, err
	}

	// Read and check every file once; the bytes read are the ones the
	// snapshot keeps (2).
	rec := &record{Time: time.Now().UTC(), Command: meta.Command, Targets: meta.Targets}
	blobs := map[string][]byte{} // hash → bytes to keep
	newData := map[string][]byte{}
	seen := map[string]bool{}
	for _, f := range set.Files() {
		rel := relPath(root, f.Path)
		seen[rel] = true
		cur, mode, exists, err := readState(f.Path)
		if err != nil {
			return nil, err
		}
		fr := fileRec{File: rel, Action: f.Action()}
		if f.Old == nil {
			if exists {
				return nil, &ChangedError{Path: rel}
			}
		} else {
			if !exists || hashOf(cur) != hashOf(f.Old) {
				return nil, &ChangedError{Path: rel}
			}
			fr.Before = &version{Hash: hashOf(cur), Mode: mode}
			blobs[fr.Before.Hash] = cur
		}
		if f.New != nil {
			m := mode
			if f.Old == nil {
				m = f.Mode & modeBits
				if m == 0 {
					m = 0o644
				}
			}
			fr.After = &version{Hash: hashOf(f.New), Mode: m}
			newData[rel] = f.New
		}
		rec.Files = append(rec.Files, fr)
	}
	for _, x := range extra {
		p := absPath(root, x)
		rel := relPath(root, p)
		if seen[rel] {
			continue
		}
		seen[rel] = true
		cur, mode, exists, err := readState(p)
		if err != nil {
			return nil, err
		}
		fr := fileRec{File: rel}
		if exists {
			fr.Before = &version{Hash: hashOf(cur), Mode: mode}
			fr.After = fr.Before
			blobs[fr.Before.Hash] = cur
		}
		rec.Files = append(rec.Files, fr)
	}
	sort.Slice(rec.Files, func(i, j int) bool { return rec.Files[i].File < rec.Files[j].File })
	if rec.CreatedDirs, err = createdDirs(root, rec); err != nil {
		return nil, err
	}
	if rec.RemovedDirs, err = removedDirs(root, rec); err != nil {
		return nil, err
	}

	// (3) The snapshot and the journal, durable before the first write
	// to the tree.
	sdir, err := newSnapshotDir(root, rec)
	if err != nil {
		return nil, err
	}
	if err := writeSnapshot(root, sdir, rec, blobs); err != nil {
		os.RemoveAll(sdir)
		return nil, err
	}

	// (4) The tree.
	if werr := applyTree(root, rec, newData); werr != nil {
		if rerr := restoreTree(root, sdir, rec); rerr != nil {
			werr.Restore = rerr
			return nil, werr
		}
		// If this fails the journal still says "applying", and the
		// next command restores again, harmlessly.
		appendJournal(sdir, stateFailed)
		return nil, werr
	}
	ok = true
	return &Tx{root: root, sdir: sdir, rec: rec, lk: lk}, nil
}

func cleanRoot(root string) (string, error) {
	root, err := filepath.Abs(root)
	if err != nil {
		return "", err
	}
	fi, err := os.Stat(root)
	if err != nil {
		return "", err
	}
	if !fi.IsDir() {
		return "", fmt.Errorf("%s: not a directory", root)
	}
	return root, nil
}

func absPath(root, p string) string {
	if !filepath.IsAbs(p) {
		p = filepath.Join(root, p)
	}
	return filepath.Clean(p)
}

func relPath(root, p string) string {
	rel, err := filepath.Rel(root, p)
	if err != nil {
		return filepath.ToSlash(p)
	}
	return filepath.ToSlash(rel)
}

func fromSlash(root, rel string) string {
	return filepath.Join(root, filepath.FromSlash(rel))
}

// checkPaths rejects paths outside root, in .goremover, or reached
// through a symbolic link that leaves root.
func checkPaths(root string, set *edit.Set, extra []string) error {
	realRoot, err := filepath.EvalSymlinks(root)
	if err != nil {
		return err
	}
	var paths []string
	for _, f := range set.Files() {
		if !filepath.IsAbs(f.Path) {
			return fmt.Errorf("%s: path is not absolute", f.Path)
		}
		paths = append(paths, f.Path)
	}
	for _, x := range extra {
		paths = append(paths, absPath(root, x))
	}
	checked := map[string]bool{}
	for _, p := range paths {
		rel, err := filepath.Rel(root, p)
		if err != nil || rel == "." || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
			return fmt.Errorf("%s: outside %s; goremover only writes inside it", p, root)
		}
		if first, _, _ := strings.Cut(filepath.ToSlash(rel), "/"); first == dotDir {
			return fmt.Errorf("%s: inside goremover's own %s directory", filepath.ToSlash(rel), dotDir)
		}
		// The nearest existing parent must resolve inside root.
		d := filepath.Dir(p)
		for d != root && !checked[d] {
			checked[d] = true
			if _, err := os.Lstat(d); err != nil {
				d = filepath.Dir(d)
				continue
			}
			real, err := filepath.EvalSymlinks(d)
			if err != nil {
				return err
			}
			if r, err := filepath.Rel(realRoot, real); err != nil || r == ".." || strings.HasPrefix(r, ".."+string(filepath.Separator)) {
				return fmt.Errorf("%s: outside %s through a symbolic link", filepath.ToSlash(rel), root)
			}
			break
		}
	}
	return nil
}

// readState returns the bytes and mode of the regular file at p, or
// exists == false.
func readState(p string) (data []byte, mode fs.FileMode, exists bool, err error) {
	fi, err := os.Lstat(p)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, 0, false, nil
	}
	if err != nil {
		return nil, 0, false, err
	}
	if !fi.Mode().IsRegular() {
		return nil, 0, false, fmt.Errorf("%s: not a regular file", p)
	}
	data, err = os.ReadFile(p)
	if err != nil {
		return nil, 0, false, err
	}
	return data, fi.Mode() & modeBits, true, nil
}

// createdDirs lists the directories the apply creates for created files,
// shallowest first.
func createdDirs(root string, rec *record) ([]dirRec, error) {
	seen := map[string]bool{}
	var out []dirRec
	for _, f := range rec.Files {
		if f.Action != "create" {
			continue
		}
		var chain []string
		for d := filepath.Dir(fromSlash(root, f.File)); d != root && !seen[d]; d = filepath.Dir(d) {
			seen[d] = true
			fi, err := os.Lstat(d)
			if err == nil {
				if !fi.IsDir() {
					return nil, fmt.Errorf("%s: not a directory", relPath(root, d))
				}
				break
			}
			if !errors.Is(err, fs.ErrNotExist) {
				return nil, err
			}
			chain = append(chain, d)
		}
		for i := len(chain) - 1; i >= 0; i-- {
			out = append(out, dirRec{Dir: relPath(root, chain[i]), Mode: 0o755})
		}
	}
	sortDirs(out)
	return out, nil
}

// removedDirs lists the directories that the deletions leave empty,
// shallowest first: a directory that holds at least one deleted file and
// nothing else but deleted files and such directories. Root, and
// directories that receive a created file, are never removed.
func removedDirs(root string, rec *record) ([]dirRec, error) {
	deleted := map[string]bool{}
	keep := map[string]bool{root: true}
	for _, f := range rec.Files {
		p := fromSlash(root, f.File)
		if f.Action == "delete" {
			deleted[p] = true
		} else if f.After != nil {
			for d := filepath.Dir(p); !keep[d]; d = filepath.Dir(d) {
				keep[d] = true
			}
		}
	}
	memo := map[string]bool{}
	var empty func(dir string) (bool, error)
	empty = func(dir string) (bool, error) {
		if v, ok := memo[dir]; ok {
			return v, nil
		}
		if keep[dir] {
			return false, nil
		}
		ents, err := os.ReadDir(dir)
		if err != nil {
			return false, err
		}
		ok := len(ents) > 0
		for _, e := range ents {
			p := filepath.Join(dir, e.Name())
			if e.IsDir() {
				if v, err := empty(p); err != nil || !v {
					ok = false
					break
				}
			} else if !deleted[p] {
				ok = false
				break
			}
		}
		memo[dir] = ok
		return ok, nil
	}
	var out []dirRec
	seen := map[string]bool{}
	for p := range deleted {
		for d := filepath.Dir(p); d != root && !seen[d]; d = filepath.Dir(d) {
			seen[d] = true
			v, err := empty(d)
			if err != nil {
				return nil, err
			}
			if !v {
				break
			}
			fi, err := os.Stat(d)
			if err != nil {
				return nil, err
			}
			out = append(out, dirRec{Dir: relPath(root, d), Mode: fi.Mode() & modeBits})
		}
	}
	sortDirs(out)
	return out, nil
}

// sortDirs sorts shallowest first, then by name.
func sortDirs(ds []dirRec) {
	sort.Slice(ds, func(i, j int) bool {
		di, dj := strings.Count(ds[i].Dir, "/"), strings.Count(ds[j].Dir, "/")
		if di != dj {
			return di < dj
		}
		return ds[i].Dir < ds[j].Dir
	})
}

// newSnapshotDir creates root/.goremover/snapshots/ID and sets rec.ID.
func newSnapshotDir(root string, rec *record) (string, error) {
	base := filepath.Join(root, dotDir, "snapshots")
	if _, err := os.Stat(base); errors.Is(err, fs.ErrNotExist) {
		if err := os.MkdirAll(base, 0o755); err != nil {
			return "", &WriteError{Path: relPath(root, base), Err: err}
		}
		// First use: make .goremover itself durable, or a power loss
		// could keep the tree's renames and lose the snapshot.
		for _, d := range []string{filepath.Dir(base), root} {
			if err := syncDir(d); err != nil {
				return "", &WriteError{Path: relPath(root, d), Err: err}
			}
		}
	}
	for {
		var b [2]byte
		rand.Read(b[:])
		id := rec.Time.Format("20060102T150405Z") + "-" + hex.EncodeToString(b[:])
		dir := filepath.Join(base, id)
		err := step(func() error { return os.Mkdir(dir, 0o755) })
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		if err != nil {
			return "", &WriteError{Path: relPath(root, dir), Err: err}
		}
		rec.ID = id
		return dir, nil
	}
}

// writeSnapshot writes the blobs, snapshot.json and the journal in
// state "applying", all fsynced.
func writeSnapshot(root, sdir string, rec *record, blobs map[string][]byte) error {
	werr := func(p string, err error) error { return &WriteError{Path: relPath(root, p), Err: err} }
	bdir := filepath.Join(sdir, "blobs")
	if err := step(func() error { return os.Mkdir(bdir, 0o755) }); err != nil {
		return werr(bdir, err)
	}
	hashes := make([]string, 0, len(blobs))
	for h := range blobs {
		hashes = append(hashes, h)
	}
	sort.Strings(hashes)
	for _, h := range hashes {
		p := filepath.Join(bdir, h)
		if err := step(func() error { return writeFileSync(p, blobs[h], 0o600) }); err != nil {
			return werr(p, err)
		}
	}
	data, err := json.MarshalIndent(rec, "", "\t")
	if err != nil {
		return err
	}
	p := filepath.Join(sdir, "snapshot.json")
	if err := step(func() error { return writeFileSync(p, append(data, '\n'), 0o644) }); err != nil {
		return werr(p, err)
	}
	for _, d := range []string{bdir, sdir, filepath.Dir(sdir)} {
		if err := syncDir(d); err != nil {
			return werr(d, err)
		}
	}
	if err := appendJournal(sdir, stateApplying); err != nil {
		return werr(filepath.Join(sdir, "journal"), err)
	}
	return nil
}

// applyTree makes the writes to the tree (4).
func applyTree(root string, rec *record, newData map[string][]byte) *WriteError {
	dirs := map[string]bool{}
	werr := func(p string, err error) *WriteError { return &WriteError{Path: relPath(root, p), Err: err} }
	for _, d := range rec.CreatedDirs {
		p := fromSlash(root, d.Dir)
		if err := step(func() error { return os.Mkdir(p, d.Mode) }); err != nil {
			return werr(p, err)
		}
		dirs[filepath.Dir(p)] = true
	}
	for _, f := range rec.Files {
		if f.Action != "edit" && f.Action != "create" {
			continue
		}
		p := fromSlash(root, f.File)
		tmp := tmpPath(p, rec.ID)
		if err := step(func() error { return writeFileSync(tmp, newData[f.File], f.After.Mode) }); err != nil {
			os.Remove(tmp)
			return werr(p, err)
		}
		if err := step(func() error { return os.Rename(tmp, p) }); err != nil {
			os.Remove(tmp)
			return werr(p, err)
		}
		dirs[filepath.Dir(p)] = true
	}
	if err := syncDirs(dirs); err != nil {
		return werr(err.dir, err.err)
	}
	dirs = map[string]bool{}
	for _, f := range rec.Files {
		if f.Action != "delete" {
			continue
		}
		p := fromSlash(root, f.File)
		if err := step(func() error { return os.Remove(p) }); err != nil {
			return werr(p, err)
		}
		dirs[filepath.Dir(p)] = true
	}
	for i := len(rec.RemovedDirs) - 1; i >= 0; i-- {
		p := fromSlash(root, rec.RemovedDirs[i].Dir)
		err := step(func() error { return os.Remove(p) })
		if err != nil && !isNotEmpty(err) {
			return werr(p, err)
		}
		// Not empty after all (something appeared): keep it; restore
		// handles a directory that was not removed.
		delete(dirs, p)
		dirs[filepath.Dir(p)] = true
	}
	if err := syncDirs(dirs); err != nil {
		return werr(err.dir, err.err)
	}
	return nil
}

func isNotEmpty(err error) bool {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return errors.Is(pe.Err, errNotEmpty) || errors.Is(pe.Err, fs.ErrExist)
	}
	return false
}

// tmpPath is the temp file for p: in p's directory, named after the
// snapshot so that a restore can find and remove a leftover one.
func tmpPath(p, id string) string {
	return filepath.Join(filepath.Dir(p), "."+filepath.Base(p)+"."+id+".goremover-tmp")
}

// writeFileSync writes data to a new file p with mode, and fsyncs it.
func writeFileSync(p string, data []byte, mode fs.FileMode) error {
	f, err := os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if err == nil {
		err = f.Chmod(mode)
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

func syncDir(dir string) error {
	f, err := os.Open(dir)
	if err != nil {
		return err
	}
	err = f.Sync()
	f.Close()
	if errors.Is(err, errSyncUnsupported) {
		return nil
	}
	return err
}

type dirErr struct {
	dir string
	err error
}

func syncDirs(dirs map[string]bool) *dirErr {
	ds := make([]string, 0, len(dirs))
	for d := range dirs {
		ds = append(ds, d)
	}
	sort.Strings(ds)
	for _, d := range ds {
		if err := syncDir(d); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return &dirErr{d, err}
		}
	}
	return nil
}

// equalState reports whether the file at p has the content of v (nil:
// absent).
func equalState(p string, v *version) (bool, error) {
	data, _, exists, err := readState(p)
	if err != nil {
		return false, err
	}
	if v == nil || !exists {
		return v == nil && !exists, nil
	}
	return hashOf(data) == v.Hash, nil
}
