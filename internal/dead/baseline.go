package dead

// This file says what a dead finding is in a baseline (goremover dead
// -baseline): an identity that survives edits that move code, so that a
// gate fails only on code that became dead since the baseline was written.
//
// The identity of a declaration is its rule (which says its kind: GR201
// a func, GR202 a method, ...) and its symbol in the target syntax,
// package path and name: "example.com/m/pay.Client.retry". No line, no
// file: moving the declaration, or code around it, changes nothing. A
// package is its import path (rule GR207). A file finding (GR208) stands
// for its declarations: it is recorded as one entry per declaration and
// accepted when all of them are, so that a file whose last live
// declaration goes keeps its accepted dead ones accepted, and a dead
// declaration moved to another file stays accepted.

import (
	"github.com/goremover/goremover/internal/index"
	"github.com/goremover/goremover/internal/report"
)

// BaselineEntries returns the baseline entries of a dead finding: one
// for a declaration or a package, one per declaration for a file. Other
// findings (uncertain, unexport, cold) have none: only dead findings
// fail a gate.
func (r *Result) BaselineEntries(f *Finding) []report.BaselineEntry {
	if f.Status != Dead {
		return nil
	}
	switch f.Kind {
	case index.PackageKind:
		return []report.BaselineEntry{{Rule: f.Rule, Key: f.Pkg}}
	case FileKind:
		var out []report.BaselineEntry
		for _, k := range f.Decls {
			kind := index.Func
			if ds := r.a.x.Decls(k); len(ds) > 0 {
				kind = ds[0].Kind
			}
			out = append(out, report.BaselineEntry{Rule: deadRule(kind).ID, Key: symbol(k)})
		}
		return out
	}
	return []report.BaselineEntry{{Rule: f.Rule, Key: symbol(f.Key)}}
}

// symbol is a declaration's key in the target syntax.
func symbol(k index.Key) string { return k.Pkg + "." + k.Path }
