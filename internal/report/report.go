// Package report holds goremover's findings and the registry of the rules
// that produce them (GRxxx, with structured docs that 'goremover help
// GR101' prints), and writes findings as text, JSON (the SPEC's shape)
// and SARIF 2.1.0 for code scanning.
package report

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"
)

// Severity is a finding's severity.
type Severity int

const (
	Info Severity = iota
	Warning
	Error
)

func (s Severity) String() string {
	switch s {
	case Error:
		return "error"
	case Warning:
		return "warning"
	}
	return "info"
}

// ParseSeverity parses "error", "warning" or "info".
func ParseSeverity(s string) (Severity, error) {
	switch s {
	case "error":
		return Error, nil
	case "warning":
		return Warning, nil
	case "info":
		return Info, nil
	}
	return 0, fmt.Errorf("unknown severity %q (want error, warning or info)", s)
}

// MarshalText implements encoding.TextMarshaler.
func (s Severity) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler.
func (s *Severity) UnmarshalText(b []byte) error {
	v, err := ParseSeverity(string(b))
	*s = v
	return err
}

// A Rule is a check with a stable ID and its documentation.
type Rule struct {
	ID       string   // "GR101"
	Name     string   // "UnusedRequire": a PascalCase name, as SARIF wants
	Title    string   // one line, lowercase, no period
	Text     string   // why it matters and what --fix does, paragraphs
	Before   string   // an example that triggers the rule
	After    string   // the same, fixed
	Since    string   // goremover version that added it
	Severity Severity // default severity
	Fixable  bool     // doctor --fix can repair it (some findings may still not be)
	Online   bool     // needs --online
}

var rules = map[string]*Rule{}

// Register adds a rule to the registry. It panics on a duplicate ID: rule
// IDs are stable and never reused.
func Register(r *Rule) *Rule {
	if _, dup := rules[r.ID]; dup {
		panic("report: duplicate rule " + r.ID)
	}
	rules[r.ID] = r
	return r
}

// Lookup returns the rule with the given ID (case-insensitive), or nil.
func Lookup(id string) *Rule { return rules[strings.ToUpper(id)] }

// Rules returns the registered rules sorted by ID.
func Rules() []*Rule {
	out := make([]*Rule, 0, len(rules))
	for _, r := range rules {
		out = append(out, r)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// Doc returns the rule's documentation as 'goremover help ID' prints it.
func (r *Rule) Doc() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %s\n\n", r.ID, r.Title)
	fix := "no"
	if r.Fixable {
		fix = "yes (goremover doctor -fix)"
	}
	fmt.Fprintf(&b, "Severity: %s. Fixable: %s.", r.Severity, fix)
	if r.Online {
		b.WriteString(" Needs -online.")
	}
	if r.Since != "" {
		fmt.Fprintf(&b, " Since: %s.", r.Since)
	}
	b.WriteString("\n\n")
	b.WriteString(strings.TrimSpace(r.Text))
	b.WriteString("\n")
	if r.Before != "" {
		fmt.Fprintf(&b, "\nBefore:\n\n%s\n", indent(strings.Trim(r.Before, "\n")))
	}
	if r.After != "" {
		fmt.Fprintf(&b, "\nAfter:\n\n%s\n", indent(strings.Trim(r.After, "\n")))
	}
	return b.String()
}

func indent(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		if l != "" {
			lines[i] = "\t" + l
		}
	}
	return strings.Join(lines, "\n")
}

// A Finding is one problem a rule found.
type Finding struct {
	Rule     string   `json:"rule"`
	Severity Severity `json:"severity"`
	Message  string   `json:"message"`
	// Module is the path of the working-set module whose root File is
	// relative to, set in a workspace.
	Module  string `json:"module,omitempty"`
	File    string `json:"file"` // slash-separated, relative to the module root (or the workspace root for go.work)
	Line    int    `json:"line"`
	Col     int    `json:"col"`
	Fixable bool   `json:"fixable"`
	Why     string `json:"why,omitempty"` // why it matters, one line
	// Root is the absolute directory File is relative to (for SARIF
	// URIs relative to the repository). Not in JSON.
	Root string `json:"-"`
	// Fix is opaque data for the fixer. Not in JSON.
	Fix any `json:"-"`
}

