// Package verify checks a tree after goremover changed it: the type
// checker over every configuration (the default), go build and go vet,
// or go test. Type checking compares against the errors the index found
// before the change, so that errors the tree already had (or that
// stand-in dependencies of other platforms cause) do not count: only new
// ones do. It re-checks only what the change can break, from source
// against export data of the rest (see load.Recheck), and stops at the
// first package with a new error.
package verify

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os/exec"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"github.com/goremover/goremover/internal/report"

	"github.com/goremover/goremover/internal/progress"

	"github.com/goremover/goremover/internal/gocmd"

	"github.com/goremover/goremover/internal/buildcfg"
	"github.com/goremover/goremover/internal/index"
	"github.com/goremover/goremover/internal/load"
)

// Mode is how a change is verified.
type Mode string

const (
	Typecheck Mode = "typecheck"
	Build     Mode = "build"
	Test      Mode = "test"
)

// ParseMode parses a -verify flag value.
func ParseMode(s string) (Mode, error) {
	switch m := Mode(s); m {
	case Typecheck, Build, Test:
		return m, nil
	}
	return "", fmt.Errorf("unknown verification %q (want typecheck, build or test)", s)
}

// Failure is a verification that failed: what broke.
type Failure struct {
	Mode   Mode
	Errors []string // new type errors, or the go command's output lines
	// Package is the package variant whose new type errors stopped
	// the check ("" if the check did not stop early): others may have
	// broken too.
	Package string
}

func (f *Failure) Error() string {
	return fmt.Sprintf("verification (%s) failed: %d errors", f.Mode, len(f.Errors))
}

// Errors are the type errors of some packages in every configuration,
// keyed "file\tmessage" without line and column (so that they compare
// across an edit that moves code), with the full error lines.
type Errors struct {
	keys  map[string]int
	lines map[string][]string
}

// Scope is what a change can break: the directories it touches and every
// working-set directory that imports them, transitively, tests included.
type Scope struct {
	Dirs    []string // absolute directories of the packages to check
	Removed []string // import paths of packages the change deletes
}

// Affected returns the scope of a change to the files in changed
// (absolute paths): their directories and all their importers.
func Affected(dirs []*load.Dir, changed []string, removedPkgs []string) *Scope {
	byDir := map[string]*load.Dir{}
	for _, d := range dirs {
		byDir[d.Abs] = d
	}
	importers := map[string][]*load.Dir{}
	for _, d := range dirs {
		seen := map[string]bool{}
		for _, f := range d.Files {
			for _, p := range f.Imports {
				if !seen[p] {
					seen[p] = true
					importers[p] = append(importers[p], d)
				}
			}
		}
	}
	in := map[*load.Dir]bool{}
	var queue []*load.Dir
	for _, c := range changed {
		if d := byDir[filepath.Dir(c)]; d != nil && !in[d] {
			in[d] = true
			queue = append(queue, d)
		}
	}
	for len(queue) > 0 {
		d := queue[0]
		queue = queue[1:]
		for _, imp := range importers[d.ImportPath] {
			if !in[imp] {
				in[imp] = true
				queue = append(queue, imp)
			}
		}
	}
	s := &Scope{Removed: removedPkgs}
	for d := range in {
		s.Dirs = append(s.Dirs, d.Abs)
	}
	sort.Strings(s.Dirs)
	return s
}

