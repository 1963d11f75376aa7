package cli

// This file is what -baseline and -coverage add to goremover dead: a
// baseline of accepted dead findings (report.Baseline, keyed as
// dead.Result.BaselineEntries says), so that a gate fails only on new
// dead code, and runtime evidence from coverage data, which marks live
// functions that never ran as cold (dead.Result.MarkCold). dead.go calls
// it at three places: before the load (flags, reading both files), after
// the analysis (apply), and in its printers.

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"strings"

	"github.com/goremover/goremover/internal/coverage"
	"github.com/goremover/goremover/internal/dead"
	"github.com/goremover/goremover/internal/index"
	"github.com/goremover/goremover/internal/report"
	"github.com/goremover/goremover/internal/target"
)

// deadExtras holds the baseline and the coverage of one dead run.
type deadExtras struct {
	baseline *report.Baseline // nil without -baseline
	write    bool             // -baseline-write
	accepted int              // findings the baseline accepts, left out
	gone     int              // baseline entries no longer found

	cov  *coverage.Profile // nil without -coverage
	cold dead.ColdStats
}

// newDeadExtras checks the -baseline and -coverage flags and reads what
// they name, before the (long) load: bad input fails fast.
func newDeadExtras(ctx context.Context, cmd *Command, patterns bool) (*deadExtras, error) {
	e := &deadExtras{write: deadBaselineWrite}
	switch {
	case deadBaselineWrite && deadBaseline == "":
		return nil, &UsageError{Cmd: cmd, Msg: "-baseline-write needs -baseline file"}
	case deadBaselineWrite && (deadFlags.json || deadSARIF):
		return nil, &UsageError{Cmd: cmd, Msg: "-baseline-write prints what it wrote as text: not with -json or -sarif"}
	case deadBaselineWrite && patterns:
		// A baseline of some packages would drop the entries of
		// the others.
		return nil, &UsageError{Cmd: cmd, Msg: "-baseline-write records every finding: it takes no patterns"}
	case deadWhy != "" && deadBaseline != "":
		return nil, &UsageError{Cmd: cmd, Msg: "-why and -baseline are exclusive"}
	case deadWhy != "" && deadCoverage != "":
		return nil, &UsageError{Cmd: cmd, Msg: "-why and -coverage are exclusive"}
	}
	if deadBaseline != "" {
		b, err := report.ReadBaseline(inDir(deadBaseline), deadBaselineWrite)
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("%w; to record today's findings:\n\tgoremover dead -baseline %s -baseline-write", err, deadBaseline)
		}
		if err != nil {
			return nil, err
		}
		e.baseline = b
	}
	if deadCoverage != "" {
		p, err := readCoverage(ctx, cmd, deadCoverage, deadFlags.dir)
		if err != nil {
			return nil, err
		}
		e.cov = p
	}
	return e, nil
}

// inDir returns a file named on the command line as seen from where dead
// runs: relative to the -C directory, if any.
func inDir(file string) string { return relTo(deadFlags.dir, file) }

func relTo(dir, file string) string {
	if dir == "" || filepath.IsAbs(file) {
		return file
	}
	return filepath.Join(dir, file)
}

// readCoverage reads the coverage data of a -coverage flag's value
// (directories, comma-separated, relative to dir, the -C flag's), for
// dead.Result.MarkCold. A command that marks cold code (dead; prune
// -kind cold) reads it before the load, so that bad input fails fast,
// and reports a *dead.StaleError of MarkCold with coverageStaleError.
func readCoverage(ctx context.Context, cmd *Command, value, dir string) (*coverage.Profile, error) {
	var dirs []string
	for _, d := range strings.Split(value, ",") {
		if d = strings.TrimSpace(d); d == "" {
			return nil, &UsageError{Cmd: cmd, Msg: fmt.Sprintf("-coverage %q: an empty directory name", value)}
		}
		dirs = append(dirs, relTo(dir, d))
	}
	return coverage.Read(ctx, dirs)
}

