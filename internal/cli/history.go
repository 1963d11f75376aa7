// This file holds the commands over package txn's snapshots, history and
// rollback, and recoverFirst, which every command that edits or loads
// calls before anything else (SPEC, safety contract 6).

package cli

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/goremover/goremover/internal/report"
	"github.com/goremover/goremover/internal/session"

	"github.com/goremover/goremover/internal/load"
	"github.com/goremover/goremover/internal/txn"
)

var cmdHistory = &Command{
	UsageLine: "goremover history [-C dir] [-json]",
	Short:     "list the snapshots taken before every apply",
	Long: `
History lists the snapshots under the .goremover directory of the working
set's root (the main module's directory, or the go.work workspace's),
oldest first. Rm, prune, doctor -fix and plan apply take one before they
write anything; it holds the original bytes and modes of every file the
apply changes, and of go.mod, go.sum, go.work and vendor/modules.txt.

Each line shows the snapshot's ID, its time, its state, the command and
targets that made it, and the number of files it changed. The state is
one of:

	applied                the change is in the tree
	rolled back            'goremover rollback' restored it, or the
	                       verification failed and the tree was restored
	failed (restored)      a write failed and the tree was restored
	canceled (restored)    a signal (SIGINT, SIGTERM, SIGHUP) stopped the
	                       apply and the tree was restored
	restored (interrupted) the apply was interrupted (crash, kill -9,
	                       power loss) and the next command restored it
	abandoned              'goremover rollback -abandon' ended it as it was
	applying, rolling back in progress in another goremover process

A snapshot kept in another directory (made with another GOWORK setting:
in a module of the workspace, or in the workspace that contains the
module) is listed with that directory.

Records under .goremover that goremover did not write for this user
(their HMAC does not verify; see 'goremover help rollback') are reported
and ignored.

The -json flag prints the list as JSON:

	{"snapshots": [{"id": "20261122T101500Z-3f2a",
	  "time": "2026-11-22T10:15:00.123Z", "state": "applied",
	  "command": "rm", "targets": ["./internal/pay.Charge"],
	  "files": [{"file": "internal/pay/charge.go", "action": "delete"}],
	  "dir": "../ws"}]}

where "dir" is set only for a snapshot kept in another directory.

The -C flag runs as if goremover were started in the named directory.

Example:

	$ goremover history
	20261122T101500Z-3f2a  2026-11-22 10:15:00  applied  rm ./internal/pay.Charge  3 files

See 'goremover help rollback' to restore a snapshot.
`,
}

var cmdRollback = &Command{
	UsageLine: "goremover rollback [-C dir] [-force] [-json] [id] | rollback -abandon id",
	Short:     "restore the files a snapshot saved",
	Long: `
Rollback undoes an apply: it restores the files of the snapshot with the
given ID, or of the latest applied one, byte for byte, with their
permission bits and owners. Files the apply created are removed, deleted
files and directories are recreated, and go.mod, go.sum, go.work and
vendor/modules.txt are put back as they were. Use 'goremover history' to
list the snapshots.

Rollback refuses, and exits 1 having changed nothing, if a file changed
since the apply: restoring it would lose that change. The -force flag
restores anyway, and keeps each replaced version under
.goremover/conflicts/ID/. A path that cannot be restored at all (a
symbolic link or a directory now stands there) is kept as it is, with
the snapshot's version under .goremover/conflicts/ID/, and rollback
exits 1 naming it.

The -abandon flag ends an interrupted apply that recovery cannot finish
(its snapshot copy is damaged, a directory cannot be written): it writes
nothing to the tree, keeps the files as they are, and marks the journal
abandoned. Goremover names this command when recovery fails.

Rollback prints the snapshot it restored and each file with what was
done to it. The -json flag prints instead:

	{"snapshot": "20261122T101500Z-3f2a",
	 "files": [{"file": "internal/pay/charge.go", "action": "delete"}],
	 "conflicts": [{"file": "internal/pay/pay.go", "saved": "...", "why": "..."}]}

where each action is the one the apply made and rollback undid.

The -C flag runs as if goremover were started in the named directory.

Rollback, like every goremover command, first restores an apply that
was interrupted, if any. Snapshots live under .goremover, which a
repository from someone else may carry too: goremover acts only on
records it wrote for you (each carries an HMAC under a key in your user
config directory, goremover/snapshot-key, created with mode 0600), writes
only inside the module or workspace root, and refuses a .goremover whose
directories or files are symbolic links or not yours.

Example:

	$ goremover rollback
	rolled back 20261122T101500Z-3f2a (rm ./internal/pay.Charge)
		recreated internal/pay/charge.go
		restored  internal/pay/pay.go

	$ goremover rollback 20261121T090000Z-9a1c
	$ goremover rollback -abandon 20261121T090000Z-9a1c
`,
}

