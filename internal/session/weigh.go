package session

// This file gathers what 'goremover weigh' reads besides why's facts:
// the symbols of the working set's commands, built into a temporary
// directory (or of the binaries the user names).

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/goremover/goremover/internal/gocmd"
	"github.com/goremover/goremover/internal/progress"
	"github.com/goremover/goremover/internal/weigh"
)

// Mains returns the import paths of the working set's commands (package
// main, not a //go:build ignore program).
func (s *Session) Mains() []string {
	var out []string
	for _, p := range s.X.Packages {
		if p.Name != "main" {
			continue
		}
		for _, f := range p.Files {
			if !f.Test && !slices.Contains(f.Platforms, "ignore") {
				out = append(out, p.Path)
				break
			}
		}
	}
	return out
}

// BuildSymbols builds each command for the host, offline, into a
// temporary directory, and reads its symbols. A command that does not
// build on the host is skipped, with a warning.
func (s *Session) BuildSymbols(ctx context.Context, mains []string) ([]*weigh.Symbols, error) {
	dir, err := os.MkdirTemp("", "goremover-weigh-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	var out []*weigh.Symbols
	for i, m := range mains {
		progress.Printf(ctx, "building %s (%d of %d) to weigh its binary", m, i+1, len(mains))
		exe := filepath.Join(dir, fmt.Sprintf("main%d", i))
		cmd := gocmd.Command(ctx, s.WS.Root, gocmd.Env("GOPROXY=off"), "build", "-o", exe, m)
		if msg, err := cmd.CombinedOutput(); err != nil {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			s.say(fmt.Sprintf("warning: %s does not build on this platform, not weighed: %s", m, firstLineOf(string(msg), err)))
			continue
		}
		sym, err := weigh.ReadSymbols(ctx, s.WS.Root, m, exe)
		if err != nil {
			return nil, err
		}
		out = append(out, sym)
	}
	return out, nil
}

// FileSymbols reads the symbols of a binary the user names.
func (s *Session) FileSymbols(ctx context.Context, file string) (*weigh.Symbols, error) {
	abs := file
	if !filepath.IsAbs(abs) {
		abs = filepath.Join(s.Cwd, file)
	}
	return weigh.ReadSymbols(ctx, s.WS.Root, file, abs)
}

func firstLineOf(s string, err error) string {
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" && l[0] != '#' {
			return l
		}
	}
	return err.Error()
}
