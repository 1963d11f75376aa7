package drift

// This file prints drift's answer: text for people, JSON for programs,
// findings (for SARIF) for code scanning; and decides -fail-on.

import (
	"encoding/json"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/goremover/goremover/internal/report"
	"github.com/goremover/goremover/internal/why"
)

// FailOn values.
const (
	FailUpgrade = "upgrade" // a module upgraded
	FailMajor   = "major"   // a major version jump
	FailAny     = "any"     // any change
)

// Failing returns the changes of r that failOn names, as their first
// lines ("upgraded example.com/dep v1.0.0 => v1.1.0 GR303").
func (r *Result) Failing(failOn string) []string {
	var out []string
	for _, m := range r.Modules {
		for _, c := range m.Changes {
			if failOn == FailAny || failOn == FailUpgrade && c.Kind == Upgraded || failOn == FailMajor && c.Major {
				line := changeLine(c)
				if len(r.Modules) > 1 {
					line = m.Path + ": " + line
				}
				out = append(out, line)
			}
		}
	}
	return out
}

// JSON prints the result.
func (r *Result) JSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

// Short returns the commit's abbreviation.
func (r *Result) Short() string {
	if len(r.Commit) > 12 {
		return r.Commit[:12]
	}
	return r.Commit
}

// Text prints, for each module, a summary line, then each change with
// its requirement and import chains, then with -online the module
// proxy's answers. Working-set positions are relative to cwd; the
// baseline's are REF:path:line:col.
func (r *Result) Text(w io.Writer, cwd string) error {
	var b strings.Builder
	for i, m := range r.Modules {
		if i > 0 {
			b.WriteString("\n")
		}
		b.WriteString(r.summary(m) + "\n")
		for _, c := range m.Changes {
			b.WriteString(changeLine(c) + "\n")
			if c.Kind == Removed {
				r.chains(&b, fmt.Sprintf("required at %s by:", r.Baseline), c.Required, cwd, true)
			} else {
				r.chains(&b, "required at "+c.New+" by:", c.Required, cwd, false)
			}
			r.chains(&b, "imported by:", perPackage(c.Imported), cwd, false)
		}
		for _, u := range m.Updates {
			b.WriteString(updateLine(u) + "\n")
			r.chains(&b, "required at "+u.Version+" by:", u.Required, cwd, false)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// summary is a module's first line: its changes counted by kind.
func (r *Result) summary(m *Module) string {
	s := m.Path
	if m.Dir != "." {
		s += " (" + m.Dir + ")"
	}
	since := fmt.Sprintf("since %s (%s)", r.Baseline, r.Short())
	switch m.Status {
	case "new":
		since = fmt.Sprintf("new since %s (%s), which has no go.mod here", r.Baseline, r.Short())
	case "gone":
		since = fmt.Sprintf("gone since %s (%s), whose go.work used it", r.Baseline, r.Short())
	}
	if len(m.Changes) == 0 {
		if m.Status != "" {
			return s + ": " + since
		}
		return s + ": no change " + since
	}
	counts := map[string]int{}
	major := 0
	for _, c := range m.Changes {
		counts[c.Kind]++
		if c.Major {
			major++
		}
	}
	var parts []string
	for _, k := range []string{Upgraded, Downgraded, Added, Removed} {
		if n := counts[k]; n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, k))
		}
	}
	if major > 0 {
		parts = append(parts, report.Plural(major, "major version jump"))
	}
	if m.Status != "" {
		return fmt.Sprintf("%s: %s: %s: %s", s, since, report.Plural(len(m.Changes), "change"), strings.Join(parts, ", "))
	}
	return fmt.Sprintf("%s: %s %s: %s", s, report.Plural(len(m.Changes), "change"), since, strings.Join(parts, ", "))
}

// changeLine is a change's first line.
func changeLine(c *Change) string {
	var s string
	switch c.Kind {
	case Added:
		s = "added " + c.Path + " " + c.New
	case Removed:
		s = "removed " + c.Path + " " + c.Old
	default:
		s = c.Kind + " " + c.Path + " " + c.Old + " => " + c.New
	}
	var notes []string
	if c.Major {
		n := "major version jump"
		if len(c.Alongside) > 0 {
			n += ": the baseline had " + strings.Join(c.Alongside, ", ")
		}
		notes = append(notes, n)
	}
	if c.Incompatible {
		notes = append(notes, "+incompatible: a major version without go.mod")
	}
	if len(notes) > 0 {
		s += " (" + strings.Join(notes, "; ") + ")"
	}
	return s + " " + c.Rule
}

