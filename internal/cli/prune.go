package cli

// This file is goremover prune: what 'goremover dead' finds, selected by
// kind and pattern, removed by session.Prune's computation and applied
// through the path rm takes (one snapshot, verification inside the
// transaction, rollback on failure).

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/goremover/goremover/internal/coverage"
	"github.com/goremover/goremover/internal/dead"
	"github.com/goremover/goremover/internal/index"
	"github.com/goremover/goremover/internal/remove"
	"github.com/goremover/goremover/internal/report"
	"github.com/goremover/goremover/internal/session"
	"github.com/goremover/goremover/internal/txn"
	"github.com/goremover/goremover/internal/verify"
)

var cmdPrune = &Command{
	UsageLine: "goremover prune [-C dir] [-n] [-json] [-kind list] [-coverage dirs] [-verify mode] [-api auto|on|off] [-test=false] [-generated] [-tags list] [-platforms list] [-v] [pattern...]",
	Short:     "remove what 'goremover dead' reports, atomically and verified",
	Long: `
Prune removes the dead code of the working set, as 'goremover dead'
reports it, as one change that is verified and kept as a snapshot, like
'goremover rm': with each declaration go its orphans, the imports only
it used, files and directories left empty, and the go.mod requirements
and go.sum lines no package needs any more.

Removing dead code can make more code dead: a package that only dead
code imported is no longer linked, and its init and what only that
reaches go too. Prune analyses the code again as it would be after the
removal, and adds what the new analysis finds, until it finds nothing
new: the whole is still one change, one snapshot, one verification, and
a 'goremover dead' run afterwards finds nothing prune could remove.

Only dead findings are removed. Uncertain ones (what only reflection
with a computed name may reach) and exported identifiers that could be
unexported are live, and are never removed (-kind uncertain or unexport
is bad usage). Nor is anything the analysis finds live removed as an
orphan: a var whose initialiser has a side effect, a method called
through an interface, a test. A file whose declarations are all dead is
deleted once they are removed, unless something else in it stays (a
package doc comment, a blank import). Members of a dead type go with
it.

The -kind flag takes a comma-separated list of finding kinds (func,
method, type, field, const, var, package, file): only findings of those
kinds are removed. -kind file selects the declarations of files whose
declarations are all dead; -kind func selects dead functions, in such
files or not. An unknown kind is bad usage (exit 2).

The kind cold, with the -coverage flag (the GOCOVERDIR directories of
runs of binaries built with go build -cover, as for 'goremover dead
-coverage'), removes live code that never ran in those runs: a cold
function goes only with every caller that is not removed too (the
others are skipped: their callers stay), so what remains builds. Cold
code is never removed without -kind cold; -kind cold,func removes dead
functions too.

Patterns (a package, ./internal/..., a symbol, as in 'goremover help
targets') limit what is removed, not what is analysed: the whole
working set is always analysed. A type names its methods and fields too.

Generated files (// Code generated ... DO NOT EDIT.) are neither
analysed nor changed unless the -generated flag is given: a declaration
there that only removed code used stays, for its generator to drop.

Some findings cannot be removed, and are skipped with the reason,
never dropped in silence: one that code that stays still references (a
skipped finding, a test when -test=false, a generated file), a constant
whose removal would change the value of another of its group (its iota
shifts), and one whose removal would still edit or delete a generated
file. What only a skipped finding uses is skipped too, so the tree is
never left broken. Prune prints each removed and skipped finding:

	file:line:col: removed KIND NAME: REASON
	file:line:col: skipped KIND NAME: WHY IT STAYS

then the declarations removed with them that were not findings
(orphans, the tests named after a removed function), and the files
changed, the verification and the snapshot, as rm does. A finding of a
later analysis says "(once the rest is removed)".

The -n flag (or -dry-run) prints the change as a unified diff and writes
nothing; the skipped findings are printed on standard error.

The -verify flag says how the result is verified: typecheck (the
default), build or test, as for 'goremover rm'. If verification fails,
the snapshot is restored, what broke is printed, and prune exits 1.
'goremover history' lists the change as "prune", with the flags and
patterns that chose what it removed, and 'goremover rollback' restores
it.

The -api, -test and -generated flags are those of 'goremover dead': what
the roots are, and whether generated files are analysed (and, for prune,
may be edited and deleted).

The -json flag prints the result as JSON, rm's shape with the findings:

	{"snapshot": "20261122T101500Z-3f2a", "removed": ["example.com/m/pay.legacy"],
	 "files": [{"file": "pay/pay.go", "action": "edit"}], "verified": "typecheck",
	 "mode": "application", "modules": [{"module": "example.com/m", "mode": "application",
	   "mains": ["example.com/m/cmd/app"]}],
	 "pruned": [{"rule": "GR201", "kind": "func", "name": "legacy", "pkg": "example.com/m/pay",
	   "file": "pay/pay.go", "line": 12, "col": 6, "status": "dead",
	   "reason": "unreachable from any root", "round": 1}],
	 "skipped": [{"rule": "GR205", "kind": "const", "name": "B", ..., "skipped":
	   "removing it would change the value of C (its iota shifts)"}],
	 "orphans": ["example.com/m/pay.helper"], "rounds": 2}

"removed" names the removed findings as rm names targets; "rounds" is
the number of analyses run. With nothing to remove, "snapshot" and
"verified" are empty and "files" is [].
` + buildFlagsDoc + `
Prune exits 0 when the change is applied and verified, or when there is
nothing to remove; 1 when verification failed (the tree is as it was);
and 2 for bad usage or input (the tree is as it was).

Example:

	$ goremover prune -n
	$ goremover prune -kind func,method ./internal/...
`,
}

