// This file opens the session every command that reads the working set
// uses (package session), telling the user on stderr what it says.

package cli

import (
	"context"
	"fmt"

	"github.com/goremover/goremover/internal/load"
	"github.com/goremover/goremover/internal/session"
)

// BlockedError reports that a command found what it looks for (a target
// that is not safe, a failing gate): exit status 1. Its Lines, then its
// message, are printed.
type BlockedError = session.BlockedError

// say prints what the session tells the user.
func say(msg string) { fmt.Fprintf(Stderr, "goremover: %s\n", msg) }

// openSession opens the session of the flags' directory.
func openSession(ctx context.Context, f *buildFlags) (*session.Session, error) {
	opts, err := f.sessionOptions()
	if err != nil {
		return nil, err
	}
	return session.Open(ctx, opts)
}

// findWorkingSet finds the working set containing cwd, restoring every
// interrupted apply first and checking the toolchain.
func findWorkingSet(ctx context.Context, cwd string) (*load.WorkingSet, error) {
	return session.FindWorkingSet(ctx, cwd, say)
}
