package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/goremover/goremover/internal/report"
	"github.com/goremover/goremover/internal/session"

	"github.com/goremover/goremover/internal/edit"
	"github.com/goremover/goremover/internal/impact"
	"github.com/goremover/goremover/internal/index"
	"github.com/goremover/goremover/internal/load"
	"github.com/goremover/goremover/internal/remove"
	"github.com/goremover/goremover/internal/txn"
	"github.com/goremover/goremover/internal/verify"
)

var cmdRm = &Command{
	UsageLine: "goremover rm [-C dir] [-n] [-json] [-verify mode] [-keep-orphans] [-allow-iota-shift] [-generated] [-tags list] [-platforms list] [-v] [-m] target...",
	Short:     "remove code and its orphans, atomically and verified",
	Long: `
Rm removes the named targets, with the code that exists only for them, as
one change, then verifies the result and keeps a snapshot to roll back to.

A target is a package, a pattern of packages (./internal/legacy/...), a
top-level func, type, const or var, a method, a struct field, or a
file:line:col position; several targets are removed together, so that
references between them do not count. If a reference to a target remains
outside what is removed, in any build configuration or test, rm writes
nothing, prints the references as 'goremover impact' does, and exits 1.

With a target go its orphans:

	- the tests, examples, benchmarks and fuzz tests named after it
	  (TestX, TestX_y, ExampleX, BenchmarkX, FuzzX; TestT_M for a method);
	- unexported declarations of its package, and test helpers, whose
	  every use was in removed code, recursively;
	- imports that only removed code used, and files left with nothing
	  but their package clause;
	- for a package: all its Go files (every build configuration), its
	  testdata and the files it embeds; a directory left empty;
	- go.mod requirements no package needs any more, and their go.sum
	  lines, as 'go mod tidy' would drop them.

Removing one spec of a const, var or type group keeps the group. A
constant whose value depends on iota keeps its value: if removing an
earlier constant would shift it, rm refuses unless -allow-iota-shift is
given. A constant that repeated a removed constant's expression gets a
copy of it. Doc comments go with their declaration; other comments stay.
Files that were gofmt'd stay gofmt'd; others keep their layout.

The -keep-orphans flag removes only the targets and the tests named
after them.

Rm does not edit or delete a generated file, one with a line
"// Code generated ... DO NOT EDIT." before its package clause, as the
go command recognises them: the next run of its generator would undo
the change. It names the file and, when it can tell, the //go:generate
line that makes it (the package's line that names the file, or its only
one), and exits 1 without changing anything. Deleting a package whose
every Go file is generated is refused too. The -generated flag makes rm
edit and delete generated files like any other.

The -n flag (or -dry-run) prints the change as a unified diff (git apply
accepts it) and writes nothing.

The -verify flag says how the result is verified: typecheck (the
default: the changed packages and everything that imports them are
type-checked in every build configuration, tests included, and must have
no error they did not have before), build (go build ./... and
go vet ./... in each module) or test (go test of the changed packages and
their importers). If verification fails, the snapshot is restored, what
broke is printed, and rm exits 1. The type check goes in dependency order
and stops at the first package with a new error: that package's errors
are what it prints.

The change is applied under goremover's safety contract: every file is
checked unchanged since it was read; a snapshot and a journal are
written under .goremover/ first; each file is written to a temporary file
and renamed over the original; deletions come last. SIGINT, SIGTERM and
SIGHUP during the writes or the verification roll the change back before
rm exits (130, 143, 129). An apply killed outright is rolled back by the
next goremover command. A rollback never overwrites a file someone
changed meanwhile: it keeps it, saves the snapshot's version under
.goremover/conflicts/ID/, names it and exits 1. See 'goremover help
history' and 'goremover help rollback'.

The -json flag prints the result as JSON:

	{"snapshot": "20261122T101500Z-3f2a", "removed": ["example.com/m/pay.Charge"],
	 "files": [{"file": "pay/pay.go", "action": "edit"}], "verified": "typecheck",
	 "orphans": ["example.com/m/pay.helper"]}

The -m flag takes one module path instead: rm removes its require
(direct or // indirect), replace and exclude lines, the go.sum lines of
it and of the modules that leave the build with it, its vendor/ files and
vendor/modules.txt entries, and its go.work entries, so that go.mod and
go.sum are what 'go mod tidy' would make them. While any package of the
working set (tests, every platform, //go:build ignore files included) or
of a dependency imports a package of the module, rm lists the importers
and exits 1. It works offline when the module cache holds what the build
needs.

` + buildFlagsDoc + `
Rm exits 0 when the change is applied and verified, 1 when a target is
not safe to remove or verification failed (the tree is as it was), and 2
for bad usage or input (the tree is as it was).

Example:

	$ goremover rm -n ./internal/legacy/payment
	$ goremover rm ./internal/pay.Client.Retry ./internal/pay.backoff

See 'goremover help targets' for the target syntax.
`,
}

var (
	rmFlags       buildFlags
	rmDryRun      bool
	rmKeepOrphans bool
	rmAllowIota   bool
	rmGenerated   bool
	rmModule      bool
	rmVerify      string
)

