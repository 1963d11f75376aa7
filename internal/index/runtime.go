package index

// This file records the facts that say which types of the working set
// may be the dynamic type of an interface value (Package.Runtime), as
// Rapid Type Analysis computes them (golang.org/x/tools/go/callgraph/rta):
// a type is such a "runtime type" when a value of it is converted to an
// interface, and so is every type that reflection can reach from one (the
// types of its fields and elements, and of its methods' parameters and
// results). Methods of a runtime type may be called through interfaces,
// and its exported methods and fields by reflection; a dead-code analysis
// needs to know which.
//
// Both halves are facts about types alone, independent of what is live:
// a conversion records the named types it reaches without going through
// another named type (kind convert), and each named type the named types
// its structure and method signatures reach (kind element). The closure
// is left to the analysis.

import (
	"go/ast"
	"go/types"

	"github.com/goremover/goremover/internal/load"
)

// addRuntime records a Runtime fact once per (type, declaration, kind).
func (b *builder) addRuntime(r Ref) {
	id := rtID{r.To, r.Encl, r.Kind}
	if b.rtSeen[id] {
		return
	}
	if b.rtSeen == nil {
		b.rtSeen = map[rtID]bool{}
	}
	b.rtSeen[id] = true
	b.pkg.Runtime = append(b.pkg.Runtime, r)
}

// convert records that a value of type t becomes an interface value (or
// is a type argument) at n.
func (s *fileState) convert(n ast.Node, t types.Type) {
	if t == nil {
		return
	}
	pos := s.b.pos(n.Pos())
	if pos.Module == "" {
		return
	}
	s.b.reachable(t, func(k Key) {
		s.b.addRuntime(Ref{To: k, Pos: pos, Kind: Convert, From: s.from, Encl: s.encl, EnclName: s.enclName, Test: s.test})
	})
}

// reachable calls f with the key of each working-set named type that
// reflection can reach from a value of type t without going through
// another named type: t itself if it is one, the element types of a
// slice, map, pointer or channel, the field types of a struct, the
// parameter and result types of a function or of an unnamed interface's
// methods, and the type arguments of an instantiated type (a generic
// type of another module can hold values of them: atomic.Pointer[T]).
func (b *builder) reachable(t types.Type, f func(Key)) {
	seen := map[types.Type]bool{}
	var visit func(t types.Type, depth int)
	visit = func(t types.Type, depth int) {
		if t == nil || depth > 32 || seen[t] {
			return
		}
		seen[t] = true
		switch t := t.(type) {
		case *types.Alias:
			visit(types.Unalias(t), depth+1)
		case *types.Named:
			obj := t.Origin().Obj()
			if k, ok := b.key(obj); ok {
				f(k)
			} else if obj.Pkg() != nil && b.inWS(stripTest(obj.Pkg().Path())) {
				// A type declared inside a function: no key, but
				// what it holds is reachable.
				visit(t.Underlying(), depth+1)
				mset := types.NewMethodSet(types.NewPointer(t))
				for i := range mset.Len() {
					visit(mset.At(i).Obj().Type(), depth+1)
				}
			}
			if args := t.TypeArgs(); args != nil {
				for i := range args.Len() {
					visit(args.At(i), depth+1)
				}
			}
		case *types.Pointer:
			visit(t.Elem(), depth+1)
		case *types.Slice:
			visit(t.Elem(), depth+1)
		case *types.Array:
			visit(t.Elem(), depth+1)
		case *types.Chan:
			visit(t.Elem(), depth+1)
		case *types.Map:
			visit(t.Key(), depth+1)
			visit(t.Elem(), depth+1)
		case *types.Struct:
			for i := range t.NumFields() {
				visit(t.Field(i).Type(), depth+1)
			}
		case *types.Tuple:
			for i := range t.Len() {
				visit(t.At(i).Type(), depth+1)
			}
		case *types.Signature:
			visit(t.Params(), depth+1)
			visit(t.Results(), depth+1)
		case *types.Interface:
			for i := range t.NumMethods() {
				visit(t.Method(i).Type(), depth+1)
			}
		}
	}
	visit(t, 0)
}

// elements records, for each named type the unit's package declares, the
// named types that reflection can reach from a value of it: through its
// underlying type, and through the signatures of the methods of its
// method set (and its pointer's), promoted ones included.
func (b *builder) elements(u *load.Unit) {
	if u.Types == nil {
		return
	}
	scope := u.Types.Scope()
	for _, name := range scope.Names() {
		tn, ok := scope.Lookup(name).(*types.TypeName)
		if !ok || tn.IsAlias() {
			continue
		}
		named, ok := tn.Type().(*types.Named)
		if !ok {
			continue
		}
		from, ok := b.key(tn)
		if !ok {
			continue
		}
		pos := b.pos(tn.Pos())
		if pos.Module == "" {
			continue
		}
		add := func(k Key) {
			if k != from {
				b.addRuntime(Ref{To: k, Pos: pos, Kind: Element, From: u.Path, Encl: from, EnclName: name})
			}
		}
		b.reachable(named.Underlying(), add)
		var mset *types.MethodSet
		if types.IsInterface(named) {
			mset = types.NewMethodSet(named)
		} else {
			mset = types.NewMethodSet(types.NewPointer(named))
		}
		for i := range mset.Len() {
			if sig, ok := mset.At(i).Obj().Type().(*types.Signature); ok && sig.TypeParams() == nil {
				b.reachable(sig.Params(), add)
				b.reachable(sig.Results(), add)
			}
		}
	}
}
