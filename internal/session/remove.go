// This file computes what a removal changes (rm, rm -m, the library's
// Remove) and how the applied change is verified.

package session

import (
	"context"
	"errors"
	"fmt"

	"github.com/goremover/goremover/internal/edit"
	"github.com/goremover/goremover/internal/impact"
	"github.com/goremover/goremover/internal/index"
	"github.com/goremover/goremover/internal/load"
	"github.com/goremover/goremover/internal/modfix"
	"github.com/goremover/goremover/internal/remove"
	"github.com/goremover/goremover/internal/report"
	"github.com/goremover/goremover/internal/target"
	"github.com/goremover/goremover/internal/txn"
	"github.com/goremover/goremover/internal/verify"
)

// RemoveOptions say what a removal takes with it.
type RemoveOptions struct {
	KeepOrphans    bool // only the targets and the tests named after them
	AllowIotaShift bool // allow changing the iota value of kept constants
	Generated      bool // allow editing generated files
	// live: declarations never taken as orphans (prune: what the
	// dead-code analysis found live).
	live func(index.Key) bool
}

// Removal computes the change that removes targets: symbols and packages
// with their orphans and the go.mod and go.sum lines they leave unneeded,
// or one module requirement (targets of target.FormModule). If a target
// is not safe to remove, the Removal lists it in Blocked and has no
// change. A refusal for another reason (an iota shift, a generated file,
// go mod tidy keeping a module) is a *BlockedError.
func (s *Session) Removal(ctx context.Context, targets []*target.Target, opts *RemoveOptions) (*remove.Removal, error) {
	if len(targets) > 0 && targets[0].Module != "" {
		return s.removeModule(ctx, targets)
	}
	rem, err := s.compute(ctx, targets, opts)
	if err != nil {
		return nil, s.refusal(err)
	}
	if len(rem.Blocked) > 0 {
		return rem, nil
	}
	if err := s.finish(ctx, rem); err != nil {
		return nil, err
	}
	return rem, nil
}

// compute computes the code removal of symbol and package targets, its
// refusals (*remove.IotaError, *remove.GeneratedError) as they are.
func (s *Session) compute(ctx context.Context, targets []*target.Target, opts *RemoveOptions) (*remove.Removal, error) {
	if opts == nil {
		opts = &RemoveOptions{}
	}
	return remove.Compute(s.WS, s.X, targets, &remove.Options{
		KeepOrphans:    opts.KeepOrphans,
		AllowIotaShift: opts.AllowIotaShift,
		Generated:      opts.Generated,
		Live:           opts.live,
		Names: func(paths []string) map[string]string {
			return load.PackageNames(ctx, s.WS, paths, &s.Index.Load)
		},
	})
}

// refusal turns compute's refusals into a *BlockedError whose paths are
// relative to the current directory; other errors are returned as they
// are.
func (s *Session) refusal(err error) error {
	var iota *remove.IotaError
	if errors.As(err, &iota) {
		iota.Pos = RelPath(s.Cwd, iota.Pos)
		return &BlockedError{Msg: "cannot remove: " + err.Error()}
	}
	var gen *remove.GeneratedError
	if errors.As(err, &gen) {
		for i := range gen.Files {
			g := &gen.Files[i]
			g.File = RelPath(s.Cwd, g.File)
			if g.DirectiveFile != "" {
				g.DirectiveFile = RelPath(s.Cwd, g.DirectiveFile)
			}
		}
		return &BlockedError{Msg: gen.Error()}
	}
	return err
}

// finish completes a code removal that nothing blocks: it warns of the
// uses that may reach it but can only be guessed, and adds the go.mod
// and go.sum lines it leaves unneeded.
func (s *Session) finish(ctx context.Context, rem *remove.Removal) error {
	p := s.Printer()
	for _, g := range rem.Guesses {
		s.say(fmt.Sprintf("warning: %s: %s may reach what is removed (a guess; it does not block)", p.Display(g.Pos), g.Note))
	}
	warn := func(msg string) { s.say("warning: " + msg) }
	return modfix.AddTidy(ctx, s.WS, s.X, rem.Set, warn)
}

