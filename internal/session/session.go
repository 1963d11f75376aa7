// Package session is one consistent load of a working set, shared by the
// command line and the library: it finds the working set, restores the
// applies an earlier run left interrupted, checks the toolchain, loads
// and indexes the code once; then it resolves targets, analyses their
// impact, computes removals, and applies changes through the one path
// that writes (Apply).
package session

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/goremover/goremover/internal/buildcfg"
	"github.com/goremover/goremover/internal/gocmd"
	"github.com/goremover/goremover/internal/impact"
	"github.com/goremover/goremover/internal/index"
	"github.com/goremover/goremover/internal/load"
	"github.com/goremover/goremover/internal/target"
)

// Options configure a Session.
type Options struct {
	Dir       string              // the directory to work in; "" is the current one
	Tags      []string            // build tags true in every configuration
	Platforms []buildcfg.Platform // GOOS/GOARCH pairs to analyse; nil: what constraints name, plus the host
	CacheDir  string              // the index cache; "" is index.DefaultCacheDir(), "off" none
	// Say receives what the session has to tell: restored applies,
	// warnings ("warning: ..."), and with Verbose what it loaded. Nil
	// discards them.
	Say     func(msg string)
	Verbose bool
}

// Session is one consistent load of the working set.
type Session struct {
	Cwd   string // the directory worked in, absolute, without symbolic links
	WS    *load.WorkingSet
	X     *index.Index
	Index *index.Options // what X was built with
	say   func(string)
	// newWorkSum is go.work.sum if the workspace had none when the
	// session opened: the go command may write one while it lists
	// packages, and a command that must leave the tree as it found it
	// removes it again (see Close).
	newWorkSum string
}

// WorkDir returns dir (default: the current directory) as an absolute
// path with no symbolic link in it, as the go command reports paths.
func WorkDir(dir string) (string, error) {
	if dir == "" {
		d, err := os.Getwd()
		if err != nil {
			return "", err
		}
		dir = d
	}
	dir, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	if real, err := filepath.EvalSymlinks(dir); err == nil {
		dir = real
	}
	return dir, nil
}

// Open finds the working set of opts.Dir, recovers, checks the toolchain
// and builds the index.
func Open(ctx context.Context, opts *Options) (*Session, error) {
	if opts == nil {
		opts = &Options{}
	}
	say := opts.Say
	if say == nil {
		say = func(string) {}
	}
	cwd, err := WorkDir(opts.Dir)
	if err != nil {
		return nil, err
	}
	ws, err := FindWorkingSet(ctx, cwd, say)
	if err != nil {
		return nil, err
	}
	iopts := &index.Options{CacheDir: opts.CacheDir, Stats: &index.Stats{}}
	if iopts.CacheDir == "" {
		iopts.CacheDir = index.DefaultCacheDir()
	} else if iopts.CacheDir == "off" {
		iopts.CacheDir = ""
	}
	iopts.Load.Tags = opts.Tags
	iopts.Load.Platforms = opts.Platforms
	s := &Session{Cwd: cwd, WS: ws, Index: iopts, say: say, newWorkSum: workSumAbsent(ws)}
	x, err := index.Build(ctx, ws, iopts)
	if err != nil {
		s.Close(false)
		return nil, err
	}
	s.X = x
	st := iopts.Stats
	if opts.Verbose {
		say(fmt.Sprintf("%d packages (%d from cache); configurations: %s", st.Packages, st.Cached, strings.Join(st.Configs, " ")))
	}
	if len(st.Unsat) > 0 {
		say(fmt.Sprintf("warning: %d files are compiled by no analysed configuration: %s", len(st.Unsat), strings.Join(st.Unsat, " ")))
	}
	s.warnErrors(opts.Verbose)
	return s, nil
}

