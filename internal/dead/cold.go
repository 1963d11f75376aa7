package dead

// This file is runtime evidence: coverage data from binaries built with
// 'go build -cover' says which lines executed. A live function or method
// whose file was instrumented but none of whose lines ran is cold (rule
// GR212): every static rule keeps it, and no run ever needed it. It is
// not dead: the findings are informational, never counted by -fail or a
// baseline, and removed only when asked for (prune -kind cold).
//
// What is never cold: what the runs could not have seen (a file no
// binary instrumented: tests, packages built without -cover, other
// platforms), interface methods (no body), init (it runs whenever its
// package is linked), what is dead or uncertain already (reported as
// such), and, unless Options.Generated, generated files.
//
// Lines are matched, so the data must come from the same source: before
// anything is marked, every function the data instruments in a file of
// the working set must be declared in that file at that line.

import (
	"fmt"
	"maps"
	"path"
	"slices"
	"strings"

	"github.com/goremover/goremover/internal/coverage"
	"github.com/goremover/goremover/internal/index"
	"github.com/goremover/goremover/internal/report"
)

// Cold: live by every static rule, but none of its lines executed in
// the runs whose coverage data was read.
const Cold Status = "cold"

var ruleCold = report.Register(&report.Rule{
	ID: "GR212", Name: "NeverRan", Title: "live function that never ran in the coverage runs",
	Severity: report.Info, Since: "v0.3.0",
	Text: `
A function or method that every static rule keeps alive, in a file that
the coverage runs instrumented, none of whose statements executed in any
of those runs (the data that binaries built with 'go build -cover' write
into GOCOVERDIR, read with -coverage). It may be an error path, a
feature nobody uses, or code the runs did not exercise: the evidence is
only as good as the runs. It is not dead code: it is not counted by
-fail or a baseline, and prune removes it only when asked (-kind cold).

Functions of files no run instrumented (tests, packages built without
-cover or -coverpkg, files of other platforms) are never reported.
Lines are matched: the data must come from binaries built from the same
source.
`,
	Before: "func exportLegacyCSV(w io.Writer) error { ... } // called by a flag nobody sets",
	After:  "(looked at; removed with prune -kind cold if nobody needs it)",
})

// Runs is runtime evidence: which lines of a file executed. A
// coverage.Profile is one.
type Runs interface {
	// Ran reports whether any statement between lines start and end of
	// the file base of package pkgPath executed, and whether the file's
	// lines there were instrumented at all.
	Ran(pkgPath, base string, start, end int) (ran, known bool)
	// Funcs lists the functions the data instruments.
	Funcs() []coverage.Func
	// Instrumented reports whether the data instruments any file of
	// the package pkgPath.
	Instrumented(pkgPath string) bool
}

// StaleError reports coverage data that does not match the source: the
// binaries were built from other code, and its lines say nothing about
// this code's functions.
type StaleError struct {
	Funcs []Stale // sorted by position
}

// Stale is a function of the coverage data that the source does not
// have where the data says.
type Stale struct {
	Pos  index.Pos // the file (Line is the data's line)
	Name string    // as the data names it
	Why  string
}

func (e *StaleError) Error() string {
	s := e.Funcs[0]
	msg := fmt.Sprintf("%s:%d: %s: %s: the coverage data does not match the source", s.Pos.File, s.Pos.Line, s.Name, s.Why)
	if n := len(e.Funcs) - 1; n > 0 {
		msg += fmt.Sprintf(" (and %d more)", n)
	}
	return msg
}

// ColdStats says how much the runs covered.
type ColdStats struct {
	Covered int // live functions and methods instrumented, that ran
	Cold    int // instrumented, never ran
	Unknown int // not instrumented: nothing said
	// UnknownPkgs are the packages with live functions or methods of
	// which the data instruments no file: no binary of the runs
	// included them (or none was built with -cover for them). Sorted.
	UnknownPkgs []string
}

