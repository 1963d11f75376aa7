package cli

// This file is goremover arch: check, which checks the rules of the
// arch: section of .goremover.yaml on the import graph of every build
// configuration (package arch over package pkggraph), printed as text,
// JSON or SARIF, with a baseline like dead's; and schema, which prints
// the file's JSON Schema.

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"strings"

	"github.com/goremover/goremover/internal/arch"
	"github.com/goremover/goremover/internal/load"
	"github.com/goremover/goremover/internal/pkggraph"
	"github.com/goremover/goremover/internal/report"
	"github.com/goremover/goremover/internal/session"
)

var cmdArch = &Command{
	UsageLine: "goremover arch check|schema [flags]",
	Short:     "check architecture rules: layers, forbidden imports, boundaries, cycles, fan-in and fan-out, embeds",
	Long: `
Arch check checks the rules of the arch: section of .goremover.yaml, at
the root of the module or workspace, on the imports of the working set
in every build configuration, tests included:

	goremover arch check [-C dir] [-json] [-sarif] [-baseline file [-baseline-write]] [-tags list] [-platforms list] [-v]

Arch schema prints the JSON Schema of .goremover.yaml, for editors:

	goremover arch schema

An example, with every kind of rule:

	arch:
	  tests: true              # imports only _test.go files make count (default)
	  layers:                  # from the top: a layer imports only the layers below it
	    - ./cmd/...
	    - [./internal/web/..., ./internal/api/...]
	    - ./internal/store/...
	  forbidden:
	    - from: ./internal/controller/...
	      to: ./internal/httpclient/...
	      except: ./internal/controller/legacy
	      transitive: true     # import chains count too
	  only:                    # only the adapters may import the drivers
	    - imports: [github.com/lib/pq, github.com/go-sql-driver/mysql]
	      from: ./adapters/...
	  internal: true           # internal/ packages across workspace modules
	  cycles:
	    - dirs: 1              # no cycle between top-level directories
	    - groups:
	        - {name: storage, packages: [./tsdb/..., ./storage/...]}
	        - {name: web, packages: ./web/...}
	  fan:
	    - packages: ./internal/...
	      max_out: 10          # distinct working-set packages imported
	      max_in: 20           # distinct working-set packages importing
	  embed:                   # who may //go:embed from where
	    - packages: ./web/ui
	      dirs: ./web/ui/static/...

A pattern is a directory relative to the file's directory (./dir, or
./dir/... for it and every directory under it), an import path pattern
with ... wildcards as the go command's, a module path (every package of
the module), or std (the standard library). Imports between packages
of the working set, and their imports of other packages, are checked:
an import counts in every build configuration, so a _windows.go file's
import is reported with [windows/*], one that only _test.go files make
with (test).

A pattern that says which packages a rule applies to (a layer, from,
except, a group, fan or embed packages) and matches none is warned
about on stderr: a typo would make the rule vacuous.

Each violation is printed as

	file:line:col: MESSAGE [PLATFORMS] (test) (RULE)

at the import line (the //go:embed line for embed rules, the package's
first file for max_in), where MESSAGE names both packages and the
position of the rule in .goremover.yaml; for a layer or a transitive
forbidden rule reached through other packages, and for a cycle, the
import chain follows, a step a line. The rules are GR401 (layers) to
GR408 (embed): 'goremover help GR401' prints each one's documentation.

The file is read only if it is a regular file (not a symbolic link) of
at most 1 MiB. An unknown field, a value of the wrong type, a malformed
pattern, YAML anchors and aliases, are errors at their line and column
(exit 2).

The -json flag prints {"findings": [...]} with, for each violation,
its rule, severity, message, file, line and col, and kind (the
section), from, to, platforms, test, config (the rule's position) and
chain. The -sarif flag prints SARIF 2.1.0.

The -baseline flag reads a baseline file, as dead's: violations it
accepts (by rule and packages, not by line) are not reported, so a CI
gate fails only on new ones; with -baseline-write, it writes today's
violations to it, or, if it exists, only those of it still found.

Arch check exits 1 if a rule is broken (with -baseline, by a violation
the baseline does not accept), 0 if none is, and 2 on bad usage or
input: a malformed .goremover.yaml or baseline, a module that does not
load. Without .goremover.yaml, or without rules in it, it says so on
stderr and exits 0: a CI job may run before the rules are written.
` + buildFlagsDoc + `
Example:

	$ goremover arch check
	$ goremover arch check -baseline arch-baseline.json -baseline-write
	$ goremover arch check -baseline arch-baseline.json -sarif > arch.sarif
	$ goremover arch schema > goremover.schema.json
`,
}

