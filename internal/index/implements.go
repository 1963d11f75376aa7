package index

// This file finds interface satisfaction: every site where a value of a
// concrete type is used as an interface (assignment, argument, return,
// composite literal element, send, conversion, comparison, type assertion,
// type-parameter instantiation). At such a site every method the
// interface needs is referenced, with kind "implements"; a method
// promoted from an embedded field also references the embedding ("embed").
//
// A value converted to an interface that does not name a well-known
// dynamic method (String, Error, MarshalJSON, ...) may still have it
// called through a type assertion inside the callee (fmt, encoding/json):
// such methods get a hidden "implements" reference.

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"maps"
	"slices"
)

// dynamicMethods are methods that the standard library finds by type
// assertion on values passed as interfaces.
var dynamicMethods = map[string]string{
	"String":          "fmt.Stringer",
	"GoString":        "fmt.GoStringer",
	"Format":          "fmt.Formatter",
	"Error":           "error",
	"Unwrap":          "errors.Unwrap",
	"Is":              "errors.Is",
	"As":              "errors.As",
	"MarshalJSON":     "json.Marshaler",
	"UnmarshalJSON":   "json.Unmarshaler",
	"MarshalText":     "encoding.TextMarshaler",
	"UnmarshalText":   "encoding.TextUnmarshaler",
	"MarshalBinary":   "encoding.BinaryMarshaler",
	"UnmarshalBinary": "encoding.BinaryUnmarshaler",
	"MarshalXML":      "xml.Marshaler",
	"UnmarshalXML":    "xml.Unmarshaler",
	"MarshalYAML":     "yaml.Marshaler",
	"UnmarshalYAML":   "yaml.Unmarshaler",
	"GobEncode":       "gob.GobEncoder",
	"GobDecode":       "gob.GobDecoder",
	"Scan":            "sql.Scanner",
	"Value":           "driver.Valuer",
	// io, net and net/http look for these on the values they are given.
	"ReadFrom":             "io.ReaderFrom",
	"WriteTo":              "io.WriterTo",
	"WriteString":          "io.StringWriter",
	"Timeout":              "net.Error",
	"Temporary":            "net.Error",
	"Flush":                "http.Flusher",
	"Hijack":               "http.Hijacker",
	"Push":                 "http.Pusher",
	"CloseIdleConnections": "http.Client.CloseIdleConnections",
	// Protocol buffers runtimes find these by type assertion on a
	// proto.Message.
	"XXX_Marshal":          "protobuf",
	"XXX_Unmarshal":        "protobuf",
	"XXX_Size":             "protobuf",
	"XXX_Merge":            "protobuf",
	"XXX_DiscardUnknown":   "protobuf",
	"Marshal":              "protobuf (gogo)",
	"MarshalTo":            "protobuf (gogo)",
	"MarshalToSizedBuffer": "protobuf (gogo)",
	"Unmarshal":            "protobuf (gogo)",
	"Size":                 "protobuf (gogo)",
}

// DynamicMethod reports whether a method of this name is commonly called
// by the standard library or a well-known runtime through a type
// assertion, and through which interface.
func DynamicMethod(name string) (via string, ok bool) {
	via, ok = dynamicMethods[name]
	return
}

// DynamicMethods returns the names DynamicMethod knows, sorted.
func DynamicMethods() []string {
	return slices.Sorted(maps.Keys(dynamicMethods))
}

