// Package coverage reads runtime evidence of what code ran: the coverage
// data that binaries built with 'go build -cover' write into GOCOVERDIR
// (the format 'go tool covdata' reads). A function whose file was
// instrumented but none of whose blocks ever executed in those runs is
// cold: live by every static rule, never seen running.
package coverage

import (
	"context"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/tools/cover"

	"github.com/goremover/goremover/internal/gocmd"
)

// Profile is the merged coverage of one or more GOCOVERDIR directories.
type Profile struct {
	// blocks by file, keyed "importpath/file.go" as the go command
	// names them.
	blocks map[string][]cover.ProfileBlock
	pkgs   map[string]bool // import paths of the instrumented files
	funcs  []Func
	Dirs   []string
	// Runs is the number of runs the data comes from: the counter
	// files, one per process that exited.
	Runs int
}

// Func is a function the data instruments, as 'go tool covdata func'
// names it.
type Func struct {
	Pkg  string // import path
	File string // base name
	Line int    // of its first block: the body's opening brace
	// Name is "F", "T.M" or "*T.M"; a method of a generic type has no
	// receiver ("M").
	Name string
}

// Read merges the coverage data in dirs, through 'go tool covdata
// textfmt' (the blocks) and 'go tool covdata func' (the functions). A
// directory without coverage data is an error: nothing can be said from
// it. So is one with meta-data but no counters (the program did not
// exit, or exited by a crash): every function would look as if it never
// ran.
func Read(ctx context.Context, dirs []string) (*Profile, error) {
	if len(dirs) == 0 {
		return nil, fmt.Errorf("no coverage directory")
	}
	var abs []string
	runs := 0
	for _, d := range dirs {
		a, err := filepath.Abs(d)
		if err != nil {
			return nil, err
		}
		ents, err := os.ReadDir(a)
		if err != nil {
			if pe, ok := err.(*fs.PathError); ok {
				err = pe.Err // the path is d
			}
			return nil, fmt.Errorf("-coverage %s: %v", d, err)
		}
		// covmeta.HASH is written when a program starts,
		// covcounters.HASH.PID.TIME when it exits.
		metas, counters := map[string]int{}, 0
		for _, e := range ents {
			if h, ok := strings.CutPrefix(e.Name(), "covmeta."); ok {
				metas[h] = 0
			}
		}
		for _, e := range ents {
			if rest, ok := strings.CutPrefix(e.Name(), "covcounters."); ok {
				h, _, _ := strings.Cut(rest, ".")
				if _, ok := metas[h]; ok {
					metas[h]++
					counters++
				}
			}
		}
		if len(metas) == 0 {
			return nil, fmt.Errorf("-coverage %s: no coverage data (covmeta.* files); build with 'go build -cover' and run with GOCOVERDIR=%s", d, d)
		}
		for _, h := range slices.Sorted(maps.Keys(metas)) {
			if metas[h] == 0 {
				return nil, fmt.Errorf("-coverage %s: covmeta.%s has no counters (covcounters.%s.*): the program started but did not exit normally, and every function would look as if it never ran; run it to completion, or remove the file", d, h, h)
			}
		}
		runs += counters
		abs = append(abs, a)
	}
	tmp, err := os.CreateTemp("", "goremover-cover-*.txt")
	if err != nil {
		return nil, err
	}
	tmp.Close()
	defer os.Remove(tmp.Name())
	covdata := func(args ...string) ([]byte, error) {
		args = append([]string{"tool", "covdata"}, args...)
		cmd := gocmd.Command(ctx, "", gocmd.Env("GOFLAGS=", "GOWORK=off"), args...)
		var stderr strings.Builder
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			if ctx.Err() != nil {
				return nil, context.Cause(ctx)
			}
			return nil, fmt.Errorf("go tool covdata %s: %s", args[2], strings.TrimSpace(stderr.String()+" "+err.Error()))
		}
		return out, nil
	}
	in := "-i=" + strings.Join(abs, ",")
	if _, err := covdata("textfmt", in, "-o="+tmp.Name()); err != nil {
		return nil, err
	}
	ps, err := cover.ParseProfiles(tmp.Name())
	if err != nil {
		return nil, fmt.Errorf("go tool covdata: %v", err)
	}
	p := &Profile{blocks: map[string][]cover.ProfileBlock{}, pkgs: map[string]bool{}, Dirs: dirs, Runs: runs}
	for _, pr := range ps {
		p.blocks[pr.FileName] = append(p.blocks[pr.FileName], pr.Blocks...)
		p.pkgs[path.Dir(pr.FileName)] = true
	}
	out, err := covdata("func", in)
	if err != nil {
		return nil, err
	}
	p.funcs = parseFuncs(out)
	return p, nil
}

// parseFuncs parses the output of 'go tool covdata func': lines
// "importpath/file.go:LINE:", NAME and PERCENT separated by tabs (one or
// more), then a total.
func parseFuncs(out []byte) []Func {
	var fs []Func
	for _, l := range strings.Split(string(out), "\n") {
		loc, rest, ok := strings.Cut(l, "\t")
		if !ok || !strings.HasSuffix(loc, ":") {
			continue // the total
		}
		file, line, ok := cutLast(strings.TrimSuffix(loc, ":"), ":")
		n, err := strconv.Atoi(line)
		if !ok || err != nil {
			continue
		}
		// A tabwriter aligns the columns: as many tabs as it takes.
		f := strings.Fields(rest)
		if len(f) == 0 {
			continue
		}
		fs = append(fs, Func{Pkg: path.Dir(file), File: path.Base(file), Line: n, Name: f[0]})
	}
	return fs
}

// Funcs returns the functions the data instruments.
func (p *Profile) Funcs() []Func { return p.funcs }

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

// Instrumented reports whether the data instruments any file of the
// package: whether a binary of the runs included it, built with -cover.
func (p *Profile) Instrumented(pkgPath string) bool { return p.pkgs[pkgPath] }

// Files returns the number of instrumented files.
func (p *Profile) Files() int { return len(p.blocks) }

func cutLast(s, sep string) (before, after string, ok bool) {
	if i := strings.LastIndex(s, sep); i >= 0 {
		return s[:i], s[i+len(sep):], true
	}
	return s, "", false
}
