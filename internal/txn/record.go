// This file holds a snapshot's record (snapshot.json) and its encoding.
// The record is untrusted input when it is read back: it is used only if
// its MAC verifies under the user's key, and even then every path must
// be a local, slash-separated path outside .goremover, every hash a
// SHA-256, and every mode permission bits only.

package txn

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"path/filepath"
	"strings"
	"time"
)

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
	Mode fs.FileMode `json:"mode"`   // permission bits only
	UID  int         `json:"uid"`
	GID  int         `json:"gid"`
}

type dirRec struct {
	Dir  string      `json:"dir"` // slash-separated, relative to root
	Mode fs.FileMode `json:"mode"`
	UID  int         `json:"uid"`
	GID  int         `json:"gid"`
}

// sealed is snapshot.json on disk: the record's exact bytes and their MAC.
type sealed struct {
	MAC    string          `json:"mac"`
	Record json.RawMessage `json:"record"`
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

// seal encodes rec with its MAC under key.
func seal(key []byte, rec *record) ([]byte, error) {
	raw, err := json.Marshal(rec)
	if err != nil {
		return nil, err
	}
	data, err := json.MarshalIndent(&sealed{MAC: mac(key, "goremover snapshot", string(raw)), Record: raw}, "", "\t")
	if err != nil {
		return nil, err
	}
	return append(data, '\n'), nil
}

// unseal decodes snapshot.json of the snapshot directory id: it fails
// unless the MAC verifies under key and the record is well-formed.
func unseal(key []byte, id string, data []byte) (*record, error) {
	var s sealed
	if err := json.Unmarshal(data, &s); err != nil || s.MAC == "" || len(s.Record) == 0 {
		return nil, errors.New("snapshot.json: not written by goremover for this user (it has no MAC)")
	}
	// The MAC is of the record's compact form: indenting the file
	// changes only insignificant white space.
	var raw bytes.Buffer
	if err := json.Compact(&raw, s.Record); err != nil {
		return nil, fmt.Errorf("snapshot.json: %v", err)
	}
	if !macEqual(s.MAC, mac(key, "goremover snapshot", raw.String())) {
		return nil, errors.New("snapshot.json: not written by goremover for this user (its MAC does not verify)")
	}
	rec := new(record)
	if err := json.Unmarshal(s.Record, rec); err != nil {
		return nil, fmt.Errorf("snapshot.json: %v", err)
	}
	if rec.ID != id {
		return nil, fmt.Errorf("snapshot.json: records snapshot %q", rec.ID)
	}
	if err := rec.validate(); err != nil {
		return nil, fmt.Errorf("snapshot.json: %v", err)
	}
	return rec, nil
}

// validate checks what a restore relies on, beyond the MAC.
func (r *record) validate() error {
	for _, f := range r.Files {
		if err := validRel(f.File); err != nil {
			return err
		}
		for _, v := range []*version{f.Before, f.After} {
			if v != nil && (!validHash(v.Hash) || v.Mode&^fs.ModePerm != 0) {
				return fmt.Errorf("%s: bad version record", f.File)
			}
		}
		switch f.Action {
		case "", "edit", "delete", "create":
		default:
			return fmt.Errorf("%s: unknown action %q", f.File, f.Action)
		}
	}
	for _, ds := range [][]dirRec{r.CreatedDirs, r.RemovedDirs} {
		for _, d := range ds {
			if err := validRel(d.Dir); err != nil {
				return err
			}
			if d.Mode&^fs.ModePerm != 0 {
				return fmt.Errorf("%s: bad directory mode %v", d.Dir, d.Mode)
			}
		}
	}
	return nil
}

// validRel reports whether rel is a path goremover may write: local
// (no "..", not absolute, not empty), clean, slash-separated, and not in
// .goremover.
func validRel(rel string) error {
	if rel == "" || !filepath.IsLocal(filepath.FromSlash(rel)) || path.Clean(rel) != rel || strings.Contains(rel, "\\") {
		return fmt.Errorf("%q: not a path inside the root", rel)
	}
	if first, _, _ := strings.Cut(rel, "/"); first == dotDir {
		return fmt.Errorf("%q: inside goremover's own %s directory", rel, dotDir)
	}
	return nil
}

func validHash(h string) bool {
	b, err := hex.DecodeString(h)
	return err == nil && len(b) == sha256.Size && hex.EncodeToString(b) == h
}

func hashOf(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

// journalMAC is the MAC of the n-th line (from 0) of snapshot id's
// journal, saying state.
func journalMAC(key []byte, id string, n int, state string) string {
	return mac(key, "goremover journal", id, fmt.Sprint(n), state)
}
