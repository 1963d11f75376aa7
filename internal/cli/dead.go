package cli

// This file is goremover dead: the analysis of package dead over the
// session's index, printed as text, JSON or SARIF, or, with -why, the
// chain that keeps one declaration alive.

import (
	"context"
	"fmt"
	"strings"

	"github.com/goremover/goremover/internal/dead"
	"github.com/goremover/goremover/internal/index"
	"github.com/goremover/goremover/internal/load"
	"github.com/goremover/goremover/internal/report"
	"github.com/goremover/goremover/internal/session"
	"github.com/goremover/goremover/internal/target"
)

var cmdDead = &Command{
	UsageLine: "goremover dead [-C dir] [-json] [-sarif] [-api auto|on|off] [-test=false] [-tags list] [-platforms list] [-v] [-why symbol] [-generated] [-baseline file [-baseline-write]] [-coverage dir,...] [-fail] [pattern...]",
	Short:     "report code that nothing live uses: functions, methods, types, fields, constants, variables, packages, files",
	Long: `
Dead reports the code of the working set that can go: what no root
reaches, in any build configuration. A function that only a
_windows.go file or a //go:build integration test calls is live; so is
what //go:linkname, cgo //export, plugin.Lookup, a template action, a
reflect MethodByName or FieldByName with a constant name, or a type
assertion to an interface finds: uses the compiler cannot see keep code
alive and are never reported.

The roots are func main of every command and of every //go:build ignore
program, func init and the var initialisers with side effects of every
package they link, the tests, benchmarks, examples and fuzz targets of
_test.go files, and, for a library, its exported API. Everything the
roots reach is live: a call, a use, a method called through an
interface that a value of its type is converted to (as Rapid Type
Analysis decides: the interface's method must be called somewhere, or be
called by code outside the working set), a struct field read or set.
What only dead code uses is dead too: a type used only in the
signatures and bodies of dead functions, the fields only they set.

Each finding is printed as

	file:line:col: KIND NAME: REASON [PLATFORMS] (RULE)

where KIND is func, method, type, field, const, var, package or file,
NAME is the declaration's name in its package (T.M for a method or
field), and PLATFORMS the configurations that compile its file when that
is not every one. A package that no root links is reported once, not
declaration by declaration, at line 1 of its first file; so is a file
whose declarations are all dead (and that holds no init, blank import,
import "C", //go:generate or //go:embed line), at its line 1. Members of a dead type go with it. A declaration of a
generated file (// Code generated ... DO NOT EDIT.) is not reported
unless the -generated flag is given.

Two kinds of findings are not dead code, and are printed after it: an
exported method of a type whose values become interface values, that
nothing calls by name, is "uncertain" (GR210): only reflection with a
computed name can reach it, so it is never reported as dead; and an
exported identifier of a package whose API is not a root, that only its
own package uses, could be unexported (GR211). The -v flag prints them;
otherwise only their number is.

The -api flag says whether a module's exported API is a root: auto (the
default) decides per module, a module without a main package being a
library (its exported identifiers outside internal/, and the exported
methods and fields of its live types, are roots) and one with commands
an application (only the commands and tests are roots); on makes every
module a library, off every module an application. The first lines of
the output say which each module was analysed as.

The -test flag (default true) makes tests, benchmarks, examples and
fuzz targets roots; with -test=false, code that only tests use is dead
and test files are not reported.

The -why flag takes a symbol, in the target syntax (see 'goremover help
targets'), and prints instead the shortest chain from a root that keeps
it alive, one file:line:col per step, with the platforms of the file of
each step; or says that it is dead.

Patterns (a package, ./internal/..., a symbol) limit what is reported,
not what is analysed: the whole working set is always analysed.

The -json flag prints

	{"mode": "application", "modules": [{"module": "example.com/m",
	  "mode": "application", "mains": ["example.com/m/cmd/app"]}],
	 "findings": [{"rule": "GR201", "severity": "warning",
	   "message": "func legacyCharge is dead: unreachable from any root",
	   "file": "pay/pay.go", "line": 12, "col": 6, "kind": "func",
	   "name": "legacyCharge", "pkg": "example.com/m/pay",
	   "status": "dead", "reason": "unreachable from any root",
	   "platforms": ["all"]}]}

with every finding, uncertain and unexport ones included (status
"uncertain" or "unexport"). "mode" is the modules' mode, or "mixed" when
the modules of a workspace differ; "modules" has each one's. Paths are
relative to the root of the module that contains them; in a workspace
each finding also has "module". The -sarif flag prints a SARIF 2.1.0 log
for code scanning. With -why, -json prints {"symbol", "live", "chain":
[{"name", "file", "line", "col", "how", "platforms"}]}. With -baseline,
it has "baseline": {"file", "entries", "accepted", "gone"} (findings
left out, entries no longer found) and each dead finding "new": true;
with -coverage, "coverage": {"dirs", "runs", "ran", "cold", "unknown",
"unknown_packages"}, and the cold findings (status "cold", rule GR212).

The -baseline flag names a file of accepted dead findings, so that a
gate fails only on new dead code: dead reports, and -fail counts, only
the dead findings the file does not accept, and says how many it
accepted. With -baseline-write, dead writes the file instead, prints
what it wrote, and exits 0: the first time, every dead finding of today;
after that, only the entries still found, so that a baseline can only
shrink (it names the entries it dropped and the new findings it did not
add; delete the file to start again). An entry is a rule and a symbol in
the target syntax, package path and name ("GR201",
"example.com/m/pay.legacyCharge"; a package's import path for GR207),
never a file or a line: moving code does not change it. A file finding
stands for its declarations, one entry each, and is accepted when they
all are. Uncertain, unexport and cold findings are not recorded. Write
the file with the same -api, -test and -generated flags as the gate
that reads it, and without patterns. A missing or malformed file is an
error at its position (exit 2).

The -coverage flag takes directories, comma-separated, of coverage data
written by binaries built with 'go build -cover' and run with GOCOVERDIR
set to one of them (or test binaries run with -test.gocoverdir); the
runs' data is merged. A live function or method of a file that those
binaries instrumented, none of whose lines executed in any run, is cold
(GR212): an error path, a feature nobody used, or code the runs missed.
Cold is not dead: the cold findings are printed after the dead ones
(KIND is "cold func" or "cold method"), -fail and baselines ignore
them, and prune removes them only when asked (-kind cold). A function
of a file no binary instrumented is unknown, not cold: nothing is said
about it (tests, packages no binary linked or that were built without
-cover or -coverpkg, files of other platforms). The last line says how
many live functions ran, how many are cold, how many are unknown, and
which packages have no coverage data at all. Lines are matched, so the
data must come from this source: a function that the data places where
the source has none, a directory that is missing or holds no coverage
data, or one where a program started but never exited, is an error
(exit 2).

The -baseline and -coverage paths are relative to the -C directory.

The -fail flag makes dead exit 1 when something is dead (with
-baseline, something the baseline does not accept); otherwise it exits
0 whatever it finds. Bad usage or input (an unknown pattern or -why
symbol, a module that does not load) exits 2.

'goremover help GR201' (to GR212) prints each rule's documentation.
` + buildFlagsDoc + `
Example:

	$ goremover dead
	$ goremover dead -json ./internal/...
	$ goremover dead -why ./internal/pay.Charge
	$ goremover dead -baseline dead-baseline.json -baseline-write
	$ goremover dead -baseline dead-baseline.json -fail
	$ go build -cover -o app ./cmd/app && mkdir cov && GOCOVERDIR=cov ./app ...
	$ goremover dead -coverage cov
`,
}