// CheckTypes type-checks the scope's directories as they are on disk, in
// every configuration the working set calls for, and fails with a
// *Failure if they have an error that before (the baseline, see
// IndexErrors) does not. It stops at the first package variant with a
// new error: the Failure lists that variant's new errors and names it.
func CheckTypes(ctx context.Context, ws *load.WorkingSet, scope *Scope, before *Errors, opts load.Options) error {
	all, err := ws.Scan()
	if err != nil {
		return err
	}
	want := map[string]bool{}
	for _, d := range scope.Dirs {
		want[d] = true
	}
	var dirs []*load.Dir
	for _, d := range all {
		if want[d.Abs] {
			dirs = append(dirs, d)
		}
	}
	after := newErrors()
	progress.Printf(ctx, "verifying: type-checking %s in every configuration", report.Plural(len(dirs), "package"))
	for _, d := range dirs {
		for _, f := range d.Files {
			if f.Err != nil {
				after.add("syntax", f.Err.Error())
			}
		}
	}
	if errs := New(before, after); len(errs) > 0 {
		return &Failure{Mode: Typecheck, Errors: errs}
	}
	if len(dirs) == 0 {
		return nil
	}
	host, err := load.HostConfig(ctx, ws, &opts)
	if err != nil {
		return err
	}
	var cons []buildcfg.Constraint
	for _, d := range all {
		for _, f := range d.Files {
			cons = append(cons, f.Cons)
		}
	}
	cfgs, _ := host.Plan(cons, opts.Platforms)
	opts.AltErrors = true
	var fail *Failure
	err = load.Recheck(ctx, ws, all, dirs, host, cfgs, &opts, func(u *load.Unit) error {
		// Only the scope's packages: a dependency re-checked for
		// another configuration is not something the change can break.
		if !want[u.Dir.Abs] {
			return nil
		}
		keys := map[string]bool{}
		for _, e := range u.Errors {
			keys[after.add(u.Config.String(), e)] = true
		}
		// Counts only grow: an error past the baseline's count now is
		// new whatever the remaining checks find.
		var errs []string
		for k := range keys {
			if extra := after.keys[k] - before.keys[k]; extra > 0 {
				lines := after.lines[k]
				errs = append(errs, lines[len(lines)-extra:]...)
			}
		}
		if len(errs) == 0 {
			return nil
		}
		sort.Strings(errs)
		fail = &Failure{Mode: Typecheck, Errors: errs, Package: u.Path}
		return fail
	})
	var lerr *load.Error
	switch {
	case fail != nil && errors.Is(err, fail):
		return fail
	case errors.As(err, &lerr):
		// The go command could not list the packages, a file does
		// not parse, or an import cannot be loaded.
		return &Failure{Mode: Typecheck, Errors: []string{cfgPrefix("load") + lerr.Error()}}
	}
	return err
}

func newErrors() *Errors {
	return &Errors{keys: map[string]int{}, lines: map[string][]string{}}
}

// add adds an error line and returns its key.
func (e *Errors) add(cfg, line string) string {
	file, msg := line, line
	// "path/x.go:12:3: msg" → key "path/x.go" + "msg".
	if i := strings.Index(line, ".go:"); i >= 0 {
		file = line[:i+3]
		rest := line[i+4:]
		for n := 0; n < 2; n++ { // line, then column
			if j := strings.IndexByte(rest, ':'); j >= 0 && isDigits(rest[:j]) {
				rest = rest[j+1:]
			}
		}
		msg = strings.TrimSpace(rest)
	}
	// Not keyed by configuration: which configuration first compiles a
	// file depends on what else is checked with it.
	k := file + "\t" + unqualify(msg)
	e.keys[k]++
	e.lines[k] = append(e.lines[k], cfgPrefix(cfg)+line)
	return k
}

// unqualify rewrites the package qualifiers of a type error message,
// "example.com/m/storage".T, as storage.T: the type checker spells a
// package by its path only when two packages in view share a name, which
// depends on what else was checked with it.
func unqualify(msg string) string {
	var b strings.Builder
	for {
		i := strings.IndexByte(msg, '"')
		if i < 0 {
			break
		}
		j := strings.IndexByte(msg[i+1:], '"')
		if j < 0 {
			break
		}
		j += i + 1
		if j+1 < len(msg) && msg[j+1] == '.' && !strings.ContainsAny(msg[i+1:j], " \t") {
			b.WriteString(msg[:i])
			b.WriteString(path.Base(msg[i+1 : j]))
			msg = msg[j+1:]
			continue
		}
		b.WriteString(msg[:j+1])
		msg = msg[j+1:]
	}
	b.WriteString(msg)
	return b.String()
}

