// This file holds goremover's own state under root/.goremover/:
//
//	.goremover/.gitignore                 "*": git ignores all of it
//	.goremover/lock                       flock(2)ed by Apply, Recover, Restore; holds the pid
//	.goremover/snapshots/ID/snapshot.json the record, sealed with its MAC (record.go)
//	.goremover/snapshots/ID/blobs/SHA256  bytes of each kept file version
//	.goremover/snapshots/ID/journal       one "MAC state" line per state, appended and fsynced
//	.goremover/conflicts/ID/PATH          versions a restore did not put back (Conflict)
//
// The tree is untrusted, .goremover included: it is reached only through
// an os.Root opened at the root, so no name can lead outside it; its
// directories and files are opened without following symbolic links and
// must be the user's own, or goremover refuses (StateError) and touches
// nothing.

package txn

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"sort"
	"strconv"
	"strings"
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

// state is a root opened for goremover: the tree and its .goremover.
type state struct {
	root string   // absolute
	r    *os.Root // the tree
	d    *os.Root // root/.goremover; nil if it does not exist
	uid  int      // owner of the root directory
	key  []byte   // the user's key, once needed
}

// openState opens root and its .goremover directory, if it exists,
// checking that it is goremover's own.
func openState(root string) (*state, error) {
	r, err := os.OpenRoot(root)
	if err != nil {
		return nil, err
	}
	s := &state{root: root, r: r, uid: -1}
	if fi, err := r.Stat("."); err == nil {
		if uid, ok := owner(fi); ok {
			s.uid = uid
		}
	}
	if err := s.openDot(); err != nil && !errors.Is(err, fs.ErrNotExist) {
		r.Close()
		return nil, err
	}
	return s, nil
}

// openDot opens root/.goremover into s.d.
func (s *state) openDot() error {
	fi, err := s.r.Lstat(dotDir)
	if err != nil {
		return err
	}
	if err := s.mine(dotDir, fi, true); err != nil {
		return err
	}
	d, err := s.r.OpenRoot(dotDir)
	if err != nil {
		return err
	}
	if dfi, err := d.Stat("."); err != nil || !os.SameFile(fi, dfi) {
		d.Close()
		return &StateError{Path: dotDir, Problem: "changed while goremover opened it"}
	}
	s.d = d
	return nil
}

// makeDot creates root/.goremover, with its .gitignore, if need be.
func (s *state) makeDot() error {
	if s.d == nil {
		if err := s.r.Mkdir(dotDir, 0o700); err != nil && !errors.Is(err, fs.ErrExist) {
			return &WriteError{Path: dotDir, Err: err}
		}
		// Make .goremover durable, or a power loss could keep the
		// tree's renames and lose the snapshot.
		if err := syncDir(s.r, "."); err != nil {
			return &WriteError{Path: ".", Err: err}
		}
		if err := s.openDot(); err != nil {
			return err
		}
	}
	if _, err := s.d.Lstat(".gitignore"); errors.Is(err, fs.ErrNotExist) {
		if err := writeNew(s.d, ".gitignore", []byte("*\n"), 0o644); err != nil {
			return &WriteError{Path: dotDir + "/.gitignore", Err: err}
		}
	}
	return nil
}

func (s *state) close() {
	if s.d != nil {
		s.d.Close()
	}
	s.r.Close()
}

// mine checks that fi, the Lstat of rel (relative to root), is a
// directory (or regular file) that the user owns. As root, what the
// root directory's owner owns is accepted too: root edits other users'
// trees.
func (s *state) mine(rel string, fi fs.FileInfo, dir bool) error {
	switch {
	case fi.Mode()&fs.ModeSymlink != 0:
		return &StateError{Path: rel, Problem: "is a symbolic link"}
	case dir && !fi.IsDir():
		return &StateError{Path: rel, Problem: "is not a directory"}
	case !dir && !fi.Mode().IsRegular():
		return &StateError{Path: rel, Problem: "is not a regular file"}
	}
	if uid, ok := owner(fi); ok && uid != os.Geteuid() && !(os.Geteuid() == 0 && uid == s.uid) {
		return &StateError{Path: rel, Problem: fmt.Sprintf("is owned by uid %d, not by you (uid %d)", uid, os.Geteuid())}
	}
	return nil
}

