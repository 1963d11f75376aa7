package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

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
	UsageLine: "goremover rm [-C dir] [-n] [-json] [-verify mode] [-keep-orphans] [-allow-iota-shift] [-m] target...",
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

The -n flag prints the change as a unified diff (git apply accepts it)
and writes nothing.

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
and renamed over the original; deletions come last. An apply that is
interrupted is rolled back by the next goremover command. See
'goremover help history' and 'goremover help rollback'.

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
	Snapshot string              `json:"snapshot"`
	Removed  []string            `json:"removed"`
	Files    []rmFile            `json:"files"`
	Verified string              `json:"verified"`
	Orphans  []string            `json:"orphans,omitempty"`
	DryRun   bool                `json:"dry_run,omitempty"`
	Diff     string              `json:"diff,omitempty"`
	Blocked  []impact.JSONTarget `json:"blocked,omitempty"`
}

type rmFile struct {
	Module string `json:"module,omitempty"`
	File   string `json:"file"`
	Action string `json:"action"`
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
		if err != nil {
			return err
		}
		if len(rem.Blocked) > 0 {
			return rmBlocked(p, rem.Blocked)
		}
		for _, g := range rem.Guesses {
			fmt.Fprintf(Stderr, "goremover: warning: %s: %s may reach what is removed (a guess; it does not block)\n", p.Display(g.Pos), g.Note)
		}
		if err := rmTidy(ctx, sess, rem); err != nil {
			return err
		}
	}
	res := &rmResult{Removed: []string{}, Files: []rmFile{}}
	for _, t := range targets {
		res.Removed = append(res.Removed, impact.Name(t))
	}
	for _, it := range rem.Items {
		if it.Why == "orphan" {
			res.Orphans = append(res.Orphans, keyName(it.Key))
		}
	}
	for _, f := range rem.Set.Files() {
		mod, rel := sess.ws.Rel(f.Path)
		if sess.ws.Work == "" {
			mod = ""
		}
		res.Files = append(res.Files, rmFile{Module: mod, File: rel, Action: f.Action()})
	}
	if rem.Set.Len() == 0 {
		return &load.Error{Msg: "nothing to remove"}
	}
	if rmDryRun {
		return rmPrintDry(sess, rem, res)
	}
	if AfterCompute != nil {
		AfterCompute(rem.Set)
	}
	scope := verify.Affected(sess.x.Dirs, changedPaths(rem.Set), nil)
	// The baseline: what the index's own type checks found, or what go
	// build or go test say of the tree as it is.
	before := &rmBaseline{errs: verify.IndexErrors(sess.x, scope)}
	if mode != verify.Typecheck {
		if before.out, err = verify.Command(ctx, sess.ws, mode, scope, sess.opts.Load.Env); err != nil {
			return err
		}
	}
	// Verification runs inside the transaction: a crash while it runs
	// is rolled back by the next goremover command, like one during the
	// writes.
	tx, err := txn.Begin(sess.ws.Root, rem.Set, txn.Meta{Command: "rm", Targets: args}, modFiles(sess.ws))
	if err != nil {
		return err
	}
	snap := tx.Snapshot()
	res.Snapshot = snap.ID
	if err := rmVerifyApplied(ctx, sess, mode, scope, before); err != nil {
		if rerr := tx.Rollback(); rerr != nil {
			return fmt.Errorf("%v; %v", err, rerr)
		}
		var fail *verify.Failure
		if !errors.As(err, &fail) {
			return err // interrupted, or the check itself failed
		}
		for _, l := range fail.Errors {
			fmt.Fprintf(Stderr, "\t%s\n", l)
		}
		what := plural(len(fail.Errors), "new error")
		if mode == verify.Test {
			what = plural(len(fail.Errors), "new failure")
		}
		if fail.Package != "" {
			what += " in " + fail.Package + ", the first package found broken"
		}
		return &BlockedError{Msg: fmt.Sprintf("verification (%s) failed (%s); the snapshot %s is restored, nothing changed", mode, what, snap.ID)}
	}
	if err := tx.Commit(); err != nil {
		return err
	}
	res.Verified = string(mode)
	if rmFlags.json {
		return printJSON(res)
	}
	rmPrintText(p, sess, rem, res)
	return nil
}

// rmModules computes the removal of one module requirement (rm -m).
func rmModules(ctx context.Context, sess *session, p *impact.Printer, targets []*target.Target) (*remove.Removal, error) {
	if len(targets) != 1 {
		return nil, &load.Error{Msg: "rm -m removes one module at a time"}
	}
	set, err := modfix.RemoveModule(ctx, sess.ws, sess.x, targets[0].Module)
	var blocked *modfix.BlockedError
	if errors.As(err, &blocked) {
		if blocked.Result != nil && len(blocked.Result.Refs) > 0 {
			if rmFlags.json {
				if err := printJSON(&rmResult{Removed: []string{}, Files: []rmFile{}, Blocked: p.Targets([]*impact.Result{blocked.Result})}); err != nil {
					return nil, err
				}
			} else if err := p.Text(Stdout, []*impact.Result{blocked.Result}); err != nil {
				return nil, err
			}
		}
		return nil, &BlockedError{Msg: blocked.Error() + "; nothing was changed"}
	}
	if err != nil {
		return nil, err
	}
	return &remove.Removal{Set: set, Items: []remove.Item{{Key: index.Key{Pkg: targets[0].Module}, Kind: index.ModuleKind, Why: "target"}}}, nil
}

