// Package goremover is the library behind the goremover command: it finds
// every reference to Go code (a module, a package, a symbol) across build
// configurations, tests and uses the compiler cannot see, and removes code
// and dependencies under the same safety contract as the command: a
// checked, snapshotted, atomic, verified change that any goremover command
// rolls back if it was interrupted.
//
// A Session is one consistent load of the working set that contains a
// directory (its main module, or every module of its go.work workspace):
//
//	s, err := goremover.Open(ctx, &goremover.Options{Dir: "."})
//	if err != nil { ... }
//	defer s.Close()
//	targets, err := s.Impact(ctx, "./internal/pay.Charge")
//	rm, err := s.Remove(ctx, []string{"./internal/pay.Refund"}, &goremover.RemoveOptions{DryRun: true})
//	pr, err := s.Prune(ctx, nil, &goremover.PruneOptions{DryRun: true}) // the dead code
//
// The results have the shapes of the command's -json output (see
// 'goremover help impact', 'goremover help rm' and 'goremover help
// prune'); field names are stable.
package goremover

import (
	"context"
	"errors"
	"fmt"

	"github.com/goremover/goremover/internal/buildcfg"
	"github.com/goremover/goremover/internal/dead"
	"github.com/goremover/goremover/internal/edit"
	"github.com/goremover/goremover/internal/impact"
	"github.com/goremover/goremover/internal/session"
	"github.com/goremover/goremover/internal/txn"
	"github.com/goremover/goremover/internal/verify"
)

// Options configure a Session.
type Options struct {
	// Dir is the directory whose working set is loaded; "" is the
	// current directory.
	Dir string
	// Tags are build tags true in every configuration.
	Tags []string
	// Platforms limits the GOOS/GOARCH pairs analysed ("linux/amd64",
	// "windows/*"); nil means every platform a build constraint of the
	// working set names, plus the host.
	Platforms []string
	// CacheDir is the index cache; "" is the user cache directory
	// (or $GOREMOVERCACHE), "off" disables it.
	CacheDir string
	// Warn receives warnings and what recovery did ("restored 3 files
	// of interrupted apply ..."), one message a call; nil discards them.
	Warn func(msg string)
}

// Session is one consistent load of a working set. It is not safe for
// concurrent use. A Remove or Prune that writes ends it: the tree it analysed has
// changed, so later calls fail; open another.
type Session struct {
	s     *session.Session
	ended bool
}

// ErrEnded is returned by a Session whose Remove or Prune changed the
// tree.
var ErrEnded = errors.New("goremover: the session ended with the change it applied; open a new one")

// Open loads the working set of opts.Dir: it restores any apply that an
// earlier goremover left interrupted, checks that the local go command is
// new enough (it never downloads a toolchain), and indexes every
// reference in every build configuration.
func Open(ctx context.Context, opts *Options) (*Session, error) {
	if opts == nil {
		opts = &Options{}
	}
	so := &session.Options{Dir: opts.Dir, Tags: opts.Tags, CacheDir: opts.CacheDir, Say: opts.Warn}
	if len(opts.Platforms) > 0 {
		for _, p := range opts.Platforms {
			ps, err := buildcfg.ParsePlatforms(p)
			if err != nil {
				return nil, err
			}
			so.Platforms = append(so.Platforms, ps...)
		}
	}
	s, err := session.Open(ctx, so)
	if err != nil {
		return nil, err
	}
	return &Session{s: s}, nil
}

// Close ends the session, removing the go.work.sum the go command may
// have created while it loaded the workspace.
func (s *Session) Close() error {
	if !s.ended {
		s.s.Close(false)
		s.ended = true
	}
	return nil
}

// Position is a place in a file, relative to the root of the module that
// contains it (Module is set in a workspace).
type Position struct {
	Module string `json:"module,omitempty"`
	File   string `json:"file"`
	Line   int    `json:"line"`
	Col    int    `json:"col"`
}

// Reference is a reference to a target.
type Reference struct {
	Position
	Pkg  string `json:"pkg"`
	Kind string `json:"kind"` // call, use, import, implements, embed, linkname, reflect, template, plugin, cgo-export, require
	Test bool   `json:"test"`
	// Platforms are the configurations that compile the reference's
	// file ("linux/amd64", "windows/*", "tag:integration", "ignore"), or
	// ["all"].
	Platforms []string `json:"platforms"`
	Hidden    bool     `json:"hidden"` // a use the compiler cannot see
	Note      string   `json:"note,omitempty"`
	Member    string   `json:"member,omitempty"` // for a type's Members: "T.F", "T.M"
}