var (
	deadFlags     buildFlags
	deadSARIF     bool
	deadAPI       string
	deadTest      bool
	deadWhy       string
	deadGenerated bool
	deadFail      bool

	deadBaseline      string
	deadBaselineWrite bool
	deadCoverage      string
)

func init() {
	cmdDead.Run = runDead
	f := &cmdDead.Flag
	addBuildFlags(f, &deadFlags)
	f.BoolVar(&deadSARIF, "sarif", false, "print findings as SARIF 2.1.0")
	f.StringVar(&deadAPI, "api", "auto", "whether exported API is a root: `auto`, on or off")
	f.BoolVar(&deadTest, "test", true, "tests, benchmarks, examples and fuzz targets are roots")
	f.StringVar(&deadWhy, "why", "", "print the chain from a root that keeps `symbol` alive")
	f.BoolVar(&deadGenerated, "generated", false, "report findings in generated files too")
	f.BoolVar(&deadFail, "fail", false, "exit 1 when something is dead")
	f.StringVar(&deadBaseline, "baseline", "", "report only dead findings the baseline `file` does not accept")
	f.BoolVar(&deadBaselineWrite, "baseline-write", false, "write the -baseline file: today's findings, or what is still found of it")
	f.StringVar(&deadCoverage, "coverage", "", "mark live functions that never ran in the GOCOVERDIR data of `dirs` (comma-separated) as cold")
	commands = append(commands, cmdDead)
}

