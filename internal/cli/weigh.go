package cli

// This file is goremover weigh: what a module or packages cost the
// working set, and what leaves the build with them (package weigh).

import (
	"cmp"
	"context"
	"slices"
	"strings"

	"github.com/goremover/goremover/internal/session"
	"github.com/goremover/goremover/internal/target"
	"github.com/goremover/goremover/internal/weigh"
)

var cmdWeigh = &Command{
	UsageLine: "goremover weigh [-C dir] [-json] [-tags list] [-platforms list] [-v] [-binary file] [-build=false] [-m] [target...]",
	Short:     "report what a module or packages cost, and what leaves the build with them",
	Long: `
Weigh reports what each target costs the working set, and what would
leave the build if it went: with -m a module (by default, every direct
requirement of the working set, heaviest first), otherwise the packages
named, together.

For each target it prints

  - the dependency packages that leave the build: the target's own, and
    those only they import (in any build configuration, tests included;
    a dependency's own imports are those of the host build);
  - the modules that leave the build list: the requirements of modules
    that no longer provide a package are dropped, as go mod tidy would,
    and the build list after is go mod graph's, computed offline in a
    scratch copy, so graph pruning is the go command's own;
  - the go.sum lines of those modules (and of the versions that leave
    the graph; go mod tidy may drop a few more go.mod checksums of
    versions it read but go mod graph does not list), the bytes of vendor/ of the
    packages that leave, and the bytes their versions occupy in the
    module cache (the extracted tree and the download cache's files);
  - the bytes each command of the working set spends on it: every
    command (package main) is built for the host, offline, into a
    temporary directory, and its symbols (go tool nm -size, any
    executable format) are charged to the packages their names start
    with, as goweight and go-size-analyzer do. The bytes of the packages
    that leave are the target's weight; the bytes of the target's own
    packages that other code still imports are shared with what stays.
    The -binary flag weighs that file instead of building; -build=false
    builds nothing.

and a summary line, the same that impact -m and rm -m -n print:

	removes 7 modules, 41 go.sum lines, 2.3 MB from cmd/prometheus

The -json flag prints {"weights": [{"target", "module", "version",
"packages", "modules": [{"Path", "Version"}], "stay", "sum_lines",
"vendor_size", "cache_size", "binaries": [{"main", "total", "bytes",
"shared"}]}]}, sizes in bytes.
` + buildFlagsDoc + `
Weigh writes nothing to the working set. It exits 0, or 2 for bad usage
or input (a malformed target, a module that is not in the build, a
package that no module of the build provides, a -binary file that is
not an executable).

Example:

	$ goremover weigh
	$ goremover weigh -m github.com/bytedance/sonic
	$ goremover weigh -binary ./prometheus -m github.com/aws/aws-sdk-go
`,
}

var (
	weighFlags  buildFlags
	weighModule bool
	weighBinary string
	weighBuild  bool
)

func init() {
	cmdWeigh.Run = runWeigh
	addBuildFlags(&cmdWeigh.Flag, &weighFlags)
	cmdWeigh.Flag.BoolVar(&weighModule, "m", false, "targets are module paths (default with no target: every direct requirement)")
	cmdWeigh.Flag.StringVar(&weighBinary, "binary", "", "weigh this executable `file` instead of building the commands")
	cmdWeigh.Flag.BoolVar(&weighBuild, "build", true, "build the commands to weigh their binaries")
	commands = append(commands, cmdWeigh)
}

func runWeigh(ctx context.Context, cmd *Command, args []string) error {
	whole := len(args) == 0
	targets, err := session.ParseWhy(args, weighModule || whole)
	if err != nil {
		return err
	}
	sess, err := openSession(ctx, &weighFlags)
	if err != nil {
		return err
	}
	defer sess.Close(false) // weigh writes nothing
	facts, err := sess.WhyFacts(ctx)
	if err != nil {
		return err
	}
	var wts []weigh.Target
	if whole {
		seen := map[string]bool{}
		for _, m := range sess.WS.Modules {
			for _, r := range m.File.Require {
				if !r.Indirect && !seen[r.Mod.Path] {
					seen[r.Mod.Path] = true
					wts = append(wts, weigh.Target{Name: r.Mod.Path, Module: true})
				}
			}
		}
	} else if weighModule {
		// why's checks: a module in the graph.
		if _, err := sess.Why(facts, targets); err != nil {
			return err
		}
		for _, t := range targets {
			wts = append(wts, weigh.Target{Name: t.Path, Module: true})
		}
	} else {
		answers, err := sess.Why(facts, targets)
		if err != nil {
			return err
		}
		var pkgs []string
		for _, a := range answers {
			pkgs = append(pkgs, a.Target)
		}
		wts = append(wts, weigh.Target{Name: strings.Join(pkgs, " "), Pkgs: pkgs})
	}
	w := &weigh.Weigher{F: facts}
	switch {
	case weighBinary != "":
		sym, err := sess.FileSymbols(ctx, weighBinary)
		if err != nil {
			return &target.Error{Arg: weighBinary, Msg: err.Error()}
		}
		w.Symbols = append(w.Symbols, sym)
	case weighBuild:
		if w.Symbols, err = sess.BuildSymbols(ctx, sess.Mains()); err != nil {
			return err
		}
	}
	var out []*weigh.Weight
	for _, t := range wts {
		x, err := w.Weigh(ctx, t)
		if err != nil {
			return err
		}
		out = append(out, x)
	}
	if whole {
		slices.SortStableFunc(out, func(a, b *weigh.Weight) int {
			return cmp.Or(cmp.Compare(len(b.Modules), len(a.Modules)), cmp.Compare(binBytes(b), binBytes(a)), cmp.Compare(a.Target, b.Target))
		})
	}
	if weighFlags.json {
		return weigh.JSON(Stdout, out)
	}
	return weigh.Text(Stdout, out)
}

// binBytes sums a weight's bytes over the binaries.
func binBytes(x *weigh.Weight) int64 {
	var n int64
	for _, b := range x.Binaries {
		n += b.Bytes
	}
	return n
}
