package cli

import (
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/goremover/goremover/internal/impact"
	"github.com/goremover/goremover/internal/index"
	"github.com/goremover/goremover/internal/load"
	"github.com/goremover/goremover/internal/target"
)

var cmdImpact = &Command{
	UsageLine: "goremover impact [-C dir] [-json] [-tags list] [-platforms list] [-m] target...",
	Short:     "report who depends on a target and whether it is safe to remove",
	Long: `
Impact reports every reference to the named targets from the working set:
the main module of the current directory, or every module of the go.work
workspace that contains it. Tests are always included, and so are files
that build constraints exclude from the host build: a reference from
foo_windows.go, from a //go:build integration file or from a //go:build
ignore generator is a reference. Each configuration is type-checked, and
each reference lists the platforms that compile its file.

Besides calls and uses, impact finds imports, interface satisfaction
(every place a type is used as an interface that needs the method:
kind "implements"), embedding that promotes a method ("embed"), and uses
the compiler cannot see, marked hidden: //go:linkname in both directions,
reflect MethodByName and FieldByName with constant names, plugin.Lookup,
text/template and html/template actions in string literals and template
files, and cgo //export. Reflection with a non-constant name is reported
as a guess.

References from code that would be removed with the target (its own
body, the methods of a removed type, the tests and examples named after
it: TestX, TestX_y, ExampleX, BenchmarkX, FuzzX) are listed as removed
with it and do not make the target unsafe.

The references of a type are those of its name (T, p.T, T(x), an
embedded T). The uses of its fields and methods on values of the type
(x.Name = v, T{Name: v}, x.M(), a conversion to an interface that its
methods satisfy) are listed apart, grouped by member ("members" in JSON,
each with "member": "T.F"): they do not make it unsafe, since the
values come from code that names the type. A //go:linkname to one of
its methods names no type, and is a reference.

For each target, impact prints the declaration, the verdict (safe to
remove, or N references in M packages), and each reference as
file:line:col: kind: source line, grouped by package.

The -m flag takes module paths instead: the references are the imports of
the module's packages by the working set and by the other modules of the
build (which keep it required as // indirect), and its require and
replace lines, listed as removed with it.

The -json flag prints the result as JSON:

	{"targets": [{"target": "example.com/m/pay.Client.Do", "kind": "method",
	  "pkg": "example.com/m/pay", "name": "Do", "recv": "Client",
	  "decl": {"file": "pay/client.go", "line": 40, "col": 18},
	  "safe": false,
	  "refs": [{"file": "cmd/app/main.go", "line": 12, "col": 9,
	            "pkg": "example.com/m/cmd/app", "kind": "call", "test": false,
	            "platforms": ["all"], "hidden": false}],
	  "removed_with": [...]}]}

Paths are relative to the root of the module that contains them; in a
workspace each location also has "module".

The -tags flag sets build tags in every configuration; -platforms limits
the GOOS/GOARCH pairs analysed (default: every platform that a build
constraint of the working set names, plus the host).

The -C flag runs as if goremover were started in the named directory.

Impact exits 0 if every target is safe to remove, 1 if any is not, and 2
for bad usage or input (an unknown or ambiguous target, a module that
does not load).

The index of references is cached per package under the user cache
directory (GOREMOVERCACHE=off disables it, GOREMOVERCACHE=dir moves it),
keyed by the content of the package and of what it imports.

Example:

	$ goremover impact ./internal/legacy/payment.Charge
	$ goremover impact -json -m github.com/pkg/errors

See 'goremover help targets' for the target syntax.
`,
}

var (
	impactFlags  buildFlags
	impactModule bool
)

func init() {
	cmdImpact.Run = runImpact
	addBuildFlags(&cmdImpact.Flag, &impactFlags)
	cmdImpact.Flag.BoolVar(&impactModule, "m", false, "targets are module paths")
	commands = append(commands, cmdImpact)
}

