// Package drift answers "what changed under me?": how the build list of
// each module of the working set (the versions minimal version selection
// picks over the pruned module graph) differs from a baseline's, the one
// of a git commit's go.mod and go.sum, both computed offline by the go
// command in scratch copies. Each module added, removed, upgraded or
// downgraded comes with the requirement chains that select its new
// version (the go.mod that raised it, reached from the main module: a
// dependency's upgrade that pulls a newer version of another module
// shows as that dependency's go.mod), the import chains from the working
// set's files that make it matter, and whether it is a major version
// jump (the major version differs, or a /vN module path joins the build
// beside another major version) or a +incompatible version.
//
// The chains are package why's: Requirements over the module graphs
// (the baseline's for a removed module) and ModuleImports over the index.
package drift

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/goremover/goremover/internal/load"
	"github.com/goremover/goremover/internal/modfix"
	"github.com/goremover/goremover/internal/why"
	"golang.org/x/mod/modfile"
	"golang.org/x/mod/module"
	"golang.org/x/mod/semver"
)

// Change kinds.
const (
	Added      = "added"
	Removed    = "removed"
	Upgraded   = "upgraded"
	Downgraded = "downgraded"
)

// Change is a module whose selected version differs from the baseline's.
type Change struct {
	Kind string `json:"kind"`
	Path string `json:"path"`
	Old  string `json:"old,omitempty"` // the baseline's selected version
	New  string `json:"new,omitempty"` // the selected version now
	// Major is set when the major version differs, or when a module
	// path of another major version of the same module (example.com/lib
	// for example.com/lib/v2) was in the baseline's build: Alongside
	// lists those, as path@version.
	Major     bool     `json:"major,omitempty"`
	Alongside []string `json:"alongside,omitempty"`
	// Incompatible is set when New is a +incompatible version: a major
	// version of a module without go.mod, outside semantic import
	// versioning.
	Incompatible bool   `json:"incompatible,omitempty"`
	Rule         string `json:"rule"`
	// Required are the requirement chains that select New (for a
	// removed module: those that selected Old at the baseline).
	Required []why.Reason `json:"required"`
	// Imported are the import chains from the working set to the
	// module's packages.
	Imported []why.Reason `json:"imported"`
}

// Module is the drift of one working-set module (or of one the
// baseline's go.work used).
type Module struct {
	Path string `json:"module"`
	Dir  string `json:"dir"` // relative to the repository root, slash-separated
	// Status is "new" for a module the baseline does not have, "gone"
	// for a module of the baseline's go.work that the working set no
	// longer has; "" otherwise.
	Status  string    `json:"status,omitempty"`
	Changes []*Change `json:"changes"`
	Updates []*Update `json:"updates,omitempty"`

	abs     string // absolute directory
	oldList map[string]string
	newList map[string]string
}

// Update is, with -online, a module of the build with a newer version,
// a retracted version or a deprecation, and the chains that select it.
type Update struct {
	Path       string       `json:"path"`
	Version    string       `json:"version"`
	Update     string       `json:"update,omitempty"`
	Retracted  []string     `json:"retracted,omitempty"`
	Deprecated string       `json:"deprecated,omitempty"`
	Required   []why.Reason `json:"required"`
}

// Result is drift's answer.
type Result struct {
	Baseline string    `json:"baseline"` // the ref as given
	Commit   string    `json:"commit"`
	Online   bool      `json:"online"`
	Modules  []*Module `json:"modules"`

	repo     *Repo
	ws       *load.WorkingSet
	base     *load.WorkingSet // the baseline's modules, for its chains
	baseGrph map[string][]modfix.Edge
}

// Changed reports whether some module changed.
func (r *Result) Changed() bool {
	for _, m := range r.Modules {
		if len(m.Changes) > 0 {
			return true
		}
	}
	return false
}

// baseModule is a module at the baseline.
type baseModule struct {
	rel   string // directory relative to the repository root, slash-separated
	goMod []byte
	goSum []byte
	file  *modfile.File
}