// Target is what Impact found for one target.
type Target struct {
	Target string    `json:"target"`
	Kind   string    `json:"kind"` // func, method, field, type, const, var, package, module
	Pkg    string    `json:"pkg,omitempty"`
	Name   string    `json:"name"`
	Recv   string    `json:"recv,omitempty"`
	Decl   *Position `json:"decl,omitempty"`
	// Safe reports whether no reference outside the target itself
	// remains.
	Safe bool `json:"safe"`
	// Refs are the references that keep the target.
	Refs []Reference `json:"refs"`
	// RemovedWith are the references from code that would be removed
	// with the target (its body, its tests).
	RemovedWith []Reference `json:"removed_with"`
	// Guesses are reflection with computed names that may reach it.
	Guesses []Reference `json:"guesses,omitempty"`
	// Members are the uses of a type's fields and methods.
	Members []Reference `json:"members,omitempty"`
	// Packages are the packages of a pattern target.
	Packages []string `json:"packages,omitempty"`
}

// Impact reports who depends on each target ("./internal/pay.Charge",
// "example.com/m/pay.Client.Do", "./legacy/...", "pay.go:12:6"; see
// 'goremover help targets').
func (s *Session) Impact(ctx context.Context, targets ...string) ([]*Target, error) {
	return s.impact(ctx, targets, false)
}

// ImpactModules reports who depends on each module requirement: imports
// by the working set and by the other modules of the build.
func (s *Session) ImpactModules(ctx context.Context, modules ...string) ([]*Target, error) {
	return s.impact(ctx, modules, true)
}

func (s *Session) impact(ctx context.Context, args []string, module bool) ([]*Target, error) {
	if s.ended {
		return nil, ErrEnded
	}
	specs, err := session.ParseTargets(args, module)
	if err != nil {
		return nil, err
	}
	ts, err := s.s.Resolve(specs)
	if err != nil {
		return nil, err
	}
	results, err := s.s.Impact(ctx, ts)
	if err != nil {
		return nil, err
	}
	return targetsOf(s.s.Printer().Targets(results)), nil
}

// RemoveOptions say how Remove removes.
type RemoveOptions struct {
	Module         bool   // the targets are module paths (one at a time)
	DryRun         bool   // compute the change and its diff, write nothing
	Verify         string // "typecheck" (default), "build" or "test"
	KeepOrphans    bool   // only the targets and the tests named after them
	AllowIotaShift bool   // allow changing the iota value of kept constants
	Generated      bool   // allow editing generated files
}

// Removal is what Remove did (or, for a dry run, would do).
type Removal struct {
	Snapshot string   `json:"snapshot"` // for Rollback; "" for a dry run
	Removed  []string `json:"removed"`
	Orphans  []string `json:"orphans,omitempty"`
	Files    []File   `json:"files"`
	Verified string   `json:"verified"`
	Diff     string   `json:"diff,omitempty"` // a dry run's unified diff
	// Conflicts are the paths that a rollback after a failed
	// verification kept because someone changed them meanwhile.
	Conflicts []Conflict `json:"conflicts,omitempty"`
}

// File is a file a change edits, deletes or creates.
type File struct {
	Module string `json:"module,omitempty"`
	File   string `json:"file"`
	Action string `json:"action"` // edit, delete, create
}

// Conflict is a path a rollback kept as someone else left it; the
// snapshot's version is in Saved.
type Conflict struct {
	File  string `json:"file"`
	Saved string `json:"saved,omitempty"`
	Why   string `json:"why"`
}

// BlockedError reports a removal that goremover refused or undid: a
// target that is not safe to remove (Blocked lists what keeps it), or a
// verification that failed (Lines say what broke; the tree is restored).
type BlockedError struct {
	Msg     string
	Blocked []*Target
	Lines   []string
}

func (e *BlockedError) Error() string { return "goremover: " + e.Msg }

