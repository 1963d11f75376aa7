// This file holds the session every command that reads the working set
// opens: find the working set, restore any interrupted apply (recover),
// check the toolchain, then load and index the code once.

package cli

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/goremover/goremover/internal/report"

	"github.com/goremover/goremover/internal/gocmd"
	"github.com/goremover/goremover/internal/index"
	"github.com/goremover/goremover/internal/load"
	"github.com/goremover/goremover/internal/target"
	"github.com/goremover/goremover/internal/txn"
)

// session is one consistent load of the working set.
type session struct {
	cwd  string
	ws   *load.WorkingSet
	x    *index.Index
	opts *index.Options
	// newWorkSum is go.work.sum if the workspace had none when the
	// command started: the go command may write one while it lists
	// packages, and a command that must leave the tree as it found it
	// removes it again (see close).
	newWorkSum string
}

// openSession finds the working set of f's directory, recovers, checks
// the toolchain and builds the index.
func openSession(ctx context.Context, f *buildFlags) (*session, error) {
	cwd, err := f.cwd()
	if err != nil {
		return nil, err
	}
	ws, err := findWorkingSet(ctx, cwd)
	if err != nil {
		return nil, err
	}
	opts, err := f.indexOptions()
	if err != nil {
		return nil, err
	}
	sess := &session{cwd: cwd, ws: ws, opts: opts, newWorkSum: workSumAbsent(ws)}
	x, err := index.Build(ctx, ws, opts)
	if err != nil {
		sess.close(false)
		return nil, err
	}
	sess.x = x
	st := opts.Stats
	if f.verbose {
		fmt.Fprintf(Stderr, "goremover: %d packages (%d from cache); configurations: %s\n", st.Packages, st.Cached, strings.Join(st.Configs, " "))
	}
	if len(st.Unsat) > 0 {
		fmt.Fprintf(Stderr, "goremover: warning: %d files are compiled by no analysed configuration: %s\n", len(st.Unsat), strings.Join(st.Unsat, " "))
	}
	warnErrors(x, cwd, f.verbose)
	return sess, nil
}

// findWorkingSet finds the working set containing cwd, restores every
// interrupted apply first (whatever GOWORK says), and checks that the
// local go command is new enough for its go.mod and go.work files.
func findWorkingSet(ctx context.Context, cwd string) (*load.WorkingSet, error) {
	ws, err := load.Find(cwd)
	if err != nil {
		// A broken go.mod may be an interrupted apply's doing: restore
		// what can be found, then report.
		if rerr := recoverFirst(cwd, nil); rerr != nil {
			return nil, rerr
		}
		return nil, err
	}
	if err := recoverFirst(cwd, ws); err != nil {
		return nil, err
	}
	lines := ws.GoLines()
	for i := range lines {
		lines[i].File = relPath(cwd, lines[i].File)
	}
	if err := gocmd.CheckVersions(ctx, lines); err != nil {
		return nil, err
	}
	return ws, nil
}

// close ends the session: unless keep (a change was applied), it removes
// the go.work.sum that the go command created meanwhile.
func (s *session) close(keep bool) {
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

// resolve resolves parsed targets in the session's index.
func (sess *session) resolve(specs []target.Spec) ([]*target.Target, error) {
	r := &target.Resolver{WS: sess.ws, X: sess.x, Cwd: sess.cwd}
	targets := make([]*target.Target, 0, len(specs))
	for _, s := range specs {
		t, err := r.Resolve(s)
		if err != nil {
			return nil, err
		}
		targets = append(targets, t)
	}
	return targets, nil
}

// warnErrors reports packages that did not type-check: they are analysed
// as far as possible.
func warnErrors(x *index.Index, cwd string, verbose bool) {
	n := 0
	for _, p := range x.Packages {
		if len(p.Errors) == 0 {
			continue
		}
		n++
		if verbose || n <= 3 {
			fmt.Fprintf(Stderr, "goremover: warning: %s has errors (analysed as far as possible): %s\n", p.Path, relMessage(cwd, p.Errors[0]))
		}
	}
	if n > 3 && !verbose {
		fmt.Fprintf(Stderr, "goremover: warning: %d more packages have errors (-v lists them)\n", n-3)
	}
}

// snapshotRoots returns the directories whose .goremover may hold an
// apply of this working set, whatever GOWORK said when it was made: the
// working set's root, each of its modules, and the nearest go.mod and
// go.work directories above cwd. ws may be nil.
func snapshotRoots(cwd string, ws *load.WorkingSet) []string {
	var roots []string
	seen := map[string]bool{}
	add := func(d string) {
		if d != "" && !seen[d] {
			seen[d] = true
			roots = append(roots, d)
		}
	}
	if ws != nil {
		add(ws.Root)
		for _, m := range ws.Modules {
			add(m.Dir)
		}
	}
	for _, d := range load.Enclosing(cwd) {
		add(d)
	}
	return roots
}

// recoverFirst restores every interrupted apply of the working set (SPEC,
// safety contract 6) and says so on stderr. Paths it kept because
// someone changed them since the apply are listed, and make the command
// stop with exit status 1; records goremover did not write are reported
// and left alone.
func recoverFirst(cwd string, ws *load.WorkingSet) error {
	var kept []string
	for _, root := range snapshotRoots(cwd, ws) {
		rc, err := txn.Recover(root)
		if err != nil {
			return rootError(cwd, root, err)
		}
		for _, msg := range rc.Ignored {
			fmt.Fprintf(Stderr, "goremover: warning: %s\n", relTo(cwd, root, msg))
		}
		for _, s := range rc.Restored {
			n := report.Plural(len(s.Files), "file")
			if s.State == "rolled back" {
				fmt.Fprintf(Stderr, "goremover: finished interrupted rollback of %s (%s)\n", s.ID, n)
			} else {
				fmt.Fprintf(Stderr, "goremover: restored %s of interrupted apply %s\n", n, s.ID)
			}
			for _, c := range s.Conflicts {
				kept = append(kept, conflictLine(cwd, root, c))
			}
		}
	}
	if len(kept) > 0 {
		return &BlockedError{Msg: fmt.Sprintf("the interrupted apply is restored except %s, changed since and kept as %s:\n\t%s",
			report.Plural(len(kept), "path"), pick(len(kept) == 1, "it is", "they are"), strings.Join(kept, "\n\t"))}
	}
	return nil
}

// conflictLine describes c, a path under root, relative to cwd.
func conflictLine(cwd, root string, c txn.Conflict) string {
	c.File = relPath(cwd, filepath.Join(root, c.File))
	if c.Saved != "" {
		c.Saved = relPath(cwd, filepath.Join(root, c.Saved))
	}
	return c.String()
}

// rootError makes a txn error about root's .goremover name its paths
// relative to cwd.
func rootError(cwd, root string, err error) error {
	if root == cwd {
		return err
	}
	return fmt.Errorf("%s: %w", relPath(cwd, root), err)
}

// relTo rewrites a message that starts with a path relative to root so
// that it starts with the path relative to cwd.
func relTo(cwd, root, msg string) string {
	if root == cwd {
		return msg
	}
	return relPath(cwd, root) + "/" + msg
}

// relPath returns p relative to cwd, slash-separated.
func relPath(cwd, p string) string {
	if rel, err := filepath.Rel(cwd, p); err == nil {
		return filepath.ToSlash(rel)
	}
	return filepath.ToSlash(p)
}

func pick(cond bool, a, b string) string {
	if cond {
		return a
	}
	return b
}
