// This file computes what 'goremover prune' changes: the findings of the
// dead-code analysis (package dead) that the caller selects, removed as
// one change through the same computation as rm (package remove: orphans,
// imports, emptied files and packages), then go.mod and go.sum.
//
// Removing dead code can make more code dead: a package that only dead
// code imported is no longer linked, and its init stops being a root. So
// the analysis runs again on the index as it would be after the removal
// (the removed declarations, the references they made, deleted files and
// dropped imports taken out), and what it finds joins the removal, until
// a round finds nothing new. Every round's removal is computed afresh
// from the one load the session made, so the change stays one change.
//
// A finding the removal cannot take is skipped, with the reason, never
// dropped in silence:
//
//	(P1) a reference to it remains from code that stays (a skipped
//	     finding, a test with -test=false, a generated file): removing
//	     it would break the build;
//	(P2) it is a constant whose removal would shift the iota of a
//	     constant that stays;
//	(P3) removing it would edit or delete a generated file, unless
//	     generated files may change. A declaration of a generated file
//	     is never taken as an orphan: it stays, for its generator to
//	     drop, and what used it goes.
//
// Skipping one finding can keep others alive (what it uses): the
// computation repeats until the removal takes everything it is given.

package session

import (
	"context"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/goremover/goremover/internal/dead"
	"github.com/goremover/goremover/internal/index"
	"github.com/goremover/goremover/internal/remove"
	"github.com/goremover/goremover/internal/target"
)

// PruneOptions configure Prune.
type PruneOptions struct {
	Dead dead.Options
	// Select says which findings to remove, of every status. It is
	// asked about a file finding, then, if it says no, about each of
	// the findings of the file's declarations. Nil selects the dead
	// ones.
	Select func(*dead.Finding) bool
	// Coverage, if set, marks the live code that never ran in it as
	// cold (dead.Result.MarkCold) before selecting: Select may then
	// take cold findings. A *dead.StaleError if the data does not
	// match the source.
	Coverage dead.Runs
}

// Pruned is a finding that prune removes or skips.
type Pruned struct {
	*dead.Finding
	// Round is the analysis that found it: 1, or a later one that ran
	// on the code without what the earlier ones removed.
	Round int
	// Skip says why it stays; "" if it goes.
	Skip string
}

// Pruning is the outcome of Prune.
type Pruning struct {
	Result *dead.Result // the first analysis
	Items  []*Pruned    // sorted by position
	// Removal is the change, with the go.mod and go.sum lines it
	// leaves unneeded; nil when nothing goes.
	Removal *remove.Removal
	Rounds  int // analyses run
}

// maxRounds bounds the analyses: each round adds at least one finding,
// so it is only reached on a bug.
const maxRounds = 100

// Prune analyses the working set, selects findings and computes their
// removal, repeating the analysis without what goes until nothing new
// is dead. It writes nothing.
func (s *Session) Prune(ctx context.Context, opts *PruneOptions) (*Pruning, error) {
	if opts == nil {
		opts = &PruneOptions{Dead: dead.Options{Tests: true}}
	}
	sel := opts.Select
	if sel == nil {
		sel = func(f *dead.Finding) bool { return f.Status == dead.Dead }
	}
	res := dead.Analyze(s.X, &opts.Dead)
	if opts.Coverage != nil {
		// Once, on the unedited source: the data's lines are its own.
		if _, err := res.MarkCold(opts.Coverage); err != nil {
			return nil, err
		}
	}
	p := &pruner{s: s, opts: opts, claimed: map[claim]bool{}, last: res}
	pr := &Pruning{Result: res}
	p.add(res, sel, 1)
	for round := 1; ; round++ {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		pr.Rounds = round
		rem, err := p.removal(ctx)
		if err != nil {
			return nil, err
		}
		pr.Removal = rem
		if rem == nil || round == maxRounds {
			break
		}
		next := dead.Analyze(s.without(rem), &opts.Dead)
		if p.add(next, sel, round+1) == 0 {
			break
		}
		p.last = next
	}
	pr.Items = p.items
	slices.SortStableFunc(pr.Items, func(a, b *Pruned) int {
		switch {
		case a.Pos.Less(b.Pos):
			return -1
		case b.Pos.Less(a.Pos):
			return 1
		}
		return strings.Compare(a.Name, b.Name)
	})
	if pr.Removal != nil {
		if err := s.finish(ctx, pr.Removal); err != nil {
			return nil, err
		}
	}
	return pr, nil
}

