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
	"strings"
	"unicode"
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
	es, err := parseBaseline(data)
	if err != nil {
		pe := err.(*parseError)
		line, col := lineCol(data, pe.off)
		return nil, &BaselineError{File: file, Line: line, Col: col, Msg: pe.msg, Err: pe.err}
	}
	for _, e := range es {
		b.entries[e] = true
	}
	b.exists = true
	return b, nil
}

// parseError is a malformed baseline: what is wrong, at which byte.
type parseError struct {
	off int64
	msg string
	err error // the JSON error, if any
}

func (e *parseError) Error() string { return e.msg }

// parseBaseline parses a baseline file. Every error has a position: the
// file is the user's (or a hostile repository's), and a gate must not
// quietly accept a typo. Syntax is checked on the whole file first, so
// that offsets are the file's (a json.Decoder's are its value's); then
// the tokens are walked, and the structure checked: unknown, missing or
// mistyped fields and entries without a rule or a key are errors.
func parseBaseline(data []byte) ([]BaselineEntry, error) {
	var v any
	if err := json.Unmarshal(data, &v); err != nil {
		off := int64(len(data)) // the file ended early
		var se *json.SyntaxError
		if errors.As(err, &se) && se.Offset > 0 && !strings.Contains(se.Error(), "unexpected end") {
			off = se.Offset - 1 // the offending byte, read last
		}
		return nil, &parseError{off: off, msg: "not a goremover baseline: " + err.Error(), err: err}
	}
	w := &tokens{dec: json.NewDecoder(bytes.NewReader(data)), data: data}
	w.dec.UseNumber()
	start := w.at()
	if err := w.delim('{', "an object"); err != nil {
		return nil, err
	}
	var es []BaselineEntry
	version, versionAt := "", int64(-1)
	findings := false
	for w.dec.More() {
		off := w.at()
		key, _ := w.next().(string) // the syntax is valid: a key
		switch key {
		case "version":
			versionAt = w.at()
			n, ok := w.next().(json.Number)
			if !ok {
				return nil, w.bad(versionAt, "version: want a number")
			}
			version = n.String()
		case "tool":
			off := w.at()
			if _, ok := w.next().(string); !ok {
				return nil, w.bad(off, "tool: want a string")
			}
		case "findings":
			if err := w.delim('[', `findings: want an array of {"rule", "key"}`); err != nil {
				return nil, err
			}
			for w.dec.More() {
				e, err := w.entry()
				if err != nil {
					return nil, err
				}
				es = append(es, e)
			}
			w.next() // ]
			findings = true
		default:
			return nil, w.bad(off, "unknown field %q", key)
		}
	}
	switch {
	case versionAt < 0:
		return nil, w.bad(start, "no version")
	case version != "1":
		return nil, &parseError{off: versionAt, msg: fmt.Sprintf("baseline version %s; this goremover reads version 1", version)}
	case !findings:
		return nil, w.bad(start, "no findings")
	}
	return es, nil
}

// tokens walks the tokens of a syntactically valid JSON file, knowing
// where each one starts.
type tokens struct {
	dec  *json.Decoder
	data []byte
}

// at returns the offset of the next token: InputOffset is the end of the
// previous one, before the separators that follow it.
func (w *tokens) at() int64 {
	off := w.dec.InputOffset()
	for off < int64(len(w.data)) && strings.IndexByte(" \t\r\n,:", w.data[off]) >= 0 {
		off++
	}
	return off
}

// next returns the next token (the syntax was checked: no error).
func (w *tokens) next() json.Token {
	t, _ := w.dec.Token()
	return t
}

func (w *tokens) bad(off int64, format string, args ...any) error {
	return &parseError{off: off, msg: "not a goremover baseline: " + fmt.Sprintf(format, args...)}
}

// delim reads the delimiter want, or says that it wanted what.
func (w *tokens) delim(want json.Delim, what string) error {
	off := w.at()
	if d, ok := w.next().(json.Delim); !ok || d != want {
		return w.bad(off, "%s", what)
	}
	return nil
}

// entry reads one {"rule": ..., "key": ...}.
func (w *tokens) entry() (BaselineEntry, error) {
	var e BaselineEntry
	start := w.at()
	if err := w.delim('{', `want {"rule", "key"}`); err != nil {
		return e, err
	}
	for w.dec.More() {
		off := w.at()
		key, _ := w.next().(string)
		var dst *string
		switch key {
		case "rule":
			dst = &e.Rule
		case "key":
			dst = &e.Key
		default:
			return e, w.bad(off, "unknown field %q", key)
		}
		off = w.at()
		s, ok := w.next().(string)
		if !ok {
			return e, w.bad(off, "%s: want a string", key)
		}
		*dst = s
	}
	w.next() // }
	if msg := checkEntry(e); msg != "" {
		return e, w.bad(start, "%s", msg)
	}
	return e, nil
}

// checkEntry returns what is wrong with an entry, or "".
func checkEntry(e BaselineEntry) string {
	for _, f := range []struct{ name, v string }{{"rule", e.Rule}, {"key", e.Key}} {
		if f.v == "" {
			return "an entry without a " + f.name
		}
		// Keys are printed one a line: no spaces, no control
		// characters.
		for _, r := range f.v {
			if unicode.IsSpace(r) || !unicode.IsPrint(r) {
				return fmt.Sprintf("%s %q: a space or control character", f.name, f.v)
			}
		}
	}
	return ""
}

// Has reports whether the baseline accepts the finding.
func (b *Baseline) Has(rule, key string) bool { return b.entries[BaselineEntry{rule, key}] }

// Gone returns the number of accepted findings that are not found any
// more: what -baseline-write would drop.
func (b *Baseline) Gone(found map[BaselineEntry]bool) int {
	n := 0
	for e := range b.entries {
		if !found[e] {
			n++
		}
	}
	return n
}

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
	data, err := encodeBaseline(keep)
	if err != nil {
		return 0, err
	}
	// Temp file and rename: a reader never sees half a baseline.
	tmp, err := os.CreateTemp(filepath.Dir(b.File), "."+filepath.Base(b.File)+".*")
	if err != nil {
		return 0, &BaselineError{File: b.File, Msg: errMsg(err), Err: err}
	}
	_, err = tmp.Write(data)
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

// encodeBaseline returns the file of a baseline: its entries sorted, one
// field a line, so that a change to it reads well in a diff.
func encodeBaseline(entries map[BaselineEntry]bool) ([]byte, error) {
	bf := baselineFile{Version: 1, Tool: "goremover", Findings: []BaselineEntry{}}
	for e := range entries {
		bf.Findings = append(bf.Findings, e)
	}
	sortEntries(bf.Findings)
	data, err := json.MarshalIndent(bf, "", "  ")
	return append(data, '\n'), err
}

func errMsg(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Op + ": " + pe.Err.Error()
	}
	return err.Error()
}

// lineCol returns the line and column (1-based, in bytes) of an offset.
func lineCol(data []byte, off int64) (line, col int) {
	line, col = 1, 1
	for _, c := range data[:max(0, min(int(off), len(data)))] {
		if c == '\n' {
			line, col = line+1, 1
		} else {
			col++
		}
	}
	return line, col
}
