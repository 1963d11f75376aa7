package cli

// This file is goremover doctor: dependency residue in go.mod, go.sum,
// vendor/, replace lines, go.work and the module cache, found offline by
// package modfix, printed through package report, and repaired with -fix
// as one snapshotted change through package txn.

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"runtime/debug"
	"strings"
	"text/tabwriter"

	"github.com/goremover/goremover/internal/load"
	"github.com/goremover/goremover/internal/modfix"
	"github.com/goremover/goremover/internal/report"
	"github.com/goremover/goremover/internal/session"
	"github.com/goremover/goremover/internal/txn"
)

var cmdDoctor = &Command{
	UsageLine: "goremover doctor [-C dir] [-json] [-sarif] [-v] [-fail-on severity] [-fix] [-n] [-online]",
	Short:     "find and repair dependency residue in go.mod, go.sum, vendor and go.work",
	Long: `
Doctor checks the working set's module files for what removals leave
behind and what breaks builds: requirements no package needs and missing
ones, stale and missing go.sum lines, replace and exclude lines that do
nothing or point nowhere, go.work use lines without a module, stale
go.work.sum lines, vendor/ drift and files in vendor/ that go mod vendor
does not write, semantic import versioning problems, several major
versions of one module, module cache content that disagrees with go.sum,
and what GOPATH mode left behind: GO111MODULE=off or auto, copies of the
modules under GOPATH/src, Go files of the repository that no module
holds, vendor directories only GOPATH mode reads, and dep, glide and
godep manifests. The environment, the go env file and GOPATH are read,
never written: their findings are only reported.

Each finding has a stable rule ID (GR1xx), a position in go.mod, go.sum,
go.work, vendor/modules.txt or a Go file, a severity (error, warning or
info), a message, and whether -fix can repair it:

	go.mod:7:2: GR101 warning: example.com/gen v1.0.0 is required but no package needs it (fixable)
		go mod tidy would drop it

and the last line counts them by severity:

	1 finding (1 warning); 1 fixable with 'goremover doctor -fix'

Info findings (a pseudo-version, several major versions of a module,
...) are counted but not printed unless the -v flag is given.

'goremover help GR101' prints a rule's documentation.

What the build needs is go mod tidy's and go mod graph's answer, asked
in a scratch copy of each module with GOPROXY=off: doctor never writes
your tree to find out, and never touches the network. A requirement that
only a //go:build ignore file imports is needed. When the module cache
lacks a module, the requirement and go.sum rules are skipped and GR100
says so. In a workspace, go list -m (which reads go.work and the
modules' go.mod files, and writes nothing) says whether the go command
accepts the workspace at all (GR124), and go mod download, in a scratch
copy of the workspace, which go.work.sum lines it needs (GR125).

The -json flag prints {"findings": [...]}, info findings included, with
rule, severity, message, file, line, col, fixable and why; in a
workspace each finding also has "module". The -sarif flag prints a
SARIF 2.1.0 log for code scanning.

The -fail-on flag sets the lowest severity that makes doctor exit 1
(error, warning or info; default warning).

The -fix flag repairs every fixable finding as one change, applied under
goremover's safety contract (hash check, snapshot, atomic writes; see
'goremover help rm'), then checks the result again; if the fix leaves a
fixable finding or brings a new error, the snapshot is restored and
doctor exits 1. Otherwise it prints what it fixed, then the findings of
the tree after the fix, which -fix cannot repair. Where go mod tidy
repairs a finding, -fix writes what go mod tidy writes; -fix never
changes which version of a module the build selects. The -n flag (or
-dry-run) prints the fix as a unified diff and writes nothing.

The -online flag also asks the module proxy (GOPROXY), as go list -m -u
does, for retracted versions in use, deprecated modules and available
updates (GR180-GR182).

Doctor exits 0 when no finding is at or above -fail-on, 1 when some
finding is, and 2 for bad usage or input, such as a go.mod or go.work
that does not parse. With -fix it exits 0 when the fix is applied and
checked (the findings that remain are printed), and 1 when the fix
failed and was rolled back, or when nothing was fixable and a finding
at or above -fail-on remains.

Example:

	$ goremover doctor
	$ goremover doctor -n -fix
	$ goremover doctor -sarif > doctor.sarif
`,
}

var (
	doctorDir    string
	doctorJSON   bool
	doctorSARIF  bool
	doctorFailOn string
	doctorFix    bool
	doctorDryRun bool
	doctorOnline bool
	doctorAll    bool
)

