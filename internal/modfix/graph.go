package modfix

// This file gives other packages the module graph of a working-set
// module (or of a go.mod and go.sum read from elsewhere): go mod graph's
// answer, asked offline in a scratch copy that holds only go.mod and
// go.sum (go mod graph reads no Go file); and, online, what the module
// proxy says about the build list (go list -m -u).

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/goremover/goremover/internal/gocmd"

	"github.com/goremover/goremover/internal/load"
	"golang.org/x/mod/module"
	"golang.org/x/mod/semver"
)

// Edge is a requirement in the module graph: From's go.mod requires To.
// The main module has an empty Version.
type Edge struct{ From, To module.Version }

// Graph returns the pruned module graph of m, as go mod graph prints it
// (replacements applied), computed offline in a scratch copy.
func Graph(ctx context.Context, ws *load.WorkingSet, m *load.Module) ([]Edge, error) {
	return GraphOf(ctx, ws, m, m.GoMod)
}

// GraphOf is Graph with goMod in place of m's go.mod: the graph after an
// edit of the requirements.
func GraphOf(ctx context.Context, ws *load.WorkingSet, m *load.Module, goMod []byte) ([]Edge, error) {
	t := &tree{files: map[string][]byte{}, ign: map[string]bool{}, ignFiles: map[string]bool{}}
	s, err := newScratch(ws, m, goMod, t)
	if err != nil {
		return nil, err
	}
	defer s.remove()
	return s.edges(ctx)
}

// edges returns go mod graph's edges in the scratch copy.
func (s *scratch) edges(ctx context.Context) ([]Edge, error) {
	pairs, _, err := s.graphEdges(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]Edge, len(pairs))
	for i, p := range pairs {
		out[i] = Edge{From: p[0], To: p[1]}
	}
	return out, nil
}

// Reachable returns the module versions reachable from the main module
// (path main) in a module graph: what go mod graph's pruned graph
// holds.
func Reachable(edges []Edge, main string) map[module.Version]bool {
	next := map[module.Version][]module.Version{}
	for _, e := range edges {
		next[e.From] = append(next[e.From], e.To)
	}
	seen := map[module.Version]bool{}
	queue := []module.Version{{Path: main}}
	for len(queue) > 0 {
		v := queue[0]
		queue = queue[1:]
		for _, w := range next[v] {
			if !seen[w] {
				seen[w] = true
				queue = append(queue, w)
			}
		}
	}
	return seen
}

// BuildList returns the selected version of each module of a module
// graph other than the main module: the highest version of its path
// reachable from the main module, as minimal version selection picks.
func BuildList(edges []Edge, main string) map[string]string {
	out := map[string]string{}
	for v := range Reachable(edges, main) {
		if v.Path != main && v.Version != "" && semver.Compare(v.Version, out[v.Path]) > 0 {
			out[v.Path] = v.Version
		}
	}
	return out
}

// GraphFiles returns the pruned module graph of a go.mod and go.sum that
// are not the working tree's (a baseline's, read from git), computed
// offline in a scratch copy of those two files alone. Directory
// replacements in goMod must be absolute. mod names the module in
// errors.
func GraphFiles(ctx context.Context, mod string, goMod, goSum []byte) ([]Edge, error) {
	dir, err := os.MkdirTemp("", "goremover-modfix-")
	if err != nil {
		return nil, err
	}
	s := &scratch{dir: dir, mod: mod}
	defer s.remove()
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), goMod, 0o666); err != nil {
		return nil, err
	}
	if goSum != nil {
		if err := os.WriteFile(filepath.Join(dir, "go.sum"), goSum, 0o666); err != nil {
			return nil, err
		}
	}
	return s.edges(ctx)
}

// Update is what the module proxy says about a module of the build, as
// go list -m -u -retracted reports it.
type Update struct {
	Path       string
	Version    string   // selected
	Update     string   // newer version available, "" if none
	Retracted  []string // rationale of the retraction of Version
	Deprecated string
}

// Updates asks the module proxy (GOPROXY: the network) about the
// modules of m's build list, with go list -m -u -retracted -json all in
// a scratch copy of m's go.mod and go.sum.
func Updates(ctx context.Context, ws *load.WorkingSet, m *load.Module) ([]Update, error) {
	t := &tree{files: map[string][]byte{}, ign: map[string]bool{}, ignFiles: map[string]bool{}}
	s, err := newScratch(ws, m, m.GoMod, t)
	if err != nil {
		return nil, err
	}
	defer s.remove()
	args := []string{"list", "-m", "-u", "-retracted", "-json", "all"}
	cmd := gocmd.Command(ctx, s.dir, gocmd.Env("GOFLAGS=-mod=mod", "GOWORK=off"), args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, &GoError{Module: m.Path, Args: args, Stderr: stderr.String(), Online: true}
	}
	var out []Update
	dec := json.NewDecoder(&stdout)
	for {
		var mj struct {
			Path, Version string
			Main          bool
			Update        *struct{ Version string }
			Retracted     []string
			Deprecated    string
		}
		if err := dec.Decode(&mj); err == io.EOF {
			break
		} else if err != nil {
			return nil, fmt.Errorf("go list -m -u in a copy of %s: %v", m.Path, err)
		}
		if mj.Main {
			continue
		}
		u := Update{Path: mj.Path, Version: mj.Version, Retracted: mj.Retracted, Deprecated: mj.Deprecated}
		if mj.Update != nil {
			u.Update = mj.Update.Version
		}
		out = append(out, u)
	}
	return out, nil
}
