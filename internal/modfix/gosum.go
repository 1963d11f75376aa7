package modfix

// This file reads and writes go.sum files. A go.sum line is
// "path version[/go.mod] hash"; the fields are split on white space and
// checked with golang.org/x/mod/module, never matched with patterns.

import (
	"bytes"
	"fmt"
	"sort"
	"strings"

	"golang.org/x/mod/module"
	"golang.org/x/mod/semver"
)

// SumLine is one line of a go.sum file.
type SumLine struct {
	Path    string
	Version string // without the /go.mod suffix
	GoMod   bool   // the line hashes the module's go.mod only
	Hash    string // "h1:..."
	Line    int    // 1-based line number
}

// Key returns "path version[/go.mod]", which identifies the line's
// content apart from its hash.
func (l SumLine) Key() string {
	if l.GoMod {
		return l.Path + " " + l.Version + "/go.mod"
	}
	return l.Path + " " + l.Version
}

// String returns the line as go.sum writes it, without newline.
func (l SumLine) String() string { return l.Key() + " " + l.Hash }

// Mod returns the module version the line is about.
func (l SumLine) Mod() module.Version { return module.Version{Path: l.Path, Version: l.Version} }

// SumError is a malformed go.sum line.
type SumError struct {
	File string
	Line int
	Msg  string
}

func (e *SumError) Error() string { return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg) }

// ParseSum parses go.sum content. Empty lines are allowed, as the go
// command allows them; anything else malformed is a *SumError.
func ParseSum(file string, data []byte) ([]SumLine, error) {
	var out []SumLine
	n := 0
	for len(data) > 0 {
		n++
		var line []byte
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			line, data = data[:i], data[i+1:]
		} else {
			line, data = data, nil
		}
		f := strings.Fields(string(line))
		if len(f) == 0 {
			continue
		}
		if len(f) != 3 {
			return nil, &SumError{File: file, Line: n, Msg: fmt.Sprintf("malformed go.sum line: want 3 fields, have %d", len(f))}
		}
		l := SumLine{Path: f[0], Version: f[1], Hash: f[2], Line: n}
		if v, ok := strings.CutSuffix(l.Version, "/go.mod"); ok {
			l.Version, l.GoMod = v, true
		}
		if err := module.Check(l.Path, l.Version); err != nil {
			// module.Check rejects some paths the go command accepts in
			// go.sum (gopkg.in without .vN); accept any valid import path.
			if module.CheckImportPath(l.Path) != nil || !semver.IsValid(l.Version) {
				return nil, &SumError{File: file, Line: n, Msg: fmt.Sprintf("malformed go.sum line: %v", err)}
			}
		}
		if !strings.HasPrefix(l.Hash, "h1:") && !strings.Contains(l.Hash, ":") {
			return nil, &SumError{File: file, Line: n, Msg: fmt.Sprintf("malformed go.sum line: bad hash %q", l.Hash)}
		}
		out = append(out, l)
	}
	return out, nil
}

// scanSum reads go.sum content as the go command does: a line with three
// fields is a checksum line, whatever its fields hold (a line no build
// asks about is never looked at); blank lines are skipped; any other line
// is malformed, and its 1-based number is in bad. The go command stops on
// a malformed line, except go mod tidy, which drops it.
func scanSum(data []byte) (lines []SumLine, bad []int) {
	n := 0
	for len(data) > 0 {
		n++
		var line []byte
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			line, data = data[:i], data[i+1:]
		} else {
			line, data = data, nil
		}
		f := strings.Fields(string(line))
		switch len(f) {
		case 0:
		case 3:
			l := SumLine{Path: f[0], Version: f[1], Hash: f[2], Line: n}
			if v, ok := strings.CutSuffix(l.Version, "/go.mod"); ok {
				l.Version, l.GoMod = v, true
			}
			lines = append(lines, l)
		default:
			bad = append(bad, n)
		}
	}
	return lines, bad
}

// valid reports whether the line names a module version, as a checksum
// line the go command writes does.
func (l SumLine) valid() bool {
	if module.Check(l.Path, l.Version) != nil && (module.CheckImportPath(l.Path) != nil || !semver.IsValid(l.Version)) {
		return false
	}
	return strings.Contains(l.Hash, ":")
}

// normSum returns go.sum content as the go command writes it: checksum
// lines sorted, once each, without blank or malformed lines.
func normSum(data []byte) []byte {
	lines, _ := scanSum(data)
	var out []string
	seen := map[string]bool{}
	for _, l := range lines {
		if s := l.String(); !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return sumLess(out[i], out[j]) })
	var b bytes.Buffer
	for _, s := range out {
		b.WriteString(s)
		b.WriteByte('\n')
	}
	return b.Bytes()
}

// editSum returns data without the lines for which drop reports true (a
// malformed line is passed with only its Line set), and with add
// appended (then sorted, as the go command writes go.sum, if the file was
// sorted). Lines are kept byte-for-byte.
func editSum(data []byte, drop func(SumLine) bool, add []SumLine) []byte {
	var out bytes.Buffer
	rest := data
	n := 0
	var kept []string
	for len(rest) > 0 {
		n++
		var line []byte
		if i := bytes.IndexByte(rest, '\n'); i >= 0 {
			line, rest = rest[:i+1], rest[i+1:]
		} else {
			line, rest = rest, nil
		}
		f := strings.Fields(string(line))
		if len(f) == 3 {
			l := SumLine{Path: f[0], Version: f[1], Hash: f[2], Line: n}
			if v, ok := strings.CutSuffix(l.Version, "/go.mod"); ok {
				l.Version, l.GoMod = v, true
			}
			if drop(l) {
				continue
			}
		} else if len(f) > 0 && drop(SumLine{Line: n}) {
			// A malformed line: only its number says which.
			continue
		}
		out.Write(line)
		kept = append(kept, strings.TrimRight(string(line), "\n"))
	}
	if len(add) == 0 {
		// Never nil: an emptied go.sum stays, empty, as go mod tidy
		// leaves it.
		return append([]byte{}, out.Bytes()...)
	}
	sorted := sort.SliceIsSorted(kept, func(i, j int) bool { return sumLess(kept[i], kept[j]) })
	have := map[string]bool{}
	for _, k := range kept {
		have[k] = true
	}
	for _, l := range add {
		if s := l.String(); !have[s] {
			kept = append(kept, s)
			have[s] = true
		}
	}
	if sorted {
		sort.SliceStable(kept, func(i, j int) bool { return sumLess(kept[i], kept[j]) })
	}
	out.Reset()
	for _, k := range kept {
		out.WriteString(k)
		out.WriteByte('\n')
	}
	return out.Bytes()
}

// sumLess orders go.sum lines as the go command writes them: by module
// path, then version (semver order), the zip hash before the go.mod hash.
func sumLess(a, b string) bool {
	fa, fb := strings.Fields(a), strings.Fields(b)
	if len(fa) < 2 || len(fb) < 2 {
		return a < b
	}
	if fa[0] != fb[0] {
		return fa[0] < fb[0]
	}
	va, ma := strings.CutSuffix(fa[1], "/go.mod")
	vb, mb := strings.CutSuffix(fb[1], "/go.mod")
	if c := semver.Compare(va, vb); c != 0 {
		return c < 0
	}
	if va != vb {
		return va < vb
	}
	return !ma && mb
}