var cmdArchCheck = &Command{
	UsageLine: "goremover arch check [-C dir] [-json] [-sarif] [-baseline file [-baseline-write]] [-tags list] [-platforms list] [-v]",
	Short:     "check the architecture rules of .goremover.yaml",
}

var cmdArchSchema = &Command{
	UsageLine: "goremover arch schema",
	Short:     "print the JSON Schema of .goremover.yaml",
}

var (
	archFlags         buildFlags
	archSARIF         bool
	archBaseline      string
	archBaselineWrite bool
)

func init() {
	cmdArch.Run = func(ctx context.Context, cmd *Command, args []string) error {
		return &UsageError{Cmd: cmd, Msg: "want a subcommand: check or schema"}
	}
	cmdArch.Commands = []*Command{cmdArchCheck, cmdArchSchema}
	cmdArchCheck.Run = runArchCheck
	cmdArchSchema.Run = runArchSchema
	f := &cmdArchCheck.Flag
	addBuildFlags(f, &archFlags)
	f.BoolVar(&archSARIF, "sarif", false, "print violations as SARIF 2.1.0")
	f.StringVar(&archBaseline, "baseline", "", "report only violations the baseline `file` does not accept")
	f.BoolVar(&archBaselineWrite, "baseline-write", false, "write the -baseline file: today's violations, or what is still found of it")
	commands = append(commands, cmdArch)
}

func runArchSchema(ctx context.Context, cmd *Command, args []string) error {
	if len(args) > 0 {
		return &UsageError{Cmd: cmd, Msg: "no arguments allowed"}
	}
	_, err := Stdout.Write(arch.Schema)
	return err
}

func runArchCheck(ctx context.Context, cmd *Command, args []string) error {
	switch {
	case len(args) > 0:
		return &UsageError{Cmd: cmd, Msg: "no arguments allowed"}
	case archFlags.json && archSARIF:
		return &UsageError{Cmd: cmd, Msg: "-json and -sarif are exclusive"}
	case archBaselineWrite && archBaseline == "":
		return &UsageError{Cmd: cmd, Msg: "-baseline-write needs -baseline file"}
	case archBaselineWrite && (archFlags.json || archSARIF):
		return &UsageError{Cmd: cmd, Msg: "-baseline-write prints what it wrote as text: not with -json or -sarif"}
	}
	cwd, err := archFlags.cwd()
	if err != nil {
		return err
	}
	// The rules first: a malformed file fails before the load.
	ws, err := load.Find(cwd)
	if err != nil {
		return err
	}
	display := session.RelPath(cwd, filepath.Join(ws.Root, arch.FileName))
	cfg, err := arch.Read(ws.Root, display)
	if errors.Is(err, arch.ErrNoConfig) {
		say(fmt.Sprintf("no %s in %s: no architecture rules to check", arch.FileName, session.RelPath(cwd, ws.Root)))
		return nil
	}
	var list arch.ErrorList
	if errors.As(err, &list) {
		return errors.New(strings.ReplaceAll(list.Error(), "\n", "\ngoremover: "))
	}
	if err != nil {
		return err
	}
	if cfg.Empty() {
		say(fmt.Sprintf("%s has no rules in its arch: section: nothing to check", display))
		return nil
	}
	var base *report.Baseline
	if archBaseline != "" {
		base, err = report.ReadBaseline(relTo(archFlags.dir, archBaseline), archBaselineWrite)
		if errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("%w; to record today's violations:\n\tgoremover arch check -baseline %s -baseline-write", err, archBaseline)
		}
		if err != nil {
			return err
		}
	}
	sess, err := openSession(ctx, &archFlags)
	if err != nil {
		return err
	}
	defer sess.Close(false) // arch writes nothing in the module
	g := pkggraph.New(sess.WS, sess.X)
	vs := arch.Check(cfg, sess.WS, sess.X, g, sess.WS.Root)
	for _, p := range arch.Unmatched(cfg, sess.WS, g, sess.WS.Root) {
		say(fmt.Sprintf("warning: %s: %s matches no package of the working set: the rule says nothing about it", p.Pos, p.Text))
	}
	p := &archPrinter{sess: sess}
	if base != nil {
		if archBaselineWrite {
			return p.writeBaseline(base, vs)
		}
		var kept []*arch.Violation
		for _, v := range vs {
			if base.Has(v.Rule, v.Key) {
				p.accepted++
			} else {
				kept = append(kept, v)
			}
		}
		found := map[report.BaselineEntry]bool{}
		for _, v := range vs {
			found[report.BaselineEntry{Rule: v.Rule, Key: v.Key}] = true
		}
		p.gone = base.Gone(found)
		vs, p.base = kept, base
	}
	switch {
	case archFlags.json:
		err = p.json(vs)
	case archSARIF:
		err = p.sarif(vs)
	default:
		err = p.text(vs)
	}
	if err == nil && len(vs) > 0 {
		err = &BlockedError{}
	}
	return err
}

