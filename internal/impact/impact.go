// Package impact answers who depends on a target, and whether it is safe
// to remove: safe iff no reference remains outside what removing it would
// remove too (its own body, its methods and fields, the tests named after
// it, the package's own files for a package).
//
// The references of a type are those of its name. Uses of its fields and
// methods (x.Name, T{Name: ...}, a conversion to an interface its methods
// satisfy) are listed apart, as members: each is made on a value whose
// type some code names, and that code is a reference already. What no
// name stands for (a //go:linkname to a method) stays a reference.
package impact

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"unicode"

	"github.com/goremover/goremover/internal/index"
	"github.com/goremover/goremover/internal/load"
	"github.com/goremover/goremover/internal/target"
)

// Result is the impact of one target.
type Result struct {
	Target *target.Target
	// Refs are the references that block removal.
	Refs []*index.Ref
	// Self are references from code that would be removed with the
	// target; they do not block it.
	Self []*index.Ref
	// Guesses are uses that can only be guessed (reflection on a
	// non-constant name); reported, not blocking.
	Guesses []*index.Ref
	// Members are the uses of a type's fields and methods (a field's
	// nested fields) outside what is removed with it, sorted by member.
	// They do not block: see the package comment.
	Members []Member
	// Summary says, for a module, what leaves the build with it
	// ("removes 7 modules, 41 go.sum lines"), "" if not known.
	Summary string
}

// Member is a use of a member of the target.
type Member struct {
	Key index.Key // the member: "T.F", "T.M"
	*index.Ref
}

// Safe reports whether the target can be removed.
func (r *Result) Safe() bool { return len(r.Refs) == 0 }

// Packages returns the number of distinct packages the blocking
// references are in.
func (r *Result) Packages() int {
	seen := map[string]bool{}
	for _, ref := range r.Refs {
		seen[ref.From] = true
	}
	return len(seen)
}

// Analyze computes the impact of a resolved target.
func Analyze(x *index.Index, ws *load.WorkingSet, t *target.Target) *Result {
	res := &Result{Target: t}
	switch t.Kind {
	case index.PackageKind:
		analyzePackages(x, t, res)
	case index.ModuleKind:
		analyzeModule(x, ws, t, res)
	default:
		analyzeSymbol(x, t, res)
	}
	for _, l := range [][]*index.Ref{res.Refs, res.Self, res.Guesses} {
		sortRefs(l)
	}
	sort.SliceStable(res.Members, func(i, j int) bool {
		a, b := res.Members[i], res.Members[j]
		if a.Key != b.Key {
			return a.Key.Path < b.Key.Path
		}
		if a.Pos != b.Pos {
			return a.Pos.Less(b.Pos)
		}
		return a.Kind < b.Kind
	})
	return res
}

func sortRefs(refs []*index.Ref) {
	sort.SliceStable(refs, func(i, j int) bool {
		if refs[i].From != refs[j].From {
			return refs[i].From < refs[j].From
		}
		if refs[i].Pos != refs[j].Pos {
			return refs[i].Pos.Less(refs[j].Pos)
		}
		return refs[i].Kind < refs[j].Kind
	})
}

// External reports whether a hidden reference comes from outside the
// compiler's view of the working set (a linkname push, a cgo export): it
// can never be removed with the target.
func External(r *index.Ref) bool {
	return r.Hidden && r.Encl == (index.Key{}) && (r.Kind == index.Linkname || r.Kind == index.CgoExport)
}

func analyzePackages(x *index.Index, t *target.Target, res *Result) {
	in := map[string]bool{}
	for _, p := range t.Pkgs {
		in[p] = true
		in[p+"_test"] = true
	}
	// A reference from inside the packages goes with them, whatever its
	// kind: a //go:linkname pull or an //export in them is removed too.
	add := func(r *index.Ref) {
		if in[r.From] {
			res.Self = append(res.Self, r)
		} else {
			res.Refs = append(res.Refs, r)
		}
	}
	for _, path := range t.Pkgs {
		for _, r := range x.RefsTo(index.PkgKey(path)) {
			add(r)
		}
		// Hidden references to the package's declarations that no
		// import carries (linkname pulls, cgo exports).
		p := x.Package(path)
		if p == nil {
			continue
		}
		seen := map[index.Key]bool{}
		for _, d := range p.Decls {
			if seen[d.Key] {
				continue
			}
			seen[d.Key] = true
			for _, r := range x.RefsTo(d.Key) {
				if r.Kind == index.Linkname || r.Kind == index.CgoExport {
					add(r)
				}
			}
		}
	}
}