func runDead(ctx context.Context, cmd *Command, args []string) error {
	api, ok := dead.ParseAPI(deadAPI)
	if !ok {
		return &UsageError{Cmd: cmd, Msg: fmt.Sprintf("-api: unknown value %q (want auto, on or off)", deadAPI)}
	}
	if deadFlags.json && deadSARIF {
		return &UsageError{Cmd: cmd, Msg: "-json and -sarif are exclusive"}
	}
	if deadWhy != "" && deadSARIF {
		return &UsageError{Cmd: cmd, Msg: "-why and -sarif are exclusive"}
	}
	specs, err := session.ParseTargets(args, false)
	if err != nil {
		return err
	}
	var whySpec []target.Spec
	if deadWhy != "" {
		if whySpec, err = session.ParseTargets([]string{deadWhy}, false); err != nil {
			return err
		}
	}
	ext, err := newDeadExtras(ctx, cmd, len(args) > 0)
	if err != nil {
		return err
	}
	sess, err := openSession(ctx, &deadFlags)
	if err != nil {
		return err
	}
	defer sess.Close(false) // dead writes nothing in the module
	targets, err := sess.Resolve(specs)
	if err != nil {
		return err
	}
	var why *target.Target
	if whySpec != nil {
		ts, err := sess.Resolve(whySpec)
		if err != nil {
			return err
		}
		why = ts[0]
		if why.Kind == index.PackageKind || why.Kind == index.ModuleKind {
			return &UsageError{Cmd: cmd, Msg: fmt.Sprintf("-why %s: want a symbol (a func, method, type, field, const or var), not a %s", deadWhy, why.Kind)}
		}
	}
	res := dead.Analyze(sess.X, &dead.Options{API: api, Tests: deadTest, Generated: deadGenerated})
	p := &deadPrinter{sess: sess, res: res, printer: sess.Printer(), ext: ext}
	if why != nil {
		return p.why(why)
	}
	fs := filterFindings(res.Findings, targets)
	fs, done, err := ext.apply(p, targets, fs)
	if done || err != nil {
		return err
	}
	switch {
	case deadFlags.json:
		err = p.json(fs)
	case deadSARIF:
		err = p.sarif(fs)
	default:
		err = p.text(fs)
	}
	if err != nil {
		return err
	}
	if deadFail {
		for _, f := range fs {
			if f.Status == dead.Dead {
				return &BlockedError{}
			}
		}
	}
	return nil
}

