package cli

// This file is goremover graph: the package import graph, the module
// graph or the impact graph of a target, drawn as dot, Mermaid or JSON
// (package graph), and the import cycles as text.

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/goremover/goremover/internal/graph"
	"github.com/goremover/goremover/internal/index"
	"github.com/goremover/goremover/internal/load"
	"github.com/goremover/goremover/internal/modfix"
	"github.com/goremover/goremover/internal/pkggraph"
	"github.com/goremover/goremover/internal/progress"
	"github.com/goremover/goremover/internal/session"
	"github.com/goremover/goremover/internal/target"
)

var cmdGraph = &Command{
	UsageLine: "goremover graph [-C dir] [-format dot|mermaid|json|html] [-o file] [-m] [-focus target] [-depth n] [-group n] [-std] [-deps=false] [-cycles] [-tags list] [-platforms list] [-v] [pattern...]",
	Short:     "draw the package, module or impact graph, and report import cycles",
	Long: `
Graph draws the package import graph of the working set: every import of
every build configuration and of the tests, each edge labelled with the
configurations that compile it when not every one does ("windows/*",
"tag:integration"), and dashed when only _test.go files make it.
Working-set packages are a node each, labelled by their path below the
module of the current directory; the packages of another module are
collapsed into one node per module (-deps=false leaves them out);
standard-library packages are left out unless -std is given.

The patterns (./internal/..., an import path, a directory) restrict the
graph to the packages they match and what those import; -depth n stops n
imports away from them (-depth 0 draws the matched packages alone). The
-group n flag draws directories instead of packages: each working-set
package goes to the directory of the first n elements of its path below
its module root (-group 1 draws internal, cmd, ...).

Import cycles are drawn in red. Go rejects a cycle within one
configuration, but a graph can still hold one: an import in a
_windows.go file and another in a _linux.go file, or, with -group,
directories that import each other. Imports that only _test.go files
make never count: a test's imports are not imported with its package,
and an in-package test that imports what imports its package is an
error (go test's "import cycle not allowed in test") that stops every
goremover command when it loads the working set.

The -cycles flag prints the cycles as text instead of a graph: the
members of each, then one loop through them, each import with the lines
that make it and their configurations:

	import cycle: a b
		a imports b
			a/a_windows.go:3:8 (windows/*)
		b imports a
			b/b.go:3:8

The -m flag draws the module graph instead, as go mod graph has it (read
offline, in a scratch copy of each working-set module's go.mod and
go.sum), of every working-set module: nodes are module@version, and say
which versions minimal version selection picks ("selected"; the others
are grey and dashed, "not selected: v1.2.0 is"), pseudo-versions,
+incompatible versions, replacements ("replaced by ../fork", from go.mod
or go.work), and the other major versions of the same module in the
graph ("other majors: example.com/lib/v2"). Edges from a working-set
module carry the position of their require line. -depth n stops n
requirements away from the working-set modules.

The -focus flag draws the impact graph of a target (see 'goremover help
targets'; with -m, of a module): the target, what references it (the
declarations that use a function, type or variable, the packages that
import a package or a module's packages), each edge labelled with its
number of references, and with -depth n (default 1) what references
those in turn, n levels out: what breaks if the target goes.

The -format flag selects the output: dot (the default; Graphviz, as in
goremover graph | dot -Tsvg > graph.svg), mermaid (a Mermaid flowchart,
graph LR, that Markdown renderers draw), json (-json is the same), or
html: one self-contained page that works offline (its script and style
are inline, and its content security policy forbids any request), to
open in a browser. The page lays the graph out from left (importers) to
right, shows large graphs by directory, a box for each closed directory
with the number of its nodes, and opens a directory on a click, in the
graph or in the tree beside it. It searches nodes by name, zooms (wheel,
buttons) and pans (drag), draws cycles in red, can hide imports only
tests make, and lists, for a clicked node, the lines that reference or
import it and its edges with their configurations.
The -o flag writes the output to the named file (relative to -C)
instead of standard output, replacing it atomically; a file under
.goremover, or one that is not a regular file (a directory, a symbolic
link), is refused.

The JSON form is {"kind", "root", "nodes": [{"id", "label", "group",
"kind", "module", "notes", "cycle", "unselected", "refs": [site]}],
"edges": [{"from", "to", "platforms", "test", "cycle", "count", "sites":
[site]}], "cycles": [[id]], "loops": [{"steps": [{"from", "to",
"importer", "imported", "sites": [site]}]}]}, a site being {"module",
"file", "line", "col", "kind", "platforms", "test"} (file relative to
its module's root); kind is packages, modules or impact, a node's kind
ws, dep, std, target or decl. Nodes are sorted by id, edges by from and
to.
` + buildFlagsDoc + `
Graph writes nothing to the working set. It exits 0; with -cycles, 1 if
there is a cycle; 2 for bad usage or input (an unknown format, a pattern
or target that matches nothing, a module graph that does not load
offline).

Example:

	$ goremover graph ./internal/... | dot -Tsvg > internal.svg
	$ goremover graph -format mermaid -group 1 -o graph.mmd
	$ goremover graph -format html -o graph.html
	$ goremover graph -m -depth 1
	$ goremover graph -focus ./internal/pay.Client.Do -depth 2
	$ goremover graph -cycles -group 2
`,
}

