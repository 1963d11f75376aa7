package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"sort"
	"strings"

	"github.com/goremover/goremover/internal/report"

	"github.com/goremover/goremover/internal/edit"
	"github.com/goremover/goremover/internal/impact"
	"github.com/goremover/goremover/internal/index"
	"github.com/goremover/goremover/internal/load"
	"github.com/goremover/goremover/internal/modfix"
	"github.com/goremover/goremover/internal/remove"
	"github.com/goremover/goremover/internal/target"
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
broke is printed, and rm exits 1.

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
}

func newRmResult() *rmResult {
	return &rmResult{applyResult: applyResult{Removed: []string{}, Files: []fileJSON{}}}
}

func runRm(ctx context.Context, cmd *Command, args []string) (err error) {
	if len(args) == 0 {
		return &UsageError{Cmd: cmd, Msg: "no targets"}
	}
	mode, err := verify.ParseMode(rmVerify)
	if err != nil {
		return &UsageError{Cmd: cmd, Msg: err.Error()}
	}
	specs, err := parseTargets(args, rmModule)
	if err != nil {
		return err
	}
	sess, err := openSession(ctx, &rmFlags)
	if err != nil {
		return err
	}
	// On any exit but an applied change, the tree is as rm found it.
	defer func() { sess.close(err == nil && !rmDryRun) }()
	targets, err := sess.resolve(specs)
	if err != nil {
		return err
	}
	p := &impact.Printer{X: sess.x, WS: sess.ws, Cwd: sess.cwd}
	var rem *remove.Removal
	if rmModule {
		if rem, err = rmModules(ctx, sess, p, targets); err != nil {
			return err
		}
	} else {
		rem, err = remove.Compute(sess.ws, sess.x, targets, &remove.Options{
			KeepOrphans:    rmKeepOrphans,
			AllowIotaShift: rmAllowIota,
			Generated:      rmGenerated,
			Names: func(paths []string) map[string]string {
				return load.PackageNames(ctx, sess.ws, paths, &sess.opts.Load)
			},
		})
		var iota *remove.IotaError
		if errors.As(err, &iota) {
			if rel, rerr := filepath.Rel(sess.cwd, iota.Pos); rerr == nil {
				iota.Pos = rel
			}
			return &BlockedError{Msg: "cannot remove: " + err.Error()}
		}
		var gen *remove.GeneratedError
		if errors.As(err, &gen) {
			for i := range gen.Files {
				g := &gen.Files[i]
				g.File = relPath(sess.cwd, g.File)
				if g.DirectiveFile != "" {
					g.DirectiveFile = relPath(sess.cwd, g.DirectiveFile)
				}
			}
			return &BlockedError{Msg: gen.Error()}
		}
		if err != nil {
			return err
		}
		if len(rem.Blocked) > 0 {
			return rmBlocked(p, rem.Blocked)
		}
		for _, g := range rem.Guesses {
			fmt.Fprintf(Stderr, "goremover: warning: %s: %s may reach what is removed (a guess; it does not block)\n", p.Display(g.Pos), g.Note)
		}
		warn := func(msg string) { fmt.Fprintf(Stderr, "goremover: warning: %s\n", msg) }
		if err := modfix.AddTidy(ctx, sess.ws, sess.x, rem.Set, warn); err != nil {
			return err
		}
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
	if rem.Set.Len() == 0 {
		return &load.Error{Msg: "nothing to remove"}
	}
	c := &change{ws: sess.ws, cwd: sess.cwd, set: rem.Set, meta: txn.Meta{Command: "rm", Targets: args},
		dryRun: rmDryRun, json: rmFlags.json, res: &res.applyResult, checked: string(mode)}
	if !rmDryRun {
		if AfterCompute != nil {
			AfterCompute(rem.Set)
		}
		scope := verify.Affected(sess.x.Dirs, changedPaths(rem.Set), nil)
		// The baseline: what the index's own type checks found, or what
		// go build or go test say of the tree as it is.
		before := &rmBaseline{errs: verify.IndexErrors(sess.x, scope)}
		if mode != verify.Typecheck {
			if before.out, err = verify.Command(ctx, sess.ws, mode, scope, sess.opts.Load.Env); err != nil {
				return err
			}
		}
		// Verification runs inside the transaction: a crash while it
		// runs is rolled back by the next goremover command, like one
		// during the writes.
		c.verify = func(ctx context.Context) error {
			return rmVerifyApplied(ctx, sess, mode, scope, before)
		}
	}
	if err := apply(ctx, c); err != nil {
		return err
	}
	if rmFlags.json {
		return printJSON(res)
	}
	if !rmDryRun {
		rmPrintText(sess, rem, res)
	}
	return nil
}

// rmModules computes the removal of one module requirement (rm -m).
// What blocks it is printed as for a symbol removal.
func rmModules(ctx context.Context, sess *session, p *impact.Printer, targets []*target.Target) (*remove.Removal, error) {
	if len(targets) != 1 {
		return nil, &load.Error{Msg: "rm -m removes one module at a time"}
	}
	t := targets[0]
	set, err := modfix.RemoveModule(ctx, sess.ws, sess.x, t)
	var blocked *modfix.BlockedError
	if errors.As(err, &blocked) {
		if blocked.Reason == "" {
			return nil, rmBlocked(p, []*impact.Result{blocked.Result})
		}
		return nil, &BlockedError{Msg: blocked.Error() + "; nothing was changed"}
	}
	if err != nil {
		return nil, err
	}
	return &remove.Removal{Set: set, Items: []remove.Item{{Key: t.Key, Kind: index.ModuleKind, Why: "target"}}}, nil
}

// rmBaseline is what verification compares against.
type rmBaseline struct {
	errs *verify.Errors  // typecheck
	out  *verify.Outcome // build, test
}

// rmVerifyApplied verifies the applied change: it fails with a
// *checkFailure if the change brings a new type error, or a new build,
// vet or test failure.
func rmVerifyApplied(ctx context.Context, sess *session, mode verify.Mode, scope *verify.Scope, before *rmBaseline) error {
	var errs []string
	if mode == verify.Typecheck {
		after, err := verify.TypeErrors(ctx, sess.ws, scope, sess.opts.Load)
		if err != nil {
			return err
		}
		errs = verify.New(before.errs, after)
	} else {
		after, err := verify.Command(ctx, sess.ws, mode, scope, sess.opts.Load.Env)
		if err != nil {
			return err
		}
		errs = verify.Regressions(before.out, after)
	}
	if len(errs) == 0 {
		return nil
	}
	for i, e := range errs {
		errs[i] = relMessage(sess.cwd, e)
	}
	what := report.Plural(len(errs), "new error")
	if mode == verify.Test {
		what = report.Plural(len(errs), "new failure")
	}
	return &checkFailure{msg: fmt.Sprintf("verification (%s) failed (%s)", mode, what), lines: errs}
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

func rmPrintText(sess *session, rem *remove.Removal, res *rmResult) {
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
	counts := map[string]int{}
	for _, f := range res.Files {
		counts[f.Action]++
	}
	var parts []string
	for _, a := range [][2]string{{"edit", "edited"}, {"delete", "deleted"}, {"create", "created"}} {
		if counts[a[0]] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", counts[a[0]], a[1]))
		}
	}
	fmt.Fprintf(Stdout, "%s changed (%s); verified: %s; snapshot %s (undo: goremover rollback %s)\n",
		report.Plural(len(res.Files), "file"), strings.Join(parts, ", "), res.Verified, res.Snapshot, res.Snapshot)
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

func changedPaths(s *edit.Set) []string {
	var out []string
	for _, f := range s.Files() {
		out = append(out, f.Path)
	}
	return out
}

// modFiles returns the module files every snapshot keeps: go.mod, go.sum,
// go.work, go.work.sum and vendor/modules.txt.
func modFiles(ws *load.WorkingSet) []string {
	var out []string
	for _, m := range ws.Modules {
		for _, n := range []string{"go.mod", "go.sum", filepath.Join("vendor", "modules.txt")} {
			out = append(out, filepath.Join(m.Dir, n))
		}
	}
	if ws.Work != "" {
		out = append(out, ws.Work, ws.Work+".sum")
	}
	sort.Strings(out)
	return out
}