// FindWorkingSet finds the working set containing cwd, restores every
// interrupted apply first (whatever GOWORK says), and checks that the
// local go command is new enough for its go.mod and go.work files.
func FindWorkingSet(ctx context.Context, cwd string, say func(string)) (*load.WorkingSet, error) {
	ws, err := load.Find(cwd)
	if err != nil {
		// A broken go.mod may be an interrupted apply's doing: restore
		// what can be found, then report.
		if rerr := Recover(cwd, nil, say); rerr != nil {
			return nil, rerr
		}
		return nil, err
	}
	if err := Recover(cwd, ws, say); err != nil {
		return nil, err
	}
	lines := ws.GoLines()
	for i := range lines {
		lines[i].File = RelPath(cwd, lines[i].File)
	}
	if err := gocmd.CheckVersions(ctx, lines); err != nil {
		return nil, err
	}
	return ws, nil
}

// Close ends the session: unless keep (a change was applied), it removes
// the go.work.sum that the go command created meanwhile.
func (s *Session) Close(keep bool) {
	if !keep && s.newWorkSum != "" {
		os.Remove(s.newWorkSum)
	}
}

// workSumAbsent returns ws's go.work.sum path if it is a workspace whose
// go.work.sum does not exist yet, "" otherwise.
func workSumAbsent(ws *load.WorkingSet) string {
	if ws.Work == "" {
		return ""
	}
	p := ws.Work + ".sum"
	if _, err := os.Lstat(p); err == nil {
		return ""
	}
	return p
}

// Resolve resolves parsed targets in the session's index.
func (s *Session) Resolve(specs []target.Spec) ([]*target.Target, error) {
	r := &target.Resolver{WS: s.WS, X: s.X, Cwd: s.Cwd}
	targets := make([]*target.Target, 0, len(specs))
	for _, sp := range specs {
		t, err := r.Resolve(sp)
		if err != nil {
			return nil, err
		}
		targets = append(targets, t)
	}
	return targets, nil
}

// ParseTargets parses targets (module paths with module) before anything
// is loaded: a malformed one fails fast.
func ParseTargets(args []string, module bool) ([]target.Spec, error) {
	specs := make([]target.Spec, 0, len(args))
	for _, a := range args {
		sp, err := target.Parse(a, module)
		if err != nil {
			return nil, err
		}
		specs = append(specs, sp)
	}
	return specs, nil
}

// Impact analyses who depends on each target. For a module, the
// dependencies that import it (and so keep it required) count too.
func (s *Session) Impact(ctx context.Context, targets []*target.Target) ([]*impact.Result, error) {
	var results []*impact.Result
	var mods []string
	for _, t := range targets {
		results = append(results, impact.Analyze(s.X, s.WS, t))
		if t.Module != "" {
			mods = append(mods, t.Module)
		}
	}
	if len(mods) > 0 {
		f, err := s.depFacts(ctx)
		if err != nil {
			return nil, err
		}
		deps := load.ImportsOf(f.Deps, mods)
		for _, res := range results {
			if res.Target.Module != "" {
				impact.AddDepImports(res, deps)
				res.Summary = s.ModuleSummary(ctx, f, res.Target.Module)
			}
		}
	}
	return results, nil
}

// Printer returns the printer of impact results for this session.
func (s *Session) Printer() *impact.Printer {
	return &impact.Printer{X: s.X, WS: s.WS, Cwd: s.Cwd}
}

// warnErrors reports packages that did not type-check: they are analysed
// as far as possible.
func (s *Session) warnErrors(verbose bool) {
	n := 0
	for _, p := range s.X.Packages {
		if len(p.Errors) == 0 {
			continue
		}
		n++
		if verbose || n <= 3 {
			s.say(fmt.Sprintf("warning: %s has errors (analysed as far as possible): %s", p.Path, RelMessage(s.Cwd, p.Errors[0])))
		}
	}
	if n > 3 && !verbose {
		s.say(fmt.Sprintf("warning: %d more packages have errors (-v lists them)", n-3))
	}
}
