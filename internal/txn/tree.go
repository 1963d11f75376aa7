// This file holds the operations on the user's tree, all through the
// os.Root opened at the root: a name can never reach outside it, through
// "..", an absolute path or a symbolic link anywhere on the way.

package txn

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"syscall"

	"github.com/goremover/goremover/internal/edit"
)

// pathState is what is at a path of the tree.
type pathState struct {
	exists  bool
	regular bool   // a regular file (not a link, directory, device...)
	data    []byte // if regular
	fi      fs.FileInfo
}

// is reports whether ps holds exactly the version v (nil: absent).
func (ps *pathState) is(v *version) bool {
	if v == nil {
		return !ps.exists
	}
	return ps.regular && hashOf(ps.data) == v.Hash
}

// what describes what is at the path, for a Conflict.
func (ps *pathState) what() string {
	switch {
	case !ps.exists:
		return "deleted since the apply"
	case ps.fi.Mode()&fs.ModeSymlink != 0:
		return "now a symbolic link"
	case ps.fi.IsDir():
		return "now a directory"
	case !ps.regular:
		return "now not a regular file"
	}
	return "changed since the apply"
}

// stat reads what is at rel, without following a final symbolic link.
func (s *state) stat(rel string) (*pathState, error) {
	name := filepath.FromSlash(rel)
	fi, err := s.r.Lstat(name)
	if errors.Is(err, fs.ErrNotExist) {
		return &pathState{}, nil
	}
	if err != nil {
		return nil, err
	}
	ps := &pathState{exists: true, fi: fi, regular: fi.Mode().IsRegular()}
	if ps.regular {
		f, err := s.r.OpenFile(name, os.O_RDONLY|syscall.O_NOFOLLOW, 0)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		var b bytes.Buffer
		if _, err := b.ReadFrom(f); err != nil {
			return nil, err
		}
		ps.data = b.Bytes()
	}
	return ps, nil
}

// tmpName is the temp file for rel: in its directory, named after the
// snapshot so that a restore can find and remove a leftover one.
func tmpName(rel, id string) string {
	return path.Join(path.Dir(rel), "."+path.Base(rel)+"."+id+".goremover-tmp")
}

// writeFile writes data to rel atomically: a temp file in its directory,
// with v's mode and owner, fsynced, then renamed over rel.
func (s *state) writeFile(rel, id string, data []byte, v *version) error {
	tmp := filepath.FromSlash(tmpName(rel, id))
	s.r.Remove(tmp) // a leftover of an interrupted apply or restore
	if err := step(func() error { return s.createFile(tmp, data, v.Mode, v.UID, v.GID) }); err != nil {
		s.r.Remove(tmp)
		return err
	}
	if err := step(func() error { return s.r.Rename(tmp, filepath.FromSlash(rel)) }); err != nil {
		s.r.Remove(tmp)
		return err
	}
	return nil
}

