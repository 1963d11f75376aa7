package report

// This file holds baselines: the findings a gate accepted once, recorded
// in a file, so that it fails only on new ones. A baseline can only
// shrink: writing it again keeps only what is still found.

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
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
}

type baselineFile struct {
	Version  int             `json:"version"`
	Tool     string          `json:"tool"`
	Findings []BaselineEntry `json:"findings"`
}

// BaselineError reports a baseline file that cannot be used.
type BaselineError struct {
	File string
	Msg  string
}

func (e *BaselineError) Error() string { return e.File + ": " + e.Msg }

// ReadBaseline reads the baseline in file. A missing file is an empty
// baseline if create is set (the first -baseline-write), else an error.
func ReadBaseline(file string, create bool) (*Baseline, error) {
	b := &Baseline{File: file, entries: map[BaselineEntry]bool{}}
	data, err := os.ReadFile(file)
	if errors.Is(err, fs.ErrNotExist) && create {
		return b, nil
	}
	if err != nil {
		return nil, &BaselineError{File: file, Msg: errMsg(err)}
	}
	var bf baselineFile
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&bf); err != nil {
		return nil, &BaselineError{File: file, Msg: "not a goremover baseline: " + jsonErr(data, err)}
	}
	if bf.Version != 1 {
		return nil, &BaselineError{File: file, Msg: fmt.Sprintf("baseline version %d; this goremover reads version 1", bf.Version)}
	}
	for _, e := range bf.Findings {
		b.entries[e] = true
	}
	return b, nil
}

// Has reports whether the baseline accepts the finding.
func (b *Baseline) Has(rule, key string) bool { return b.entries[BaselineEntry{rule, key}] }

// Len returns the number of accepted findings.
func (b *Baseline) Len() int { return len(b.entries) }

// Write writes the baseline of found to b's file: every found finding if
// the baseline was empty (it did not exist), else only those it already
// accepted (a baseline never grows; delete the file to start again). It
// returns how many entries were dropped because they are gone.
func (b *Baseline) Write(found []BaselineEntry) (dropped int, err error) {
	keep := map[BaselineEntry]bool{}
	for _, e := range found {
		if len(b.entries) == 0 || b.entries[e] {
			keep[e] = true
		}
	}
	if len(b.entries) > 0 {
		dropped = len(b.entries) - len(keep)
	}
	bf := baselineFile{Version: 1, Tool: "goremover", Findings: []BaselineEntry{}}
	for e := range keep {
		bf.Findings = append(bf.Findings, e)
	}
	sort.Slice(bf.Findings, func(i, j int) bool {
		a, c := bf.Findings[i], bf.Findings[j]
		if a.Rule != c.Rule {
			return a.Rule < c.Rule
		}
		return a.Key < c.Key
	})
	data, err := json.MarshalIndent(bf, "", "  ")
	if err != nil {
		return 0, err
	}
	// Temp file and rename: a reader never sees half a baseline.
	tmp, err := os.CreateTemp(filepath.Dir(b.File), "."+filepath.Base(b.File)+".*")
	if err != nil {
		return 0, &BaselineError{File: b.File, Msg: errMsg(err)}
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
		return 0, &BaselineError{File: b.File, Msg: errMsg(err)}
	}
	b.entries = keep
	return dropped, nil
}

func errMsg(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Op + ": " + pe.Err.Error()
	}
	return err.Error()
}

// jsonErr positions a JSON decoding error as line:col.
func jsonErr(data []byte, err error) string {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	off := int64(-1)
	switch {
	case errors.As(err, &se):
		off = se.Offset
	case errors.As(err, &te):
		off = te.Offset
	}
	if off < 0 {
		return err.Error()
	}
	line, col := 1, 1
	for _, c := range data[:min(int(off), len(data))] {
		if c == '\n' {
			line, col = line+1, 1
		} else {
			col++
		}
	}
	return fmt.Sprintf("line %d, column %d: %v", line, col, err)
}