// Pos returns "file:line:col", "file:line" or "file".
func (f *Finding) Pos() string {
	switch {
	case f.Line == 0:
		return f.File
	case f.Col == 0:
		return fmt.Sprintf("%s:%d", f.File, f.Line)
	}
	return fmt.Sprintf("%s:%d:%d", f.File, f.Line, f.Col)
}

// Sort orders findings by module, file, position and rule.
func Sort(fs []*Finding) {
	sort.SliceStable(fs, func(i, j int) bool {
		a, b := fs[i], fs[j]
		if a.Module != b.Module {
			return a.Module < b.Module
		}
		if a.File != b.File {
			return a.File < b.File
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		if a.Col != b.Col {
			return a.Col < b.Col
		}
		if a.Rule != b.Rule {
			return a.Rule < b.Rule
		}
		return a.Message < b.Message
	})
}

// Text writes findings one a line, as
//
//	go.mod:7:2: GR101 warning: example.com/x is required but no package needs it (fixable)
//
// with the file prefixed by display(f) when display is not nil (a path
// relative to the current directory, say).
func Text(w io.Writer, fs []*Finding, display func(*Finding) string) error {
	var b strings.Builder
	for _, f := range fs {
		pos := f.Pos()
		if display != nil {
			pos = display(f)
		}
		fix := ""
		if f.Fixable {
			fix = " (fixable)"
		}
		if pos != "" {
			pos += ": "
		}
		fmt.Fprintf(&b, "%s%s %s: %s%s\n", pos, f.Rule, f.Severity, f.Message, fix)
		if f.Why != "" {
			fmt.Fprintf(&b, "\t%s\n", f.Why)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// JSON writes {"findings": [...]} as in the SPEC.
func JSON(w io.Writer, fs []*Finding) error {
	if fs == nil {
		fs = []*Finding{}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(struct {
		Findings []*Finding `json:"findings"`
	}{fs})
}

// AtLeast returns the findings at or above min, in order.
func AtLeast(fs []*Finding, min Severity) []*Finding {
	var out []*Finding
	for _, f := range fs {
		if f.Severity >= min {
			out = append(out, f)
		}
	}
	return out
}

// Summary returns the one-line count of findings by severity, as
// "3 findings (1 error, 2 warnings)", or "no findings".
func Summary(fs []*Finding) string {
	if len(fs) == 0 {
		return "no findings"
	}
	counts := map[Severity]int{}
	for _, f := range fs {
		counts[f.Severity]++
	}
	var parts []string
	for _, s := range []Severity{Error, Warning, Info} {
		if n := counts[s]; n > 0 {
			word := s.String()
			if n > 1 && s != Info {
				word += "s"
			}
			parts = append(parts, fmt.Sprintf("%d %s", n, word))
		}
	}
	word := "findings"
	if len(fs) == 1 {
		word = "finding"
	}
	return fmt.Sprintf("%d %s (%s)", len(fs), word, strings.Join(parts, ", "))
}

// Count returns the number of findings at or above min.
func Count(fs []*Finding, min Severity) int {
	n := 0
	for _, f := range fs {
		if f.Severity >= min {
			n++
		}
	}
	return n
}

// Size prints a byte count in decimal units: 512 B, 2.3 kB, 41.0 MB.
func Size(n int64) string {
	switch {
	case n < 1000:
		return fmt.Sprintf("%d B", n)
	case n < 1000*1000:
		return fmt.Sprintf("%.1f kB", float64(n)/1e3)
	case n < 1000*1000*1000:
		return fmt.Sprintf("%.1f MB", float64(n)/1e6)
	}
	return fmt.Sprintf("%.1f GB", float64(n)/1e9)
}

// Plural returns "1 file", "2 files": n and word, plural when n is not 1.
// "info" (a severity) has no plural.
func Plural(n int, word string) string {
	if n == 1 || word == "info" {
		return fmt.Sprintf("%d %s", n, word)
	}
	return fmt.Sprintf("%d %ss", n, word)
}
