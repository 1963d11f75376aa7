package why

// This file prints answers: text for people, JSON for programs.

import (
	"encoding/json"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/goremover/goremover/internal/load"
	"github.com/goremover/goremover/internal/report"
)

// Printer prints answers, with working-set paths relative to Cwd.
type Printer struct {
	WS  *load.WorkingSet
	Cwd string
}

// JSON prints {"targets": [answer...]}.
func (p *Printer) JSON(w io.Writer, answers []*Answer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(struct {
		Targets []*Answer `json:"targets"`
	}{answers})
}

// headings of the reason kinds, in print order.
var headings = []struct{ kind, title string }{
	{Workset, "in the working set"},
	{Import, "imported"},
	{Tool, "tool directive"},
	{Require, "required"},
	{Pruned, "required, but pruned from the module graph"},
	{Replace, "replaced"},
	{Work, "workspace module"},
}

// Text prints each answer: a summary line, then its reasons by kind, a
// chain's first step on a tab-indented line and the following steps
// indented once more.
func (p *Printer) Text(w io.Writer, answers []*Answer) error {
	var b strings.Builder
	for i, a := range answers {
		if i > 0 {
			b.WriteString("\n")
		}
		b.WriteString(p.summary(a) + "\n")
		for _, h := range headings {
			first := true
			for _, r := range a.Reasons {
				if r.Kind != h.kind {
					continue
				}
				if first {
					b.WriteString(h.title + ":\n")
					first = false
				}
				for j, s := range r.Chain {
					b.WriteString(strings.Repeat("\t", min(j, 1)+1) + p.step(r, s))
					if j == len(r.Chain)-1 {
						if r.Kind == Require && r.Selects {
							b.WriteString(" (selected)")
						}
						if r.Note != "" && r.Kind != Work {
							b.WriteString(" (" + r.Note + ")")
						}
					}
					b.WriteString("\n")
				}
			}
		}
		if !a.Needed && !hasKind(a, Workset) {
			msg := "not needed: no package of the build imports it, in any configuration, tests included"
			if a.Rule != "" {
				msg += "; doctor reports its require line as " + a.Rule + " (see 'goremover help rules')"
			}
			b.WriteString(msg + "\n")
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func hasKind(a *Answer, kind string) bool {
	for _, r := range a.Reasons {
		if r.Kind == kind {
			return true
		}
	}
	return false
}

// summary is an answer's first line.
func (p *Printer) summary(a *Answer) string {
	s := a.Target
	if a.Module {
		s += " (module"
		if a.Selected != "" {
			s += ", selected " + a.Selected
		}
		s += ")"
	} else {
		s += " (package)"
	}
	n := 0
	for _, r := range a.Reasons {
		if r.Kind == Import {
			n++
		}
	}
	switch {
	case n > 0:
		s += ": needed, " + report.Plural(n, "import chain")
	case a.Needed:
		s += ": needed"
	case hasKind(a, Workset):
		s += ": in the working set"
	default:
		s += ": not needed"
	}
	return s
}

// verbs says what a step of each kind does.
var verbs = map[string]string{Import: "imports", Require: "requires", Pruned: "requires", Tool: "tool", Replace: "replace", Work: "uses", Workset: "contains"}

// step prints one step: position, what it does, and for a working-set
// file its configurations when not every one, and "test".
func (p *Printer) step(r Reason, s Step) string {
	var pos string
	switch {
	case s.Module != "" && !p.inWS(s.Module):
		pos = s.Module + "/" + s.File
	default:
		pos = p.rel(s)
	}
	if s.Line > 0 {
		pos += fmt.Sprintf(":%d:%d", s.Line, s.Col)
	}
	var what string
	switch r.Kind {
	case Replace:
		what = "replace " + s.To
	case Work:
		what = "go.work uses " + s.To + " (" + r.Note + ")"
	case Tool:
		what = s.From + " has tool " + s.To
	case Workset:
		what = s.From + " contains " + s.To
	default:
		what = s.From + " " + verbs[r.Kind] + " " + s.To
	}
	if len(s.Platforms) > 0 && !(len(s.Platforms) == 1 && s.Platforms[0] == "all") {
		what += " [" + strings.Join(s.Platforms, " ") + "]"
	}
	if s.Test {
		what += " (test)"
	}
	return pos + ": " + what
}

func (p *Printer) inWS(module string) bool {
	for _, m := range p.WS.Modules {
		if m.Path == module {
			return true
		}
	}
	return false
}

// rel returns a working-set step's file relative to Cwd.
func (p *Printer) rel(s Step) string {
	dir := p.WS.Root
	if s.File == "go.work" {
		dir = filepath.Dir(p.WS.Work)
	} else if s.Module != "" {
		for _, m := range p.WS.Modules {
			if m.Path == s.Module {
				dir = m.Dir
			}
		}
	} else if len(p.WS.Modules) == 1 {
		dir = p.WS.Modules[0].Dir
	}
	abs := filepath.Join(dir, filepath.FromSlash(s.File))
	// Up to two levels up stays relative, as impact prints it.
	if r, err := filepath.Rel(p.Cwd, abs); err == nil && strings.Count(r, "..") <= 2 {
		return filepath.ToSlash(r)
	}
	return abs
}