func analyzeSymbol(x *index.Index, t *target.Target, res *Result) {
	keys := map[index.Key]bool{}
	for _, k := range t.Keys {
		keys[k] = true
	}
	self := func(r *index.Ref) bool {
		if External(r) {
			return false
		}
		if keys[r.Encl] {
			return true
		}
		// A method of a removed type.
		if t.Kind == index.Type && inMethodOf(r, t.Key) {
			return true
		}
		if r.Kind == index.Embed && keys[r.To] && t.Kind != index.Type {
			return false
		}
		return r.Test && NamedTest(r.EnclName, TestStem(t)) && strings.TrimSuffix(r.From, "_test") == t.Pkgs[0]
	}
	// file sorts a reference to k: one to a member (not t.Key) is a
	// member use unless nothing names the type for it (External).
	// Member uses inside what is removed are not listed at all.
	file := func(k index.Key, r *index.Ref) {
		switch {
		case self(r):
			if k == t.Key {
				res.Self = append(res.Self, r)
			}
		case k != t.Key && !External(r):
			res.Members = append(res.Members, Member{Key: k, Ref: r})
		default:
			res.Refs = append(res.Refs, r)
		}
	}
	var names []index.Key
	member := map[index.Key]index.Key{} // by-name key -> the member it reaches
	for _, k := range t.Keys {
		for _, r := range x.RefsTo(k) {
			file(k, r)
		}
		// By-name uses: templates, reflection and plugins cannot say
		// which type they mean.
		d := x.Decls(k)
		if len(d) == 0 {
			continue
		}
		decl := d[0]
		exported := isExported(decl.Name)
		byName := func(nk index.Key) {
			names = append(names, nk)
			if _, ok := member[nk]; !ok {
				member[nk] = k
			}
		}
		switch decl.Kind {
		case index.Method, index.Field:
			if exported {
				byName(index.NameKey(index.NameMember, decl.Name))
				if decl.Kind == index.Method {
					byName(index.NameKey(index.NameMethod, ""))
				} else {
					byName(index.NameKey(index.NameField, ""))
				}
			}
			// A type assertion to an interface with this method may
			// find it on a value of the type (x.(boolFlag)).
			if decl.Kind == index.Method && !decl.Iface {
				name := decl.Name
				if !exported {
					name = strings.TrimSuffix(decl.Key.Pkg, "_test") + "." + name
				}
				byName(index.NameKey(index.NameAssert, name))
			}
		case index.Func, index.Var:
			if exported && t.Pkg != nil && t.Pkg.Name == "main" && decl.Recv == "" {
				byName(index.NameKey(index.NameMain, decl.Name))
				byName(index.NameKey(index.NameMain, ""))
			}
		}
	}
	// A method that libraries find by type assertion (UnmarshalYAML,
	// String, XXX_Marshal) may be called wherever a value of its type
	// travels, through fields of other types too: every use of the type
	// outside its own methods keeps the method.
	if via, ok := index.DynamicMethod(t.Name); ok && t.Kind == index.Method && len(t.Decls) > 0 && !t.Decls[0].Iface {
		typ := index.Key{Pkg: t.Key.Pkg, Path: t.Recv}
		for _, r := range x.RefsTo(typ) {
			// A selection through an embedded typ passes no value
			// of it anywhere (kind embed); the embedding names it.
			if inMethodOf(r, typ) || self(r) || r.Kind == index.Embed {
				continue
			}
			c := *r
			c.To, c.Kind, c.Hidden = t.Key, index.Implements, true
			c.Note = fmt.Sprintf("uses %s; %s may be called dynamically as %s", t.Recv, t.Name, via)
			res.Refs = append(res.Refs, &c)
		}
	}
	for _, nk := range names {
		for _, r := range x.RefsTo(nk) {
			if r.Guess {
				res.Guesses = append(res.Guesses, r)
			} else {
				file(member[nk], r)
			}
		}
	}
	res.Refs = dedup(res.Refs)
	res.Self = dedup(res.Self)
	res.Guesses = dedup(res.Guesses)
	res.Members = dedupMembers(res.Members)
}

// dedupMembers drops a member use seen twice at one position with one
// kind (a field referenced by its key and by name).
func dedupMembers(ms []Member) []Member {
	type id struct {
		pos  index.Pos
		kind index.Kind
		key  index.Key
	}
	return dedupBy(ms, func(m Member) id { return id{m.Pos, m.Kind, m.Key} })
}

// inMethodOf reports whether r is made inside a method (or field) of the
// named type typ.
func inMethodOf(r *index.Ref, typ index.Key) bool {
	return r.Encl.Pkg == typ.Pkg && strings.HasPrefix(r.Encl.Path, typ.Path+".")
}

