// Package txn is the only package that writes the user's files. It applies
// an edit.Set under goremover's safety contract, whose promises are:
//
//  1. Nothing is written unless every file to touch still has the bytes
//     the analysis read (ChangedError), and every path is a regular file
//     inside the root, outside .goremover, reached through no symbolic link
//     that leaves the root (PathError). 'rm -n' checks the same (Check).
//  2. Before the first write to the tree, a snapshot (the original bytes,
//     permission bits and owner of every file the apply edits, creates or
//     deletes, and of go.mod, go.sum, go.work, go.work.sum and
//     vendor/modules.txt) and a journal are durable under .goremover/.
//  3. Each file is written to a temp file in its own directory, fsynced,
//     given its original mode and owner, and renamed over the original;
//     deletions come last. .goremover/lock keeps two applies apart.
//  4. An apply interrupted at any instant (crash, kill -9, full disk) is
//     restored by the next goremover command, whatever GOWORK says; a
//     signal (SIGINT, SIGTERM, SIGHUP) restores it before goremover exits.
//  5. A restore never discards someone else's edit: a path that holds
//     neither the original bytes nor the bytes goremover wrote is kept as
//     it is, the snapshot's version is saved under .goremover/conflicts/ID/,
//     and the path is reported (Conflict).
//  6. .goremover/ is untrusted: every write and deletion goes through an
//     os.Root opened at the root, so no recorded path can lead outside it;
//     .goremover, its lock, snapshots and journals must be the user's own
//     directories and files, not symbolic links (StateError); and records
//     and journal lines carry an HMAC under a per-user key kept outside the
//     tree (key.go), so that records goremover did not write for this user
//     are reported and ignored. Modes restored are permission bits only.
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
//	canceled (restored)    a signal stopped the apply; the tree was restored
//	restored (interrupted) Recover restored an interrupted apply
//	rolling back           Restore began
//	rolled back            Restore (or Tx.Rollback) is done
//	abandoned              the user ended an interrupted apply as it was
//
// A journal whose last state is "applying" or "rolling back", when nobody
// holds the lock, is an interrupted operation: Recover restores it. A
// snapshot without a journal state belongs to an apply that crashed before
// its first write to the tree; the next holder of the lock deletes it.
//
// Every write goes through step, which counts it for Faults.
package txn

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"path"
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
	// State is the snapshot's last journal state; see the package
	// comment.
	State string
	// Conflicts lists the paths that the restore which just ended
	// (Recover, Restore, Tx.Rollback) kept as someone else left them.
	Conflicts []Conflict
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
	stateCanceled    = "canceled (restored)"
	stateRecovered   = "restored (interrupted)"
	stateRollingBack = "rolling back"
	stateRolledBack  = "rolled back"
	stateAbandoned   = "abandoned"
)