// snapFlags are the flags of history and rollback.
type snapFlags struct {
	dir     string
	json    bool
	force   bool
	abandon bool
}

var (
	historyFlags  snapFlags
	rollbackFlags snapFlags
)

func init() {
	cmdHistory.Run = runHistory
	cmdHistory.Flag.StringVar(&historyFlags.dir, "C", "", "run as if goremover were started in `dir`")
	cmdHistory.Flag.BoolVar(&historyFlags.json, "json", false, "print JSON")
	cmdRollback.Run = runRollback
	cmdRollback.Flag.StringVar(&rollbackFlags.dir, "C", "", "run as if goremover were started in `dir`")
	cmdRollback.Flag.BoolVar(&rollbackFlags.json, "json", false, "print JSON")
	cmdRollback.Flag.BoolVar(&rollbackFlags.force, "force", false, "restore even files changed since the apply (their versions are kept under .goremover/conflicts)")
	cmdRollback.Flag.BoolVar(&rollbackFlags.abandon, "abandon", false, "end the interrupted apply `ID` without restoring: keep the files as they are")
	commands = append(commands, cmdHistory, cmdRollback)
}

// open returns the current directory and its working set for the -C
// flag; unless norecover, interrupted applies are restored first.
func (f *snapFlags) open(ctx context.Context, norecover bool) (cwd string, ws *load.WorkingSet, err error) {
	cwd, err = workDir(f.dir)
	if err != nil {
		return "", nil, err
	}
	if norecover {
		ws, err = load.Find(cwd)
	} else {
		ws, err = findWorkingSet(ctx, cwd)
	}
	return cwd, ws, err
}

type snapFileJSON struct {
	File   string `json:"file"`
	Action string `json:"action"`
}

func snapFilesJSON(fs []txn.FileEntry) []snapFileJSON {
	out := make([]snapFileJSON, 0, len(fs))
	for _, f := range fs {
		out = append(out, snapFileJSON{f.File, f.Action})
	}
	return out
}

func describeSnap(s *txn.Snapshot) string {
	return strings.TrimSpace(s.Command + " " + strings.Join(s.Targets, " "))
}

func runHistory(ctx context.Context, cmd *Command, args []string) error {
	if len(args) > 0 {
		return &UsageError{Cmd: cmd, Msg: "no arguments allowed"}
	}
	cwd, ws, err := historyFlags.open(ctx, false)
	if err != nil {
		return err
	}
	type rooted struct {
		root string
		s    *txn.Snapshot
	}
	var snaps []rooted
	for _, root := range session.SnapshotRoots(cwd, ws) {
		// recoverFirst has reported the records it ignored.
		h, _, err := txn.History(root)
		if err != nil {
			return session.RootError(cwd, root, err)
		}
		for _, s := range h {
			snaps = append(snaps, rooted{root, s})
		}
	}
	sort.SliceStable(snaps, func(i, j int) bool { return snaps[i].s.Time.Before(snaps[j].s.Time) })
	// where names the directory of a snapshot taken in another root
	// (under another GOWORK setting).
	where := func(root string) string {
		if root == ws.Root {
			return ""
		}
		return session.RelPath(cwd, root)
	}
	if historyFlags.json {
		type jsonSnap struct {
			ID      string         `json:"id"`
			Time    time.Time      `json:"time"`
			State   string         `json:"state"`
			Command string         `json:"command"`
			Targets []string       `json:"targets"`
			Files   []snapFileJSON `json:"files"`
			Dir     string         `json:"dir,omitempty"`
		}
		out := struct {
			Snapshots []jsonSnap `json:"snapshots"`
		}{Snapshots: []jsonSnap{}}
		for _, r := range snaps {
			s := r.s
			targets := s.Targets
			if targets == nil {
				targets = []string{}
			}
			out.Snapshots = append(out.Snapshots, jsonSnap{s.ID, s.Time, s.State, s.Command, targets, snapFilesJSON(s.Files), where(r.root)})
		}
		return printJSON(out)
	}
	tw := tabwriter.NewWriter(Stdout, 0, 8, 2, ' ', 0)
	for _, r := range snaps {
		s := r.s
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s", s.ID, s.Time.Local().Format("2006-01-02 15:04:05"), s.State, describeSnap(s), report.Plural(len(s.Files), "file"))
		if w := where(r.root); w != "" {
			fmt.Fprintf(tw, "\t(in %s)", w)
		}
		fmt.Fprintln(tw)
	}
	return tw.Flush()
}

