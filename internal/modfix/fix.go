package modfix

// This file turns doctor's fixable findings into one change (doctor
// -fix): the lines go mod tidy would write, go.sum as the go command
// writes it, go.work use lines that point nowhere, stale go.work.sum
// lines, and files no build reads (junk in vendor/, dep and glide
// manifests).

import (
	"io/fs"
	"os"
	"path/filepath"

	"github.com/goremover/goremover/internal/edit"
	"github.com/goremover/goremover/internal/load"
	"golang.org/x/mod/modfile"
	"golang.org/x/mod/module"
)

// Fix returns the change that repairs every fixable finding.
func (d *Diagnosis) Fix() (*edit.Set, error) {
	set := &edit.Set{}
	type modFix struct {
		goLine   *fixGo
		reqs     map[string]*reqState
		dropSum  map[string]bool
		dropLine map[int]bool
		addSum   []SumLine
		replaces []module.Version
		excludes []module.Version
		vendor   bool
	}
	per := map[*load.Module]*modFix{}
	get := func(m *load.Module) *modFix {
		if per[m] == nil {
			per[m] = &modFix{reqs: map[string]*reqState{}, dropSum: map[string]bool{}, dropLine: map[int]bool{}}
		}
		return per[m]
	}
	uses := map[int]bool{}
	workSumKeys, workSumLines := map[string]bool{}, map[int]bool{}
	var deletes []string
	for _, f := range d.Findings {
		switch x := f.Fix.(type) {
		case fixWorkSum:
			if x.key != "" {
				workSumKeys[x.key] = true
			} else {
				workSumLines[x.line] = true
			}
		case fixDelete:
			deletes = append(deletes, x.paths...)
		case fixGo:
			get(x.m).goLine = &x
		case fixRequire:
			get(x.m).reqs[x.path] = x.state
		case fixSumDrop:
			if x.key != "" {
				get(x.m).dropSum[x.key] = true
			} else {
				get(x.m).dropLine[x.line] = true
			}
		case fixSumAdd:
			mf := get(x.m)
			mf.addSum = append(mf.addSum, x.line)
		case fixReplace:
			mf := get(x.m)
			mf.replaces = append(mf.replaces, x.old)
		case fixExclude:
			mf := get(x.m)
			mf.excludes = append(mf.excludes, x.mod)
		case fixVendor:
			get(x.m).vendor = true
		case fixWorkUse:
			uses[x.line] = true
		}
	}
	for i := range d.WS.Modules {
		m := &d.WS.Modules[i]
		mf := per[m]
		if mf == nil {
			continue
		}
		goMod := m.GoMod
		if g := mf.goLine; g != nil {
			// First: the go line decides how requirements are written.
			f, err := modfile.Parse(filepath.Join(m.Dir, "go.mod"), goMod, nil)
			if err != nil {
				return nil, err
			}
			if g.goVersion != "" {
				if err := f.AddGoStmt(g.goVersion); err != nil {
					return nil, err
				}
			}
			if g.toolchain == "" {
				f.DropToolchainStmt()
			} else if err := f.AddToolchainStmt(g.toolchain); err != nil {
				return nil, err
			}
			f.Cleanup()
			if goMod, err = f.Format(); err != nil {
				return nil, err
			}
		}
		goMod, err := applyRequires(m, goMod, mf.reqs)
		if err != nil {
			return nil, err
		}
		if len(mf.replaces)+len(mf.excludes) > 0 {
			f, err := modfile.Parse(filepath.Join(m.Dir, "go.mod"), goMod, nil)
			if err != nil {
				return nil, err
			}
			for _, r := range mf.replaces {
				if err := f.DropReplace(r.Path, r.Version); err != nil {
					return nil, err
				}
			}
			for _, e := range mf.excludes {
				if err := f.DropExclude(e.Path, e.Version); err != nil {
					return nil, err
				}
			}
			f.Cleanup()
			if goMod, err = f.Format(); err != nil {
				return nil, err
			}
		}
		p := filepath.Join(m.Dir, "go.mod")
		if err := set.Add(&edit.File{Path: p, Old: m.GoMod, New: goMod, Mode: edit.ModeOf(p)}); err != nil {
			return nil, err
		}
		if len(mf.dropSum)+len(mf.dropLine)+len(mf.addSum) > 0 {
			old, err := readSum(m)
			if err != nil {
				return nil, err
			}
			p := filepath.Join(m.Dir, "go.sum")
			// Written as the go command writes go.sum (sorted, no blank
			// lines), so that the result is go mod tidy's.
			drop := func(l SumLine) bool { return l.Path != "" && mf.dropSum[l.Key()] || mf.dropLine[l.Line] }
			nf := &edit.File{Path: p, Old: old, New: normSum(editSum(old, drop, mf.addSum)), Mode: edit.ModeOf(p)}
			if old == nil {
				nf.Mode = 0o644
			}
			if len(nf.New) == 0 && old != nil {
				nf.New = []byte{}
			}
			if err := set.Add(nf); err != nil {
				return nil, err
			}
		}
		if mf.vendor {
			err := filepath.WalkDir(filepath.Join(m.Dir, "vendor"), func(p string, e fs.DirEntry, err error) error {
				if err != nil || e.IsDir() || !e.Type().IsRegular() {
					return err
				}
				data, err := os.ReadFile(p)
				if err != nil {
					return err
				}
				return set.Add(&edit.File{Path: p, Old: data, Mode: edit.ModeOf(p)})
			})
			if err != nil {
				return nil, err
			}
		}
	}
	if len(workSumKeys)+len(workSumLines) > 0 {
		p := d.WS.Work + ".sum"
		old, err := os.ReadFile(p)
		if err != nil {
			return nil, err
		}
		drop := func(l SumLine) bool { return l.Path != "" && workSumKeys[l.Key()] || workSumLines[l.Line] }
		if err := set.Add(&edit.File{Path: p, Old: old, New: editSum(old, drop, nil), Mode: edit.ModeOf(p)}); err != nil {
			return nil, err
		}
	}
	for _, p := range deletes {
		if set.Get(p) != nil {
			continue // vendor/ deleted whole (GR161)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return nil, err
		}
		if err := set.Add(&edit.File{Path: p, Old: data, Mode: edit.ModeOf(p)}); err != nil {
			return nil, err
		}
	}
	if len(uses) > 0 {
		wf, err := modfile.ParseWork(d.WS.Work, d.WS.WorkSum, nil)
		if err != nil {
			return nil, err
		}
		for _, u := range wf.Use {
			if uses[u.Syntax.Start.Line] {
				// As WorkFile.DropUse does, for this line only.
				u.Syntax.Token, u.Syntax.Comments.Suffix = nil, nil
				*u = modfile.Use{}
			}
		}
		wf.Cleanup()
		if err := set.Add(&edit.File{Path: d.WS.Work, Old: d.WS.WorkSum, New: modfile.Format(wf.Syntax), Mode: edit.ModeOf(d.WS.Work)}); err != nil {
			return nil, err
		}
	}
	return set, nil
}
