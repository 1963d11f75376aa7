// Package modfix computes changes to go.mod, go.sum, vendor/modules.txt
// and go.work: what go mod tidy would do after a removal, the removal of
// a module requirement, and the findings and fixes of goremover doctor.
// It never writes the user's tree (package txn does) and never needs the
// network when the module cache holds what the build needs.
package modfix

// This file implements Tidy. Rather than reimplement the go command's
// module loader (graph pruning, // indirect, which go.sum lines a build
// needs), it asks go mod tidy in two scratch copies of the module, one
// before and one after the change set, and carries over to the user's
// files only the differences between the two answers: exactly what the
// removal changes, and nothing of what was already untidy.

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"

	"github.com/goremover/goremover/internal/edit"
	"github.com/goremover/goremover/internal/index"
	"github.com/goremover/goremover/internal/load"
	"golang.org/x/mod/modfile"
	"golang.org/x/mod/module"
	"golang.org/x/mod/semver"
)

// Tidy returns what go.mod and go.sum of module m should be after the
// changes in set are applied to the tree (set holds edited, deleted or
// created Go files of the working set, not yet written): the requirements
// that the removal leaves unneeded are dropped, or marked // indirect when
// a dependency still needs them, and the go.sum lines of the module
// versions that leave the build go with them, as go mod tidy would do;
// every other line is untouched, even if go mod tidy would change it too.
//
// If the set removes no import of a package outside m (the only way a
// removal can change what go mod tidy keeps), Tidy returns the files as
// they are without running anything. Otherwise it runs go mod tidy,
// offline, in two scratch copies of m (see gocmd.go); a *GoError reports
// that it failed, typically because the module cache lacks a module.
//
// goSum is nil if m has no go.sum and needs none.
func Tidy(ctx context.Context, ws *load.WorkingSet, x *index.Index, m *load.Module, set *edit.Set) (goMod, goSum []byte, err error) {
	goMod = m.GoMod
	goSum, err = readSum(m)
	if err != nil {
		return nil, nil, err
	}
	before := moduleTree(ws, x.Dirs, m, nil)
	after := moduleTree(ws, x.Dirs, m, set)
	if !losesImport(ws, m, before, after) {
		return goMod, goSum, nil
	}
	var (
		wg         sync.WaitGroup
		res        [2]tidyResult
		trees      = [2]*tree{before, after}
		errs       [2]error
		tctx, stop = context.WithCancel(ctx)
	)
	defer stop()
	for i := range trees {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res[i], errs[i] = tidyCopy(tctx, ws, m, m.GoMod, trees[i])
			if errs[i] != nil {
				stop()
			}
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil && err != context.Canceled {
			return nil, nil, err
		}
	}
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	return applyDelta(m, goSum, res[0], res[1], nil)
}

// AddTidy adds to set, a code removal, the go.mod and go.sum changes of
// every working-set module it touches, as Tidy computes them. A module
// whose tidy cannot run offline (a *GoError: typically the module cache
// lacks a module) keeps its files as they are; warn is told why.
func AddTidy(ctx context.Context, ws *load.WorkingSet, x *index.Index, set *edit.Set, warn func(string)) error {
	for i := range ws.Modules {
		m := &ws.Modules[i]
		touched := false
		for _, f := range set.Files() {
			if ws.ModuleOf(f.Path) == m {
				touched = true
				break
			}
		}
		if !touched {
			continue
		}
		goMod, goSum, err := Tidy(ctx, ws, x, m, set)
		var gerr *GoError
		if errors.As(err, &gerr) {
			warn(fmt.Sprintf("%s left as it is: %v", filepath.Join(m.Dir, "go.mod"), err))
			continue
		}
		if err != nil {
			return err
		}
		modPath := filepath.Join(m.Dir, "go.mod")
		if err := set.Add(&edit.File{Path: modPath, Old: m.GoMod, New: goMod, Mode: edit.ModeOf(modPath)}); err != nil {
			return err
		}
		sumPath := filepath.Join(m.Dir, "go.sum")
		oldSum, err := readSum(m)
		if err != nil {
			return err
		}
		if oldSum != nil && !bytes.Equal(oldSum, goSum) {
			if goSum == nil {
				goSum = []byte{} // emptied, not deleted
			}
			if err := set.Add(&edit.File{Path: sumPath, Old: oldSum, New: goSum, Mode: edit.ModeOf(sumPath)}); err != nil {
				return err
			}
		}
	}
	return nil
}

// tidyResult is go mod tidy's answer for a copy.
type tidyResult struct {
	mod *modfile.File
	sum []SumLine
}

// tidyCopy runs go mod tidy in a scratch copy of m with the given go.mod
// and files.
func tidyCopy(ctx context.Context, ws *load.WorkingSet, m *load.Module, goMod []byte, t *tree) (tidyResult, error) {
	s, err := newScratch(ws, m, goMod, t)
	if err != nil {
		return tidyResult{}, err
	}
	defer s.remove()
	f, sum, err := s.tidy(ctx)
	return tidyResult{mod: f, sum: sum}, err
}