// Compute reads the baseline ref from the repository that holds ws and
// compares the build lists of its modules with the working set's. It
// reads the module graphs offline; the chains are added by Explain.
func Compute(ctx context.Context, ws *load.WorkingSet, ref string) (*Result, error) {
	repo, err := OpenRepo(ctx, ws.Root)
	if err != nil {
		return nil, err
	}
	commit, err := repo.Resolve(ctx, ref)
	if err != nil {
		return nil, err
	}
	r := &Result{Baseline: ref, Commit: commit, repo: repo, ws: ws, baseGrph: map[string][]modfix.Edge{}}
	rel := func(abs string) (string, error) {
		p, err := filepath.Rel(repo.Root, abs)
		if err != nil || p == ".." || filepath.IsAbs(p) || len(p) > 2 && p[:3] == ".."+string(filepath.Separator) {
			return "", &Error{Msg: fmt.Sprintf("%s is outside the git repository %s", abs, repo.Root)}
		}
		return filepath.ToSlash(p), nil
	}
	// The baseline's modules: those of the working set that it has, and
	// those its go.work used that the working set no longer has.
	dirs := map[string]string{} // rel dir -> absolute dir
	var order []string
	for _, m := range ws.Modules {
		d, err := rel(m.Dir)
		if err != nil {
			return nil, err
		}
		dirs[d] = m.Dir
		order = append(order, d)
	}
	if ws.Work != "" {
		wrel, err := rel(ws.Work)
		if err != nil {
			return nil, err
		}
		data, ok, err := repo.Show(ctx, commit, wrel)
		if err != nil {
			return nil, err
		}
		if ok {
			wf, err := modfile.ParseWork(ref+":"+wrel, data, nil)
			if err != nil {
				return nil, &Error{Msg: err.Error()}
			}
			for _, u := range wf.Use {
				abs := u.Path
				if !filepath.IsAbs(abs) {
					abs = filepath.Join(filepath.Dir(ws.Work), filepath.FromSlash(u.Path))
				}
				d, err := rel(filepath.Clean(abs))
				if err != nil {
					continue // a module outside the repository: not the baseline's to say
				}
				if _, ok := dirs[d]; !ok {
					dirs[d] = filepath.Clean(abs)
					order = append(order, d)
				}
			}
		}
	}
	slices.Sort(order)
	base := &load.WorkingSet{Root: ws.Root}
	for _, d := range order {
		m := &Module{Dir: d, abs: dirs[d], Changes: []*Change{}}
		cur := moduleAt(ws, dirs[d])
		bm, err := r.readBase(ctx, d)
		if err != nil {
			return nil, err
		}
		if cur == nil && bm == nil {
			continue
		}
		if cur != nil {
			m.Path = cur.Path
			edges, err := modfix.Graph(ctx, ws, cur)
			if err != nil {
				return nil, err
			}
			m.newList = modfix.BuildList(edges, cur.Path)
		} else {
			m.Status = "gone"
			m.Path = bm.file.Module.Mod.Path
		}
		if bm != nil {
			goMod, cleanup, err := r.baseGoMod(ctx, bm, dirs[d])
			if err != nil {
				return nil, err
			}
			edges, err := modfix.GraphFiles(ctx, bm.file.Module.Mod.Path, goMod, bm.goSum)
			cleanup()
			if err != nil {
				return nil, r.graphError(bm, err)
			}
			m.oldList = modfix.BuildList(edges, bm.file.Module.Mod.Path)
			base.Modules = append(base.Modules, load.Module{Path: bm.file.Module.Mod.Path, Dir: dirs[d], GoMod: bm.goMod, File: bm.file})
			r.baseGrph[bm.file.Module.Mod.Path] = edges
		} else {
			m.Status = "new"
		}
		m.Changes = compare(m.oldList, m.newList)
		r.Modules = append(r.Modules, m)
	}
	r.base = base
	return r, nil
}

// moduleAt returns the working-set module in directory dir, or nil.
func moduleAt(ws *load.WorkingSet, dir string) *load.Module {
	for i := range ws.Modules {
		if ws.Modules[i].Dir == dir {
			return &ws.Modules[i]
		}
	}
	return nil
}

// readBase returns the module in directory d at the baseline, nil if it
// has no go.mod there.
func (r *Result) readBase(ctx context.Context, d string) (*baseModule, error) {
	name := pathJoin(d, "go.mod")
	data, ok, err := r.repo.Show(ctx, r.Commit, name)
	if err != nil || !ok {
		return nil, err
	}
	// The position names the blob as git does: HEAD~3:go.mod:5:2.
	f, err := modfile.Parse(r.Baseline+":"+name, data, nil)
	if err != nil {
		return nil, &Error{Msg: err.Error()}
	}
	if f.Module == nil {
		return nil, &Error{Msg: r.Baseline + ":" + name + ": no module directive"}
	}
	sum, _, err := r.repo.Show(ctx, r.Commit, pathJoin(d, "go.sum"))
	if err != nil {
		return nil, err
	}
	return &baseModule{rel: d, goMod: data, goSum: sum, file: f}, nil
}