// MarkCold adds a Cold finding (GR212) to r.Findings for every live
// function and method whose lines were instrumented in runs and never
// executed, and returns the counts. It returns a *StaleError, and marks
// nothing, when a function of the data is not in the source where the
// data says: lines would be matched against other code.
func (r *Result) MarkCold(runs Runs) (ColdStats, error) {
	a := r.a
	var st ColdStats
	if err := a.stale(runs.Funcs()); err != nil {
		return st, err
	}
	var cold []*Finding
	unknownPkgs := map[string]bool{}
	for id := range a.nodes {
		n := &a.nodes[id]
		if n.state != live {
			continue
		}
		for _, d := range n.decls {
			if d.Kind != index.Func && d.Kind != index.Method || d.Iface || d.Test || d.Name == "init" {
				continue
			}
			if a.fileIgnored(d.Pos) {
				continue // a generator: never in a binary
			}
			ran, known := runs.Ran(d.Key.Pkg, path.Base(d.Pos.File), d.Pos.Line, d.End.Line)
			switch {
			case !known:
				st.Unknown++
				if !runs.Instrumented(d.Key.Pkg) {
					unknownPkgs[d.Key.Pkg] = true
				}
				continue
			case ran:
				st.Covered++
				continue
			}
			fi := a.fileInfo(d.Pos)
			if fi.generated && !a.opts.Generated {
				continue
			}
			st.Cold++
			cold = append(cold, &Finding{
				Rule: ruleCold.ID, Status: Cold, Kind: d.Kind, Key: d.Key, Name: d.Key.Path, Pkg: d.Key.Pkg,
				Pos: d.Pos, End: d.End, Platforms: a.platforms(d.Pos), Generated: fi.generated,
				Reason: "live, but never ran in the coverage runs",
			})
		}
	}
	st.UnknownPkgs = slices.Sorted(maps.Keys(unknownPkgs))
	if len(cold) == 0 {
		return st, nil
	}
	r.Findings = append(r.Findings, cold...)
	slices.SortStableFunc(r.Findings, func(x, y *Finding) int {
		switch {
		case x.Pos.Less(y.Pos):
			return -1
		case y.Pos.Less(x.Pos):
			return 1
		}
		return strings.Compare(x.Name, y.Name)
	})
	return st, nil
}

// stale checks that every function the data instruments in a file of
// the working set is declared there, at the line the data gives: that of
// the function's first block, which opens at the body's brace, so the
// line of the name or, for a signature written on several lines, a later
// one; a line within the declaration is accepted. Files of packages
// outside the working set (-coverpkg=all) and files the package no longer
// has are not checked: nothing is said about them. Nor are generated
// files, whose //line directives may give the lines of another file.
func (a *analysis) stale(fs []coverage.Func) error {
	type fileKey struct{ pkg, base string }
	files := map[fileKey]index.Pos{}
	type span struct {
		name       string
		start, end int
	}
	decls := map[fileKey][]span{}
	for _, p := range a.x.Packages {
		for _, f := range p.Files {
			if !f.Test {
				files[fileKey{p.Path, path.Base(f.Pos.File)}] = f.Pos
			}
		}
		for i := range p.Decls {
			d := &p.Decls[i]
			if (d.Kind == index.Func || d.Kind == index.Method) && !d.Iface && !d.Test {
				k := fileKey{d.Key.Pkg, path.Base(d.Pos.File)}
				decls[k] = append(decls[k], span{d.Name, d.Pos.Line, max(d.End.Line, d.Pos.Line)})
			}
		}
	}
	declared := func(fk fileKey, name string, line int) bool {
		for _, s := range decls[fk] {
			if s.name == name && s.start <= line && line <= s.end {
				return true
			}
		}
		return false
	}
	var bad []Stale
	for _, f := range fs {
		if a.x.Package(f.Pkg) == nil {
			continue
		}
		fk := fileKey{f.Pkg, f.File}
		pos, ok := files[fk]
		if !ok || a.fileInfo(pos).generated {
			// A file gone since (nothing is said about it), or
			// one a //line directive names (a .y grammar): the
			// data has its lines, not the Go file's.
			continue
		}
		pos.Line = f.Line
		// The data names a method "T.M" or "*T.M", and one of a
		// generic type "M".
		name := f.Name[strings.LastIndex(f.Name, ".")+1:]
		if name == "init" {
			continue // not a declaration the index names
		}
		if !declared(fk, name, f.Line) {
			bad = append(bad, Stale{Pos: pos, Name: f.Name, Why: "no such function at this line"})
		}
	}
	if len(bad) == 0 {
		return nil
	}
	slices.SortFunc(bad, func(x, y Stale) int {
		if x.Pos.Less(y.Pos) {
			return -1
		} else if y.Pos.Less(x.Pos) {
			return 1
		}
		return 0
	})
	return &StaleError{Funcs: bad}
}