// filterFindings keeps the findings in the packages or of the symbols the
// patterns name (all of them without patterns).
func filterFindings(fs []*dead.Finding, targets []*target.Target) []*dead.Finding {
	if len(targets) == 0 {
		return fs
	}
	pkgs := map[string]bool{}
	keys := map[index.Key]bool{}
	for _, t := range targets {
		for _, p := range t.Pkgs {
			if t.Kind == index.PackageKind {
				pkgs[p] = true
			}
		}
		for _, k := range t.Keys {
			keys[k] = true
		}
	}
	var out []*dead.Finding
	for _, f := range fs {
		in := pkgs[strings.TrimSuffix(f.Pkg, "_test")] || keys[f.Key]
		for _, k := range f.Decls {
			in = in || keys[k]
		}
		if in {
			out = append(out, f)
		}
	}
	return out
}

type deadPrinter struct {
	sess    *session.Session
	res     *dead.Result
	printer interface{ Display(index.Pos) string }
	ext     *deadExtras
}

// workspace reports whether positions carry their module.
func (p *deadPrinter) workspace() bool { return p.sess.WS.Work != "" }

// modeLine says how a module was analysed.
func (p *deadPrinter) modeLine(m dead.Module) string {
	switch {
	case m.Mode == dead.Library && len(m.Mains) == 0:
		return fmt.Sprintf("%s: library (no command: its exported API is a root)", m.Path)
	case m.Mode == dead.Library:
		return fmt.Sprintf("%s: library (-api=on: its exported API is a root, and its %s)", m.Path, report.Plural(len(m.Mains), "command"))
	case len(m.Mains) == 0:
		return fmt.Sprintf("%s: application (-api=off: only tests are roots)", m.Path)
	}
	var rel []string
	for _, c := range m.Mains {
		rel = append(rel, p.pkgDisplay(c))
	}
	if len(rel) > 3 {
		rel = append(rel[:3], fmt.Sprintf("and %d more", len(rel)-3))
	}
	return fmt.Sprintf("%s: application (its commands are the roots: %s)", m.Path, strings.Join(rel, ", "))
}

// pkgDisplay returns a package path as ./dir relative to the current
// directory when it is a working-set package.
func (p *deadPrinter) pkgDisplay(path string) string {
	for _, d := range p.sess.X.Dirs {
		if d.ImportPath == path {
			rel := session.RelPath(p.sess.Cwd, d.Abs)
			if rel == "." {
				return "."
			}
			if !strings.HasPrefix(rel, "../") {
				return "./" + rel
			}
			return path
		}
	}
	return path
}

func (p *deadPrinter) text(fs []*dead.Finding) error {
	var b strings.Builder
	for _, m := range p.res.Modules {
		fmt.Fprintln(&b, p.modeLine(m))
	}
	var others, cold []*dead.Finding
	counts := map[dead.Status]int{}
	for _, f := range fs {
		counts[f.Status]++
		switch f.Status {
		case dead.Dead:
			b.WriteString(p.line(f))
		case dead.Cold:
			cold = append(cold, f)
		default:
			others = append(others, f)
		}
	}
	for _, f := range cold {
		b.WriteString(p.line(f))
	}
	if deadFlags.verbose {
		for _, f := range others {
			b.WriteString(p.line(f))
		}
	}
	summary := report.Plural(counts[dead.Dead], "dead finding")
	if counts[dead.Dead] == 0 {
		summary = "nothing is dead"
	}
	summary = p.ext.deadSummary(summary, counts[dead.Dead])
	if n := counts[dead.Cold]; n > 0 {
		summary += fmt.Sprintf("; %d cold (live, never ran)", n)
	}
	if n := counts[dead.Uncertain]; n > 0 {
		summary += fmt.Sprintf("; %d uncertain (reachable only through reflection)", n)
	}
	if n := counts[dead.Unexport]; n > 0 {
		summary += fmt.Sprintf("; %s only their own package uses", report.Plural(n, "exported identifier"))
	}
	if len(others) > 0 && !deadFlags.verbose {
		summary += " (-v lists them)"
	}
	fmt.Fprintln(&b, summary)
	b.WriteString(p.ext.trailer(p))
	_, err := Stdout.Write([]byte(b.String()))
	return err
}

