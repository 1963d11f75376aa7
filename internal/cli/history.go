// This file holds the commands over package txn's snapshots, history and
// rollback, and recoverFirst, which every command that edits or loads
// calls before anything else (SPEC, safety contract 6).

package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

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
	rolled back            'goremover rollback' restored it
	failed (restored)      a write failed and the tree was restored
	restored (interrupted) the apply was interrupted (crash, kill -9,
	                       power loss) and the next command restored it
	applying, rolling back in progress in another goremover process

The -json flag prints the list as JSON:

	{"snapshots": [{"id": "20261122T101500Z-3f2a",
	  "time": "2026-11-22T10:15:00.123Z", "state": "applied",
	  "command": "rm", "targets": ["./internal/pay.Charge"],
	  "files": [{"file": "internal/pay/charge.go", "action": "delete"}]}]}

The -C flag runs as if goremover were started in the named directory.

Example:

	$ goremover history
	20261122T101500Z-3f2a  2026-11-22 10:15:00  applied  rm ./internal/pay.Charge  3 files

See 'goremover help rollback' to restore a snapshot.
`,
}

var cmdRollback = &Command{
	UsageLine: "goremover rollback [-C dir] [-force] [-json] [id]",
	Short:     "restore the files a snapshot saved",
	Long: `
Rollback undoes an apply: it restores the files of the snapshot with the
given ID, or of the latest applied one, byte for byte and with their
modes. Files the apply created are removed, deleted files and directories
are recreated, and go.mod, go.sum, go.work and vendor/modules.txt are put
back as they were. Use 'goremover history' to list the snapshots.

Rollback refuses, and exits 1 having changed nothing, if a file changed
since the apply: restoring it would lose that change. The -force flag
restores anyway.

Rollback prints the snapshot it restored and each file with what was
done to it. The -json flag prints instead:

	{"snapshot": "20261122T101500Z-3f2a",
	 "files": [{"file": "internal/pay/charge.go", "action": "delete"}]}

where each action is the one the apply made and rollback undid.

The -C flag runs as if goremover were started in the named directory.

Rollback, like every goremover command, first restores an apply that
was interrupted, if any.

Example:

	$ goremover rollback
	rolled back 20261122T101500Z-3f2a (rm ./internal/pay.Charge)
		recreated internal/pay/charge.go
		restored  internal/pay/pay.go

	$ goremover rollback 20261121T090000Z-9a1c
`,
}

// snapFlags are the flags of history and rollback.
type snapFlags struct {
	dir   string
	json  bool
	force bool
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
	cmdRollback.Flag.BoolVar(&rollbackFlags.force, "force", false, "restore even files changed since the apply")
	commands = append(commands, cmdHistory, cmdRollback)
}

// root returns the working set's root for the -C flag.
func (f *snapFlags) root() (string, error) {
	dir := f.dir
	if dir == "" {
		var err error
		if dir, err = os.Getwd(); err != nil {
			return "", err
		}
	}
	dir, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	ws, err := load.Find(dir)
	if err != nil {
		return "", err
	}
	return ws.Root, nil
}

// recoverFirst restores an interrupted apply under root, if any, and says
// so on stderr ("goremover: restored N files of interrupted apply ID").
func recoverFirst(root string) error {
	s, err := txn.Recover(root)
	if err != nil {
		return err
	}
	if s == nil {
		return nil
	}
	n := plural(len(s.Files), "file")
	if s.State == "rolled back" {
		fmt.Fprintf(Stderr, "goremover: finished interrupted rollback of %s (%s)\n", s.ID, n)
	} else {
		fmt.Fprintf(Stderr, "goremover: restored %s of interrupted apply %s\n", n, s.ID)
	}
	return nil
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
	root, err := historyFlags.root()
	if err != nil {
		return err
	}
	if err := recoverFirst(root); err != nil {
		return err
	}
	snaps, err := txn.History(root)
	if err != nil {
		return err
	}
	if historyFlags.json {
		type jsonSnap struct {
			ID      string         `json:"id"`
			Time    time.Time      `json:"time"`
			State   string         `json:"state"`
			Command string         `json:"command"`
			Targets []string       `json:"targets"`
			Files   []snapFileJSON `json:"files"`
		}
		out := struct {
			Snapshots []jsonSnap `json:"snapshots"`
		}{Snapshots: []jsonSnap{}}
		for _, s := range snaps {
			targets := s.Targets
			if targets == nil {
				targets = []string{}
			}
			out.Snapshots = append(out.Snapshots, jsonSnap{s.ID, s.Time, s.State, s.Command, targets, snapFilesJSON(s.Files)})
		}
		enc := json.NewEncoder(Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	}
	tw := tabwriter.NewWriter(Stdout, 0, 8, 2, ' ', 0)
	for _, s := range snaps {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", s.ID, s.Time.Local().Format("2006-01-02 15:04:05"), s.State, describeSnap(s), plural(len(s.Files), "file"))
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
	root, err := rollbackFlags.root()
	if err != nil {
		return err
	}
	if err := recoverFirst(root); err != nil {
		return err
	}
	s, err := txn.Restore(root, id, rollbackFlags.force)
	var mod *txn.ModifiedError
	if errors.As(err, &mod) {
		return &BlockedError{Msg: err.Error()}
	}
	if err != nil {
		return err
	}
	if rollbackFlags.json {
		enc := json.NewEncoder(Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(struct {
			Snapshot string         `json:"snapshot"`
			Files    []snapFileJSON `json:"files"`
		}{s.ID, snapFilesJSON(s.Files)})
	}
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
	return nil
}
