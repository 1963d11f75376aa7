// Package coverage reads runtime evidence of what code ran: the coverage
// data that binaries built with 'go build -cover' write into GOCOVERDIR
// (the format 'go tool covdata' reads). A function whose file was
// instrumented but none of whose blocks ever executed in those runs is
// cold: live by every static rule, never seen running.
package coverage

import (
	"context"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"strings"

	"golang.org/x/tools/cover"

	"github.com/goremover/goremover/internal/gocmd"
)

// Profile is the merged coverage of one or more GOCOVERDIR directories.
type Profile struct {
	// blocks by file, keyed "importpath/file.go" as the go command
	// names them.
	blocks map[string][]cover.ProfileBlock
	Dirs   []string
}

// Read merges the coverage data in dirs, through 'go tool covdata
// textfmt'. A directory without coverage data is an error: nothing can
// be said from it.
func Read(ctx context.Context, dirs []string) (*Profile, error) {
	if len(dirs) == 0 {
		return nil, fmt.Errorf("no coverage directory")
	}
	var abs []string
	for _, d := range dirs {
		a, err := filepath.Abs(d)
		if err != nil {
			return nil, err
		}
		ents, err := os.ReadDir(a)
		if err != nil {
			return nil, fmt.Errorf("-coverage %s: %v", d, err)
		}
		meta := false
		for _, e := range ents {
			meta = meta || strings.HasPrefix(e.Name(), "covmeta.")
		}
		if !meta {
			return nil, fmt.Errorf("-coverage %s: no coverage data (covmeta.* files); build with 'go build -cover' and run with GOCOVERDIR=%s", d, d)
		}
		abs = append(abs, a)
	}
	tmp, err := os.CreateTemp("", "goremover-cover-*.txt")
	if err != nil {
		return nil, err
	}
	tmp.Close()
	defer os.Remove(tmp.Name())
	cmd := gocmd.Command(ctx, "", gocmd.Env("GOFLAGS=", "GOWORK=off"), "tool", "covdata", "textfmt", "-i="+strings.Join(abs, ","), "-o="+tmp.Name())
	if out, err := cmd.CombinedOutput(); err != nil {
		if ctx.Err() != nil {
			return nil, context.Cause(ctx)
		}
		return nil, fmt.Errorf("go tool covdata: %s", strings.TrimSpace(string(out)+" "+err.Error()))
	}
	ps, err := cover.ParseProfiles(tmp.Name())
	if err != nil {
		return nil, fmt.Errorf("go tool covdata: %v", err)
	}
	p := &Profile{blocks: map[string][]cover.ProfileBlock{}, Dirs: dirs}
	for _, pr := range ps {
		p.blocks[pr.FileName] = append(p.blocks[pr.FileName], pr.Blocks...)
	}
	return p, nil
}

// Ran reports whether any statement between the lines start and end
// (inclusive, 1-based) of file (named "importpath/base.go", as the go
// command names it) executed, and whether the profile knows the file at
// all: a file that was not instrumented says nothing.
func (p *Profile) Ran(pkgPath, base string, start, end int) (ran, known bool) {
	blocks, ok := p.blocks[path.Join(pkgPath, base)]
	if !ok {
		return false, false
	}
	for _, b := range blocks {
		if b.StartLine <= end && b.EndLine >= start {
			known = true
			if b.Count > 0 {
				return true, true
			}
		}
	}
	return false, known
}

// Files returns the number of instrumented files.
func (p *Profile) Files() int { return len(p.blocks) }
