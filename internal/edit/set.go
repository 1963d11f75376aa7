// Package edit holds goremover's changes as data: a Set of whole-file
// changes computed in memory from one consistent load, merged, and shown
// as a unified diff. Nothing here writes to disk; only package txn does.
package edit

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
)

// File is a change to one file: its content as read and as it should be.
type File struct {
	Path string // absolute, clean
	// Old is the content as read, nil if the file is created. txn checks
	// the file still has it before writing.
	Old []byte
	// New is the content to write, nil if the file is deleted.
	New []byte
	// Mode is the original file's permission bits (or, for a created
	// file, the bits to create it with).
	Mode fs.FileMode
}

// ModeOf returns the permission bits of the file at path, for File.Mode
// (0644 if it cannot be read).
func ModeOf(path string) fs.FileMode {
	if fi, err := os.Lstat(path); err == nil {
		return fi.Mode().Perm()
	}
	return 0o644
}

// Action returns "edit", "delete" or "create", as in the SPEC's JSON.
func (f *File) Action() string {
	switch {
	case f.Old == nil:
		return "create"
	case f.New == nil:
		return "delete"
	}
	return "edit"
}

// Set is a set of file changes, at most one per file.
type Set struct {
	files map[string]*File
}

// ConflictError reports two different changes to one file.
type ConflictError struct{ Path string }

func (e *ConflictError) Error() string {
	return fmt.Sprintf("conflicting changes to %s", e.Path)
}

// Add adds f to the set. A second change to the same file must start from
// the same content and end in the same content (an identical change is
// merged); otherwise Add returns a *ConflictError. A change that changes
// nothing is dropped.
func (s *Set) Add(f *File) error {
	f.Path = filepath.Clean(f.Path)
	if f.Old != nil && f.New != nil && bytes.Equal(f.Old, f.New) {
		return nil
	}
	if s.files == nil {
		s.files = map[string]*File{}
	}
	if g, ok := s.files[f.Path]; ok {
		if bytes.Equal(g.Old, f.Old) && (g.Old == nil) == (f.Old == nil) &&
			bytes.Equal(g.New, f.New) && (g.New == nil) == (f.New == nil) {
			return nil
		}
		return &ConflictError{Path: f.Path}
	}
	s.files[f.Path] = f
	return nil
}

// Get returns the change to path, or nil.
func (s *Set) Get(path string) *File { return s.files[filepath.Clean(path)] }

// Files returns the changes sorted by path.
func (s *Set) Files() []*File {
	out := make([]*File, 0, len(s.files))
	for _, f := range s.files {
		out = append(out, f)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out
}

// Len returns the number of changed files.
func (s *Set) Len() int { return len(s.files) }