// PruneKinds are the finding kinds prune removes.
var PruneKinds = []string{"func", "method", "type", "field", "const", "var", "package", "file"}

// Selection selects the findings prune removes: dead ones, of the kinds
// and in the packages and symbols asked for.
type Selection struct {
	kinds map[index.DeclKind]bool // none: every kind
	dead  bool                    // dead findings are selected
	cold  bool                    // cold findings too (-kind cold)
	pkgs  map[string]bool         // packages the targets name; nil: no target
	keys  map[index.Key]bool
}

// KindError reports a kind that prune does not remove.
type KindError struct {
	Kind string
	Msg  string
}

func (e *KindError) Error() string { return e.Kind + ": " + e.Msg }

// NewSelection selects the dead findings of kinds (none: every kind of
// PruneKinds) in targets (none: the whole working set; a type names its
// members too), and with the kind cold the cold findings (live code that
// coverage data says never ran). A kind prune does not remove is a
// *KindError: uncertain and unexport findings are live.
func NewSelection(kinds []string, targets []*target.Target) (*Selection, error) {
	s := &Selection{kinds: map[index.DeclKind]bool{}}
	for _, k := range kinds {
		switch {
		case k == string(dead.Uncertain) || k == string(dead.Unexport):
			return nil, &KindError{k, fmt.Sprintf("prune removes only dead code; %s findings are live, and are never removed", k)}
		case k == string(dead.Cold):
			// Live code that never ran: only when asked.
			s.cold = true
		case slices.Contains(PruneKinds, k):
			s.kinds[index.DeclKind(k)] = true
			s.dead = true
		default:
			return nil, &KindError{k, "unknown kind (want " + strings.Join(PruneKinds, ", ") + ", or cold)"}
		}
	}
	if len(kinds) == 0 {
		s.dead = true
	}
	if len(targets) > 0 {
		s.pkgs, s.keys = map[string]bool{}, map[index.Key]bool{}
		for _, t := range targets {
			if t.Kind == index.PackageKind {
				for _, p := range t.Pkgs {
					s.pkgs[p] = true
				}
			}
			for _, k := range t.Keys {
				s.keys[k] = true
			}
		}
	}
	return s, nil
}

// Selects reports whether f is to be removed. A file finding is
// selected by the kind file, and by a target only through its package:
// otherwise Prune asks about its declarations' findings one by one.
func (s *Selection) Selects(f *dead.Finding) bool {
	switch f.Status {
	case dead.Dead:
		if !s.dead || len(s.kinds) > 0 && !s.kinds[f.Kind] {
			return false
		}
	case dead.Cold:
		if !s.cold {
			return false
		}
	default:
		return false
	}
	if s.pkgs == nil {
		return true
	}
	return s.pkgs[strings.TrimSuffix(f.Pkg, "_test")] || f.Kind != dead.FileKind && s.keys[f.Key]
}

// Extras returns what the removal takes that no finding named: orphans
// and the tests named after removed declarations (not the declarations
// of removed packages, which go with them).
func (pr *Pruning) Extras() []remove.Item {
	if pr.Removal == nil {
		return nil
	}
	named := map[index.Key]bool{}
	pkgs := map[string]bool{}
	for _, it := range pr.Items {
		if it.Skip == "" {
			named[it.Key] = true
			if it.Kind == index.PackageKind {
				pkgs[it.Key.Pkg] = true
			}
		}
	}
	var out []remove.Item
	for _, it := range pr.Removal.Items {
		if it.Why == "target" || named[it.Key] || pkgs[strings.TrimSuffix(it.Key.Pkg, "_test")] {
			continue
		}
		out = append(out, it)
	}
	return out
}

// claim identifies a finding across rounds: positions are those of the
// session's load in every round.
type claim struct {
	key index.Key
	pos index.Pos
}