// line formats one finding.
func (p *deadPrinter) line(f *dead.Finding) string {
	name := f.Name
	pos := p.printer.Display(f.Pos)
	if f.Kind == dead.FileKind {
		name = ""
	}
	what := string(f.Kind)
	if f.Status == dead.Uncertain || f.Status == dead.Cold {
		what = string(f.Status) + " " + what
	}
	if name != "" {
		what += " " + name
	}
	s := fmt.Sprintf("%s: %s: %s", pos, what, f.Reason)
	if f.Detail != "" {
		s += " (" + f.Detail + ")"
	}
	if len(f.Platforms) > 0 && !(len(f.Platforms) == 1 && f.Platforms[0] == "all") {
		s += " [" + strings.Join(f.Platforms, " ") + "]"
	}
	return s + " (" + f.Rule + ")\n"
}

// message is a finding's one-line message for JSON and SARIF.
func message(f *dead.Finding) string {
	what := string(f.Kind) + " " + f.Name
	var s string
	switch f.Status {
	case dead.Uncertain:
		s = what + " is uncertain: " + f.Reason
	case dead.Unexport:
		s = what + " is " + f.Reason
	case dead.Cold:
		s = what + " is cold: " + f.Reason
	default:
		s = what + " is dead: " + f.Reason
	}
	if f.Detail != "" {
		s += " (" + f.Detail + ")"
	}
	return s
}

// jsonFinding is a finding in the -json output: the SPEC's finding shape
// with the dead-code fields.
type jsonFinding struct {
	Rule      string          `json:"rule"`
	Severity  report.Severity `json:"severity"`
	Message   string          `json:"message"`
	Module    string          `json:"module,omitempty"`
	File      string          `json:"file"`
	Line      int             `json:"line"`
	Col       int             `json:"col"`
	Kind      string          `json:"kind"`
	Name      string          `json:"name"`
	Pkg       string          `json:"pkg"`
	Status    dead.Status     `json:"status"`
	Reason    string          `json:"reason"`
	Detail    string          `json:"detail,omitempty"`
	Platforms []string        `json:"platforms"`
	Test      bool            `json:"test,omitempty"`
	Generated bool            `json:"generated,omitempty"`
	Decls     []string        `json:"decls,omitempty"` // for a file: what it declares
	New       *bool           `json:"new,omitempty"`   // with -baseline: not accepted by it
}

func (p *deadPrinter) json(fs []*dead.Finding) error {
	out := struct {
		Mode     string        `json:"mode"`
		Modules  []dead.Module `json:"modules"`
		Findings []jsonFinding `json:"findings"`

		Baseline *deadBaselineJSON `json:"baseline,omitempty"`
		Coverage *deadCoverageJSON `json:"coverage,omitempty"`
	}{Modules: p.res.Modules, Findings: []jsonFinding{}}
	out.Baseline, out.Coverage = p.ext.json()
	for _, m := range p.res.Modules {
		switch {
		case out.Mode == "":
			out.Mode = string(m.Mode)
		case out.Mode != string(m.Mode):
			out.Mode = "mixed"
		}
	}
	for _, f := range fs {
		jf := jsonFinding{
			Rule: f.Rule, Severity: report.Lookup(f.Rule).Severity, Message: message(f),
			File: f.Pos.File, Line: f.Pos.Line, Col: f.Pos.Col,
			Kind: string(f.Kind), Name: f.Name, Pkg: f.Pkg, Status: f.Status, Reason: f.Reason, Detail: f.Detail,
			Platforms: f.Platforms, Test: f.Test, Generated: f.Generated, New: p.ext.isNew(f),
		}
		if p.workspace() {
			jf.Module = f.Pos.Module
		}
		for _, k := range f.Decls {
			jf.Decls = append(jf.Decls, k.Path)
		}
		out.Findings = append(out.Findings, jf)
	}
	return printJSON(out)
}