// removeModule computes the removal of one module requirement (rm -m).
func (s *Session) removeModule(ctx context.Context, targets []*target.Target) (*remove.Removal, error) {
	if len(targets) != 1 {
		return nil, &load.Error{Msg: "rm -m removes one module at a time"}
	}
	t := targets[0]
	// One list of the dependencies' packages serves the check that
	// nothing imports the module and the summary of what leaves.
	f, err := s.depFacts(ctx)
	if err != nil {
		return nil, err
	}
	set, err := modfix.RemoveModule(ctx, s.WS, s.X, t, f.Deps)
	var blocked *modfix.BlockedError
	if errors.As(err, &blocked) {
		if blocked.Reason == "" {
			return &remove.Removal{Set: &edit.Set{}, Blocked: []*impact.Result{blocked.Result}}, nil
		}
		return nil, &BlockedError{Msg: blocked.Error() + "; nothing was changed"}
	}
	if err != nil {
		return nil, err
	}
	rem := &remove.Removal{Set: set, Items: []remove.Item{{Key: t.Key, Kind: index.ModuleKind, Why: "target"}}}
	rem.Summary = s.ModuleSummary(ctx, f, t.Module)
	return rem, nil
}

// ApplyVerified shows set as a unified diff (dryRun), or applies it with
// its verification in mode run inside the transaction: the path of every
// code removal (rm, prune, the library's Remove).
func (s *Session) ApplyVerified(ctx context.Context, set *edit.Set, meta txn.Meta, dryRun bool, mode verify.Mode) (*Applied, error) {
	c := &Change{WS: s.WS, Cwd: s.Cwd, Set: set, Meta: meta, DryRun: dryRun, Checked: string(mode)}
	if !dryRun {
		// Verification runs inside the transaction: a crash while it
		// runs is rolled back by the next goremover command, like one
		// during the writes.
		var err error
		if c.Verify, err = s.Verifier(ctx, set, mode); err != nil {
			return nil, err
		}
	}
	return Apply(ctx, c)
}

// Verifier returns the verification of set once applied, in mode: its
// baseline is taken now, from the tree as it is (the index's own type
// errors, or what go build or go test say of it), and the function
// returned, run inside the transaction, fails with a *CheckFailure if the
// change brings an error or failure the baseline did not have.
func (s *Session) Verifier(ctx context.Context, set *edit.Set, mode verify.Mode) (func(context.Context) error, error) {
	var paths []string
	for _, f := range set.Files() {
		paths = append(paths, f.Path)
	}
	scope := verify.Affected(s.X.Dirs, paths, nil)
	beforeErrs := verify.IndexErrors(s.X, scope)
	var beforeOut *verify.Outcome
	if mode != verify.Typecheck {
		var err error
		if beforeOut, err = verify.Command(ctx, s.WS, mode, scope, s.Index.Load.Env); err != nil {
			return nil, err
		}
	}
	return func(ctx context.Context) error {
		var fail *verify.Failure
		if mode == verify.Typecheck {
			// Stops at the first package with a new error.
			err := verify.CheckTypes(ctx, s.WS, scope, beforeErrs, s.Index.Load)
			if !errors.As(err, &fail) {
				return err
			}
		} else {
			after, err := verify.Command(ctx, s.WS, mode, scope, s.Index.Load.Env)
			if err != nil {
				return err
			}
			errs := verify.Regressions(beforeOut, after)
			if len(errs) == 0 {
				return nil
			}
			fail = &verify.Failure{Mode: mode, Errors: errs}
		}
		lines := make([]string, len(fail.Errors))
		for i, e := range fail.Errors {
			lines[i] = RelMessage(s.Cwd, e)
		}
		what := report.Plural(len(lines), "new error")
		if mode == verify.Test {
			what = report.Plural(len(lines), "new failure")
		}
		if fail.Package != "" {
			what += " in " + fail.Package + ", the first package found broken"
		}
		return &CheckFailure{Msg: fmt.Sprintf("verification (%s) failed (%s)", mode, what), Lines: lines}
	}, nil
}
