package report

// This file holds baselines: the findings a gate accepted once, recorded
// in a file, so that it fails only on new ones. A baseline can only
// shrink: writing it again keeps only what is still found.

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
)

// BaselineEntry is a finding a baseline accepts. Key is its identity,
// stable across edits that move it (say, package and name, not line).
type BaselineEntry struct {
	Rule string `json:"rule"`
	Key  string `json:"key"`
}

// Baseline is a set of accepted findings.
type Baseline struct {
	File    string
	entries map[BaselineEntry]bool
	// exists is set once the file was read or written: from then on
	// the baseline only shrinks, even when it is empty.
	exists bool
}

type baselineFile struct {
	Version  int             `json:"version"`
	Tool     string          `json:"tool"`
	Findings []BaselineEntry `json:"findings"`
}

// BaselineError reports a baseline file that cannot be used, at a
// position in it when the file is malformed.
type BaselineError struct {
	File      string
	Line, Col int // 0 if the error is not at a position
	Msg       string
	Err       error // the underlying error, if any
}

func (e *BaselineError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d:%d: %s", e.File, e.Line, e.Col, e.Msg)
	}
	return e.File + ": " + e.Msg
}

func (e *BaselineError) Unwrap() error { return e.Err }

// ReadBaseline reads the baseline in file. A missing file is an empty
// baseline if create is set (the first -baseline-write), else an error.
func ReadBaseline(file string, create bool) (*Baseline, error) {
	b := &Baseline{File: file, entries: map[BaselineEntry]bool{}}
	data, err := os.ReadFile(file)
	if errors.Is(err, fs.ErrNotExist) && create {
		return b, nil
	}
	if err != nil {
		return nil, &BaselineError{File: file, Msg: errMsg(err), Err: err}
	}
	var bf baselineFile
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&bf); err != nil {
		line, col := jsonPos(data, err)
		return nil, &BaselineError{File: file, Line: line, Col: col, Msg: "not a goremover baseline: " + err.Error(), Err: err}
	}
	if bf.Version != 1 {
		return nil, &BaselineError{File: file, Msg: fmt.Sprintf("baseline version %d; this goremover reads version 1", bf.Version)}
	}
	for _, e := range bf.Findings {
		b.entries[e] = true
	}
	b.exists = true
	return b, nil
}

// Has reports whether the baseline accepts the finding.
func (b *Baseline) Has(rule, key string) bool { return b.entries[BaselineEntry{rule, key}] }

// Len returns the number of accepted findings.
func (b *Baseline) Len() int { return len(b.entries) }

// Exists reports whether the baseline's file existed when it was read
// (or has been written since).
func (b *Baseline) Exists() bool { return b.exists }

// Entries returns the accepted findings, sorted by rule and key.
func (b *Baseline) Entries() []BaselineEntry {
	out := make([]BaselineEntry, 0, len(b.entries))
	for e := range b.entries {
		out = append(out, e)
	}
	sortEntries(out)
	return out
}

func sortEntries(es []BaselineEntry) {
	sort.Slice(es, func(i, j int) bool {
		a, c := es[i], es[j]
		if a.Rule != c.Rule {
			return a.Rule < c.Rule
		}
		return a.Key < c.Key
	})
}

// Write writes the baseline of found to b's file: every found finding if
// the file did not exist, else only those it already accepted (a
// baseline never grows, not even an empty one; delete the file to start
// again). It returns how many entries were dropped because they are
// gone.
func (b *Baseline) Write(found []BaselineEntry) (dropped int, err error) {
	keep := map[BaselineEntry]bool{}
	for _, e := range found {
		if !b.exists || b.entries[e] {
			keep[e] = true
		}
	}
	if b.exists {
		dropped = len(b.entries) - len(keep)
	}
	bf := baselineFile{Version: 1, Tool: "goremover", Findings: []BaselineEntry{}}
	for e := range keep {
		bf.Findings = append(bf.Findings, e)
	}
	sortEntries(bf.Findings)
	data, err := json.MarshalIndent(bf, "", "  ")
	if err != nil {
		return 0, err
	}
	// Temp file and rename: a reader never sees half a baseline.
	tmp, err := os.CreateTemp(filepath.Dir(b.File), "."+filepath.Base(b.File)+".*")
	if err != nil {
		return 0, &BaselineError{File: b.File, Msg: errMsg(err), Err: err}
	}
	_, err = tmp.Write(append(data, '\n'))
	if err == nil {
		err = tmp.Chmod(0o644)
	}
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), b.File)
	}
	if err != nil {
		os.Remove(tmp.Name())
		return 0, &BaselineError{File: b.File, Msg: errMsg(err), Err: err}
	}
	b.entries, b.exists = keep, true
	return dropped, nil
}

func errMsg(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Op + ": " + pe.Err.Error()
	}
	return err.Error()
}

// jsonPos returns the line and column (1-based) of a JSON decoding
// error (a type error: the end of the value; the file ended early: its
// end), or 0, 0 when it has none.
func jsonPos(data []byte, err error) (line, col int) {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	off := int64(-1)
	switch {
	case errors.As(err, &se):
		off = se.Offset - 1 // the offending byte, read last
	case errors.As(err, &te):
		off = te.Offset
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		off = int64(len(data))
	}
	if off < 0 {
		return 0, 0
	}
	line, col = 1, 1
	for _, c := range data[:min(int(off), len(data))] {
		if c == '\n' {
			line, col = line+1, 1
		} else {
			col++
		}
	}
	return line, col
}