// apply marks cold code (among the findings fs is filtered from by
// targets), writes the baseline with -baseline-write (done is then set:
// nothing else is printed), or leaves out the dead findings the baseline
// accepts. It returns the findings to report.
func (e *deadExtras) apply(p *deadPrinter, targets []*target.Target, fs []*dead.Finding) (out []*dead.Finding, done bool, err error) {
	res := p.res
	if e.cov != nil {
		if e.cold, err = res.MarkCold(e.cov); err != nil {
			return nil, false, coverageStaleError(p.printer, deadCoverage, err)
		}
		fs = filterFindings(res.Findings, targets)
	}
	if e.baseline == nil {
		return fs, false, nil
	}
	found := map[report.BaselineEntry]bool{}
	for _, f := range res.Findings {
		for _, be := range res.BaselineEntries(f) {
			found[be] = true
		}
	}
	if e.write {
		return nil, true, e.writeBaseline(p, found)
	}
	e.gone = e.baseline.Gone(found)
	for _, f := range fs {
		if e.accepts(res, f) {
			e.accepted++
			continue
		}
		out = append(out, f)
	}
	return out, false, nil
}

// accepts reports whether the baseline accepts a dead finding: all its
// entries (a file's declarations) are in it.
func (e *deadExtras) accepts(res *dead.Result, f *dead.Finding) bool {
	es := res.BaselineEntries(f)
	for _, be := range es {
		if !e.baseline.Has(be.Rule, be.Key) {
			return false
		}
	}
	return len(es) > 0
}

// writeBaseline writes the baseline (today's findings the first time,
// else what is still found of it) and says what it wrote and dropped,
// and which findings it did not add.
func (e *deadExtras) writeBaseline(p *deadPrinter, found map[report.BaselineEntry]bool) error {
	b := e.baseline
	existed := b.Exists()
	before := b.Entries()
	var all []report.BaselineEntry
	for be := range found {
		all = append(all, be)
	}
	if _, err := b.Write(all); err != nil {
		return err
	}
	var out strings.Builder
	if !existed {
		fmt.Fprintf(&out, "wrote the baseline %s: %s\n", b.File, entries(b.Len()))
	} else {
		var dropped []string
		for _, be := range before {
			if !found[be] {
				dropped = append(dropped, be.Rule+" "+be.Key)
			}
		}
		fmt.Fprintf(&out, "%s: kept %s", b.File, entries(b.Len()))
		if len(dropped) == 0 {
			out.WriteString(", dropped none\n")
		} else {
			fmt.Fprintf(&out, ", dropped %d no longer found:\n", len(dropped))
			for _, d := range dropped {
				fmt.Fprintf(&out, "\t%s\n", d)
			}
		}
		var added []*dead.Finding
		for _, f := range p.res.Findings {
			if f.Status == dead.Dead && !e.accepts(p.res, f) {
				added = append(added, f)
			}
		}
		if len(added) > 0 {
			fmt.Fprintf(&out, "%s not in the baseline, not added (a baseline only shrinks; delete %s to start again):\n", report.Plural(len(added), "dead finding"), b.File)
			for _, f := range added {
				out.WriteString("\t" + p.line(f))
			}
		}
	}
	_, err := Stdout.Write([]byte(out.String()))
	return err
}

// entries returns "1 entry", "2 entries".
func entries(n int) string {
	if n == 1 {
		return "1 entry"
	}
	return fmt.Sprintf("%d entries", n)
}

// isNew reports whether a finding is new to the baseline, for -json:
// nil without a baseline or for findings a baseline does not hold.
func (e *deadExtras) isNew(f *dead.Finding) *bool {
	if e.baseline == nil || f.Status != dead.Dead {
		return nil
	}
	t := true // the accepted ones are left out
	return &t
}

// deadSummary rewrites the summary's count of dead findings with a
// baseline: they are the new ones.
func (e *deadExtras) deadSummary(summary string, n int) string {
	if e.baseline == nil {
		return summary
	}
	if n == 0 {
		summary = "nothing new is dead"
	} else {
		summary = report.Plural(n, "new dead finding")
	}
	return summary + fmt.Sprintf(" (%d accepted by the baseline %s)", e.accepted, e.baseline.File)
}

