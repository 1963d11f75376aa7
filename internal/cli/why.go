package cli

// This file is goremover why: every reason a module or a package is in
// the build (package why).

import (
	"context"

	"github.com/goremover/goremover/internal/session"
	"github.com/goremover/goremover/internal/why"
)

var cmdWhy = &Command{
	UsageLine: "goremover why [-C dir] [-json] [-tags list] [-platforms list] [-v] [-m] target...",
	Short:     "explain every reason a module or a package is in the build",
	Long: `
Why explains why each target is in the build of the working set: a
package (an import path, or a directory of the working set), or with -m
a module. Unlike go mod why, which prints one import chain of the host
build, it lists every reason, each with positions:

  - imported: each import by a working-set file that leads to the
    target, in any build configuration (a _windows.go file, a
    //go:build integration file, a test, a //go:build ignore generator),
    followed through the dependencies' imports to a package of the
    target, one file:line:col per edge, with the configurations of the
    working-set file when it is not compiled by every one. Dependencies'
    positions are printed as module@version/file:line:col, their imports
    being those of the host build.
  - tool directive: a tool line of go.mod naming a package of the module.
  - required: every go.mod of the module graph that requires the
    module, with the shortest requirement chain from the main module;
    "(selected)" marks the requirements whose version is the one the
    minimal version selection picks (the highest required).
  - required, but pruned from the module graph: a dependency's go.mod
    that requires the module, but that graph pruning never reads
    because no package of the build comes from that dependency; such a
    requirement counts for nothing.
  - replaced: replace lines, in go.mod or go.work, that replace the
    module or point at it.
  - workspace module: the go.work use line of a module of the workspace.

When nothing imports a module, in any configuration, tests included, and
no tool directive names it, why says "not needed", and names doctor's
rule for a require line nothing needs. The tests of dependencies do not
count, as for go mod tidy (go mod why counts them: a module that only
gopkg.in/yaml.v3's tests import is needed to go mod why). A dependency
that only files of another configuration import is followed through its
own imports on the host. A package of the working set is
in the build because go build ./... builds it; why lists what imports
it.

Why reads the module graph offline (go mod graph in a scratch copy, with
GOPROXY=off): a module cache that lacks a go.mod is an error saying to
run 'go mod download'. It writes nothing.

The -json flag prints {"targets": [{"target", "module", "selected",
"needed", "rule", "reasons": [{"kind", "selects", "note", "chain":
[{"module", "file", "line", "col", "from", "to", "platforms", "test"}]}]}]}
where kind is import, tool, require, pruned, replace, work or workset,
and a step's module is set for a dependency (path@version) and, in a
workspace, for a working-set file.
` + buildFlagsDoc + `
Why exits 0, or 2 for bad usage or input (a malformed target, a module
that is not in the module graph, a package that no module of the build
provides).

Example:

	$ goremover why -m github.com/pkg/errors
	$ goremover why golang.org/x/sys/windows
`,
}

var (
	whyFlags  buildFlags
	whyModule bool
)

func init() {
	cmdWhy.Run = runWhy
	addBuildFlags(&cmdWhy.Flag, &whyFlags)
	cmdWhy.Flag.BoolVar(&whyModule, "m", false, "targets are module paths")
	commands = append(commands, cmdWhy)
}

func runWhy(ctx context.Context, cmd *Command, args []string) error {
	if len(args) == 0 {
		return &UsageError{Cmd: cmd, Msg: "no targets"}
	}
	targets, err := session.ParseWhy(args, whyModule)
	if err != nil {
		return err
	}
	sess, err := openSession(ctx, &whyFlags)
	if err != nil {
		return err
	}
	defer sess.Close(false) // why writes nothing
	facts, err := sess.WhyFacts(ctx)
	if err != nil {
		return err
	}
	answers, err := sess.Why(facts, targets)
	if err != nil {
		return err
	}
	p := &why.Printer{WS: sess.WS, Cwd: sess.Cwd}
	if whyFlags.json {
		return p.JSON(Stdout, answers)
	}
	return p.Text(Stdout, answers)
}
