package dead

// This file answers -why: the chain from a root to a live declaration
// that the marking found first (a shortest one, since the marking is
// breadth-first), one step per reference, each with the platforms of the
// file that makes it.

import (
	"github.com/goremover/goremover/internal/index"
)

// Step is one link of a chain: Name is used (or, for the first step, is
// a root) at Pos, as How says.
type Step struct {
	Key  index.Key `json:"-"`
	Name string    `json:"name"` // package path and source name
	Pos  index.Pos `json:"pos"`
	How  string    `json:"how"`
	// Platforms are the configurations that compile the file of Pos.
	Platforms []string `json:"platforms"`
}

// Why returns the chain from a root to k, the root first, or nil if k is
// dead.
func (r *Result) Why(k index.Key) []Step {
	a := r.a
	id, ok := a.ids[k]
	if !ok || a.nodes[id].state == dead {
		return nil
	}
	var steps []Step
	seen := map[int32]bool{}
	for id >= 0 && !seen[id] {
		seen[id] = true
		n := &a.nodes[id]
		c := n.cause
		st := Step{Key: n.key, Name: n.key.Pkg + "." + n.key.Path, Pos: c.pos, How: c.how}
		if c.ref != nil {
			st.Pos = c.ref.Pos
			if st.How == "" {
				st.How = string(c.ref.Kind)
				if c.ref.Note != "" {
					st.How += " (" + c.ref.Note + ")"
				}
			}
		}
		if c.from < 0 {
			st.How = "root: " + st.How
		}
		st.Platforms = a.platforms(st.Pos)
		steps = append(steps, st)
		id = c.from
	}
	for i, j := 0, len(steps)-1; i < j; i, j = i+1, j-1 {
		steps[i], steps[j] = steps[j], steps[i]
	}
	return steps
}