// trailer returns the lines printed after the summary: what the
// coverage data covered, and how many baseline entries are fixed.
func (e *deadExtras) trailer(p *deadPrinter) string {
	var b strings.Builder
	if e.cov != nil {
		st := e.cold
		fmt.Fprintf(&b, "coverage from %s (%s): of %d live functions and methods, %d ran, %d never ran (cold), %d unknown",
			strings.Join(e.cov.Dirs, ", "), report.Plural(e.cov.Runs, "run"),
			st.Covered+st.Cold+st.Unknown, st.Covered, st.Cold, st.Unknown)
		if st.Unknown > 0 {
			b.WriteString(" (no run instrumented their files")
			if n := len(st.UnknownPkgs); n > 0 {
				var rel []string
				for _, pkg := range st.UnknownPkgs {
					rel = append(rel, p.pkgDisplay(pkg))
				}
				if n > 3 {
					rel = append(rel[:3], fmt.Sprintf("and %d more", n-3))
				}
				fmt.Fprintf(&b, "; %s without coverage data: %s", report.Plural(n, "package"), strings.Join(rel, ", "))
			}
			b.WriteString(")")
		}
		b.WriteString("\n")
	}
	if e.baseline != nil && e.gone > 0 {
		fmt.Fprintf(&b, "%s of the baseline no longer found; to shrink it:\n\tgoremover dead -baseline %s -baseline-write\n",
			entries(e.gone), e.baseline.File)
	}
	return b.String()
}

// deadBaselineJSON and deadCoverageJSON are the -json output's
// "baseline" and "coverage".
type deadBaselineJSON struct {
	File     string `json:"file"`
	Entries  int    `json:"entries"`
	Accepted int    `json:"accepted"` // findings left out
	Gone     int    `json:"gone"`     // entries no longer found
}

type deadCoverageJSON struct {
	Dirs    []string `json:"dirs"`
	Runs    int      `json:"runs"`
	Ran     int      `json:"ran"`
	Cold    int      `json:"cold"`
	Unknown int      `json:"unknown"` // in files no run instrumented
	// UnknownPkgs are the packages of those of which no run
	// instrumented any file.
	UnknownPkgs []string `json:"unknown_packages"`
}

func (e *deadExtras) json() (*deadBaselineJSON, *deadCoverageJSON) {
	var b *deadBaselineJSON
	var c *deadCoverageJSON
	if e.baseline != nil {
		b = &deadBaselineJSON{File: e.baseline.File, Entries: e.baseline.Len(), Accepted: e.accepted, Gone: e.gone}
	}
	if e.cov != nil {
		c = &deadCoverageJSON{Dirs: e.cov.Dirs, Runs: e.cov.Runs, Ran: e.cold.Covered, Cold: e.cold.Cold, Unknown: e.cold.Unknown, UnknownPkgs: e.cold.UnknownPkgs}
		if c.UnknownPkgs == nil {
			c.UnknownPkgs = []string{}
		}
	}
	return b, c
}

// coverageStaleError says which functions of the coverage data (the
// -coverage flag's value) the source does not have, for a
// *dead.StaleError; it returns other errors as they are.
func coverageStaleError(printer interface{ Display(index.Pos) string }, value string, err error) error {
	var se *dead.StaleError
	if !errors.As(err, &se) {
		return err
	}
	var b strings.Builder
	fmt.Fprintf(&b, "-coverage %s: the coverage data does not match the source; rebuild the binaries with 'go build -cover' from this tree and run them again:", value)
	for i, s := range se.Funcs {
		if i == 5 {
			fmt.Fprintf(&b, "\n\tand %d more", len(se.Funcs)-i)
			break
		}
		pos := printer.Display(s.Pos)
		fmt.Fprintf(&b, "\n\t%s: %s: %s", pos[:strings.LastIndex(pos, ":")], s.Name, s.Why)
	}
	return errors.New(b.String())
}