// conversions records the implicit conversions to interfaces at node n,
// whose ancestors (n included, last) are stack.
func (s *fileState) conversions(n ast.Node, stack []ast.Node) {
	info := s.b.u.Info
	typeOf := func(e ast.Expr) types.Type {
		if tv, ok := info.Types[e]; ok && !tv.IsType() {
			return tv.Type
		}
		return nil
	}
	switch n := n.(type) {
	case *ast.CallExpr:
		tv, ok := info.Types[n.Fun]
		if !ok {
			return
		}
		if tv.IsType() {
			if len(n.Args) == 1 {
				s.site(n.Args[0], typeOf(n.Args[0]), tv.Type)
				s.layout(n.Args[0], typeOf(n.Args[0]), tv.Type)
			}
			return
		}
		sig, ok := tv.Type.Underlying().(*types.Signature)
		if !ok {
			return
		}
		params := sig.Params()
		// f(g()) passes g's results as the arguments.
		args := make([]ast.Expr, len(n.Args))
		argTypes := make([]types.Type, len(n.Args))
		for i, arg := range n.Args {
			args[i], argTypes[i] = arg, typeOf(arg)
		}
		if len(n.Args) == 1 {
			if tup, ok := argTypes[0].(*types.Tuple); ok {
				args, argTypes = nil, nil
				for i := range tup.Len() {
					args = append(args, n.Args[0])
					argTypes = append(argTypes, tup.At(i).Type())
				}
			}
		}
		for i, arg := range args {
			var pt types.Type
			switch {
			case sig.Variadic() && i >= params.Len()-1:
				if n.Ellipsis.IsValid() {
					continue
				}
				if sl, ok := params.At(params.Len() - 1).Type().Underlying().(*types.Slice); ok {
					pt = sl.Elem()
				}
			case i < params.Len():
				pt = params.At(i).Type()
			}
			if pt != nil {
				s.site(arg, argTypes[i], pt)
			}
		}
	case *ast.AssignStmt:
		if n.Tok != token.ASSIGN {
			return
		}
		if len(n.Lhs) == len(n.Rhs) {
			for i := range n.Lhs {
				s.site(n.Rhs[i], typeOf(n.Rhs[i]), typeOf(n.Lhs[i]))
			}
		} else if len(n.Rhs) == 1 {
			if tup, ok := typeOf(n.Rhs[0]).(*types.Tuple); ok && tup.Len() == len(n.Lhs) {
				for i := range n.Lhs {
					s.site(n.Rhs[0], tup.At(i).Type(), typeOf(n.Lhs[i]))
				}
			}
		}
	case *ast.ValueSpec:
		if n.Type == nil {
			return
		}
		to := info.TypeOf(n.Type)
		for _, v := range n.Values {
			if tup, ok := typeOf(v).(*types.Tuple); ok {
				for i := range tup.Len() {
					s.site(v, tup.At(i).Type(), to)
				}
				continue
			}
			s.site(v, typeOf(v), to)
		}
	case *ast.ReturnStmt:
		sig := enclosingSig(info, stack)
		if sig == nil {
			return
		}
		if len(n.Results) == 1 && sig.Results().Len() > 1 {
			// return g(): g's results are the function's.
			if tup, ok := typeOf(n.Results[0]).(*types.Tuple); ok && tup.Len() == sig.Results().Len() {
				for i := range tup.Len() {
					s.site(n.Results[0], tup.At(i).Type(), sig.Results().At(i).Type())
				}
			}
			return
		}
		if sig.Results().Len() != len(n.Results) {
			return
		}
		for i, r := range n.Results {
			s.site(r, typeOf(r), sig.Results().At(i).Type())
		}
	case *ast.CompositeLit:
		t := typeOf(n)
		if t == nil {
			return
		}
		if p, ok := t.Underlying().(*types.Pointer); ok {
			t = p.Elem()
		}
		switch u := t.Underlying().(type) {
		case *types.Struct:
			for i, e := range n.Elts {
				if kv, ok := e.(*ast.KeyValueExpr); ok {
					if id, ok := kv.Key.(*ast.Ident); ok {
						if f, ok := info.Uses[id].(*types.Var); ok {
							s.site(kv.Value, typeOf(kv.Value), f.Type())
						}
					}
				} else if i < u.NumFields() {
					s.site(e, typeOf(e), u.Field(i).Type())
				}
			}
		case *types.Slice, *types.Array:
			elem := u.(interface{ Elem() types.Type }).Elem()
			for _, e := range n.Elts {
				if kv, ok := e.(*ast.KeyValueExpr); ok {
					e = kv.Value
				}
				s.site(e, typeOf(e), elem)
			}
		case *types.Map:
			for _, e := range n.Elts {
				if kv, ok := e.(*ast.KeyValueExpr); ok {
					s.site(kv.Key, typeOf(kv.Key), u.Key())
					s.site(kv.Value, typeOf(kv.Value), u.Elem())
				}
			}
		}
	case *ast.SendStmt:
		if ch, ok := types.Unalias(typeOf(n.Chan)).(interface{ Elem() types.Type }); ok {
			if _, isChan := typeOf(n.Chan).Underlying().(*types.Chan); isChan {
				s.site(n.Value, typeOf(n.Value), ch.Elem())
			}
		}
	case *ast.BinaryExpr:
		if n.Op == token.EQL || n.Op == token.NEQ {
			x, y := typeOf(n.X), typeOf(n.Y)
			s.site(n.Y, y, x)
			s.site(n.X, x, y)
		}
	case *ast.IndexExpr:
		if m, ok := typeOfUnder[*types.Map](typeOf(n.X)); ok {
			s.site(n.Index, typeOf(n.Index), m.Key())
		}
	case *ast.TypeAssertExpr:
		if n.Type != nil {
			s.site(n.Type, info.TypeOf(n.Type), typeOf(n.X))
			s.asserted(n.Type, info.TypeOf(n.Type), typeOf(n.X))
		}
	case *ast.TypeSwitchStmt:
		var x ast.Expr
		switch a := n.Assign.(type) {
		case *ast.AssignStmt:
			x = a.Rhs[0].(*ast.TypeAssertExpr).X
		case *ast.ExprStmt:
			x = a.X.(*ast.TypeAssertExpr).X
		}
		to := typeOf(x)
		for _, c := range n.Body.List {
			for _, e := range c.(*ast.CaseClause).List {
				s.site(e, info.TypeOf(e), to)
				s.asserted(e, info.TypeOf(e), to)
			}
		}
	case *ast.Ident:
		inst, ok := info.Instances[n]
		if !ok {
			return
		}
		var tparams *types.TypeParamList
		switch t := inst.Type.(type) {
		case *types.Signature:
			if obj, ok := info.Uses[n].(*types.Func); ok {
				tparams = obj.Origin().Signature().TypeParams()
			}
			_ = t
		case *types.Named:
			tparams = t.Origin().TypeParams()
		}
		if tparams == nil {
			return
		}
		boxes := boxingGeneric(info.Uses[n])
		for i := range inst.TypeArgs.Len() {
			if i < tparams.Len() {
				// Satisfying a constraint puts no value in an
				// interface.
				s.constraint = true
				s.site(n, inst.TypeArgs.At(i), tparams.At(i).Constraint())
				s.constraint = false
			}
			// The generic code may put values of the type argument
			// in interfaces: it is a runtime type.
			if boxes {
				s.convert(n, inst.TypeArgs.At(i))
			}
		}
	}
}