var (
	graphFlags  buildFlags
	graphFormat string
	graphOut    string
	graphModule bool
	graphFocus  string
	graphDepth  int
	graphGroup  int
	graphStd    bool
	graphDeps   bool
	graphCycles bool
)

func init() {
	cmdGraph.Run = runGraph
	addBuildFlags(&cmdGraph.Flag, &graphFlags)
	cmdGraph.Flag.StringVar(&graphFormat, "format", "", "output `format`: dot (the default), mermaid or json")
	cmdGraph.Flag.StringVar(&graphOut, "o", "", "write the output to `file`")
	cmdGraph.Flag.BoolVar(&graphModule, "m", false, "draw the module graph (with -focus: the target is a module)")
	cmdGraph.Flag.StringVar(&graphFocus, "focus", "", "draw the impact graph of `target`")
	cmdGraph.Flag.IntVar(&graphDepth, "depth", -1, "stop `n` imports, requirements or levels of referrers away (default: no limit; 1 with -focus)")
	cmdGraph.Flag.IntVar(&graphGroup, "group", 0, "draw directories of `n` path elements instead of packages")
	cmdGraph.Flag.BoolVar(&graphStd, "std", false, "draw standard-library packages")
	cmdGraph.Flag.BoolVar(&graphDeps, "deps", true, "draw other modules, one node each")
	cmdGraph.Flag.BoolVar(&graphCycles, "cycles", false, "print the import cycles as text")
	commands = append(commands, cmdGraph)
}

func runGraph(ctx context.Context, cmd *Command, args []string) error {
	format := graphFormat
	explicit := format != ""
	if !explicit {
		format = "dot"
	}
	if graphFlags.json {
		if explicit && format != "json" {
			return &UsageError{Cmd: cmd, Msg: "-json and -format " + format + " disagree"}
		}
		format = "json"
	}
	switch format {
	case "dot", "mermaid", "json", "html":
	default:
		return &UsageError{Cmd: cmd, Msg: fmt.Sprintf("unknown -format %q; want dot, mermaid, json or html", format)}
	}
	switch {
	case graphCycles && (graphModule || graphFocus != ""):
		return &UsageError{Cmd: cmd, Msg: "-cycles draws the package graph: not with -m or -focus"}
	case graphCycles && (explicit || graphFlags.json):
		return &UsageError{Cmd: cmd, Msg: "-cycles prints text: not with -format or -json"}
	case graphFocus != "" && len(args) > 0:
		return &UsageError{Cmd: cmd, Msg: "-focus draws one target: no patterns"}
	case graphModule && graphFocus == "" && len(args) > 0:
		return &UsageError{Cmd: cmd, Msg: "-m draws the module graph: no patterns"}
	case graphGroup < 0:
		return &UsageError{Cmd: cmd, Msg: "-group must be positive"}
	}
	if graphOut != "" {
		if err := checkOutput(graphOut); err != nil {
			return err
		}
	}

	var m *graph.Model
	var err error
	switch {
	case graphFocus != "":
		m, err = focusGraph(ctx)
	case graphModule:
		m, err = moduleGraph(ctx)
	default:
		var pos func(graph.Site) string
		m, pos, err = packageGraph(ctx, args)
		if err == nil && graphCycles {
			if err := writeGraph(func(w *bytes.Buffer) error { return graph.Cycles(w, m, pos) }); err != nil {
				return err
			}
			if n := len(m.Cycles); n > 0 {
				msg := "1 import cycle"
				if n > 1 {
					msg = fmt.Sprintf("%d import cycles", n)
				}
				return &BlockedError{Msg: msg}
			}
			return nil
		}
	}
	if err != nil {
		return err
	}
	return writeGraph(func(w *bytes.Buffer) error {
		switch format {
		case "mermaid":
			return graph.Mermaid(w, m)
		case "json":
			return graph.JSON(w, m)
		case "html":
			return graph.HTML(w, m)
		}
		return graph.Dot(w, m)
	})
}