func init() {
	cmdDoctor.Run = runDoctor
	f := &cmdDoctor.Flag
	f.StringVar(&doctorDir, "C", "", "run as if goremover were started in `dir`")
	f.BoolVar(&doctorJSON, "json", false, "print findings as JSON")
	f.BoolVar(&doctorSARIF, "sarif", false, "print findings as SARIF 2.1.0")
	f.StringVar(&doctorFailOn, "fail-on", "warning", "exit 1 on findings at or above `severity`: error, warning or info")
	f.BoolVar(&doctorFix, "fix", false, "repair fixable findings")
	f.BoolVar(&doctorDryRun, "n", false, "with -fix, print the change as a unified diff; write nothing")
	f.BoolVar(&doctorDryRun, "dry-run", false, "same as -n")
	f.BoolVar(&doctorOnline, "online", false, "also ask the module proxy about retracted, deprecated and updated modules")
	f.BoolVar(&doctorAll, "v", false, "print info findings too")
	commands = append(commands, cmdDoctor)
	for _, r := range report.Rules() {
		topics = append(topics, &Command{UsageLine: "goremover " + r.ID, Short: r.Title, Long: r.Doc()})
	}
	topics = append(topics, rulesTopic())
}

// rulesTopic is 'goremover help rules': every rule on a line.
func rulesTopic() *Command {
	rs := report.Rules()
	var b strings.Builder
	b.WriteString(`
Doctor (GR1xx), dead (GR2xx), drift (GR3xx) and arch check (GR4xx) report each finding
under a stable rule ID. The rules are:

`)
	var t strings.Builder
	tw := tabwriter.NewWriter(&t, 0, 8, 2, ' ', 0)
	for _, r := range rs {
		fix := ""
		if r.Fixable {
			fix = "fixable"
		}
		title := r.Title
		if r.Online {
			title += " (-online)"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", r.ID, r.Severity, fix, title)
	}
	tw.Flush()
	for _, l := range strings.SplitAfter(t.String(), "\n") {
		if l != "" {
			b.WriteString("\t" + l)
		}
	}
	b.WriteString(`
'goremover help GRnnn' prints a rule's documentation: what it finds, why
it matters, and what -fix does, with an example.
`)
	short := "the rules of doctor, dead, drift and arch"
	if len(rs) > 0 {
		short = fmt.Sprintf("the %d rules of doctor, dead, drift and arch, %s to %s ('goremover help %s' prints one)", len(rs), rs[0].ID, rs[len(rs)-1].ID, rs[min(1, len(rs)-1)].ID)
	}
	return &Command{UsageLine: "goremover rules", Short: short, Long: b.String()}
}

// doctorFixResult is doctor -fix's JSON output: the SPEC's apply shape,
// with the findings fixed and those that remain.
type doctorFixResult struct {
	applyResult
	Fixed     []*report.Finding `json:"fixed"`
	Remaining []*report.Finding `json:"findings"`
}

func runDoctor(ctx context.Context, cmd *Command, args []string) error {
	if len(args) > 0 {
		return &UsageError{Cmd: cmd, Msg: "no arguments allowed"}
	}
	failOn, err := report.ParseSeverity(doctorFailOn)
	if err != nil {
		return &UsageError{Cmd: cmd, Msg: "-fail-on: " + err.Error()}
	}
	if doctorJSON && doctorSARIF {
		return &UsageError{Cmd: cmd, Msg: "-json and -sarif are exclusive"}
	}
	if doctorDryRun && !doctorFix {
		doctorFix = true // -n alone shows what -fix would do
	}
	f := buildFlags{dir: doctorDir}
	cwd, err := f.cwd()
	if err != nil {
		return err
	}
	// An interrupted apply is restored before anything is read.
	if _, err := findWorkingSet(ctx, cwd); err != nil {
		var lerr *load.Error
		if !errors.As(err, &lerr) {
			return err
		}
		// A broken go.work or go.mod: doctor's own findings say more.
	}
	opts := &modfix.DoctorOptions{Online: doctorOnline}
	d, err := modfix.Diagnose(ctx, cwd, opts)
	if err != nil {
		return err
	}
	display := func(f *report.Finding) string {
		p := f.Pos()
		if f.Root != "" {
			if rel, err := filepath.Rel(cwd, filepath.Join(f.Root, filepath.FromSlash(f.File))); err == nil {
				p = filepath.ToSlash(rel) + strings.TrimPrefix(p, f.File)
			}
		}
		return p
	}
	if !doctorFix {
		if err := printFindings(d, display, cwd); err != nil {
			return err
		}
		if n := report.Count(d.Findings, failOn); n > 0 {
			return &BlockedError{}
		}
		return nil
	}
	return doctorApply(ctx, cwd, d, display, opts, failOn)
}

func printFindings(d *modfix.Diagnosis, display func(*report.Finding) string, cwd string) error {
	switch {
	case doctorJSON:
		return report.JSON(Stdout, d.Findings)
	case doctorSARIF:
		root := d.WS.Root
		if r := load.VCSRoot(root); r != "" {
			root = r
		}
		return report.SARIF(Stdout, d.Findings, toolVersion(), root)
	}
	if len(d.Findings) == 0 {
		return nil
	}
	if err := printText(d.Findings, display); err != nil {
		return err
	}
	fmt.Fprintln(Stdout, countLine(d.Findings, true))
	return nil
}

// printText prints findings one a line, info ones only with -v.
func printText(fs []*report.Finding, display func(*report.Finding) string) error {
	if !doctorAll {
		fs = report.AtLeast(fs, report.Warning)
	}
	return report.Text(Stdout, fs, display)
}

// countLine returns the last line of doctor's text output: the findings
// by severity, how many info ones -v would show, and, if fix, how many
// -fix repairs.
func countLine(fs []*report.Finding, fix bool) string {
	msg := report.Summary(fs)
	if n := len(fs) - len(report.AtLeast(fs, report.Warning)); n > 0 && !doctorAll {
		msg += fmt.Sprintf("; %d info not shown (-v shows them)", n)
	}
	fixable := 0
	for _, f := range fs {
		if f.Fixable {
			fixable++
		}
	}
	if fix && fixable > 0 {
		msg += fmt.Sprintf("; %d fixable with 'goremover doctor -fix'", fixable)
	}
	return msg
}

// doctorApply repairs the fixable findings: -n prints the diff; otherwise
// the change is applied and checked by diagnosing again, inside the
// transaction.
func doctorApply(ctx context.Context, cwd string, d *modfix.Diagnosis, display func(*report.Finding) string, opts *modfix.DoctorOptions, failOn report.Severity) error {
	var fixed, remaining []*report.Finding
	for _, f := range d.Findings {
		if f.Fixable {
			fixed = append(fixed, f)
		} else {
			remaining = append(remaining, f)
		}
	}
	set, err := d.Fix()
	if err != nil {
		return err
	}
	res := &doctorFixResult{applyResult: newApplyResult(), Fixed: fixed, Remaining: remaining}
	if res.Fixed == nil {
		res.Fixed = []*report.Finding{}
	}
	if res.Remaining == nil {
		res.Remaining = []*report.Finding{}
	}
	if set.Len() == 0 {
		// Nothing written: the findings decide the exit status, as
		// without -fix.
		var blocked error
		if report.Count(remaining, failOn) > 0 {
			blocked = &BlockedError{}
		}
		if doctorJSON {
			if err := printJSON(res); err != nil {
				return err
			}
			return blocked
		}
		if err := printText(remaining, display); err != nil {
			return err
		}
		msg := "nothing to fix"
		if len(remaining) > 0 {
			msg += "; " + countLine(remaining, false)
		}
		fmt.Fprintln(Stdout, msg)
		return blocked
	}
	var after *modfix.Diagnosis // the tree after the fix
	c := &session.Change{WS: d.WS, Cwd: cwd, Set: set, Meta: txn.Meta{Command: "doctor --fix"}, DryRun: doctorDryRun, Checked: "doctor",
		// Every fixable finding is gone and no new error appeared.
		Verify: func(ctx context.Context) error {
			var err error
			after, err = modfix.Diagnose(ctx, d.WS.Root, opts)
			if err != nil {
				return err
			}
			if err := checkFixed(d.Findings, after.Findings); err != nil {
				return &session.CheckFailure{Msg: "doctor -fix: " + err.Error()}
			}
			return nil
		}}
	a, err := session.Apply(ctx, c)
	if err != nil {
		return err
	}
	res.set(a, doctorDryRun)
	if doctorDryRun {
		if doctorJSON {
			return printJSON(res)
		}
		_, err := io.WriteString(Stdout, a.Diff)
		return err
	}
	// What remains is what the tree holds now, not what was left of the
	// findings before the fix (a line the fix deleted has none).
	res.Remaining = after.Findings
	if res.Remaining == nil {
		res.Remaining = []*report.Finding{}
	}
	if doctorJSON {
		return printJSON(res)
	}
	for _, f := range fixed {
		fmt.Fprintf(Stdout, "fixed %s: %s %s\n", display(f), f.Rule, f.Message)
	}
	if err := printText(after.Findings, display); err != nil {
		return err
	}
	fmt.Fprintf(Stdout, "%s changed; snapshot %s (undo: goremover rollback %s)\n", report.Plural(len(res.Files), "file"), res.Snapshot, res.Snapshot)
	if len(after.Findings) == 0 {
		fmt.Fprintln(Stdout, "no findings remain")
	} else {
		fmt.Fprintln(Stdout, "remaining: "+countLine(after.Findings, false))
	}
	return nil
}

// checkFixed reports an error if a fixable finding remains after the fix
// or an error finding appeared that was not there before.
func checkFixed(before, after []*report.Finding) error {
	key := func(f *report.Finding) string { return f.Rule + "\x00" + f.Module + "\x00" + f.Message }
	had := map[string]bool{}
	for _, f := range before {
		had[key(f)] = true
	}
	for _, f := range after {
		if f.Fixable {
			return fmt.Errorf("%s still reports %s: %s", f.Pos(), f.Rule, f.Message)
		}
		if f.Severity == report.Error && !had[key(f)] {
			return fmt.Errorf("the fix brings %s: %s", f.Rule, f.Message)
		}
	}
	return nil
}

func toolVersion() string {
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" {
		return bi.Main.Version
	}
	return "(devel)"
}
