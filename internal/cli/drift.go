package cli

// This file is goremover drift: how the build list of each working-set
// module moved since a git commit (package drift), with why's chains.

import (
	"context"
	"fmt"

	"github.com/goremover/goremover/internal/drift"
	"github.com/goremover/goremover/internal/load"
	"github.com/goremover/goremover/internal/modfix"
	"github.com/goremover/goremover/internal/progress"
	"github.com/goremover/goremover/internal/report"
	"github.com/goremover/goremover/internal/why"
)

var cmdDrift = &Command{
	UsageLine: "goremover drift [-C dir] [-json] [-sarif] [-baseline ref] [-online] [-fail-on upgrade|major|any] [-tags list] [-platforms list] [-v]",
	Short:     "show how the selected module versions moved since a git commit, and what moved them",
	Long: `
Drift says what changed under the working set since a git commit: for
each module of the working set (each module of a go.work), how its
build list, the module versions that minimal version selection picks
over the pruned module graph, differs from the build list of the
commit's go.mod and go.sum. An upgrade often comes from a dependency's
go.mod rather than yours: upgrading an SDK that requires a newer
google.golang.org/grpc raises grpc for the whole build. Drift names
that go.mod.

Each module added, removed, upgraded or downgraded is printed with

  - the requirement chains that select its new version: every go.mod of
    the module graph that requires exactly that version, with the
    shortest chain of requirements from the main module to it (for a
    removed module, the chains that selected it at the baseline, at
    positions of the baseline's files, as REF:go.mod:LINE:COL);
  - the import chains from the working set's files to its packages, in
    every build configuration, tests included, through the dependencies'
    imports (as 'goremover why' prints them); the text shows the first
    chain of each working-set package and package it imports, with the
    number of other files that import the same (-json has every chain);
  - "major version jump" when the major version differs (v1.9.0 to
    v2.0.0+incompatible, v0.9.0 to v1.0.0) or when a module path of
    another major version (example.com/lib/v2) joins the build while
    the baseline had example.com/lib; and "+incompatible" for a major
    version of a repository without go.mod.

For example:

	example.com/m: 1 change since HEAD (4f1c2d3e5a6b): 1 upgraded
	upgraded google.golang.org/grpc v1.52.0 => v1.58.3 GR303
		required at v1.58.3 by:
			go.mod:9:2: example.com/m requires example.com/sdk@v1.4.0
				example.com/sdk@v1.4.0/go.mod:7:2: example.com/sdk@v1.4.0 requires google.golang.org/grpc@v1.58.3
		imported by:
			pay/client.go:8:2: example.com/m/pay imports google.golang.org/grpc

The -baseline flag names the commit (a git revision: a branch, a tag,
HEAD~3, a hash; default HEAD, so that drift shows what the uncommitted
go.mod and go.sum change). Drift reads the commit's go.mod, go.sum and
go.work with git (git cat-file, which writes nothing), and asks the go
command for both module graphs offline, in scratch copies (GOPROXY is
the module cache, GOWORK=off, GOTOOLCHAIN=local): it never writes your
tree and never reaches the network. The module cache may lack the
go.mod of a version that only the baseline needs: drift then says
which, and the go mod download command that fetches it. A module of
the working set that the commit does not have is "new" (every module of
its build is added); one of the commit's go.work that the working set
no longer has is "gone".

The -online flag also asks the module proxy (GOPROXY), as go list -m -u
-retracted does, about every module of each build list: newer versions
(GR310), retracted versions in use (GR311) and deprecated modules
(GR312), each with the requirement chains that select the version in
use. It is drift's only mode that uses the network.

The -fail-on flag makes drift a gate for continuous integration: it
exits 1 when a change of the kind it names exists: upgrade (a module
selected at a higher version), major (a major version jump) or any
(any change: added, removed, upgraded or downgraded). The -online
answers never make drift fail.

The -json flag prints {"baseline", "commit", "online", "modules":
[{"module", "dir", "status", "changes": [{"kind", "path", "old", "new",
"major", "alongside", "incompatible", "rule", "required", "imported"}],
"updates": [{"path", "version", "update", "retracted", "deprecated",
"required"}]}]}, where kind is added, removed, upgraded or downgraded,
and required and imported are lists of why's reasons ({"kind", "chain":
[{"module", "file", "line", "col", "from", "to", "platforms", "test"}]}).
The -sarif flag prints a SARIF 2.1.0 log for code scanning, a result per
change (rules GR301 to GR306, 'goremover help rules') at the require
line of your go.mod that starts its first chain.
` + buildFlagsDoc + `
Drift exits 0, or 1 with -fail-on when a change of that kind exists, or
2 for bad usage or input: a directory that is not in a git repository,
an unknown revision, a baseline go.mod or go.work that does not parse
(with its position, as REF:go.mod:LINE:COL), a module graph the module
cache cannot give, an unknown -fail-on value.

Example:

	$ goremover drift
	$ goremover drift -baseline v1.4.0 -fail-on major
	$ goremover drift -baseline origin/main -online -sarif > drift.sarif
`,
}