func pathJoin(dir, name string) string {
	if dir == "." || dir == "" {
		return name
	}
	return dir + "/" + name
}

// baseGoMod returns the baseline's go.mod for a scratch copy: each
// directory replacement made absolute. A replacement directory inside
// the repository is the baseline's: its go.mod is read from git into a
// temporary directory (which cleanup removes); one outside is the
// file system's.
func (r *Result) baseGoMod(ctx context.Context, bm *baseModule, abs string) ([]byte, func(), error) {
	tmp := ""
	cleanup := func() {
		if tmp != "" {
			os.RemoveAll(tmp)
		}
	}
	f, err := modfile.Parse("go.mod", bm.goMod, nil)
	if err != nil {
		return nil, cleanup, &Error{Msg: err.Error()}
	}
	changed := false
	for i, rp := range f.Replace {
		if rp.New.Version != "" || filepath.IsAbs(rp.New.Path) {
			continue
		}
		to := filepath.Clean(filepath.Join(abs, filepath.FromSlash(rp.New.Path)))
		if d, err := filepath.Rel(r.repo.Root, to); err == nil && !filepath.IsAbs(d) && d != ".." && !startsDotDot(d) {
			data, ok, err := r.repo.Show(ctx, r.Commit, pathJoin(filepath.ToSlash(d), "go.mod"))
			if err != nil {
				return nil, cleanup, err
			}
			if tmp == "" {
				if tmp, err = os.MkdirTemp("", "goremover-drift-"); err != nil {
					return nil, cleanup, err
				}
			}
			to = filepath.Join(tmp, fmt.Sprint(i))
			if err := os.MkdirAll(to, 0o777); err != nil {
				return nil, cleanup, err
			}
			if ok {
				if err := os.WriteFile(filepath.Join(to, "go.mod"), data, 0o666); err != nil {
					return nil, cleanup, err
				}
			}
		}
		if err := f.AddReplace(rp.Old.Path, rp.Old.Version, to, ""); err != nil {
			return nil, cleanup, err
		}
		changed = true
	}
	if !changed {
		return bm.goMod, cleanup, nil
	}
	f.Cleanup()
	out, err := f.Format()
	return out, cleanup, err
}

func startsDotDot(p string) bool {
	return len(p) >= 3 && p[:2] == ".." && p[2] == filepath.Separator
}

// compare returns the changes from build list old to new, by path.
func compare(old, new map[string]string) []*Change {
	out := []*Change{}
	paths := map[string]bool{}
	for p := range old {
		paths[p] = true
	}
	for p := range new {
		paths[p] = true
	}
	for _, p := range slices.Sorted(mapKeys(paths)) {
		o, n := old[p], new[p]
		c := &Change{Path: p, Old: o, New: n, Required: []why.Reason{}, Imported: []why.Reason{}}
		switch c1 := semver.Compare(n, o); {
		case o == "":
			c.Kind = Added
			c.Alongside = otherMajors(old, p)
			c.Major = len(c.Alongside) > 0
		case n == "":
			c.Kind = Removed
		case c1 > 0:
			c.Kind = Upgraded
		case c1 < 0:
			c.Kind = Downgraded
		default:
			continue
		}
		if o != "" && n != "" && semver.Major(o) != semver.Major(n) {
			c.Major = true
		}
		c.Incompatible = n != "" && semver.Build(n) == "+incompatible"
		c.Rule = ruleOf(c).ID
		out = append(out, c)
	}
	return out
}

// otherMajors returns the modules of list that are another major
// version of module path p (example.com/lib for example.com/lib/v2,
// gopkg.in/yaml.v2 for gopkg.in/yaml.v3), as path@version.
func otherMajors(list map[string]string, p string) []string {
	prefix, _, ok := module.SplitPathVersion(p)
	if !ok {
		return nil
	}
	var out []string
	for q, v := range list {
		if q == p {
			continue
		}
		if qp, _, ok := module.SplitPathVersion(q); ok && qp == prefix {
			out = append(out, q+"@"+v)
		}
	}
	slices.Sort(out)
	return out
}