var (
	pruneFlags     buildFlags
	pruneDryRun    bool
	pruneKind      string
	pruneVerify    string
	pruneAPI       string
	pruneTest      bool
	pruneGenerated bool
	pruneCoverage  string
)

func init() {
	cmdPrune.Run = runPrune
	f := &cmdPrune.Flag
	addBuildFlags(f, &pruneFlags)
	f.BoolVar(&pruneDryRun, "n", false, "print the change as a unified diff; write nothing")
	f.BoolVar(&pruneDryRun, "dry-run", false, "same as -n")
	f.StringVar(&pruneKind, "kind", "", "remove only findings of the kinds in the comma-separated `list`")
	f.StringVar(&pruneVerify, "verify", "typecheck", "verify with `mode`: typecheck, build or test")
	f.StringVar(&pruneAPI, "api", "auto", "whether exported API is a root: `auto`, on or off")
	f.BoolVar(&pruneTest, "test", true, "tests, benchmarks, examples and fuzz targets are roots")
	f.BoolVar(&pruneGenerated, "generated", false, "analyse, edit and delete generated files too")
	f.StringVar(&pruneCoverage, "coverage", "", "coverage data `dirs` (GOCOVERDIR of go build -cover runs, comma-separated): -kind cold removes the live code that never ran")
	commands = append(commands, cmdPrune)
}

// parseKinds parses -kind: a usage error if it names what prune does
// not remove.
func parseKinds(cmd *Command, list string) ([]string, error) {
	var kinds []string
	for _, k := range strings.Split(list, ",") {
		if k = strings.TrimSpace(k); k != "" {
			kinds = append(kinds, k)
		}
	}
	if _, err := session.NewSelection(kinds, nil); err != nil {
		return nil, &UsageError{Cmd: cmd, Msg: "-kind " + err.Error()}
	}
	return kinds, nil
}

// pruneResult is prune's JSON output: rm's with the findings.
type pruneResult struct {
	applyResult
	Mode    string         `json:"mode"`
	Modules []dead.Module  `json:"modules"`
	Pruned  []pruneFinding `json:"pruned"`
	Skipped []pruneFinding `json:"skipped"`
	Orphans []string       `json:"orphans,omitempty"`
	Rounds  int            `json:"rounds"`
}