var (
	driftFlags    buildFlags
	driftSARIF    bool
	driftBaseline string
	driftOnline   bool
	driftFailOn   string
)

func init() {
	cmdDrift.Run = runDrift
	f := &cmdDrift.Flag
	addBuildFlags(f, &driftFlags)
	f.BoolVar(&driftSARIF, "sarif", false, "print changes as SARIF 2.1.0")
	f.StringVar(&driftBaseline, "baseline", "HEAD", "git `ref` of the commit to compare with")
	f.BoolVar(&driftOnline, "online", false, "also ask the module proxy about updates, retractions and deprecations")
	f.StringVar(&driftFailOn, "fail-on", "", "exit 1 when a change of this `kind` exists: upgrade, major or any")
	commands = append(commands, cmdDrift)
}

func runDrift(ctx context.Context, cmd *Command, args []string) error {
	if len(args) > 0 {
		return &UsageError{Cmd: cmd, Msg: "no arguments allowed"}
	}
	switch driftFailOn {
	case "", drift.FailUpgrade, drift.FailMajor, drift.FailAny:
	default:
		return &UsageError{Cmd: cmd, Msg: fmt.Sprintf("-fail-on: unknown value %q (want upgrade, major or any)", driftFailOn)}
	}
	if driftFlags.json && driftSARIF {
		return &UsageError{Cmd: cmd, Msg: "-json and -sarif are exclusive"}
	}
	cwd, err := driftFlags.cwd()
	if err != nil {
		return err
	}
	ws, err := findWorkingSet(ctx, cwd)
	if err != nil {
		return err
	}
	progress.Printf(ctx, "reading the module graphs now and at %s (go mod graph, offline)", driftBaseline)
	res, err := drift.Compute(ctx, ws, driftBaseline)
	if err != nil {
		return err
	}
	// The index and the dependencies' packages are only needed for the
	// chains.
	if res.Changed() || driftOnline {
		sess, err := openSession(ctx, &driftFlags)
		if err != nil {
			return err
		}
		defer sess.Close(false) // drift writes nothing
		facts, err := sess.WhyFacts(ctx)
		if err != nil {
			return err
		}
		res.Explain(facts)
		if driftOnline {
			if err := driftUpdates(ctx, sess.WS, res, facts); err != nil {
				return err
			}
		}
	}
	switch {
	case driftFlags.json:
		err = res.JSON(Stdout)
	case driftSARIF:
		root := ws.Root
		if r := load.VCSRoot(root); r != "" {
			root = r
		}
		err = report.SARIF(Stdout, res.Findings(), toolVersion(), root)
	default:
		err = res.Text(Stdout, cwd)
	}
	if err != nil {
		return err
	}
	if driftFailOn == "" {
		return nil
	}
	if lines := res.Failing(driftFailOn); len(lines) > 0 {
		return &BlockedError{Lines: lines, Msg: fmt.Sprintf("%s since %s (-fail-on %s)", report.Plural(len(lines), "change"), driftBaseline, driftFailOn)}
	}
	return nil
}

// driftUpdates asks the module proxy about each module's build list.
func driftUpdates(ctx context.Context, ws *load.WorkingSet, res *drift.Result, facts *why.Facts) error {
	for i := range ws.Modules {
		m := &ws.Modules[i]
		progress.Printf(ctx, "asking the module proxy about the build list of %s (go list -m -u)", m.Path)
		us, err := modfix.Updates(ctx, ws, m)
		if err != nil {
			return err
		}
		res.AddUpdates(facts, m.Path, us)
	}
	return nil
}
