package impact

// This file prints impact results: text for people (clickable
// file:line:col, grouped by package, tests marked) and the SPEC's JSON.

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/goremover/goremover/internal/report"

	"github.com/goremover/goremover/internal/index"
	"github.com/goremover/goremover/internal/load"
	"github.com/goremover/goremover/internal/target"
)

// Printer prints results.
type Printer struct {
	X   *index.Index
	WS  *load.WorkingSet
	Cwd string
	// lines caches source files by absolute path.
	lines map[string][]string
}

// Loc is a location in the SPEC's JSON shapes.
type Loc struct {
	Module string `json:"module,omitempty"`
	File   string `json:"file"`
	Line   int    `json:"line"`
	Col    int    `json:"col"`
}

// JSONRef is a reference in the SPEC's JSON shape.
type JSONRef struct {
	Loc
	Pkg       string   `json:"pkg"`
	Kind      string   `json:"kind"`
	Test      bool     `json:"test"`
	Platforms []string `json:"platforms"`
	Hidden    bool     `json:"hidden"`
	Note      string   `json:"note,omitempty"`
	// Member is the member used, for a type's members: "T.F", "T.M".
	Member string `json:"member,omitempty"`
}

// JSONTarget is a target in the SPEC's JSON shape; removed_with, guesses,
// members and packages are additions.
type JSONTarget struct {
	Target      string    `json:"target"`
	Kind        string    `json:"kind"`
	Pkg         string    `json:"pkg,omitempty"`
	Name        string    `json:"name"`
	Recv        string    `json:"recv,omitempty"`
	Decl        *Loc      `json:"decl,omitempty"`
	Packages    []string  `json:"packages,omitempty"`
	Safe        bool      `json:"safe"`
	Refs        []JSONRef `json:"refs"`
	RemovedWith []JSONRef `json:"removed_with"`
	Guesses     []JSONRef `json:"guesses,omitempty"`
	Members     []JSONRef `json:"members,omitempty"`
	Summary     string    `json:"summary,omitempty"`
}

// Name returns the canonical spelling of a target.
func Name(t *target.Target) string {
	switch {
	case t.Kind == index.ModuleKind:
		return t.Module
	case t.Form == target.FormPattern:
		return t.Key.Pkg + "/..."
	case t.Key.Path == "":
		return t.Key.Pkg
	}
	return t.Key.Pkg + "." + t.Key.Path
}

func (p *Printer) workspace() bool { return p.WS.Work != "" }

// inWS reports whether module is a working-set module.
func (p *Printer) inWS(module string) bool {
	for _, m := range p.WS.Modules {
		if m.Path == module {
			return true
		}
	}
	return false
}

func (p *Printer) loc(pos index.Pos) Loc {
	l := Loc{File: pos.File, Line: pos.Line, Col: pos.Col}
	if p.workspace() || !p.inWS(pos.Module) {
		l.Module = pos.Module
	}
	return l
}

func (p *Printer) platforms(pos index.Pos) []string {
	if f := p.X.File(pos); f != nil {
		return f.Platforms
	}
	return []string{"all"}
}

func (p *Printer) jsonRefs(refs []*index.Ref) []JSONRef {
	out := []JSONRef{}
	for _, r := range refs {
		out = append(out, JSONRef{Loc: p.loc(r.Pos), Pkg: r.From, Kind: string(r.Kind), Test: r.Test, Platforms: p.platforms(r.Pos), Hidden: r.Hidden, Note: r.Note})
	}
	return out
}