func cfgPrefix(cfg string) string {
	if cfg == "" {
		return ""
	}
	return "[" + cfg + "] "
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// IndexErrors returns the errors the index recorded, in every
// configuration, for the packages of the scope: the baseline before a
// change, at no cost (the index has type-checked them already).
func IndexErrors(x *index.Index, scope *Scope) *Errors {
	want := map[string]bool{}
	for _, d := range scope.Dirs {
		want[d] = true
	}
	errs := newErrors()
	for _, d := range x.Dirs {
		if !want[d.Abs] {
			continue
		}
		p := x.Package(d.ImportPath)
		if p == nil {
			continue
		}
		for _, e := range p.Errors {
			errs.add("", e)
		}
		for _, e := range p.AltErrors {
			errs.add("", e)
		}
	}
	return errs
}

// New returns the errors of after that before does not have, with their
// positions, sorted.
func New(before, after *Errors) []string {
	var out []string
	for k, n := range after.keys {
		if extra := n - before.keys[k]; extra > 0 {
			lines := after.lines[k]
			out = append(out, lines[len(lines)-extra:]...)
		}
	}
	sort.Strings(out)
	return out
}

// Outcome is what go build and go vet, or go test, said about a scope.
type Outcome struct {
	Failed bool
	Lines  []string // the go command's output
}

// Command runs go build and go vet (Build) or go test (Test) over the
// scope, in each module that holds part of it. A failing command is an
// Outcome, not an error; the error is for a go command that could not
// run at all (or an interrupt).
func Command(ctx context.Context, ws *load.WorkingSet, mode Mode, scope *Scope, env []string) (*Outcome, error) {
	o := &Outcome{}
	for i := range ws.Modules {
		m := &ws.Modules[i]
		var pkgs []string
		for _, d := range scope.Dirs {
			if ws.ModuleOf(d) != m || !hasGo(d) {
				continue // another module's, or deleted
			}
			rel, _ := filepath.Rel(m.Dir, d)
			pkgs = append(pkgs, "./"+filepath.ToSlash(rel))
		}
		var steps [][]string
		switch mode {
		case Build:
			steps = [][]string{{"build", "./..."}, {"vet", "./..."}}
		case Test:
			if len(pkgs) == 0 {
				continue
			}
			steps = [][]string{append([]string{"test"}, pkgs...)}
		}
		for _, args := range steps {
			progress.Printf(ctx, "verifying: go %s", strings.Join(args, " "))
			cmd := gocmd.Command(ctx, m.Dir, gocmd.Env(env...), args...)
			var out bytes.Buffer
			cmd.Stdout, cmd.Stderr = &out, &out
			err := cmd.Run()
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			if _, ok := err.(*exec.ExitError); err != nil && !ok {
				return nil, fmt.Errorf("go %s: %v", strings.Join(args, " "), err)
			}
			for _, l := range strings.Split(strings.TrimRight(out.String(), "\n"), "\n") {
				if l != "" {
					o.Lines = append(o.Lines, l)
				}
			}
			if err != nil {
				o.Failed = true
				if mode == Build {
					break // vet after a failed build says nothing new
				}
			}
		}
	}
	return o, nil
}

// Regressions returns what after fails that before did not: the failing
// tests, packages and compiler or vet errors (by file and message, not
// position) that are new. A tree whose tests already failed can still be
// verified: only new failures count. nil means no regression.
func Regressions(before, after *Outcome) []string {
	if !after.Failed {
		return nil
	}
	old := map[string]int{}
	if before != nil {
		for _, l := range before.Lines {
			if k := failure(l); k != "" {
				old[k]++
			}
		}
	}
	var out []string
	for _, l := range after.Lines {
		k := failure(l)
		if k == "" {
			continue
		}
		if old[k] > 0 {
			old[k]--
			continue
		}
		out = append(out, l)
	}
	if len(out) == 0 && (before == nil || !before.Failed) {
		return after.Lines // failed, with nothing recognisable: all of it
	}
	return out
}

// failure returns the signature of a line of go command output that
// reports a failure, "" for other lines: "--- FAIL: TestX" without its
// time, "FAIL pkg" without its time, "panic: ...", "file.go: msg"
// without line and column.
func failure(l string) string {
	t := strings.TrimSpace(l)
	switch {
	case strings.HasPrefix(t, "--- FAIL: "):
		if i := strings.LastIndex(t, " ("); i > 0 {
			t = t[:i]
		}
		return t
	case strings.HasPrefix(t, "FAIL\t") || strings.HasPrefix(t, "FAIL "):
		f := strings.Fields(t)
		if len(f) >= 2 {
			return "FAIL " + f[1]
		}
		return ""
	case strings.HasPrefix(t, "panic: "):
		return t
	}
	if i := strings.Index(t, ".go:"); i > 0 {
		file, rest := t[:i+3], t[i+4:]
		for n := 0; n < 2; n++ {
			if j := strings.IndexByte(rest, ':'); j >= 0 && isDigits(rest[:j]) {
				rest = rest[j+1:]
			}
		}
		return filepath.Base(file) + ": " + strings.TrimSpace(rest)
	}
	return ""
}

// hasGo reports whether dir holds a .go file.
func hasGo(dir string) bool {
	m, _ := filepath.Glob(filepath.Join(dir, "*.go"))
	return len(m) > 0
}