// Remove removes the targets and what exists only for them (their tests,
// unexported helpers only they used, imports, files left empty, go.mod
// requirements and go.sum lines), or with opts.Module one module
// requirement, as one change: checked against what was loaded, snapshot
// first, written atomically, verified, and rolled back if verification
// fails. See 'goremover help rm'.
func (s *Session) Remove(ctx context.Context, targets []string, opts *RemoveOptions) (*Removal, error) {
	if s.ended {
		return nil, ErrEnded
	}
	if opts == nil {
		opts = &RemoveOptions{}
	}
	mode := verify.Typecheck
	if opts.Verify != "" {
		m, err := verify.ParseMode(opts.Verify)
		if err != nil {
			return nil, err
		}
		mode = m
	}
	specs, err := session.ParseTargets(targets, opts.Module)
	if err != nil {
		return nil, err
	}
	ts, err := s.s.Resolve(specs)
	if err != nil {
		return nil, err
	}
	rem, err := s.s.Removal(ctx, ts, &session.RemoveOptions{KeepOrphans: opts.KeepOrphans, AllowIotaShift: opts.AllowIotaShift, Generated: opts.Generated})
	var be *session.BlockedError
	if errors.As(err, &be) {
		return nil, &BlockedError{Msg: be.Msg}
	}
	if err != nil {
		return nil, err
	}
	if len(rem.Blocked) > 0 {
		return nil, &BlockedError{Msg: "not safe to remove: references remain", Blocked: targetsOf(s.s.Printer().Targets(rem.Blocked))}
	}
	r := &Removal{Removed: []string{}, Files: []File{}}
	for _, t := range ts {
		r.Removed = append(r.Removed, impact.Name(t))
	}
	for _, it := range rem.Items {
		if it.Why == "orphan" {
			r.Orphans = append(r.Orphans, keyName(it.Key.Pkg, it.Key.Path))
		}
	}
	if rem.Set.Len() == 0 {
		return nil, errors.New("goremover: nothing to remove")
	}
	written, err := s.apply(ctx, rem.Set, txn.Meta{Command: "rm", Targets: targets}, opts.DryRun, mode, r)
	if !written {
		return nil, err
	}
	return r, err
}

// PruneOptions say what Prune removes and how.
type PruneOptions struct {
	DryRun bool   // compute the change and its diff, write nothing
	Verify string // "typecheck" (default), "build" or "test"
	// Kinds limits the findings removed to these kinds (func, method,
	// type, field, const, var, package, file); nil is every kind.
	Kinds []string
	// API says whether exported identifiers are roots: "auto" (the
	// default: yes for a module without a main package), "on" or "off".
	API string
	// NoTests makes tests, benchmarks, examples and fuzz targets not
	// roots: code only they use is dead, and stays while they use it.
	NoTests bool
	// Generated analyses generated files too, and lets the change edit
	// and delete them.
	Generated bool
}

// Finding is a dead-code finding that Prune removed or skipped.
type Finding struct {
	Position
	Rule   string `json:"rule"`
	Kind   string `json:"kind"` // func, method, type, field, const, var, package
	Name   string `json:"name"`
	Pkg    string `json:"pkg"`
	Reason string `json:"reason"`
	Detail string `json:"detail,omitempty"`
	// Round is the analysis that found it: 1, or a later one that ran
	// on the code without what the earlier ones removed.
	Round int `json:"round"`
	// Skipped says why it stays; "" if it was removed.
	Skipped string `json:"skipped,omitempty"`
}

// Pruning is what Prune did (or, for a dry run, would do). Its Removal
// is empty (no snapshot, no files) when nothing was dead.
type Pruning struct {
	Removal
	Pruned  []Finding `json:"pruned"`
	Skipped []Finding `json:"skipped"`
	Rounds  int       `json:"rounds"` // analyses run
}

// Prune removes the dead code of the working set, as 'goremover dead'
// reports it, in the packages and symbols that patterns name (none: all
// of it), through the same checked, snapshotted, verified change as
// Remove, repeating the analysis until nothing more is dead. Uncertain
// findings are never removed. See 'goremover help prune'.
func (s *Session) Prune(ctx context.Context, patterns []string, opts *PruneOptions) (*Pruning, error) {
	if s.ended {
		return nil, ErrEnded
	}
	if opts == nil {
		opts = &PruneOptions{}
	}
	mode := verify.Typecheck
	if opts.Verify != "" {
		m, err := verify.ParseMode(opts.Verify)
		if err != nil {
			return nil, err
		}
		mode = m
	}
	api := dead.APIAuto
	if opts.API != "" {
		a, ok := dead.ParseAPI(opts.API)
		if !ok {
			return nil, fmt.Errorf("goremover: unknown API mode %q (want auto, on or off)", opts.API)
		}
		api = a
	}
	specs, err := session.ParseTargets(patterns, false)
	if err != nil {
		return nil, err
	}
	ts, err := s.s.Resolve(specs)
	if err != nil {
		return nil, err
	}
	sel, err := session.NewSelection(opts.Kinds, ts)
	if err != nil {
		return nil, fmt.Errorf("goremover: kind %w", err)
	}
	pr, err := s.s.Prune(ctx, &session.PruneOptions{
		Dead:   dead.Options{API: api, Tests: !opts.NoTests, Generated: opts.Generated},
		Select: sel.Selects,
	})
	var be *session.BlockedError
	if errors.As(err, &be) {
		return nil, &BlockedError{Msg: be.Msg}
	}
	if err != nil {
		return nil, err
	}
	r := &Pruning{Removal: Removal{Removed: []string{}, Files: []File{}}, Pruned: []Finding{}, Skipped: []Finding{}, Rounds: pr.Rounds}
	named := map[string]bool{}
	for _, it := range pr.Items {
		f := Finding{Position: Position{File: it.Pos.File, Line: it.Pos.Line, Col: it.Pos.Col}, Rule: it.Rule, Kind: string(it.Kind),
			Name: it.Name, Pkg: it.Pkg, Reason: it.Reason, Detail: it.Detail, Round: it.Round, Skipped: it.Skip}
		if s.s.WS.Work != "" {
			f.Module = it.Pos.Module
		}
		if it.Skip != "" {
			r.Skipped = append(r.Skipped, f)
			continue
		}
		r.Pruned = append(r.Pruned, f)
		if name := keyName(it.Key.Pkg, it.Key.Path); !named[name] {
			named[name] = true
			r.Removed = append(r.Removed, name)
		}
	}
	if pr.Removal == nil || pr.Removal.Set.Len() == 0 {
		return r, nil
	}
	for _, it := range pr.Extras() {
		r.Orphans = append(r.Orphans, keyName(it.Key.Pkg, it.Key.Path))
	}
	written, err := s.apply(ctx, pr.Removal.Set, txn.Meta{Command: "prune", Targets: patterns}, opts.DryRun, mode, &r.Removal)
	if !written {
		return nil, err
	}
	return r, err
}