// packageGraph builds the import graph of the patterns' packages, and
// returns how to print a site's position.
func packageGraph(ctx context.Context, args []string) (*graph.Model, func(graph.Site) string, error) {
	var specs []target.Spec
	for _, a := range args {
		sp, err := target.Parse(a, false)
		if err != nil {
			return nil, nil, err
		}
		specs = append(specs, sp)
	}
	sess, err := openSession(ctx, &graphFlags)
	if err != nil {
		return nil, nil, err
	}
	defer sess.Close(false) // graph writes nothing
	var seeds []string
	if len(specs) > 0 {
		targets, err := sess.Resolve(specs)
		if err != nil {
			return nil, nil, err
		}
		for _, t := range targets {
			if t.Kind != index.PackageKind {
				return nil, nil, &target.Error{Arg: t.Arg, Msg: "not a package or a pattern"}
			}
			seeds = append(seeds, t.Pkgs...)
		}
	}
	progress.Printf(ctx, "drawing the import graph")
	g := pkggraph.New(sess.WS, sess.X)
	m := graph.Packages(g, graph.PackageOptions{
		Root: rootModule(sess.WS, sess.Cwd), Seeds: seeds, Depth: graphDepth,
		Deps: graphDeps, Std: graphStd, Group: graphGroup,
	})
	pos := func(s graph.Site) string {
		f := sess.WS.Abs(s.Module, s.File)
		if f == "" {
			f = s.File
		} else {
			f = session.RelPath(sess.Cwd, f)
		}
		return fmt.Sprintf("%s:%d:%d", f, s.Line, s.Col)
	}
	return m, pos, nil
}

// moduleGraph builds the module graph of the working set.
func moduleGraph(ctx context.Context) (*graph.Model, error) {
	cwd, err := graphFlags.cwd()
	if err != nil {
		return nil, err
	}
	ws, err := findWorkingSet(ctx, cwd)
	if err != nil {
		return nil, err
	}
	graphs := map[string][]modfix.Edge{}
	for i := range ws.Modules {
		mod := &ws.Modules[i]
		progress.Printf(ctx, "reading the module graph of %s (go mod graph, offline)", mod.Path)
		edges, err := modfix.Graph(ctx, ws, mod)
		if err != nil {
			return nil, err
		}
		graphs[mod.Path] = edges
	}
	return graph.Modules(ws, graphs, graph.ModuleOptions{Root: rootModule(ws, cwd), Depth: graphDepth}), nil
}

// focusGraph builds the impact graph of the -focus target.
func focusGraph(ctx context.Context) (*graph.Model, error) {
	specs, err := session.ParseTargets([]string{graphFocus}, graphModule)
	if err != nil {
		return nil, err
	}
	sess, err := openSession(ctx, &graphFlags)
	if err != nil {
		return nil, err
	}
	defer sess.Close(false) // graph writes nothing
	targets, err := sess.Resolve(specs)
	if err != nil {
		return nil, err
	}
	results, err := sess.Impact(ctx, targets)
	if err != nil {
		return nil, err
	}
	depth := graphDepth
	if depth < 0 {
		depth = 1
	}
	return graph.Impact(sess.X, results[0], graph.ImpactOptions{Root: rootModule(sess.WS, sess.Cwd), Depth: depth}), nil
}

// rootModule returns the path of the module of dir, or of the first
// working-set module: labels are relative to it.
func rootModule(ws *load.WorkingSet, dir string) string {
	if m := ws.ModuleOf(dir); m != nil {
		return m.Path
	}
	if len(ws.Modules) > 0 {
		return ws.Modules[0].Path
	}
	return ""
}

// outPath returns the absolute path of the -o file: a relative name is
// relative to -C, as every path a command is given.
func outPath(name string) (string, error) {
	if filepath.IsAbs(name) {
		return name, nil
	}
	dir, err := graphFlags.cwd()
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, name), nil
}

// checkOutput refuses an -o file that is under a .goremover directory,
// or that exists and is not a regular file (a directory, a device, a
// symbolic link, which the rename would replace rather than follow).
func checkOutput(name string) error {
	abs, err := outPath(name)
	if err != nil {
		return err
	}
	if slices.Contains(strings.Split(filepath.ToSlash(abs), "/"), ".goremover") {
		return &load.Error{Msg: fmt.Sprintf("-o %s: refusing to write under .goremover", name)}
	}
	fi, err := os.Lstat(abs)
	if err == nil && !fi.Mode().IsRegular() {
		return &load.Error{Msg: fmt.Sprintf("-o %s: not a regular file", name)}
	}
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return nil
}

// writeGraph renders to standard output, or to the -o file: a temporary
// file in the same directory renamed over it, so that a reader never
// sees half a graph.
func writeGraph(render func(*bytes.Buffer) error) error {
	var buf bytes.Buffer
	if err := render(&buf); err != nil {
		return err
	}
	if graphOut == "" {
		_, err := Stdout.Write(buf.Bytes())
		return err
	}
	if err := checkOutput(graphOut); err != nil {
		return err
	}
	out, err := outPath(graphOut)
	if err != nil {
		return err
	}
	dir, base := filepath.Split(out)
	f, err := os.CreateTemp(dir, "."+base+".tmp*")
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return &load.Error{Msg: fmt.Sprintf("-o %s: %v", graphOut, err)}
	}
	tmp := f.Name()
	_, err = f.Write(buf.Bytes())
	if err == nil {
		mode := fs.FileMode(0o644)
		if fi, serr := os.Stat(out); serr == nil {
			mode = fi.Mode().Perm()
		}
		err = f.Chmod(mode)
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, out)
	}
	if err != nil {
		os.Remove(tmp)
	}
	return err
}