func typeOfUnder[T types.Type](t types.Type) (T, bool) {
	var zero T
	if t == nil {
		return zero, false
	}
	u, ok := t.Underlying().(T)
	return u, ok
}

// enclosingSig returns the signature of the innermost function around the
// top of stack.
func enclosingSig(info *types.Info, stack []ast.Node) *types.Signature {
	for i := len(stack) - 1; i >= 0; i-- {
		switch f := stack[i].(type) {
		case *ast.FuncLit:
			if sig, ok := info.TypeOf(f).(*types.Signature); ok {
				return sig
			}
			return nil
		case *ast.FuncDecl:
			if obj, ok := info.Defs[f.Name].(*types.Func); ok {
				return obj.Type().(*types.Signature)
			}
			return nil
		}
	}
	return nil
}

// site records that a value of type from is used as type to at e.
func (s *fileState) site(e ast.Node, from, to types.Type) {
	if from == nil || to == nil {
		return
	}
	if _, isTP := to.(*types.TypeParam); isTP {
		return
	}
	iface, ok := to.Underlying().(*types.Interface)
	if !ok {
		return
	}
	if types.IsInterface(from) {
		if _, isTP := from.(*types.TypeParam); !isTP {
			s.escape(e, from, iface)
		}
		return
	}
	if !s.constraint {
		s.convert(e, from)
	}
	named := from
	if p, ok := from.(*types.Pointer); ok {
		named = p.Elem()
	}
	if n, ok := types.Unalias(named).(*types.Named); !ok || n.Obj().Pkg() == nil || !s.b.inWS(stripTest(n.Obj().Pkg().Path())) {
		return
	}
	needed := map[string]bool{}
	for i := range iface.NumMethods() {
		m := iface.Method(i)
		needed[m.Name()] = true
		obj, index, _ := types.LookupFieldOrMethod(from, true, m.Pkg(), m.Name())
		fn, ok := obj.(*types.Func)
		if !ok {
			continue
		}
		k, ok := s.b.key(fn)
		if !ok {
			continue
		}
		if _, ws := s.b.key(m); ws {
			s.ref(k, e.Pos(), Implements)
		} else {
			s.refExt(k, e.Pos())
		}
		s.embedPath(k, from, index)
	}
	// Methods found dynamically behind an interface that does not name
	// them: only for values passed as any (fmt.Println, json.Marshal)
	// or as error (errors.Is, errors.As); any other interface makes the
	// guess too noisy to be useful.
	if iface.NumMethods() > 0 && !types.Identical(to, types.Universe.Lookup("error").Type()) {
		return
	}
	ms := types.NewMethodSet(from)
	for i := range ms.Len() {
		fn, ok := ms.At(i).Obj().(*types.Func)
		if !ok || needed[fn.Name()] {
			continue
		}
		via, dyn := dynamicMethods[fn.Name()]
		if !dyn {
			continue
		}
		if k, ok := s.b.key(fn); ok {
			s.refHidden(k, e.Pos(), Implements, false, "may be called dynamically as "+via)
			s.embedPath(k, from, ms.At(i).Index())
		}
	}
}