// lstatMine returns the Lstat of name in .goremover, checked by mine;
// fs.ErrNotExist if it does not exist.
func (s *state) lstatMine(name string, dir bool) (fs.FileInfo, error) {
	fi, err := s.d.Lstat(name)
	if err != nil {
		return nil, err
	}
	if err := s.mine(dotDir+"/"+name, fi, dir); err != nil {
		return nil, err
	}
	return fi, nil
}

// openMine opens name in .goremover without following a symbolic link,
// and checks the file is the user's.
func (s *state) openMine(name string, flag int, perm fs.FileMode) (*os.File, error) {
	fi, err := s.lstatMine(name, false)
	if err != nil && !(errors.Is(err, fs.ErrNotExist) && flag&os.O_CREATE != 0) {
		return nil, err
	}
	f, err := s.d.OpenFile(name, flag|syscall.O_NOFOLLOW, perm)
	if err != nil {
		return nil, err
	}
	ofi, err := f.Stat()
	if err == nil && fi != nil && !os.SameFile(fi, ofi) {
		err = &StateError{Path: dotDir + "/" + name, Problem: "changed while goremover opened it"}
	}
	if err == nil {
		err = s.mine(dotDir+"/"+name, ofi, false)
	}
	if err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}

// readMine reads name in .goremover, as openMine opens it.
func (s *state) readMine(name string) ([]byte, error) {
	f, err := s.openMine(name, os.O_RDONLY, 0)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var b bytes.Buffer
	_, err = b.ReadFrom(f)
	return b.Bytes(), err
}

// userKey loads the user's key into s.
func (s *state) userKey() ([]byte, error) {
	if s.key == nil {
		k, err := userKey()
		if err != nil {
			return nil, err
		}
		s.key = k
	}
	return s.key, nil
}

type fileLock struct{ f *os.File }

// lock takes .goremover/lock, polling for up to wait, and writes our pid
// in it. The lock is the open file description's: a process that dies,
// however, releases it.
func (s *state) lock(wait time.Duration) (*fileLock, error) {
	f, err := s.openMine("lock", os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		var se *StateError
		if errors.As(err, &se) {
			return nil, err
		}
		return nil, &WriteError{Path: dotDir + "/lock", Err: err}
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
			return nil, &fs.PathError{Op: "flock", Path: dotDir + "/lock", Err: err}
		}
		if !time.Now().Before(deadline) {
			var b [32]byte
			n, _ := f.ReadAt(b[:], 0)
			pid, _ := strconv.Atoi(strings.TrimSpace(string(b[:n])))
			f.Close()
			return nil, &LockedError{Path: dotDir + "/lock", Pid: pid}
		}
		time.Sleep(50 * time.Millisecond)
	}
	if err := f.Truncate(0); err == nil {
		f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
	}
	return &fileLock{f}, nil
}

func (l *fileLock) unlock() { l.f.Close() }

// journal is a snapshot's journal: each line is "MAC state", the MAC
// binding the state to the snapshot and to the line's number.
type journal struct {
	s      *state
	id     string
	states []string // verified states, oldest first
}

func (j *journal) last() string {
	if len(j.states) == 0 {
		return ""
	}
	return j.states[len(j.states)-1]
}

func journalName(id string) string { return "snapshots/" + id + "/journal" }

// readJournal reads the journal of snapshot id. A final line without its
// newline is a torn append, ignored; any other line that does not verify
// makes the whole journal unverifiable.
func (s *state) readJournal(id string) (*journal, error) {
	j := &journal{s: s, id: id}
	data, err := s.readMine(journalName(id))
	if errors.Is(err, fs.ErrNotExist) {
		return j, nil
	}
	if err != nil {
		return nil, err
	}
	for n := 0; ; n++ {
		line, rest, ok := bytes.Cut(data, []byte("\n"))
		if !ok {
			break
		}
		data = rest
		m, st, ok := strings.Cut(string(line), " ")
		if !ok || !macEqual(m, journalMAC(s.key, id, n, st)) {
			return nil, fmt.Errorf("journal line %d: not written by goremover for this user (its MAC does not verify)", n+1)
		}
		j.states = append(j.states, st)
	}
	return j, nil
}