// createFile creates name with data, mode (permission bits) and owner,
// fsynced.
func (s *state) createFile(name string, data []byte, mode fs.FileMode, uid, gid int) error {
	f, err := s.r.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL|syscall.O_NOFOLLOW, 0o600)
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if err == nil {
		err = chown(f, uid, gid)
	}
	if err == nil {
		err = f.Chmod(mode & fs.ModePerm)
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// mkdir creates the directory rel with mode and owner.
func (s *state) mkdir(rel string, mode fs.FileMode, uid, gid int) error {
	name := filepath.FromSlash(rel)
	if err := s.r.Mkdir(name, mode&fs.ModePerm); err != nil {
		return err
	}
	if err := s.r.Chmod(name, mode&fs.ModePerm); err != nil { // despite the umask
		return err
	}
	return s.lchown(name, uid, gid)
}

// chown gives f to uid:gid when they are known and not already ours.
// Only root can give a file away; for others a failure leaves the file
// theirs, as any editor would.
func chown(f *os.File, uid, gid int) error {
	if uid < 0 || gid < 0 || uid == os.Geteuid() && gid == os.Getegid() {
		return nil
	}
	if err := f.Chown(uid, gid); err != nil && os.Geteuid() == 0 {
		return err
	}
	return nil
}

func (s *state) lchown(name string, uid, gid int) error {
	if uid < 0 || gid < 0 || uid == os.Geteuid() && gid == os.Getegid() {
		return nil
	}
	if err := s.r.Lchown(name, uid, gid); err != nil && os.Geteuid() == 0 {
		return err
	}
	return nil
}

// syncDirs fsyncs the directories of the tree named in dirs.
func (s *state) syncDirs(dirs map[string]bool) error {
	ds := make([]string, 0, len(dirs))
	for d := range dirs {
		ds = append(ds, d)
	}
	sort.Strings(ds)
	for _, d := range ds {
		if err := syncDir(s.r, filepath.FromSlash(d)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return &fs.PathError{Op: "fsync", Path: d, Err: err}
		}
	}
	return nil
}

func isNotEmpty(err error) bool {
	return errors.Is(err, errNotEmpty) || errors.Is(err, fs.ErrExist)
}

// shapeError reports whether err comes from the shape of the tree at a
// path (a file where a directory was, a symbolic link on the way) rather
// than from the disk: such a path is someone else's, a Conflict.
func shapeError(err error) bool {
	for _, e := range []error{syscall.ENOTDIR, syscall.EISDIR, syscall.ELOOP, syscall.EEXIST} {
		if errors.Is(err, e) {
			return true
		}
	}
	return strings.Contains(err.Error(), "path escapes from parent")
}

// Check reports whether set may be written under root, and returns a
// *PathError if not: every path must be inside root, outside .goremover,
// not reached through a symbolic link that leaves root, and, if it
// exists, a regular file. 'rm -n' and 'rm' call it alike, so that a diff
// is never shown for a change that would be refused.
func Check(root string, set *edit.Set) error {
	root, err := cleanRoot(root)
	if err != nil {
		return err
	}
	r, err := os.OpenRoot(root)
	if err != nil {
		return err
	}
	defer r.Close()
	for _, f := range set.Files() {
		if _, err := checkPath(r, root, f.Path); err != nil {
			return err
		}
	}
	return nil
}

// checkPath checks the absolute path p as Check does and returns it
// relative to root, slash-separated.
func checkPath(r *os.Root, root, p string) (string, error) {
	if !filepath.IsAbs(p) {
		return "", &PathError{Path: p, Root: root, Msg: "path is not absolute"}
	}
	rel, err := filepath.Rel(root, p)
	if err != nil {
		return "", &PathError{Path: filepath.ToSlash(p), Root: root, Msg: "outside " + root + "; goremover writes only inside it"}
	}
	slash := filepath.ToSlash(rel)
	if !filepath.IsLocal(rel) {
		return "", &PathError{Path: slash, Root: root, Msg: "outside " + root + "; goremover writes only inside it"}
	}
	if first, _, _ := strings.Cut(slash, "/"); first == dotDir {
		return "", &PathError{Path: slash, Root: root, Msg: "inside goremover's own " + dotDir + " directory"}
	}
	// The nearest existing parent must be a directory inside root,
	// even through symbolic links.
	for d := filepath.Dir(rel); ; d = filepath.Dir(d) {
		fi, err := r.Stat(d)
		if err == nil {
			if !fi.IsDir() {
				return "", &PathError{Path: slash, Root: root, Msg: fmt.Sprintf("%s is not a directory", filepath.ToSlash(d))}
			}
			break
		}
		if !errors.Is(err, fs.ErrNotExist) {
			if strings.Contains(err.Error(), "path escapes from parent") {
				return "", &PathError{Path: slash, Root: root, Msg: "outside " + root + " through a symbolic link; goremover writes only inside it"}
			}
			return "", &PathError{Path: slash, Root: root, Msg: errMsg(err)}
		}
		if d == "." {
			break
		}
	}
	fi, err := r.Lstat(rel)
	if err == nil && !fi.Mode().IsRegular() {
		what := "not a regular file"
		if fi.Mode()&fs.ModeSymlink != 0 {
			what = "a symbolic link"
		}
		return "", &PathError{Path: slash, Root: root, Msg: "is " + what + "; goremover edits only regular files"}
	}
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		if strings.Contains(err.Error(), "path escapes from parent") {
			return "", &PathError{Path: slash, Root: root, Msg: "outside " + root + " through a symbolic link; goremover writes only inside it"}
		}
		return "", &PathError{Path: slash, Root: root, Msg: errMsg(err)}
	}
	return slash, nil
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