// apply applies set through the session's one apply path (or computes
// its diff, for a dry run) and records in r what it did. written is
// false if nothing was written nor computed; after an apply, the session
// has ended.
func (s *Session) apply(ctx context.Context, set *edit.Set, meta txn.Meta, dryRun bool, mode verify.Mode, r *Removal) (written bool, err error) {
	a, err := s.s.ApplyVerified(ctx, set, meta, dryRun, mode)
	if a == nil && err != nil {
		return false, err
	}
	r.applied(a)
	var be *session.BlockedError
	if errors.As(err, &be) {
		return true, &BlockedError{Msg: be.Msg, Lines: be.Lines}
	}
	if err != nil {
		return true, err
	}
	if !dryRun {
		s.s.Close(true)
		s.ended = true
	}
	return true, nil
}

// applied records what an apply (or a dry run) did.
func (r *Removal) applied(a *session.Applied) {
	if a == nil {
		return
	}
	r.Snapshot, r.Verified, r.Diff = a.Snapshot, a.Verified, a.Diff
	for _, f := range a.Files {
		r.Files = append(r.Files, File(f))
	}
	for _, k := range a.Conflicts {
		r.Conflicts = append(r.Conflicts, Conflict(k))
	}
}

// keyName names a package ("example.com/m/pay") or a declaration
// ("example.com/m/pay.T.M").
func keyName(pkg, path string) string {
	if path == "" {
		return pkg
	}
	return pkg + "." + path
}

// Rollback restores the files of snapshot id (of the working set that
// contains dir), as 'goremover rollback' does; "" is the latest applied.
// It refuses if a file changed since the apply, unless force.
func Rollback(dir, id string, force bool) error {
	cwd, err := session.WorkDir(dir)
	if err != nil {
		return err
	}
	ws, err := session.FindWorkingSet(context.Background(), cwd, func(string) {})
	if err != nil {
		return err
	}
	_, err = txn.Restore(ws.Root, id, force)
	return err
}

// Impact is Open, Session.Impact and Close: who depends on each target in
// the working set that contains dir.
func Impact(ctx context.Context, dir string, targets []string) ([]*Target, error) {
	s, err := Open(ctx, &Options{Dir: dir})
	if err != nil {
		return nil, err
	}
	defer s.Close()
	return s.Impact(ctx, targets...)
}

func targetsOf(jts []impact.JSONTarget) []*Target {
	out := make([]*Target, 0, len(jts))
	for _, jt := range jts {
		t := &Target{Target: jt.Target, Kind: jt.Kind, Pkg: jt.Pkg, Name: jt.Name, Recv: jt.Recv,
			Safe: jt.Safe, Refs: refsOf(jt.Refs), RemovedWith: refsOf(jt.RemovedWith), Guesses: refsOf(jt.Guesses),
			Members: refsOf(jt.Members), Packages: jt.Packages}
		if jt.Decl != nil {
			p := Position(*jt.Decl)
			t.Decl = &p
		}
		out = append(out, t)
	}
	return out
}

func refsOf(jrs []impact.JSONRef) []Reference {
	out := make([]Reference, 0, len(jrs))
	for _, r := range jrs {
		out = append(out, Reference{Position: Position(r.Loc), Pkg: r.Pkg, Kind: r.Kind, Test: r.Test,
			Platforms: r.Platforms, Hidden: r.Hidden, Note: r.Note, Member: r.Member})
	}
	return out
}