func init() {
	cmdRm.Run = runRm
	addBuildFlags(&cmdRm.Flag, &rmFlags)
	cmdRm.Flag.BoolVar(&rmDryRun, "n", false, "print the change as a unified diff; write nothing")
	cmdRm.Flag.BoolVar(&rmDryRun, "dry-run", false, "same as -n")
	cmdRm.Flag.BoolVar(&rmKeepOrphans, "keep-orphans", false, "remove only the targets and the tests named after them")
	cmdRm.Flag.BoolVar(&rmAllowIota, "allow-iota-shift", false, "allow removals that change the iota value of kept constants")
	cmdRm.Flag.BoolVar(&rmGenerated, "generated", false, "edit and delete generated files (// Code generated ... DO NOT EDIT.) too")
	cmdRm.Flag.BoolVar(&rmModule, "m", false, "targets are module paths")
	cmdRm.Flag.StringVar(&rmVerify, "verify", "typecheck", "verify with `mode`: typecheck, build or test")
	commands = append(commands, cmdRm)
}

// AfterCompute, for tests only, may alter a computed change before it is
// applied: scripts break a change on purpose to see verification catch it
// and restore the tree. Production code never sets it.
var AfterCompute func(*edit.Set)

// rmResult is rm's JSON output.
type rmResult struct {
	applyResult
	Orphans []string            `json:"orphans,omitempty"`
	Blocked []impact.JSONTarget `json:"blocked,omitempty"`
	// Summary says what leaves the build with a module (rm -m).
	Summary string `json:"summary,omitempty"`
}

func newRmResult() *rmResult {
	return &rmResult{applyResult: newApplyResult()}
}

func runRm(ctx context.Context, cmd *Command, args []string) (err error) {
	if len(args) == 0 {
		return &UsageError{Cmd: cmd, Msg: "no targets"}
	}
	mode, err := verify.ParseMode(rmVerify)
	if err != nil {
		return &UsageError{Cmd: cmd, Msg: err.Error()}
	}
	specs, err := session.ParseTargets(args, rmModule)
	if err != nil {
		return err
	}
	sess, err := openSession(ctx, &rmFlags)
	if err != nil {
		return err
	}
	// On any exit but an applied change, the tree is as rm found it.
	defer func() { sess.Close(err == nil && !rmDryRun) }()
	targets, err := sess.Resolve(specs)
	if err != nil {
		return err
	}
	rem, err := sess.Removal(ctx, targets, &session.RemoveOptions{
		KeepOrphans:    rmKeepOrphans,
		AllowIotaShift: rmAllowIota,
		Generated:      rmGenerated,
	})
	if err != nil {
		return err
	}
	if len(rem.Blocked) > 0 {
		return rmBlocked(sess.Printer(), rem.Blocked)
	}
	res := newRmResult()
	for _, t := range targets {
		res.Removed = append(res.Removed, impact.Name(t))
	}
	for _, it := range rem.Items {
		if it.Why == "orphan" {
			res.Orphans = append(res.Orphans, keyName(it.Key))
		}
	}
	res.Summary = rem.Summary
	if rem.Set.Len() == 0 {
		return &load.Error{Msg: "nothing to remove"}
	}
	a, err := applyRemoval(ctx, sess, rem.Set, txn.Meta{Command: "rm", Targets: args}, rmDryRun, mode)
	if err != nil {
		return err
	}
	res.set(a, rmDryRun)
	switch {
	case rmFlags.json:
		return printJSON(res)
	case rmDryRun:
		// The diff alone on stdout, for patch; the summary beside it.
		if res.Summary != "" {
			say(res.Summary)
		}
		_, err := io.WriteString(Stdout, a.Diff)
		return err
	}
	rmPrintText(rem, res)
	return nil
}

func rmBlocked(p *impact.Printer, blocked []*impact.Result) error {
	if rmFlags.json {
		res := newRmResult()
		res.Blocked = p.Targets(blocked)
		if err := printJSON(res); err != nil {
			return err
		}
	} else if err := p.Text(Stdout, blocked); err != nil {
		return err
	}
	n := 0
	var names []string
	for _, b := range blocked {
		n += len(b.Refs)
		name := impact.Name(b.Target)
		if b.Target.Kind == index.ModuleKind {
			name = "module " + name
		}
		names = append(names, name)
	}
	verb := "remain"
	if n == 1 {
		verb = "remains"
	}
	return &BlockedError{Msg: fmt.Sprintf("cannot remove %s: %s %s; nothing was changed", strings.Join(names, ", "), report.Plural(n, "reference"), verb)}
}

func rmPrintText(rem *remove.Removal, res *rmResult) {
	for _, it := range rem.Items {
		what := keyName(it.Key)
		switch it.Kind {
		case index.PackageKind:
			what = "package " + what
		case index.ModuleKind:
			what = "module " + what
		}
		fmt.Fprintf(Stdout, "removed %s (%s, %s)\n", what, it.Kind, it.Why)
	}
	if res.Summary != "" {
		fmt.Fprintf(Stdout, "%s\n", res.Summary)
	}
	res.printSummary()
}

func keyName(k index.Key) string {
	if k.Path == "" {
		return k.Pkg
	}
	return k.Pkg + "." + k.Path
}

func printJSON(v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	_, err = Stdout.Write(append(b, '\n'))
	return err
}