func runRollback(ctx context.Context, cmd *Command, args []string) error {
	if len(args) > 1 {
		return &UsageError{Cmd: cmd, Msg: "at most one snapshot ID"}
	}
	id := ""
	if len(args) == 1 {
		id = args[0]
	}
	if rollbackFlags.abandon && id == "" {
		return &UsageError{Cmd: cmd, Msg: "-abandon needs the ID of the interrupted apply"}
	}
	// -abandon is the way out of a recovery that cannot finish: it must
	// not start by recovering.
	cwd, ws, err := rollbackFlags.open(ctx, rollbackFlags.abandon)
	if err != nil {
		return err
	}
	root := ws.Root
	if id != "" {
		root = ""
		for _, r := range session.SnapshotRoots(cwd, ws) {
			h, _, err := txn.History(r)
			if err != nil {
				return session.RootError(cwd, r, err)
			}
			if slices.ContainsFunc(h, func(s *txn.Snapshot) bool { return s.ID == id }) {
				root = r
				break
			}
		}
		if root == "" {
			return &txn.NotFoundError{ID: id}
		}
	}
	if rollbackFlags.abandon {
		s, err := txn.Abandon(root, id)
		if err != nil {
			return err
		}
		fmt.Fprintf(Stdout, "abandoned %s (%s): its files stay as they are now\n", s.ID, describeSnap(s))
		return nil
	}
	s, err := txn.Restore(root, id, rollbackFlags.force)
	var mod *txn.ModifiedError
	if errors.As(err, &mod) {
		return &BlockedError{Msg: err.Error()}
	}
	if err != nil {
		return err
	}
	var kept, saved []string
	for _, c := range s.Conflicts {
		if c.Forced {
			saved = append(saved, session.ConflictLine(cwd, root, c))
		} else {
			kept = append(kept, session.ConflictLine(cwd, root, c))
		}
	}
	if rollbackFlags.json {
		out := struct {
			Snapshot  string                 `json:"snapshot"`
			Files     []snapFileJSON         `json:"files"`
			Conflicts []session.ConflictInfo `json:"conflicts,omitempty"`
		}{Snapshot: s.ID, Files: snapFilesJSON(s.Files)}
		for _, c := range s.Conflicts {
			out.Conflicts = append(out.Conflicts, session.ConflictInfo{File: c.File, Saved: c.Saved, Why: c.Reason})
		}
		if err := printJSON(out); err != nil {
			return err
		}
	} else {
		fmt.Fprintf(Stdout, "rolled back %s (%s)\n", s.ID, describeSnap(s))
		for _, f := range s.Files {
			verb := "restored "
			switch f.Action {
			case "delete":
				verb = "recreated"
			case "create":
				verb = "removed  "
			}
			fmt.Fprintf(Stdout, "\t%s %s\n", verb, f.File)
		}
		for _, l := range saved {
			fmt.Fprintf(Stdout, "\tforced   %s\n", l)
		}
	}
	if len(kept) > 0 {
		return &BlockedError{Msg: fmt.Sprintf("rolled back %s except %s that could not be restored, kept as %s:\n\t%s",
			s.ID, report.Plural(len(kept), "path"), itIs(len(kept)), strings.Join(kept, "\n\t"))}
	}
	return nil
}

// itIs returns "it is" or "they are", for n paths.
func itIs(n int) string {
	if n == 1 {
		return "it is"
	}
	return "they are"
}