// JSON writes results in the SPEC's shape.
func (p *Printer) JSON(w io.Writer, results []*Result) error {
	out := struct {
		Targets []JSONTarget `json:"targets"`
	}{Targets: p.Targets(results)}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

// Targets converts results to the SPEC's JSON shape.
func (p *Printer) Targets(results []*Result) []JSONTarget {
	out := []JSONTarget{}
	for _, r := range results {
		t := r.Target
		jt := JSONTarget{Target: Name(t), Kind: string(t.Kind), Name: t.Name, Recv: t.Recv, Safe: r.Safe(),
			Refs: p.jsonRefs(r.Refs), RemovedWith: p.jsonRefs(r.Self), Summary: r.Summary}
		if len(r.Guesses) > 0 {
			jt.Guesses = p.jsonRefs(r.Guesses)
		}
		for _, m := range r.Members {
			jr := p.jsonRefs([]*index.Ref{m.Ref})[0]
			jr.Member = m.Key.Path
			jt.Members = append(jt.Members, jr)
		}
		switch {
		case t.Kind == index.ModuleKind:
		case t.Form == target.FormPattern:
			jt.Pkg = t.Key.Pkg
			jt.Packages = t.Pkgs
		default:
			jt.Pkg = t.Pkgs[0]
		}
		if len(t.Decls) > 0 {
			l := p.loc(t.Decls[0].Pos)
			jt.Decl = &l
		}
		out = append(out, jt)
	}
	return out
}

// abs returns the absolute path of a position's file.
func (p *Printer) abs(pos index.Pos) string {
	if a := p.WS.Abs(pos.Module, pos.File); a != "" {
		return a
	}
	return filepath.FromSlash(pos.File)
}

// Display returns a position as a clickable path relative to the current
// directory.
func (p *Printer) Display(pos index.Pos) string {
	if !p.inWS(pos.Module) {
		return fmt.Sprintf("%s/%s:%d:%d", pos.Module, pos.File, pos.Line, pos.Col)
	}
	a := p.abs(pos)
	if rel, err := filepath.Rel(p.Cwd, a); err == nil && !strings.HasPrefix(rel, "..") {
		a = rel
	} else if err == nil && strings.Count(rel, "..") <= 2 {
		a = rel
	}
	return fmt.Sprintf("%s:%d:%d", a, pos.Line, pos.Col)
}

// source returns the trimmed source line at pos.
func (p *Printer) source(pos index.Pos) string {
	a := p.abs(pos)
	if p.lines == nil {
		p.lines = map[string][]string{}
	}
	ls, ok := p.lines[a]
	if !ok {
		data, err := os.ReadFile(a)
		if err == nil {
			ls = strings.Split(string(data), "\n")
		}
		p.lines[a] = ls
	}
	if pos.Line < 1 || pos.Line > len(ls) {
		return ""
	}
	s := strings.TrimSpace(ls[pos.Line-1])
	if len(s) > 100 {
		s = s[:97] + "..."
	}
	return s
}

// Text writes results for people.
func (p *Printer) Text(w io.Writer, results []*Result) error {
	var buf bytes.Buffer
	for i, r := range results {
		if i > 0 {
			buf.WriteByte('\n')
		}
		t := r.Target
		fmt.Fprintf(&buf, "%s (%s)\n", Name(t), t.Kind)
		for _, d := range t.Decls {
			fmt.Fprintf(&buf, "\t%s: declared here\n", p.Display(d.Pos))
		}
		if t.Form == target.FormPattern {
			fmt.Fprintf(&buf, "\t%d packages: %s\n", len(t.Pkgs), strings.Join(t.Pkgs, " "))
		}
		if r.Safe() {
			fmt.Fprintf(&buf, "safe to remove\n")
		} else {
			fmt.Fprintf(&buf, "not safe to remove: %s in %s\n", report.Plural(len(r.Refs), "reference"), report.Plural(r.Packages(), "package"))
			p.group(&buf, r.Refs)
		}
		if len(r.Self) > 0 {
			fmt.Fprintf(&buf, "removed with it: %s\n", report.Plural(len(r.Self), "reference"))
			p.group(&buf, r.Self)
		}
		if r.Summary != "" {
			fmt.Fprintf(&buf, "if it goes: %s\n", r.Summary)
		}
		if len(r.Members) > 0 {
			fmt.Fprintf(&buf, "uses of its members: %s to %s\n", report.Plural(len(r.Members), "reference"), report.Plural(countMembers(r.Members), "member"))
			p.members(&buf, r.Members)
		}
		if len(r.Guesses) > 0 {
			fmt.Fprintf(&buf, "may also be used by reflection that cannot be resolved: %s\n", report.Plural(len(r.Guesses), "place"))
			p.group(&buf, r.Guesses)
		}
	}
	_, err := w.Write(buf.Bytes())
	return err
}

// group prints references grouped by package, in order.
func (p *Printer) group(buf *bytes.Buffer, refs []*index.Ref) {
	last := "\x00"
	for _, r := range refs {
		if r.From != last {
			last = r.From
			mark := ""
			if strings.HasSuffix(r.From, "_test") {
				mark = " (external test)"
			}
			fmt.Fprintf(buf, "    %s%s\n", r.From, mark)
		}
		p.line(buf, r)
	}
}

// members prints member uses grouped by member, in order.
func (p *Printer) members(buf *bytes.Buffer, ms []Member) {
	var last index.Key
	for i, m := range ms {
		if i == 0 || m.Key != last {
			last = m.Key
			kind := ""
			if ds := p.X.Decls(m.Key); len(ds) > 0 {
				kind = " (" + string(ds[0].Kind) + ")"
			}
			fmt.Fprintf(buf, "    %s%s\n", m.Key.Path, kind)
		}
		p.line(buf, m.Ref)
	}
}

func countMembers(ms []Member) int {
	n := 0
	for i, m := range ms {
		if i == 0 || m.Key != ms[i-1].Key {
			n++
		}
	}
	return n
}

// line prints one reference: position, kind, source line and tags.
func (p *Printer) line(buf *bytes.Buffer, r *index.Ref) {
	var tags []string
	if r.Test {
		tags = append(tags, "test")
	}
	if pl := p.platforms(r.Pos); !(len(pl) == 1 && pl[0] == "all") {
		tags = append(tags, strings.Join(pl, ","))
	}
	if r.Hidden {
		tags = append(tags, "hidden")
	}
	if r.Note != "" {
		tags = append(tags, r.Note)
	}
	extra := ""
	if len(tags) > 0 {
		extra = "  [" + strings.Join(tags, "; ") + "]"
	}
	fmt.Fprintf(buf, "\t%s: %s: %s%s\n", p.Display(r.Pos), r.Kind, p.source(r.Pos), extra)
}