// dedup drops a reference seen twice at one position with one kind (a
// type's method referenced as the type's own key and as a by-name key).
func dedup(refs []*index.Ref) []*index.Ref {
	type id struct {
		pos  index.Pos
		kind index.Kind
		to   index.Key
	}
	return dedupBy(refs, func(r *index.Ref) id { return id{r.Pos, r.Kind, r.To} })
}

// dedupBy keeps the first of the elements of xs with the same key, in
// order, reusing xs.
func dedupBy[T any, K comparable](xs []T, key func(T) K) []T {
	seen := map[K]bool{}
	out := xs[:0]
	for _, x := range xs {
		if k := key(x); !seen[k] {
			seen[k] = true
			out = append(out, x)
		}
	}
	return out
}

// TestStem is the name tests of t are named after: F for a func or type,
// T_M for a method or field.
func TestStem(t *target.Target) string {
	if t.Recv != "" {
		return strings.ReplaceAll(t.Recv, ".", "_") + "_" + t.Name
	}
	return t.Name
}

// NamedTest reports whether fn is a test, example, benchmark or fuzz test
// named after stem: TestX, TestX_y, ExampleX, BenchmarkX_y, FuzzX.
func NamedTest(fn, stem string) bool {
	if fn == "" || strings.Contains(fn, ".") {
		return false
	}
	for _, prefix := range []string{"Test", "Example", "Benchmark", "Fuzz"} {
		rest, ok := strings.CutPrefix(fn, prefix)
		if !ok {
			continue
		}
		rest = strings.TrimPrefix(rest, "_") // Test_x for unexported x
		if rest == stem || strings.HasPrefix(rest, stem+"_") {
			return true
		}
		if r := []rune(stem); len(r) > 0 && unicode.IsLower(r[0]) {
			up := string(unicode.ToUpper(r[0])) + string(r[1:])
			if rest == up || strings.HasPrefix(rest, up+"_") {
				return true
			}
		}
	}
	return false
}

func isExported(name string) bool {
	for _, r := range name {
		return unicode.IsUpper(r)
	}
	return false
}

// analyzeModule finds the imports of the module's packages and its
// requirement lines. An import path belongs to the longest required module
// path that prefixes it (example.com/a/sub may be a module of its own).
func analyzeModule(x *index.Index, ws *load.WorkingSet, t *target.Target, res *Result) {
	mod := t.Module
	var required []string
	for _, m := range ws.Modules {
		for _, req := range m.File.Require {
			required = append(required, req.Mod.Path)
			if req.Mod.Path == mod {
				res.Self = append(res.Self, &index.Ref{
					To: t.Key, Kind: index.Require, From: m.Path, Note: "require " + req.Mod.Version,
					Pos: index.Pos{Module: m.Path, File: "go.mod", Line: req.Syntax.Start.Line, Col: req.Syntax.Start.LineRune},
				})
			}
		}
		for _, rep := range m.File.Replace {
			if rep.Old.Path == mod {
				res.Self = append(res.Self, &index.Ref{
					To: t.Key, Kind: index.Require, From: m.Path, Note: "replace",
					Pos: index.Pos{Module: m.Path, File: "go.mod", Line: rep.Syntax.Start.Line, Col: rep.Syntax.Start.LineRune},
				})
			}
		}
	}
	if !slices.Contains(required, mod) {
		required = append(required, mod)
	}
	owner := func(path string) string {
		best := ""
		for _, m := range required {
			if (path == m || strings.HasPrefix(path, m+"/")) && len(m) > len(best) {
				best = m
			}
		}
		return best
	}
	for _, p := range x.Packages {
		for i := range p.Refs {
			r := &p.Refs[i]
			if r.Kind == index.Import && x.Package(r.To.Pkg) == nil && owner(r.To.Pkg) == mod {
				res.Refs = append(res.Refs, r)
			}
		}
	}
}

// AddDepImports adds to a module target's result the imports of its
// packages by other modules of the build: the requirement stays needed
// while they exist.
func AddDepImports(res *Result, deps []load.DepImport) {
	for _, d := range deps {
		if d.Of != res.Target.Module {
			continue
		}
		res.Refs = append(res.Refs, &index.Ref{
			To: res.Target.Key, Kind: index.Import, From: d.Importer,
			Pos:  index.Pos{Module: d.Module, File: d.File, Line: d.Line, Col: d.Col},
			Note: "in dependency " + d.Module,
		})
	}
	sortRefs(res.Refs)
}