type archPrinter struct {
	sess     *session.Session
	base     *report.Baseline
	accepted int // violations the baseline accepts, left out
	gone     int // baseline entries no longer found
}

// line formats a violation and its chain.
func (p *archPrinter) line(v *arch.Violation) string {
	pr := p.sess.Printer()
	s := pr.Display(v.Pos) + ": " + v.Message + configs(v.Platforms, v.Test) + " (" + v.Rule + ")\n"
	for _, st := range v.Chain {
		s += fmt.Sprintf("\t%s: %s imports %s%s\n", pr.Display(st.Pos), st.From, st.To, configs(st.Platforms, st.Test))
	}
	return s
}

// configs returns " [windows/*] (test)": the configurations of a line
// when not every one, and whether only tests make it.
func configs(platforms []string, test bool) string {
	s := ""
	if len(platforms) > 0 && !(len(platforms) == 1 && platforms[0] == "all") {
		s += " [" + strings.Join(platforms, " ") + "]"
	}
	if test {
		s += " (test)"
	}
	return s
}

func (p *archPrinter) text(vs []*arch.Violation) error {
	var b strings.Builder
	for _, v := range vs {
		b.WriteString(p.line(v))
	}
	summary := report.Plural(len(vs), "violation")
	if len(vs) == 0 {
		summary = "no violations"
	}
	if p.base != nil {
		summary = report.Plural(len(vs), "new violation")
		if len(vs) == 0 {
			summary = "no new violations"
		}
		summary += fmt.Sprintf(" (%d accepted by the baseline %s)", p.accepted, p.base.File)
	}
	fmt.Fprintln(&b, summary)
	if p.base != nil && p.gone > 0 {
		fmt.Fprintf(&b, "%s of the baseline no longer found; to shrink it:\n\tgoremover arch check -baseline %s -baseline-write\n", entries(p.gone), p.base.File)
	}
	_, err := Stdout.Write([]byte(b.String()))
	return err
}

// writeBaseline writes today's violations (or what is still found of the
// baseline) and says what it wrote.
func (p *archPrinter) writeBaseline(b *report.Baseline, vs []*arch.Violation) error {
	existed := b.Exists()
	var found []report.BaselineEntry
	for _, v := range vs {
		found = append(found, report.BaselineEntry{Rule: v.Rule, Key: v.Key})
	}
	dropped, err := b.Write(found)
	if err != nil {
		return err
	}
	var out strings.Builder
	if !existed {
		fmt.Fprintf(&out, "wrote the baseline %s: %s\n", b.File, entries(b.Len()))
	} else {
		fmt.Fprintf(&out, "%s: kept %s, dropped %d no longer found\n", b.File, entries(b.Len()), dropped)
		var added []*arch.Violation
		for _, v := range vs {
			if !b.Has(v.Rule, v.Key) {
				added = append(added, v)
			}
		}
		if len(added) > 0 {
			fmt.Fprintf(&out, "%s not in the baseline, not added (a baseline only shrinks; delete %s to start again):\n", report.Plural(len(added), "violation"), b.File)
			for _, v := range added {
				out.WriteString("\t" + p.line(v))
			}
		}
	}
	_, err = Stdout.Write([]byte(out.String()))
	return err
}