type pruner struct {
	s       *Session
	opts    *PruneOptions
	items   []*Pruned
	claimed map[claim]bool
	// last is the latest analysis: what it finds live is never an
	// orphan of the removal (a test named after a removed function, a
	// var whose initialiser has a side effect, a method called through
	// an interface), so that only dead code goes.
	last *dead.Result
	// generated caches, by absolute path, whether a file is generated.
	generated map[string]bool
}

// live is the removal's Options.Live: what the latest analysis finds
// live, and, unless generated files may change, the declarations of
// generated files (P3): a dead finding that alone uses a declaration of
// a generated file goes, and that declaration stays, for its generator
// to drop.
func (p *pruner) live(k index.Key) bool {
	if p.last.Live(k) {
		return true
	}
	if p.opts.Dead.Generated {
		return false
	}
	for _, d := range p.s.X.Decls(k) {
		if p.isGenerated(d.Pos) {
			return true
		}
	}
	return false
}

// isGenerated reports whether the file at pos is generated, by the go
// command's rule (ast.IsGenerated).
func (p *pruner) isGenerated(pos index.Pos) bool {
	abs := p.s.abs(pos)
	g, ok := p.generated[abs]
	if ok {
		return g
	}
	if p.generated == nil {
		p.generated = map[string]bool{}
	}
	for _, d := range p.s.X.Dirs {
		for _, f := range d.Files {
			if f.Abs == abs {
				af, _ := parser.ParseFile(token.NewFileSet(), abs, f.Src, parser.PackageClauseOnly|parser.ParseComments)
				g = af != nil && ast.IsGenerated(af)
			}
		}
	}
	p.generated[abs] = g
	return g
}

// add adds the selected findings of res that no earlier round found, and
// returns how many.
func (p *pruner) add(res *dead.Result, sel func(*dead.Finding) bool, round int) int {
	n := 0
	for i, parts := range res.Split(res.Findings) {
		whole := sel(res.Findings[i])
		for _, f := range parts {
			c := claim{f.Key, f.Pos}
			if p.claimed[c] || !whole && !sel(f) {
				continue
			}
			p.claimed[c] = true
			p.items = append(p.items, &Pruned{Finding: f, Round: round})
			n++
		}
	}
	return n
}

// skip skips the items with key k, and reports whether there was one
// to skip.
func (p *pruner) skip(k index.Key, why string) bool {
	found := false
	for _, it := range p.items {
		if it.Key == k && it.Skip == "" {
			it.Skip = why
			found = true
		}
	}
	return found
}

// removal computes the removal of the items not skipped, skipping those
// it cannot take (P1-P3) until it takes all the others; nil if none is
// left.
func (p *pruner) removal(ctx context.Context) (*remove.Removal, error) {
	r := &target.Resolver{WS: p.s.WS, X: p.s.X, Cwd: p.s.Cwd}
	for {
		var targets []*target.Target
		seen := map[index.Key]bool{}
		for _, it := range p.items {
			if it.Skip != "" || seen[it.Key] {
				continue
			}
			seen[it.Key] = true
			t, err := r.Key(it.Key)
			if err != nil {
				return nil, err
			}
			targets = append(targets, t)
		}
		if len(targets) == 0 {
			return nil, nil
		}
		rem, err := p.s.compute(ctx, targets, &RemoveOptions{Generated: p.opts.Dead.Generated, live: p.live})
		var iota *remove.IotaError
		var gen *remove.GeneratedError
		switch {
		case errors.As(err, &iota):
			if !p.skipIota(iota) {
				return nil, p.s.refusal(err)
			}
		case errors.As(err, &gen):
			// The same removal, generated files allowed, says what
			// takes them.
			all, aerr := p.s.compute(ctx, targets, &RemoveOptions{Generated: true, live: p.live})
			if aerr != nil || !p.skipGenerated(gen, all) {
				return nil, p.s.refusal(err)
			}
		case err != nil:
			return nil, err
		case len(rem.Blocked) > 0:
			// (P1)
			skipped := false
			for _, b := range rem.Blocked {
				if p.skip(b.Target.Key, p.blockedWhy(b.Refs)) {
					skipped = true
				}
			}
			if !skipped {
				return nil, fmt.Errorf("%s: references remain to a declaration prune did not select", rem.Blocked[0].Target.Key)
			}
		default:
			return rem, nil
		}
	}
}