func mapKeys[K comparable, V any](m map[K]V) func(func(K) bool) {
	return func(yield func(K) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// Explain adds to each change its requirement chains (from the current
// module graphs of f, or the baseline's for a removed module) and the
// import chains from the working set (f's index and dependency
// packages). f may be nil when nothing changed.
func (r *Result) Explain(f *why.Facts) {
	if f == nil {
		return
	}
	bf := &why.Facts{WS: r.base, Graphs: r.baseGrph, ModCache: f.ModCache}
	for _, m := range r.Modules {
		for _, c := range m.Changes {
			if c.Kind == Removed {
				c.Required = only(requirements(bf, m.Path, c.Path, c.Old), why.Require)
				continue
			}
			c.Required = only(requirements(f, m.Path, c.Path, c.New), why.Require)
			c.Imported = importsFrom(f, m, c.Path)
		}
	}
}

// requirements returns the requirement chains to mod@version in the
// graph of working-set module main only.
func requirements(f *why.Facts, main, mod, version string) []why.Reason {
	g := *f
	// The other modules, without a graph, add nothing.
	g.Graphs = map[string][]modfix.Edge{main: f.Graphs[main]}
	rs, _ := g.Requirements(mod, version)
	return rs
}

// importsFrom returns the import chains to module mod from the files of
// working-set module m.
func importsFrom(f *why.Facts, m *Module, mod string) []why.Reason {
	var out []why.Reason
	for _, r := range f.ModuleImports(mod) {
		s := r.Chain[0]
		if s.Module == "" && len(f.WS.Modules) > 1 {
			continue
		}
		if s.Module != "" && s.Module != m.Path {
			continue
		}
		out = append(out, r)
	}
	if out == nil {
		out = []why.Reason{}
	}
	return out
}

func only(rs []why.Reason, kind string) []why.Reason {
	out := []why.Reason{}
	for _, r := range rs {
		if r.Kind == kind {
			out = append(out, r)
		}
	}
	return out
}

// AddUpdates records, for module m of the result, what the module proxy
// says, with the chains that select each version reported.
func (r *Result) AddUpdates(f *why.Facts, mod string, us []modfix.Update) {
	r.Online = true
	for _, m := range r.Modules {
		if m.Path != mod || m.Status == "gone" {
			continue
		}
		for _, u := range us {
			if u.Update == "" && len(u.Retracted) == 0 && u.Deprecated == "" {
				continue
			}
			x := &Update{Path: u.Path, Version: u.Version, Update: u.Update, Retracted: u.Retracted, Deprecated: u.Deprecated}
			x.Required = only(requirements(f, m.Path, u.Path, u.Version), why.Require)
			m.Updates = append(m.Updates, x)
		}
		slices.SortFunc(m.Updates, func(a, b *Update) int { return cmp.Compare(a.Path, b.Path) })
	}
}

// graphError explains a baseline module graph that the go command could
// not read offline: most often the module cache lacks the go.mod of a
// version the baseline required and the working set no longer does.
func (r *Result) graphError(bm *baseModule, err error) error {
	var ge *modfix.GoError
	if !errors.As(err, &ge) {
		return err
	}
	at := r.Baseline + ":" + pathJoin(bm.rel, "go.mod")
	if v, ok := missingModule(ge.Stderr); ok {
		return &Error{Msg: fmt.Sprintf("%s: the module graph needs the go.mod of %s, which the module cache does not hold (drift reads the baseline offline); to download it:\n\tgo mod download %s", at, v, v)}
	}
	return &Error{Msg: fmt.Sprintf("%s: the module graph cannot be read offline: %s", at, strings.TrimPrefix(firstLine(ge.Stderr), "go: "))}
}

// missingModule returns the module version that the go command's
// message says it could not read, as path@version: the last one it
// names (the message goes down a requirement chain:
// "a@v1 requires\n\tb@v2: reading ...").
func missingModule(stderr string) (string, bool) {
	last := ""
	for _, line := range strings.Split(stderr, "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), "go: downloading") {
			continue
		}
		for _, f := range strings.Fields(line) {
			f = strings.TrimSuffix(f, ":")
			p, v, ok := strings.Cut(f, "@")
			if !ok || module.Check(p, v) != nil {
				continue
			}
			last = f
		}
	}
	return last, last != ""
}

func firstLine(s string) string {
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "go: downloading") {
			return l
		}
	}
	return ""
}