// pruneFinding is a removed or skipped finding in the JSON output.
type pruneFinding struct {
	Rule    string      `json:"rule"`
	Kind    string      `json:"kind"`
	Name    string      `json:"name"`
	Pkg     string      `json:"pkg"`
	Module  string      `json:"module,omitempty"`
	File    string      `json:"file"`
	Line    int         `json:"line"`
	Col     int         `json:"col"`
	Status  dead.Status `json:"status"`
	Reason  string      `json:"reason"`
	Detail  string      `json:"detail,omitempty"`
	Round   int         `json:"round"`
	Skipped string      `json:"skipped,omitempty"` // why it stays
}

func runPrune(ctx context.Context, cmd *Command, args []string) (err error) {
	mode, err := verify.ParseMode(pruneVerify)
	if err != nil {
		return &UsageError{Cmd: cmd, Msg: err.Error()}
	}
	api, ok := dead.ParseAPI(pruneAPI)
	if !ok {
		return &UsageError{Cmd: cmd, Msg: fmt.Sprintf("-api: unknown value %q (want auto, on or off)", pruneAPI)}
	}
	kinds, err := parseKinds(cmd, pruneKind)
	if err != nil {
		return err
	}
	if slices.Contains(kinds, string(dead.Cold)) != (pruneCoverage != "") {
		return &UsageError{Cmd: cmd, Msg: "-kind cold and -coverage go together: cold code is what the coverage data says never ran"}
	}
	var cov *coverage.Profile
	if pruneCoverage != "" {
		if cov, err = readCoverage(ctx, cmd, pruneCoverage, pruneFlags.dir); err != nil {
			return err
		}
	}
	specs, err := session.ParseTargets(args, false)
	if err != nil {
		return err
	}
	sess, err := openSession(ctx, &pruneFlags)
	if err != nil {
		return err
	}
	applied := false
	// On any exit but an applied change, the tree is as prune found it.
	defer func() { sess.Close(applied) }()
	targets, err := sess.Resolve(specs)
	if err != nil {
		return err
	}
	sel, err := session.NewSelection(kinds, targets)
	if err != nil {
		return err
	}
	opts := &session.PruneOptions{
		Dead:   dead.Options{API: api, Tests: pruneTest, Generated: pruneGenerated},
		Select: sel.Selects,
	}
	if cov != nil {
		opts.Coverage = cov
	}
	pr, err := sess.Prune(ctx, opts)
	if err != nil {
		return coverageStaleError(sess.Printer(), pruneCoverage, err)
	}
	dp := &deadPrinter{sess: sess, res: pr.Result, printer: sess.Printer()}
	res := &pruneResult{applyResult: newApplyResult(), Modules: pr.Result.Modules, Pruned: []pruneFinding{}, Skipped: []pruneFinding{}, Rounds: pr.Rounds}
	res.Mode = modulesMode(pr.Result.Modules)
	seen := map[string]bool{}
	for _, it := range pr.Items {
		jf := pruneFinding{
			Rule: it.Rule, Kind: string(it.Kind), Name: it.Name, Pkg: it.Pkg, File: it.Pos.File, Line: it.Pos.Line, Col: it.Pos.Col,
			Status: it.Status, Reason: it.Reason, Detail: it.Detail, Round: it.Round, Skipped: it.Skip,
		}
		if dp.workspace() {
			jf.Module = it.Pos.Module
		}
		if it.Skip != "" {
			res.Skipped = append(res.Skipped, jf)
			continue
		}
		res.Pruned = append(res.Pruned, jf)
		if name := keyName(it.Key); !seen[name] {
			seen[name] = true
			res.Removed = append(res.Removed, name)
		}
	}
	extra := pr.Extras()
	for _, it := range extra {
		res.Orphans = append(res.Orphans, keyName(it.Key))
	}
	if pr.Removal == nil || pr.Removal.Set.Len() == 0 {
		if pruneFlags.json {
			return printJSON(res)
		}
		if pruneDryRun {
			pruneSkippedStderr(dp, pr)
			say("nothing to prune")
			return nil
		}
		pruneText(dp, pr, nil)
		fmt.Fprintln(Stdout, "nothing to prune")
		return nil
	}
	meta := txn.Meta{Command: "prune", Targets: pruneMetaArgs(args)}
	a, err := applyRemoval(ctx, sess, pr.Removal.Set, meta, pruneDryRun, mode)
	if err != nil {
		return err
	}
	applied = !pruneDryRun
	res.set(a, pruneDryRun)
	switch {
	case pruneFlags.json:
		return printJSON(res)
	case pruneDryRun:
		pruneSkippedStderr(dp, pr)
		_, err := io.WriteString(Stdout, a.Diff)
		return err
	}
	pruneText(dp, pr, extra)
	res.printSummary()
	return nil
}