// Apply writes set under root's safety contract and commits it; see
// Begin.
func Apply(ctx context.Context, root string, set *edit.Set, meta Meta, extra []string) (*Snapshot, error) {
	t, err := Begin(ctx, root, set, meta, extra)
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
// verification is undone by the next Recover like one during the writes.
// The process that holds a Tx must end it with Commit or Rollback, and
// must not call Apply, Restore or Recover on the same root meanwhile
// (they would wait for its lock).
type Tx struct {
	s   *state
	rec *record
	j   *journal
	lk  *fileLock
}

// Snapshot returns the apply's snapshot.
func (t *Tx) Snapshot() *Snapshot {
	return t.rec.snapshot(t.j.last())
}

// Commit marks the apply complete and releases the lock. If the journal
// cannot be written, the tree is restored and a *WriteError returned.
func (t *Tx) Commit() error {
	if t.lk == nil {
		return errors.New("transaction already ended")
	}
	defer t.end()
	if err := t.j.append(stateApplied); err != nil {
		werr := &WriteError{Path: dotDir + "/" + journalName(t.rec.ID), Err: err}
		cs, rerr := t.s.restoreTree(t.rec, false)
		werr.Restore, werr.Conflicts = rerr, cs
		if rerr == nil {
			t.j.append(stateFailed)
		}
		return werr
	}
	return nil
}

// Rollback restores the tree from the snapshot (say, because
// verification failed or a signal came), marks it rolled back and
// releases the lock. The snapshot it returns lists the Conflicts: paths
// changed meanwhile by someone else, kept as they are.
func (t *Tx) Rollback() (*Snapshot, error) {
	if t.lk == nil {
		return nil, errors.New("transaction already ended")
	}
	defer t.end()
	cs, err := t.s.restoreTree(t.rec, false)
	if err != nil {
		return nil, &RecoveryError{ID: t.rec.ID, Err: err}
	}
	if err := t.j.append(stateRolledBack); err != nil {
		return nil, err
	}
	snap := t.Snapshot()
	snap.Conflicts = cs
	return snap, nil
}

func (t *Tx) end() {
	t.lk.unlock()
	t.lk = nil
	t.s.close()
}

// Begin makes every write of set under root and returns the Tx, holding
// the lock, for Commit or Rollback. It takes root/.goremover/lock
// (recovering any interrupted apply first), checks every file still has
// f.Old (a file to create must not exist) or returns a *ChangedError
// having written nothing, writes and fsyncs a snapshot (the original
// bytes, modes and owners of every file to edit or delete, the files to
// create, and the current state of every path in extra — go.mod, go.sum,
// go.work, vendor/modules.txt — which may or may not exist) and a
// journal, then writes each edited or created file to a temp file in its
// own directory, fsyncs it, sets the original mode and owner and renames
// it over the original; deletions come last, then directories left empty
// by them are removed (never root).
//
// Paths in set must be absolute and inside root (see Check); paths in
// extra may be relative to root. If a write fails, Begin restores the
// tree from the snapshot and returns a *WriteError; if ctx is done
// before the writes end, it restores the tree and returns an
// *InterruptedError.
func Begin(ctx context.Context, root string, set *edit.Set, meta Meta, extra []string) (*Tx, error) {
	resetWrites()
	root, err := cleanRoot(root)
	if err != nil {
		return nil, err
	}
	if set == nil || set.Len() == 0 {
		return nil, errors.New("no changes to apply")
	}
	s, err := openState(root)
	if err != nil {
		return nil, err
	}
	ok := false
	defer func() {
		if !ok {
			s.close()
		}
	}()
	rels := map[*edit.File]string{}
	for _, f := range set.Files() {
		rel, err := checkPath(s.r, root, f.Path)
		if err != nil {
			return nil, err
		}
		rels[f] = rel
	}
	if _, err := s.userKey(); err != nil {
		return nil, err
	}
	if err := s.makeDot(); err != nil {
		return nil, err
	}
	lk, err := s.lock(lockWait)
	if err != nil {
		return nil, err
	}
	defer func() {
		if !ok {
			lk.unlock()
		}
	}()
	if _, err := s.recoverLocked(); err != nil {
		return nil, err
	}

	rec, blobs, newData, err := s.record(set, rels, extra, meta)
	if err != nil {
		return nil, err
	}
	if err := context.Cause(ctx); err != nil {
		return nil, err // nothing written yet
	}

	// (2) The snapshot and the journal, durable before the first write
	// to the tree.
	j, err := s.newSnapshot(rec, blobs)
	if err != nil {
		return nil, err
	}

	// (3) The tree.
	if werr := s.applyTree(ctx, rec, newData); werr != nil {
		cs, rerr := s.restoreTree(rec, false)
		if rerr != nil {
			// The journal still says "applying": the next command
			// restores again.
			if werr.Err == errCanceled {
				return nil, &RecoveryError{ID: rec.ID, Err: rerr}
			}
			werr.Restore = rerr
			return nil, werr
		}
		if werr.Err == errCanceled {
			j.append(stateCanceled)
			return nil, &InterruptedError{ID: rec.ID, Cause: context.Cause(ctx), Conflicts: cs}
		}
		// If this fails the journal still says "applying", and the
		// next command restores again, harmlessly.
		j.append(stateFailed)
		werr.Conflicts = cs
		return nil, werr
	}
	ok = true
	return &Tx{s: s, rec: rec, j: j, lk: lk}, nil
}

// record reads and checks every file of set (its path relative to the
// root in rels) and of extra once, and returns the snapshot's record, the
// bytes it keeps (by hash) and the bytes to write (by path). The bytes
// read are the ones the snapshot keeps (1, 2 in the package comment).
func (s *state) record(set *edit.Set, rels map[*edit.File]string, extra []string, meta Meta) (rec *record, blobs, newData map[string][]byte, err error) {
	rec = &record{Time: time.Now().UTC(), Command: meta.Command, Targets: meta.Targets}
	blobs = map[string][]byte{} // hash → bytes to keep
	newData = map[string][]byte{}
	seen := map[string]bool{}
	for _, f := range set.Files() {
		rel := rels[f]
		seen[rel] = true
		ps, err := s.stat(rel)
		if err != nil {
			return nil, nil, nil, err
		}
		fr := fileRec{File: rel, Action: f.Action()}
		if f.Old == nil {
			if ps.exists {
				return nil, nil, nil, &ChangedError{Path: rel}
			}
		} else {
			if !ps.regular || hashOf(ps.data) != hashOf(f.Old) {
				return nil, nil, nil, &ChangedError{Path: rel}
			}
			fr.Before = versionOf(ps)
			blobs[fr.Before.Hash] = ps.data
		}
		if f.New != nil {
			v := &version{Hash: hashOf(f.New)}
			if fr.Before != nil {
				v.Mode, v.UID, v.GID = fr.Before.Mode, fr.Before.UID, fr.Before.GID
			} else {
				v.Mode = f.Mode & fs.ModePerm
				if v.Mode == 0 {
					v.Mode = 0o644
				}
				v.UID, v.GID = s.dirOwner(path.Dir(rel))
			}
			fr.After = v
			newData[rel] = f.New
		}
		rec.Files = append(rec.Files, fr)
	}
	for _, x := range extra {
		if !filepath.IsAbs(x) {
			x = filepath.Join(s.root, x)
		}
		rel, err := checkPath(s.r, s.root, filepath.Clean(x))
		if err != nil || seen[rel] {
			continue // not a file goremover could restore; the apply does not touch it
		}
		seen[rel] = true
		ps, err := s.stat(rel)
		if err != nil {
			return nil, nil, nil, err
		}
		fr := fileRec{File: rel}
		if ps.exists {
			fr.Before = versionOf(ps)
			fr.After = fr.Before
			blobs[fr.Before.Hash] = ps.data
		}
		rec.Files = append(rec.Files, fr)
	}
	sort.Slice(rec.Files, func(i, j int) bool { return rec.Files[i].File < rec.Files[j].File })
	if rec.CreatedDirs, err = s.createdDirs(rec); err != nil {
		return nil, nil, nil, err
	}
	if rec.RemovedDirs, err = s.removedDirs(rec); err != nil {
		return nil, nil, nil, err
	}
	return rec, blobs, newData, nil
}

// errCanceled marks a WriteError of applyTree that is the context's.
var errCanceled = errors.New("canceled")

func versionOf(ps *pathState) *version {
	uid, gid := ownerGroup(ps.fi)
	return &version{Hash: hashOf(ps.data), Mode: ps.fi.Mode() & fs.ModePerm, UID: uid, GID: gid}
}

// dirOwner returns the owner of the nearest existing directory at or
// above rel: what a file created there should belong to.
func (s *state) dirOwner(rel string) (uid, gid int) {
	for d := rel; ; d = path.Dir(d) {
		if fi, err := s.r.Stat(filepath.FromSlash(d)); err == nil {
			return ownerGroup(fi)
		}
		if d == "." {
			return -1, -1
		}
	}
}

// createdDirs lists the directories the apply creates for created files,
// shallowest first.
func (s *state) createdDirs(rec *record) ([]dirRec, error) {
	seen := map[string]bool{}
	var out []dirRec
	for _, f := range rec.Files {
		if f.Action != "create" {
			continue
		}
		var chain []string
		for d := path.Dir(f.File); d != "." && !seen[d]; d = path.Dir(d) {
			seen[d] = true
			fi, err := s.r.Lstat(filepath.FromSlash(d))
			if err == nil {
				if !fi.IsDir() {
					return nil, &PathError{Path: d, Root: s.root, Msg: "not a directory"}
				}
				break
			}
			if !errors.Is(err, fs.ErrNotExist) {
				return nil, err
			}
			chain = append(chain, d)
		}
		for i := len(chain) - 1; i >= 0; i-- {
			uid, gid := s.dirOwner(path.Dir(chain[i]))
			out = append(out, dirRec{Dir: chain[i], Mode: 0o755, UID: uid, GID: gid})
		}
	}
	sortDirs(out)
	return out, nil
}

// removedDirs lists the directories that the deletions leave empty,
// shallowest first: a directory that holds at least one deleted file and
// nothing else but deleted files and such directories. Root, and
// directories that receive a created file, are never removed.
func (s *state) removedDirs(rec *record) ([]dirRec, error) {
	deleted := map[string]bool{}
	keep := map[string]bool{".": true}
	for _, f := range rec.Files {
		if f.Action == "delete" {
			deleted[f.File] = true
		} else if f.After != nil {
			for d := path.Dir(f.File); !keep[d]; d = path.Dir(d) {
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
		f, err := s.r.Open(filepath.FromSlash(dir))
		if err != nil {
			return false, err
		}
		ents, err := f.ReadDir(-1)
		f.Close()
		if err != nil {
			return false, err
		}
		ok := len(ents) > 0
		for _, e := range ents {
			p := path.Join(dir, e.Name())
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
		for d := path.Dir(p); d != "." && !seen[d]; d = path.Dir(d) {
			seen[d] = true
			v, err := empty(d)
			if err != nil {
				return nil, err
			}
			if !v {
				break
			}
			fi, err := s.r.Lstat(filepath.FromSlash(d))
			if err != nil {
				return nil, err
			}
			uid, gid := ownerGroup(fi)
			out = append(out, dirRec{Dir: d, Mode: fi.Mode() & fs.ModePerm, UID: uid, GID: gid})
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

// newSnapshot creates .goremover/snapshots/ID, sets rec.ID, and writes,
// all fsynced: snapshot.json first (so that a directory with a verified
// record is known to be goremover's), the blobs, then the journal in
// state "applying".
func (s *state) newSnapshot(rec *record, blobs map[string][]byte) (*journal, error) {
	werr := func(name string, err error) error { return &WriteError{Path: dotDir + "/" + name, Err: err} }
	if _, err := s.lstatMine("snapshots", true); errors.Is(err, fs.ErrNotExist) {
		if err := step(func() error { return s.d.Mkdir("snapshots", 0o700) }); err != nil {
			return nil, werr("snapshots", err)
		}
		if err := syncDir(s.d, "."); err != nil {
			return nil, werr(".", err)
		}
	} else if err != nil {
		return nil, err
	}
	var sdir string
	for {
		var b [2]byte
		rand.Read(b[:])
		rec.ID = rec.Time.Format("20060102T150405Z") + "-" + hex.EncodeToString(b[:])
		sdir = "snapshots/" + rec.ID
		err := step(func() error { return s.d.Mkdir(sdir, 0o700) })
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		if err != nil {
			return nil, werr(sdir, err)
		}
		break
	}
	fail := func(err error) (*journal, error) {
		s.d.RemoveAll(sdir)
		return nil, err
	}
	data, err := seal(s.key, rec)
	if err != nil {
		return fail(err)
	}
	tmp := sdir + "/.snapshot.json.tmp"
	if err := step(func() error { return writeNew(s.d, tmp, data, 0o600) }); err != nil {
		return fail(werr(tmp, err))
	}
	if err := step(func() error { return s.d.Rename(tmp, sdir+"/snapshot.json") }); err != nil {
		return fail(werr(sdir+"/snapshot.json", err))
	}
	bdir := sdir + "/blobs"
	if err := step(func() error { return s.d.Mkdir(bdir, 0o700) }); err != nil {
		return fail(werr(bdir, err))
	}
	hashes := make([]string, 0, len(blobs))
	for h := range blobs {
		hashes = append(hashes, h)
	}
	sort.Strings(hashes)
	for _, h := range hashes {
		p := bdir + "/" + h
		if err := step(func() error { return writeNew(s.d, p, blobs[h], 0o600) }); err != nil {
			return fail(werr(p, err))
		}
	}
	for _, d := range []string{bdir, sdir, "snapshots"} {
		if err := syncDir(s.d, d); err != nil {
			return fail(werr(d, err))
		}
	}
	j := &journal{s: s, id: rec.ID}
	if err := j.append(stateApplying); err != nil {
		return fail(werr(journalName(rec.ID), err))
	}
	return j, nil
}

// applyTree makes the writes to the tree (3), checking ctx before each.
func (s *state) applyTree(ctx context.Context, rec *record, newData map[string][]byte) *WriteError {
	dirs := map[string]bool{}
	werr := func(rel string, err error) *WriteError { return &WriteError{Path: rel, Err: err} }
	canceled := func(rel string) *WriteError {
		if ctx.Err() != nil {
			return werr(rel, errCanceled)
		}
		return nil
	}
	for _, d := range rec.CreatedDirs {
		if e := canceled(d.Dir); e != nil {
			return e
		}
		if err := step(func() error { return s.mkdir(d.Dir, d.Mode, d.UID, d.GID) }); err != nil {
			return werr(d.Dir, err)
		}
		dirs[path.Dir(d.Dir)] = true
	}
	for _, f := range rec.Files {
		if f.Action != "edit" && f.Action != "create" {
			continue
		}
		if e := canceled(f.File); e != nil {
			return e
		}
		if err := s.writeFile(f.File, rec.ID, newData[f.File], f.After); err != nil {
			return werr(f.File, err)
		}
		dirs[path.Dir(f.File)] = true
	}
	if err := s.syncDirs(dirs); err != nil {
		return werr(".", err)
	}
	dirs = map[string]bool{}
	for _, f := range rec.Files {
		if f.Action != "delete" {
			continue
		}
		if e := canceled(f.File); e != nil {
			return e
		}
		if err := step(func() error { return s.r.Remove(filepath.FromSlash(f.File)) }); err != nil {
			return werr(f.File, err)
		}
		dirs[path.Dir(f.File)] = true
	}
	for i := len(rec.RemovedDirs) - 1; i >= 0; i-- {
		d := rec.RemovedDirs[i].Dir
		err := step(func() error { return s.r.Remove(filepath.FromSlash(d)) })
		if err != nil && !isNotEmpty(err) {
			return werr(d, err)
		}
		// Not empty after all (something appeared): keep it; restore
		// handles a directory that was not removed.
		delete(dirs, d)
		dirs[path.Dir(d)] = true
	}
	if err := s.syncDirs(dirs); err != nil {
		return werr(".", err)
	}
	return nil
}

// String describes s for logs.
func (s *Snapshot) String() string {
	return fmt.Sprintf("%s (%s)", s.ID, s.State)
}