// blockedWhy says what keeps a finding: the first reference from code
// that stays.
func (p *pruner) blockedWhy(refs []*index.Ref) string {
	if len(refs) == 0 {
		return "still referenced by code that stays"
	}
	r := refs[0]
	for _, q := range refs[1:] {
		if q.Pos.Less(r.Pos) {
			r = q
		}
	}
	by := r.EnclName
	if by == "" {
		by = r.Encl.Path
	}
	what := "still used"
	if by != "" {
		what += " by " + by
	}
	return fmt.Sprintf("%s at %s, which stays", what, p.s.Printer().Display(r.Pos))
}

// skipIota skips the constant whose removal would shift the iota of
// another (P2).
func (p *pruner) skipIota(e *remove.IotaError) bool {
	file := e.Pos
	for range 2 { // drop ":col", then ":line"
		if i := strings.LastIndexByte(file, ':'); i > 0 {
			file = file[:i]
		}
	}
	why := fmt.Sprintf("removing it would change the value of %s (its iota shifts)", e.Shifted)
	skipped := false
	for _, it := range p.items {
		if it.Skip == "" && it.Kind == index.Const && it.Key.Path == e.Removed && p.s.abs(it.Pos) == file {
			it.Skip = why
			skipped = true
		}
	}
	return skipped
}

// skipGenerated skips what makes the removal change generated files
// (P3): the findings in them, a package whose files are all generated,
// and the findings whose removal orphans a declaration of one. all is
// the same removal with generated files allowed.
func (p *pruner) skipGenerated(e *remove.GeneratedError, all *remove.Removal) bool {
	why := map[index.Key]string{}
	removed := map[index.Key]string{} // what all takes, and why
	for _, it := range all.Items {
		removed[it.Key] = it.Why
	}
	targetOf := map[index.Key]index.Key{} // a target's keys (its members too) to its key
	for _, it := range p.items {
		if it.Skip != "" {
			continue
		}
		targetOf[it.Key] = it.Key
		if it.Kind == index.Type {
			for _, d := range p.s.X.Package(strings.TrimSuffix(it.Key.Pkg, "_test")).Decls {
				if d.Key.Pkg == it.Key.Pkg && strings.HasPrefix(d.Key.Path, it.Key.Path+".") {
					targetOf[d.Key] = it.Key
				}
			}
		}
	}
	for _, g := range e.Files {
		rel := p.s.display(g.File)
		fileWhy := fmt.Sprintf("removing it would edit %s, a generated file; re-run its generator, or give -generated", rel)
		if g.Delete {
			fileWhy = fmt.Sprintf("removing it would delete %s, a generated file; give -generated to allow it", rel)
		}
		for _, it := range p.items {
			if it.Skip != "" {
				continue
			}
			switch {
			case it.Kind == index.PackageKind && filepath.Dir(g.File) == p.s.dirOf(it.Key.Pkg):
				why[it.Key] = fmt.Sprintf("every Go file of the package is generated (%s, ...); give -generated to delete it", rel)
			case p.s.abs(it.Pos) == g.File:
				why[it.Key] = fileWhy
			}
		}
		// Orphans declared in the file: walk their uses back to the
		// targets whose removal takes them.
		var queue []index.Key
		seen := map[index.Key]bool{}
		for _, it := range all.Items {
			if it.Why != "target" && p.s.abs(it.Pos) == g.File {
				queue = append(queue, it.Key)
				seen[it.Key] = true
			}
		}
		for len(queue) > 0 {
			k := queue[0]
			queue = queue[1:]
			for _, r := range p.s.X.RefsTo(k) {
				e := r.Encl
				if _, ok := removed[e]; !ok {
					if i := strings.IndexByte(e.Path, '.'); i > 0 {
						e.Path = e.Path[:i] // a member of a removed type
					}
				}
				if t, ok := targetOf[e]; ok {
					if _, done := why[t]; !done {
						why[t] = fmt.Sprintf("removing it would orphan %s, declared in %s, a generated file; give -generated to allow it", k.Path, rel)
					}
					continue
				}
				if _, ok := removed[e]; ok && !seen[e] {
					seen[e] = true
					queue = append(queue, e)
				}
			}
		}
	}
	skipped := false
	for k, w := range why {
		if p.skip(k, w) {
			skipped = true
		}
	}
	return skipped
}