// escape records, for a value of interface type from used as interface
// type to, the methods of from that satisfy methods of to declared
// outside the working set or in an unnamed interface: code that is not
// indexed may call them (Ref.Ext), on whatever from holds.
func (s *fileState) escape(e ast.Node, from types.Type, to *types.Interface) {
	for i := range to.NumMethods() {
		m := to.Method(i)
		if _, ws := s.b.key(m); ws {
			continue
		}
		obj, _, _ := types.LookupFieldOrMethod(from, false, m.Pkg(), m.Name())
		if fn, ok := obj.(*types.Func); ok {
			if k, ok := s.b.key(fn); ok {
				s.refExt(k, e.Pos())
			}
		}
	}
}

// boxFree are generic functions and types of the standard library that
// never put values of their type arguments in interfaces.
var boxFree = map[string]bool{
	"slices": true, "maps": true, "cmp": true, "iter": true, "sync/atomic": true,
}

// boxingGeneric reports whether the generic function or type obj may put
// values of its type arguments in interfaces: any but those of boxFree.
func boxingGeneric(obj types.Object) bool {
	if obj == nil || obj.Pkg() == nil {
		return true
	}
	return !boxFree[obj.Pkg().Path()]
}

// layout records, for a conversion between struct types (or pointers to
// them) and for a conversion between unsafe.Pointer and a pointer to a
// struct, a use of every field of the struct types involved: each field
// is part of a layout the conversion relies on, and removing one breaks
// the conversion or changes what the memory means.
func (s *fileState) layout(e ast.Node, from, to types.Type) {
	if from == nil || to == nil || types.Identical(from, to) {
		return
	}
	isUnsafe := func(t types.Type) bool {
		b, ok := t.Underlying().(*types.Basic)
		return ok && b.Kind() == types.UnsafePointer
	}
	structOf := func(t types.Type, ptr bool) *types.Struct {
		if ptr {
			p, ok := t.Underlying().(*types.Pointer)
			if !ok {
				return nil
			}
			t = p.Elem()
		}
		st, _ := t.Underlying().(*types.Struct)
		return st
	}
	var structs []*types.Struct
	switch {
	case isUnsafe(from):
		structs = append(structs, structOf(to, true))
	case isUnsafe(to):
		structs = append(structs, structOf(from, true))
	default:
		_, ptr := from.Underlying().(*types.Pointer)
		structs = append(structs, structOf(from, ptr), structOf(to, ptr))
		if structs[0] == nil || structs[1] == nil {
			return
		}
	}
	for _, st := range structs {
		if st == nil {
			continue
		}
		for i := range st.NumFields() {
			if k, ok := s.b.key(st.Field(i)); ok {
				s.ref(k, e.Pos(), Use)
			}
		}
	}
}

// embedPath records the embedded fields through which a method is
// promoted to from. The conversion does not use their types the way a
// selection does (promoted): the type checker reports nothing there
// when an embedded type is missing, only at the embedding.
func (s *fileState) embedPath(k Key, from types.Type, index []int) {
	t := from
	for _, i := range index[:len(index)-1] {
		f := structField(t, i)
		if f == nil {
			return
		}
		if f.Pos().IsValid() && f.Pkg() != nil && s.b.inWS(stripTest(f.Pkg().Path())) {
			if pos := s.b.pos(f.Pos()); pos.Module != "" {
				s.b.add(Ref{To: k, Pos: pos, Kind: Embed, From: f.Pkg().Path(), Note: "promoted through embedded " + f.Name(), Test: isTestFile(pos.File)})
			}
		}
		t = f.Type()
	}
}

func stripTest(path string) string {
	if len(path) > 5 && path[len(path)-5:] == "_test" {
		return path[:len(path)-5]
	}
	return path
}

func isTestFile(name string) bool {
	return len(name) > 8 && name[len(name)-8:] == "_test.go"
}

// asserted records, for a type assertion (or type switch case) of a value
// of interface type from to interface type to, a by-name reference to
// each method of to that from does not have: the assertion finds it
// dynamically on whatever concrete value travels in from, which no
// conversion site names (x.(boolFlag) finds IsBoolFlag on any flag).
func (s *fileState) asserted(at ast.Node, to, from types.Type) {
	ti, ok := typeOfUnder[*types.Interface](to)
	if !ok || from == nil {
		return
	}
	fi, ok := typeOfUnder[*types.Interface](from)
	if !ok {
		return
	}
	for i := range ti.NumMethods() {
		m := ti.Method(i)
		if obj, _, _ := types.LookupFieldOrMethod(fi, false, m.Pkg(), m.Name()); obj != nil {
			continue // known from the static type already
		}
		name := m.Name()
		if !m.Exported() && m.Pkg() != nil {
			name = m.Pkg().Path() + "." + name
		}
		s.refHidden(NameKey(NameAssert, name), at.Pos(), Implements, false,
			fmt.Sprintf("a type assertion to %s may find %s dynamically", types.TypeString(to, types.RelativeTo(s.b.u.Types)), m.Name()))
	}
}
