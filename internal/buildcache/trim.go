package buildcache

// This file chooses the entries a trim removes and removes them, by the
// numbered rules of the package comment.

import (
	"errors"
	"io/fs"
	"os"
	"path"
	"sort"
	"time"
)

// InUse is how recent an entry's mtime must be for it to be possibly in
// use by a running go command (rule 1): the go command's interval
// between two marks of an entry's use.
const InUse = time.Hour

// Selection says what to trim.
type Selection struct {
	// Older, if not zero, selects entries unused for longer.
	Older time.Duration
	// Plans, if not nil, limit the trim to the action entries these
	// builds use (and the outputs only they name).
	Plans []*Plan
	Now   time.Time
}

// Trim is the set of entries a trim removes, and what it keeps.
type Trim struct {
	Actions []*Action
	Outputs []*Output
	Bytes   int64
	// Recent counts the entries selected but kept because a go command
	// may be using them (rule 1), and their bytes.
	Recent      int
	RecentBytes int64
	// Unattributed counts the action entries of no plan, when Plans
	// limit the trim, and their bytes.
	Unattributed      int
	UnattributedBytes int64
}

// Select returns the entries sel selects in c. Malformed action entries
// and outputs no entry names are selected by age only: no plan can say
// whose they are.
func Select(c *Cache, sel Selection) *Trim {
	t := &Trim{}
	cutoff := sel.Now.Add(-sel.Older)
	recent := sel.Now.Add(-InUse)
	old := func(tm time.Time) bool { return sel.Older == 0 || tm.Before(cutoff) }
	inPlan := map[ID]bool{}
	for _, p := range sel.Plans {
		for id := range p.Actions {
			inPlan[id] = true
		}
	}
	goneOut := map[ID]bool{} // outputs of removed actions
	refs := map[ID]int{}
	for _, a := range c.Actions {
		if a.OK {
			refs[a.Out]++
		}
		if sel.Plans != nil && !inPlan[a.ID] {
			t.Unattributed++
			t.UnattributedBytes += a.Size
			continue
		}
		if !old(a.Time) {
			continue
		}
		if a.Time.After(recent) {
			t.Recent++
			t.RecentBytes += a.Size
			continue
		}
		t.Actions = append(t.Actions, a)
		t.Bytes += a.Size
		if a.OK {
			refs[a.Out]--
			goneOut[a.Out] = true
		}
	}
	for _, o := range c.Outputs {
		if refs[o.ID] > 0 {
			continue // rule 2: a kept action names it
		}
		if !old(o.Time) {
			continue
		}
		// With plans, only the outputs of removed actions are theirs.
		if sel.Plans != nil && !goneOut[o.ID] {
			continue
		}
		if o.Time.After(recent) {
			t.Recent++
			t.RecentBytes += o.Size
			continue
		}
		t.Outputs = append(t.Outputs, o)
		t.Bytes += o.Size
	}
	sort.Slice(t.Actions, func(i, j int) bool { return t.Actions[i].ID.String() < t.Actions[j].ID.String() })
	sort.Slice(t.Outputs, func(i, j int) bool { return t.Outputs[i].ID.String() < t.Outputs[j].ID.String() })
	return t
}

// Result is what Apply removed and kept.
type Result struct {
	Actions, Outputs int
	Bytes            int64
	// Used counts entries kept because a go command used them since the
	// scan (rule 1).
	Used int
}

// Apply removes the entries of t from the cache c was scanned from.
func Apply(c *Cache, t *Trim) (*Result, error) {
	root, err := os.OpenRoot(c.Dir)
	if err != nil {
		return nil, err
	}
	defer root.Close()
	res := &Result{}
	keptOut := map[ID]bool{}
	for _, a := range t.Actions {
		ok, err := remove(root, a.ID, 'a', a.Time, false)
		if err != nil {
			return res, err
		}
		if !ok {
			res.Used++
			keptOut[a.Out] = true
			continue
		}
		res.Actions++
		res.Bytes += a.Size
	}
	for _, o := range t.Outputs {
		if keptOut[o.ID] {
			continue // rule 2: its action stayed
		}
		ok, err := remove(root, o.ID, 'd', o.Time, o.Dir)
		if err != nil {
			return res, err
		}
		if !ok {
			res.Used++
			continue
		}
		res.Outputs++
		res.Bytes += o.Size
	}
	return res, nil
}

// remove removes an entry unless its mtime is no longer was (rule 1),
// and reports whether it did. An entry already gone counts as removed.
func remove(root *os.Root, id ID, kind byte, was time.Time, dir bool) (bool, error) {
	name := path.Join(id.String()[:2], id.String()+"-"+string(kind))
	info, err := root.Lstat(name)
	if errors.Is(err, fs.ErrNotExist) {
		return true, nil
	}
	if err != nil {
		return false, err
	}
	if !info.ModTime().Equal(was) || info.IsDir() != dir {
		return false, nil
	}
	if dir {
		err = root.RemoveAll(name)
	} else {
		err = root.Remove(name)
	}
	if errors.Is(err, fs.ErrNotExist) {
		err = nil
	}
	return err == nil, err
}