// without returns the index as it would be after rem: without the
// declarations it removes, the references and runtime facts they make,
// its deleted files, and the imports its edits drop. Positions stay
// those of the session's load.
func (s *Session) without(rem *remove.Removal) *index.Index {
	gone := map[index.Key]bool{}
	pkgs := map[string]bool{}
	for _, it := range rem.Items {
		if it.Kind == index.PackageKind {
			pkgs[it.Key.Pkg] = true
		} else {
			gone[it.Key] = true
		}
	}
	removed := func(k index.Key) bool {
		if k == (index.Key{}) {
			return false
		}
		if gone[k] || pkgs[strings.TrimSuffix(k.Pkg, "_test")] {
			return true
		}
		if i := strings.IndexByte(k.Path, '.'); i > 0 {
			return gone[index.Key{Pkg: k.Pkg, Path: k.Path[:i]}]
		}
		return false
	}
	deleted := map[index.Pos]bool{}
	imports := map[index.Pos]map[string]bool{} // the imports an edited file keeps
	for _, f := range rem.Set.Files() {
		mod, rel := s.WS.Rel(f.Path)
		if mod == "" || !strings.HasSuffix(rel, ".go") {
			continue
		}
		at := index.Pos{Module: mod, File: rel}
		if f.New == nil {
			deleted[at] = true
			continue
		}
		kept := map[string]bool{}
		if af, err := parser.ParseFile(token.NewFileSet(), f.Path, f.New, parser.ImportsOnly); err == nil {
			for _, is := range af.Imports {
				if p, err := strconv.Unquote(is.Path.Value); err == nil {
					kept[p] = true
				}
			}
		}
		imports[at] = kept
	}
	file := func(p index.Pos) index.Pos { return index.Pos{Module: p.Module, File: p.File} }
	keep := func(r *index.Ref) bool {
		if deleted[file(r.Pos)] || removed(r.Encl) || removed(r.To) {
			return false
		}
		if kept, ok := imports[file(r.Pos)]; ok && r.Kind == index.Import && !kept[r.To.Pkg] {
			return false
		}
		return true
	}
	var out []*index.Package
	for _, p := range s.X.Packages {
		if pkgs[p.Path] {
			continue
		}
		q := *p
		q.Files = nil
		for _, f := range p.Files {
			if !deleted[file(f.Pos)] {
				q.Files = append(q.Files, f)
			}
		}
		q.Decls = nil
		for _, d := range p.Decls {
			if !removed(d.Key) && !deleted[file(d.Pos)] {
				q.Decls = append(q.Decls, d)
			}
		}
		q.Refs = nil
		for i := range p.Refs {
			if keep(&p.Refs[i]) {
				q.Refs = append(q.Refs, p.Refs[i])
			}
		}
		q.Runtime = nil
		for i := range p.Runtime {
			if keep(&p.Runtime[i]) {
				q.Runtime = append(q.Runtime, p.Runtime[i])
			}
		}
		out = append(out, &q)
	}
	x := index.New(out)
	x.Dirs = s.X.Dirs
	return x
}

// abs returns the absolute path of the file of a working-set position.
func (s *Session) abs(p index.Pos) string { return s.WS.Abs(p.Module, p.File) }

// dirOf returns the directory of a working-set package.
func (s *Session) dirOf(pkg string) string {
	for _, d := range s.X.Dirs {
		if d.ImportPath == pkg {
			return d.Abs
		}
	}
	return ""
}

// display returns an absolute path relative to the current directory.
func (s *Session) display(p string) string { return RelPath(s.Cwd, p) }