func readSum(m *load.Module) ([]byte, error) {
	data, err := os.ReadFile(filepath.Join(m.Dir, "go.sum"))
	if os.IsNotExist(err) {
		return nil, nil
	}
	return data, err
}

// losesImport reports whether some package outside m that m's files
// import before is imported by none of them after.
func losesImport(ws *load.WorkingSet, m *load.Module, before, after *tree) bool {
	ext := func(t *tree) map[string]bool {
		out := map[string]bool{}
		for _, src := range t.files {
			for _, p := range importsOf(src) {
				if p != "C" && !load.IsStd(p) && ownedBy(ws, p) != m.Path {
					out[p] = true
				}
			}
		}
		return out
	}
	a := ext(after)
	for p := range ext(before) {
		if !a[p] {
			return true
		}
	}
	return false
}

// reqState is a requirement's state in a go.mod: absent (nil), or a
// version, direct or indirect.
type reqState struct {
	version  string
	indirect bool
}

func requires(f *modfile.File) map[string]reqState {
	out := map[string]reqState{}
	for _, r := range f.Require {
		out[r.Mod.Path] = reqState{r.Mod.Version, r.Indirect}
	}
	return out
}

// applyDelta applies to m's go.mod and go.sum the differences between
// go mod tidy's answers before and after a change. If base is not nil, it
// is the go.mod to start from (already edited by the caller) instead of
// m's.
func applyDelta(m *load.Module, goSum []byte, old, new tidyResult, base []byte) ([]byte, []byte, error) {
	start := m.GoMod
	if base != nil {
		start = base
	}
	ro, rn := requires(old.mod), requires(new.mod)
	changed := map[string]*reqState{}
	for p, so := range ro {
		if sn, ok := rn[p]; !ok {
			changed[p] = nil
		} else if sn != so {
			sn := sn
			changed[p] = &sn
		}
	}
	for p, sn := range rn {
		if _, ok := ro[p]; !ok {
			sn := sn
			changed[p] = &sn
		}
	}
	goMod, err := applyRequires(m, start, changed)
	if err != nil {
		return nil, nil, err
	}
	inNew := map[string]bool{}
	for _, l := range new.sum {
		inNew[l.String()] = true
	}
	inOld := map[string]bool{}
	for _, l := range old.sum {
		inOld[l.String()] = true
	}
	gone := map[string]bool{}
	for _, l := range old.sum {
		if !inNew[l.String()] {
			gone[l.Key()] = true
		}
	}
	var add []SumLine
	for _, l := range new.sum {
		if !inOld[l.String()] {
			add = append(add, l)
		}
	}
	if len(gone) == 0 && len(add) == 0 {
		return goMod, goSum, nil
	}
	return goMod, editSum(goSum, func(l SumLine) bool { return gone[l.Key()] }, add), nil
}

// applyRequires sets the requirements in changed (nil: drop) in the
// go.mod content start, the way the go command edits go.mod: drops with
// DropRequire, other changes through SetRequireSeparateIndirect (SetRequire
// before go 1.17), then Cleanup and Format. With nothing to change, start
// is returned as is.
func applyRequires(m *load.Module, start []byte, changed map[string]*reqState) ([]byte, error) {
	if len(changed) == 0 {
		return start, nil
	}
	f, err := modfile.Parse(filepath.Join(m.Dir, "go.mod"), start, nil)
	if err != nil {
		return nil, err
	}
	cur := requires(f)
	set := false
	for p, s := range changed {
		c, ok := cur[p]
		switch {
		case s == nil && ok:
			if err := f.DropRequire(p); err != nil {
				return nil, err
			}
		case s != nil && (!ok || c != *s):
			set = true
		}
	}
	// DropRequire leaves zeroed entries that SetRequire cannot take.
	f.Cleanup()
	if set {
		var list []*modfile.Require
		seen := map[string]bool{}
		for _, r := range f.Require {
			if r.Mod.Path == "" || seen[r.Mod.Path] { // "" : dropped above
				continue
			}
			seen[r.Mod.Path] = true
			nr := *r
			if s, ok := changed[r.Mod.Path]; ok && s != nil {
				nr.Mod.Version, nr.Indirect = s.version, s.indirect
			}
			list = append(list, &nr)
		}
		for p, s := range changed {
			if s != nil && !seen[p] {
				list = append(list, &modfile.Require{Mod: module.Version{Path: p, Version: s.version}, Indirect: s.indirect})
			}
		}
		if f.Go != nil && semver.Compare("v"+f.Go.Version, "v1.17") < 0 {
			f.SetRequire(list)
		} else {
			f.SetRequireSeparateIndirect(list)
		}
	}
	f.Cleanup()
	return f.Format()
}