// append appends state to the journal and fsyncs it. The first append
// creates the journal, and fsyncs the directory too.
func (j *journal) append(state string) error {
	s := j.s
	name := journalName(j.id)
	line := journalMAC(s.key, j.id, len(j.states), state) + " " + state + "\n"
	err := step(func() error {
		f, err := s.openMine(name, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
		if err != nil {
			return err
		}
		// One write of one short line: a torn append leaves a line
		// without its newline, which readJournal ignores.
		_, err = f.Write([]byte(line))
		if err == nil {
			err = f.Sync()
		}
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err == nil && len(j.states) == 0 {
			err = syncDir(s.d, path.Dir(name))
		}
		return err
	})
	if err == nil {
		j.states = append(j.states, state)
	}
	return err
}

// entry is a snapshot on disk.
type entry struct {
	id  string
	rec *record // nil: no verified record
	j   *journal
}

func (e *entry) state() string { return e.j.last() }

// snapshots lists the snapshots of .goremover, oldest first, and the
// snapshot directories it ignores, with why: records goremover did not
// write for this user. A directory with a verified record and no journal
// state (an apply that crashed before its first write to the tree) is
// returned with an empty state; one with neither record nor journal is
// returned with rec == nil (a crash while the record was written).
func (s *state) snapshots() (out []*entry, ignored []string, err error) {
	if s.d == nil {
		return nil, nil, nil
	}
	if _, err := s.lstatMine("snapshots", true); errors.Is(err, fs.ErrNotExist) {
		return nil, nil, nil
	} else if err != nil {
		return nil, nil, err
	}
	dir, err := s.d.Open("snapshots")
	if err != nil {
		return nil, nil, err
	}
	names, err := dir.Readdirnames(-1)
	dir.Close()
	if err != nil {
		return nil, nil, err
	}
	sort.Strings(names)
	for _, name := range names {
		if strings.HasPrefix(name, ".") {
			continue // a temp file of ours
		}
		if _, err := s.lstatMine("snapshots/"+name, true); err != nil {
			return nil, nil, err
		}
		for _, f := range []string{"snapshot.json", "journal"} {
			if _, err := s.lstatMine("snapshots/"+name+"/"+f, false); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return nil, nil, err
			}
		}
		data, rerr := s.readMine("snapshots/" + name + "/snapshot.json")
		if errors.Is(rerr, fs.ErrNotExist) {
			if _, jerr := s.d.Lstat(journalName(name)); errors.Is(jerr, fs.ErrNotExist) {
				out = append(out, &entry{id: name, j: &journal{s: s, id: name}})
				continue
			}
		} else if rerr != nil {
			return nil, nil, rerr
		}
		if _, kerr := s.userKey(); kerr != nil {
			ignored = append(ignored, fmt.Sprintf("%s/snapshots/%s: %v; ignored", dotDir, name, kerr))
			continue
		}
		e := &entry{id: name}
		if rerr == nil {
			e.rec, rerr = unseal(s.key, name, data)
		}
		if rerr == nil {
			e.j, rerr = s.readJournal(name)
		}
		if rerr != nil {
			ignored = append(ignored, fmt.Sprintf("%s/snapshots/%s: %v; ignored", dotDir, name, rerr))
			continue
		}
		out = append(out, e)
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i].rec, out[j].rec
		if a == nil || b == nil || a.Time.Equal(b.Time) {
			return out[i].id < out[j].id
		}
		return a.Time.Before(b.Time)
	})
	return out, ignored, nil
}

// writeNew creates name in r with data and mode, fsynced; it fails if
// name exists.
func writeNew(r *os.Root, name string, data []byte, mode fs.FileMode) error {
	f, err := r.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL|syscall.O_NOFOLLOW, 0o600)
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
	if err != nil {
		r.Remove(name)
	}
	return err
}

// syncDir fsyncs the directory name of r.
func syncDir(r *os.Root, name string) error {
	f, err := r.Open(name)
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

// owner returns the uid that owns fi.
func owner(fi fs.FileInfo) (int, bool) {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return 0, false
	}
	return int(st.Uid), true
}

// ownerGroup returns fi's uid and gid, -1 if unknown.
func ownerGroup(fi fs.FileInfo) (uid, gid int) {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return -1, -1
	}
	return int(st.Uid), int(st.Gid)
}
