package cli

import (
	"context"

	"github.com/goremover/goremover/internal/session"
)

var cmdImpact = &Command{
	UsageLine: "goremover impact [-C dir] [-json] [-tags list] [-platforms list] [-v] [-m] target...",
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

` + buildFlagsDoc + `
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
	specs, err := session.ParseTargets(args, impactModule)
	if err != nil {
		return err
	}
	sess, err := openSession(ctx, &impactFlags)
	if err != nil {
		return err
	}
	defer sess.Close(false) // impact writes nothing
	targets, err := sess.Resolve(specs)
	if err != nil {
		return err
	}
	results, err := sess.Impact(ctx, targets)
	if err != nil {
		return err
	}
	p := sess.Printer()
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