// archStep and archFinding are the -json shapes: the SPEC's finding
// with the rule's section, packages, configurations, the rule's position
// and the chain.
type archStep struct {
	From      string   `json:"from"`
	To        string   `json:"to"`
	Module    string   `json:"module,omitempty"`
	File      string   `json:"file"`
	Line      int      `json:"line"`
	Col       int      `json:"col"`
	Platforms []string `json:"platforms"`
	Test      bool     `json:"test,omitempty"`
}

type archFinding struct {
	Rule      string          `json:"rule"`
	Severity  report.Severity `json:"severity"`
	Message   string          `json:"message"`
	Module    string          `json:"module,omitempty"`
	File      string          `json:"file"`
	Line      int             `json:"line"`
	Col       int             `json:"col"`
	Fixable   bool            `json:"fixable"`
	Kind      string          `json:"kind"`
	From      string          `json:"from,omitempty"`
	To        string          `json:"to,omitempty"`
	Platforms []string        `json:"platforms"`
	Test      bool            `json:"test,omitempty"`
	Config    arch.Pos        `json:"config"`
	Chain     []archStep      `json:"chain,omitempty"`
	New       *bool           `json:"new,omitempty"` // with -baseline: not accepted by it
}

func (p *archPrinter) json(vs []*arch.Violation) error {
	ws := p.sess.WS.Work != ""
	out := struct {
		Findings []archFinding `json:"findings"`
		Baseline *struct {
			File     string `json:"file"`
			Entries  int    `json:"entries"`
			Accepted int    `json:"accepted"`
			Gone     int    `json:"gone"`
		} `json:"baseline,omitempty"`
	}{Findings: []archFinding{}}
	if p.base != nil {
		out.Baseline = &struct {
			File     string `json:"file"`
			Entries  int    `json:"entries"`
			Accepted int    `json:"accepted"`
			Gone     int    `json:"gone"`
		}{p.base.File, p.base.Len(), p.accepted, p.gone}
	}
	for _, v := range vs {
		f := archFinding{
			Rule: v.Rule, Severity: report.Lookup(v.Rule).Severity, Message: v.Message,
			File: v.Pos.File, Line: v.Pos.Line, Col: v.Pos.Col, Kind: v.Kind, From: v.From, To: v.To,
			Platforms: v.Platforms, Test: v.Test, Config: v.Config,
		}
		if ws {
			f.Module = v.Pos.Module
		}
		if p.base != nil {
			t := true
			f.New = &t
		}
		for _, st := range v.Chain {
			s := archStep{From: st.From, To: st.To, File: st.Pos.File, Line: st.Pos.Line, Col: st.Pos.Col, Platforms: st.Platforms, Test: st.Test}
			if ws {
				s.Module = st.Pos.Module
			}
			f.Chain = append(f.Chain, s)
		}
		out.Findings = append(out.Findings, f)
	}
	return printJSON(out)
}

func (p *archPrinter) sarif(vs []*arch.Violation) error {
	var rs []*report.Finding
	dirs := map[string]string{}
	for _, m := range p.sess.WS.Modules {
		dirs[m.Path] = m.Dir
	}
	for _, v := range vs {
		f := &report.Finding{
			Rule: v.Rule, Severity: report.Lookup(v.Rule).Severity, Message: v.Message + configs(v.Platforms, v.Test),
			File: v.Pos.File, Line: v.Pos.Line, Col: v.Pos.Col, Root: dirs[v.Pos.Module],
		}
		if p.sess.WS.Work != "" {
			f.Module = v.Pos.Module
		}
		rs = append(rs, f)
	}
	root := p.sess.WS.Root
	if r := load.VCSRoot(root); r != "" {
		root = r
	}
	return report.SARIF(Stdout, rs, toolVersion(), root)
}