// pruneMetaArgs is what history shows after "prune": the flags that
// chose what was removed, and the patterns.
func pruneMetaArgs(args []string) []string {
	var out []string
	if pruneKind != "" {
		out = append(out, "-kind", pruneKind)
	}
	if pruneCoverage != "" {
		out = append(out, "-coverage", pruneCoverage)
	}
	if pruneAPI != "auto" {
		out = append(out, "-api", pruneAPI)
	}
	if !pruneTest {
		out = append(out, "-test=false")
	}
	if pruneGenerated {
		out = append(out, "-generated")
	}
	return append(out, args...)
}

// modulesMode is the mode of the modules, "mixed" if they differ.
func modulesMode(mods []dead.Module) string {
	mode := ""
	for _, m := range mods {
		switch {
		case mode == "":
			mode = string(m.Mode)
		case mode != string(m.Mode):
			mode = "mixed"
		}
	}
	return mode
}

// pruneLine formats a removed or skipped finding.
func pruneLine(dp *deadPrinter, it *session.Pruned) string {
	pos := dp.printer.Display(it.Pos)
	name := it.Name
	if it.Kind == index.PackageKind {
		pos = strings.TrimSuffix(pos, ":1:1")
	}
	what := string(it.Kind)
	if it.Status == dead.Uncertain {
		what = "uncertain " + what
	}
	if it.Skip != "" {
		return fmt.Sprintf("%s: skipped %s %s: %s", pos, what, name, it.Skip)
	}
	s := fmt.Sprintf("%s: removed %s %s: %s", pos, what, name, it.Reason)
	if it.Round > 1 {
		s += " (once the rest is removed)"
	}
	return s
}

// pruneText prints the modes, what goes, what is skipped and what went
// with it.
func pruneText(dp *deadPrinter, pr *session.Pruning, extra []remove.Item) {
	var b strings.Builder
	for _, m := range pr.Result.Modules {
		fmt.Fprintln(&b, dp.modeLine(m))
	}
	removed, skipped := 0, 0
	for _, it := range pr.Items {
		if it.Skip == "" {
			removed++
			fmt.Fprintln(&b, pruneLine(dp, it))
		}
	}
	for _, it := range pr.Items {
		if it.Skip != "" {
			skipped++
			fmt.Fprintln(&b, pruneLine(dp, it))
		}
	}
	for _, e := range extra {
		why := "orphan: only removed code used it"
		if e.Why == "test" {
			why = "a test named after a removed declaration"
		}
		fmt.Fprintf(&b, "%s: removed %s %s: %s\n", dp.printer.Display(e.Pos), e.Kind, e.Key.Path, why)
	}
	if removed+skipped > 0 {
		fmt.Fprintf(&b, "%s removed, %d skipped", report.Plural(removed, "finding"), skipped)
		if pr.Rounds > 1 {
			fmt.Fprintf(&b, " (%d analyses)", pr.Rounds)
		}
		b.WriteString("\n")
	}
	io.WriteString(Stdout, b.String())
}

// pruneSkippedStderr tells, with -n, what stays and why.
func pruneSkippedStderr(dp *deadPrinter, pr *session.Pruning) {
	for _, it := range pr.Items {
		if it.Skip != "" {
			say(pruneLine(dp, it))
		}
	}
}