func (p *deadPrinter) sarif(fs []*dead.Finding) error {
	var rs []*report.Finding
	for _, f := range fs {
		rf := &report.Finding{
			Rule: f.Rule, Severity: report.Lookup(f.Rule).Severity, Message: message(f),
			File: f.Pos.File, Line: f.Pos.Line, Col: f.Pos.Col, Root: p.moduleDir(f.Pos.Module),
		}
		if f.Kind == dead.FileKind || f.Kind == index.PackageKind {
			rf.Col = 0
		}
		if p.workspace() {
			rf.Module = f.Pos.Module
		}
		rs = append(rs, rf)
	}
	root := p.sess.WS.Root
	if r := load.VCSRoot(root); r != "" {
		root = r
	}
	return report.SARIF(Stdout, rs, toolVersion(), root)
}

func (p *deadPrinter) moduleDir(mod string) string {
	for _, m := range p.sess.WS.Modules {
		if m.Path == mod {
			return m.Dir
		}
	}
	return p.sess.WS.Root
}

// why prints the chain that keeps t alive.
func (p *deadPrinter) why(t *target.Target) error {
	var chain []dead.Step
	for _, k := range t.Keys {
		if chain = p.res.Why(k); chain != nil {
			break
		}
	}
	sym := t.Key.Pkg + "." + t.Key.Path
	if deadFlags.json {
		type step struct {
			Name      string   `json:"name"`
			Module    string   `json:"module,omitempty"`
			File      string   `json:"file"`
			Line      int      `json:"line"`
			Col       int      `json:"col"`
			How       string   `json:"how"`
			Platforms []string `json:"platforms"`
		}
		out := struct {
			Symbol string `json:"symbol"`
			Live   bool   `json:"live"`
			Chain  []step `json:"chain"`
		}{Symbol: sym, Live: chain != nil, Chain: []step{}}
		for _, s := range chain {
			st := step{Name: s.Name, File: s.Pos.File, Line: s.Pos.Line, Col: s.Pos.Col, How: s.How, Platforms: s.Platforms}
			if p.workspace() {
				st.Module = s.Pos.Module
			}
			out.Chain = append(out.Chain, st)
		}
		return printJSON(out)
	}
	var b strings.Builder
	if chain == nil {
		reason := "nothing live uses it"
		for _, f := range p.res.Findings {
			if f.Status != dead.Dead {
				continue
			}
			because := f.Reason
			if f.Detail != "" {
				because += " (" + f.Detail + ")"
			}
			if f.Key == t.Key {
				reason = because
				break
			}
			switch {
			case f.Kind == index.PackageKind && f.Pkg == strings.TrimSuffix(t.Key.Pkg, "_test"):
				reason = "its package is dead: " + because
			case f.Kind == index.Type && f.Key.Pkg == t.Key.Pkg && strings.HasPrefix(t.Key.Path, f.Key.Path+"."):
				reason = "its type is dead: " + because
			}
		}
		fmt.Fprintf(&b, "%s is dead: %s\n", sym, reason)
		_, err := Stdout.Write([]byte(b.String()))
		return err
	}
	status := "live"
	if p.res.Uncertain(t.Key) {
		status = "uncertain (reachable only through reflection)"
	}
	fmt.Fprintf(&b, "%s is %s:\n", sym, status)
	for _, s := range chain {
		pos := "(no position)"
		if s.Pos.File != "" {
			pos = p.printer.Display(s.Pos)
		}
		fmt.Fprintf(&b, "\t%s: %s: %s [%s]\n", pos, s.Name, s.How, strings.Join(s.Platforms, " "))
	}
	_, err := Stdout.Write([]byte(b.String()))
	return err
}