// rmTidy adds to a code removal the go.mod and go.sum changes of every
// module it touches: requirements that no package needs any more go, as
// go mod tidy would drop them.
func rmTidy(ctx context.Context, sess *session, rem *remove.Removal) error {
	for i := range sess.ws.Modules {
		m := &sess.ws.Modules[i]
		touched := false
		for _, f := range rem.Set.Files() {
			if sess.ws.ModuleOf(f.Path) == m {
				touched = true
				break
			}
		}
		if !touched {
			continue
		}
		goMod, goSum, err := modfix.Tidy(ctx, sess.ws, sess.x, m, rem.Set)
		var gerr *modfix.GoError
		if errors.As(err, &gerr) {
			fmt.Fprintf(Stderr, "goremover: warning: %s left as it is: %v\n", filepath.Join(m.Dir, "go.mod"), err)
			continue
		}
		if err != nil {
			return err
		}
		modPath := filepath.Join(m.Dir, "go.mod")
		if err := rem.Set.Add(&edit.File{Path: modPath, Old: m.GoMod, New: goMod, Mode: fileMode(modPath)}); err != nil {
			return err
		}
		sumPath := filepath.Join(m.Dir, "go.sum")
		oldSum, err := os.ReadFile(sumPath)
		if err != nil && !os.IsNotExist(err) {
			return err
		}
		if err == nil && !bytes.Equal(oldSum, goSum) {
			if goSum == nil {
				goSum = []byte{} // emptied, not deleted
			}
			if err := rem.Set.Add(&edit.File{Path: sumPath, Old: oldSum, New: goSum, Mode: fileMode(sumPath)}); err != nil {
				return err
			}
		}
	}
	return nil
}

// rmBaseline is what verification compares against.
type rmBaseline struct {
	errs *verify.Errors  // typecheck
	out  *verify.Outcome // build, test
}

// rmVerifyApplied verifies the applied change: it fails with a
// *verify.Failure if the change brings a new type error, or a new build,
// vet or test failure.
func rmVerifyApplied(ctx context.Context, sess *session, mode verify.Mode, scope *verify.Scope, before *rmBaseline) error {
	if mode == verify.Typecheck {
		return verify.CheckTypes(ctx, sess.ws, scope, before.errs, sess.opts.Load)
	}
	after, err := verify.Command(ctx, sess.ws, mode, scope, sess.opts.Load.Env)
	if err != nil {
		return err
	}
	if errs := verify.Regressions(before.out, after); len(errs) > 0 {
		return &verify.Failure{Mode: mode, Errors: errs}
	}
	return nil
}

func rmBlocked(p *impact.Printer, blocked []*impact.Result) error {
	if rmFlags.json {
		if err := printJSON(&rmResult{Removed: []string{}, Files: []rmFile{}, Blocked: p.Targets(blocked)}); err != nil {
			return err
		}
	} else if err := p.Text(Stdout, blocked); err != nil {
		return err
	}
	n := 0
	var names []string
	for _, b := range blocked {
		n += len(b.Refs)
		names = append(names, impact.Name(b.Target))
	}
	verb := "remain"
	if n == 1 {
		verb = "remains"
	}
	return &BlockedError{Msg: fmt.Sprintf("cannot remove %s: %s %s; nothing was changed", strings.Join(names, ", "), plural(n, "reference"), verb)}
}

func rmPrintDry(sess *session, rem *remove.Removal, res *rmResult) error {
	if rmFlags.json {
		var b strings.Builder
		if err := edit.Diff(&b, sess.ws.Root, rem.Set); err != nil {
			return err
		}
		res.DryRun, res.Diff = true, b.String()
		return printJSON(res)
	}
	return edit.Diff(Stdout, sess.ws.Root, rem.Set)
}

func rmPrintText(p *impact.Printer, sess *session, rem *remove.Removal, res *rmResult) {
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
		plural(len(res.Files), "file"), strings.Join(parts, ", "), res.Verified, res.Snapshot, res.Snapshot)
}

func keyName(k index.Key) string {
	if k.Path == "" {
		return k.Pkg
	}
	return k.Pkg + "." + k.Path
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
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

func fileMode(p string) os.FileMode {
	if fi, err := os.Stat(p); err == nil {
		return fi.Mode().Perm()
	}
	return 0o644
}