func runImpact(ctx context.Context, cmd *Command, args []string) error {
	if len(args) == 0 {
		return &UsageError{Cmd: cmd, Msg: "no targets"}
	}
	specs, err := parseTargets(args, impactModule)
	if err != nil {
		return err
	}
	sess, err := openSession(ctx, &impactFlags)
	if err != nil {
		return err
	}
	defer sess.close(false) // impact writes nothing
	targets, err := sess.resolve(specs)
	if err != nil {
		return err
	}
	var results []*impact.Result
	var mods []string
	for _, t := range targets {
		results = append(results, impact.Analyze(sess.x, sess.ws, t))
		if t.Module != "" {
			mods = append(mods, t.Module)
		}
	}
	if len(mods) > 0 {
		// Dependencies that import the module keep it required.
		deps, err := load.DepImports(ctx, sess.ws, mods, &sess.opts.Load)
		if err != nil {
			return err
		}
		for _, res := range results {
			if res.Target.Module != "" {
				impact.AddDepImports(res, deps)
			}
		}
	}
	p := &impact.Printer{X: sess.x, WS: sess.ws, Cwd: sess.cwd}
	if impactFlags.json {
		err = p.JSON(Stdout, results)
	} else {
		err = p.Text(Stdout, results)
	}
	if err != nil {
		return err
	}
	for _, res := range results {
		if !res.Safe() {
			return &BlockedError{}
		}
	}
	return nil
}

// parseTargets parses the command line's targets (module paths with
// module), before anything is loaded: a malformed one fails fast.
func parseTargets(args []string, module bool) ([]target.Spec, error) {
	specs := make([]target.Spec, 0, len(args))
	for _, a := range args {
		s, err := target.Parse(a, module)
		if err != nil {
			return nil, err
		}
		specs = append(specs, s)
	}
	return specs, nil
}

// resolve resolves parsed targets in the session's index.
func (sess *session) resolve(specs []target.Spec) ([]*target.Target, error) {
	r := &target.Resolver{WS: sess.ws, X: sess.x, Cwd: sess.cwd}
	targets := make([]*target.Target, 0, len(specs))
	for _, s := range specs {
		t, err := r.Resolve(s)
		if err != nil {
			return nil, err
		}
		targets = append(targets, t)
	}
	return targets, nil
}

// session is one consistent load of the working set.
type session struct {
	cwd  string
	ws   *load.WorkingSet
	x    *index.Index
	opts *index.Options
	// newWorkSum is go.work.sum if the workspace had none when the
	// command started: the go command may write one while it lists
	// packages, and a command that must leave the tree as it found it
	// removes it again (see close).
	newWorkSum string
}

// close ends the session: unless keep (a change was applied), it removes
// the go.work.sum that the go command created meanwhile.
func (s *session) close(keep bool) {
	if !keep && s.newWorkSum != "" {
		os.Remove(s.newWorkSum)
	}
}

// workSumAbsent returns ws's go.work.sum path if it is a workspace whose
// go.work.sum does not exist yet, "" otherwise.
func workSumAbsent(ws *load.WorkingSet) string {
	if ws.Work == "" {
		return ""
	}
	p := ws.Work + ".sum"
	if _, err := os.Lstat(p); err == nil {
		return ""
	}
	return p
}

func openSession(ctx context.Context, f *buildFlags) (*session, error) {
	cwd, err := f.cwd()
	if err != nil {
		return nil, err
	}
	ws, err := load.Find(cwd)
	if err != nil {
		return nil, err
	}
	// An interrupted apply is undone before anything reads the tree.
	if err := recoverFirst(ws.Root); err != nil {
		return nil, err
	}
	opts, err := f.indexOptions()
	if err != nil {
		return nil, err
	}
	sess := &session{cwd: cwd, ws: ws, opts: opts, newWorkSum: workSumAbsent(ws)}
	x, err := index.Build(ctx, ws, opts)
	if err != nil {
		sess.close(false)
		return nil, err
	}
	sess.x = x
	st := opts.Stats
	if f.verbose {
		fmt.Fprintf(Stderr, "goremover: %d packages (%d from cache); configurations: %s\n", st.Packages, st.Cached, strings.Join(st.Configs, " "))
	}
	if len(st.Unsat) > 0 {
		fmt.Fprintf(Stderr, "goremover: warning: %d files are compiled by no analysed configuration: %s\n", len(st.Unsat), strings.Join(st.Unsat, " "))
	}
	warnErrors(x, f.verbose)
	return sess, nil
}

// warnErrors reports packages that did not type-check: they are analysed
// as far as possible.
func warnErrors(x *index.Index, verbose bool) {
	n := 0
	for _, p := range x.Packages {
		if len(p.Errors) == 0 {
			continue
		}
		n++
		if verbose || n <= 3 {
			fmt.Fprintf(Stderr, "goremover: warning: %s has errors (analysed as far as possible): %s\n", p.Path, p.Errors[0])
		}
	}
	if n > 3 && !verbose {
		fmt.Fprintf(Stderr, "goremover: warning: %d more packages have errors (-v lists them)\n", n-3)
	}
}