// updateLine is an -online answer's first line.
func updateLine(u *Update) string {
	var parts []string
	if len(u.Retracted) > 0 {
		parts = append(parts, fmt.Sprintf("retracted %s %s: %s %s", u.Path, u.Version, strings.Join(u.Retracted, "; "), ruleRetracted.ID))
	}
	if u.Deprecated != "" {
		parts = append(parts, fmt.Sprintf("deprecated %s: %s %s", u.Path, oneLine(u.Deprecated), ruleDeprecated.ID))
	}
	if u.Update != "" {
		parts = append(parts, fmt.Sprintf("update %s %s => %s available %s", u.Path, u.Version, u.Update, ruleUpdate.ID))
	}
	return strings.Join(parts, "\n")
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// perPackage keeps, of import chains, the first of each importing
// working-set package and imported package, with a note that counts the
// others (-json lists every one): a package that hundreds of files
// import would bury the other changes.
func perPackage(rs []why.Reason) []why.Reason {
	var out []why.Reason
	at := map[string]int{}
	more := map[string]int{}
	for _, r := range rs {
		s := r.Chain[0]
		key := s.Module + "\x00" + strings.TrimSuffix(s.From, "_test") + "\x00" + s.To
		if _, ok := at[key]; ok {
			more[key]++
			continue
		}
		at[key] = len(out)
		out = append(out, r)
	}
	for key, n := range more {
		r := &out[at[key]]
		r.Note = fmt.Sprintf("and %s of %s by %s", report.Plural(n, "more import"), r.Chain[0].To, r.Chain[0].From)
	}
	return out
}

// chains prints reasons under a heading, a chain's first step on a line
// indented twice and the following steps once more.
func (r *Result) chains(b *strings.Builder, heading string, rs []why.Reason, cwd string, baseline bool) {
	if len(rs) == 0 {
		return
	}
	b.WriteString("\t" + heading + "\n")
	for _, reason := range rs {
		for j, s := range reason.Chain {
			b.WriteString(strings.Repeat("\t", min(j, 1)+2) + r.step(reason, s, cwd, baseline) + "\n")
		}
		if reason.Note != "" {
			b.WriteString("\t\t\t(" + reason.Note + ")\n")
		}
	}
}

// step prints one step of a chain: position, then what it does, with
// the configurations of a working-set file when not every one, and
// "test".
func (r *Result) step(reason why.Reason, s why.Step, cwd string, baseline bool) string {
	var pos string
	if s.Module != "" && r.wsDir(s.Module) == "" {
		pos = s.Module + "/" + s.File // a dependency's file
	} else {
		dir := r.wsDir(s.Module)
		if dir == "" && len(r.Modules) > 0 {
			dir = r.Modules[0].abs
		}
		abs := filepath.Join(dir, filepath.FromSlash(s.File))
		if baseline {
			rel, _ := filepath.Rel(r.repo.Root, abs)
			pos = r.Baseline + ":" + filepath.ToSlash(rel)
		} else if rel, err := filepath.Rel(cwd, abs); err == nil && !strings.HasPrefix(rel, "..") {
			pos = filepath.ToSlash(rel)
		} else {
			pos = abs
		}
	}
	if s.Line > 0 {
		pos += fmt.Sprintf(":%d:%d", s.Line, s.Col)
	}
	verb := "requires"
	if reason.Kind == why.Import {
		verb = "imports"
	}
	what := s.From + " " + verb + " " + s.To
	if len(s.Platforms) > 0 && !(len(s.Platforms) == 1 && s.Platforms[0] == "all") {
		what += " [" + strings.Join(s.Platforms, " ") + "]"
	}
	if s.Test {
		what += " (test)"
	}
	return pos + ": " + what
}

// wsDir returns the directory of the module named path in the result,
// "" if none.
func (r *Result) wsDir(path string) string {
	for _, m := range r.Modules {
		if m.Path == path {
			return m.abs
		}
	}
	return ""
}

// Findings returns a finding per change and per -online answer, at the
// working set's require line that starts its first requirement chain
// (go.mod line 0 when there is none: a removed module).
func (r *Result) Findings() []*report.Finding {
	var out []*report.Finding
	for _, m := range r.Modules {
		for _, c := range m.Changes {
			rule := report.Lookup(c.Rule)
			msg := strings.TrimSuffix(changeLine(c), " "+c.Rule) + " since " + r.Baseline
			if by := requirers(c.Required); by != "" && c.Kind != Removed {
				msg += "; selected by the go.mod of " + by
			}
			f := &report.Finding{Rule: rule.ID, Severity: rule.Severity, Message: msg, File: "go.mod", Root: m.abs}
			if c.Kind != Removed {
				f.Line, f.Col = requireLine(c.Required)
			}
			out = append(out, f)
		}
		for _, u := range m.Updates {
			line, col := requireLine(u.Required)
			add := func(rule *report.Rule, msg string) {
				out = append(out, &report.Finding{Rule: rule.ID, Severity: rule.Severity, Message: msg, File: "go.mod", Line: line, Col: col, Root: m.abs})
			}
			if len(u.Retracted) > 0 {
				add(ruleRetracted, fmt.Sprintf("%s %s is retracted: %s", u.Path, u.Version, strings.Join(u.Retracted, "; ")))
			}
			if u.Deprecated != "" {
				add(ruleDeprecated, fmt.Sprintf("%s is deprecated: %s", u.Path, oneLine(u.Deprecated)))
			}
			if u.Update != "" {
				add(ruleUpdate, fmt.Sprintf("%s %s: %s is available", u.Path, u.Version, u.Update))
			}
		}
		if len(r.Modules) > 1 {
			for _, f := range out {
				if f.Root == m.abs {
					f.Module = m.Path
				}
			}
		}
	}
	return out
}

// requirers returns the modules whose go.mod requires the version, the
// last steps of the chains, as "a, b".
func requirers(rs []why.Reason) string {
	var out []string
	seen := map[string]bool{}
	for _, r := range rs {
		from := r.Chain[len(r.Chain)-1].From
		if !seen[from] {
			seen[from] = true
			out = append(out, from)
		}
	}
	return strings.Join(out, ", ")
}

// requireLine returns the position of the first step of the first chain
// if it is in the working set's go.mod.
func requireLine(rs []why.Reason) (int, int) {
	for _, r := range rs {
		if s := r.Chain[0]; s.File == "go.mod" && !strings.Contains(s.Module, "@") {
			return s.Line, s.Col
		}
	}
	return 0, 0
}
