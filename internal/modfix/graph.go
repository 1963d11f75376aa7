package modfix

// This file gives other packages the module graph of a working-set
// module: go mod graph's answer, asked offline in a scratch copy that
// holds only go.mod and go.sum (go mod graph reads no Go file).

import (
	"context"

	"github.com/goremover/goremover/internal/load"
	"golang.org/x/mod/module"
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
