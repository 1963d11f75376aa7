package dead

// This file is the reachability itself: a node per declaration (and per
// enclosing declaration that declares nothing a target can name: init,
// blank declarations), the references of the index as edges, and a
// breadth-first marking from the roots, so that the first path found to
// a node is a shortest one (-why prints it).

import (
	"slices"
	"strings"

	"github.com/goremover/goremover/internal/index"
	"github.com/goremover/goremover/internal/load"
)

type state uint8

// reflectionOnly starts the how of an uncertain root (M4).
const reflectionOnly = "reachable only through reflection"

const (
	dead state = iota
	live
	uncertain
)

// cause is how a node became live: through a reference that node from
// makes (ref), or as a root (from < 0).
type cause struct {
	from int32
	ref  *index.Ref
	pos  index.Pos // where, for causes without a reference
	how  string
}

type node struct {
	key   index.Key
	decls []*index.Decl
	out   []*index.Ref // references its declaration makes
	conv  []*index.Ref // values that become interface values in it
	state state
	cause cause

	typ     int32   // for a method or field: its named type's node; -1
	spec    int32   // for a var or const: the node its spec's references go to; -1
	members []int32 // for a type: its methods and fields
	elems   []int32 // for a type: what reflection reaches from it

	runtime bool // a type with values in interfaces
	rtCause cause
	iface   bool   // a method of an interface type
	qual    string // for a method: the name an interface call matches
}

type analysis struct {
	x    *index.Index
	opts *Options

	ids   map[index.Key]int32
	nodes []node

	methodsByQual map[string][]int32 // concrete methods by qualified name
	membersByName map[string][]int32 // exported methods and fields by name
	mainByName    map[string][]int32 // exported funcs and vars of main packages
	imports       map[string][]string
	hiddenRoots   []*index.Ref // linkname and cgo export
	fileRoots     []*index.Ref // other references outside any declaration
	guesses       []*index.Ref // reflection and plugin.Lookup with computed names

	mods      []Module
	apiModule map[string]bool // modules whose exported API is a root
	linked    map[string]bool // packages some root links

	files  map[string]fileInfo   // by module and file
	byFile map[string]*load.File // the scanned files, by module and file

	invoked     map[string]cause // method names called through interfaces
	reflectable []int32          // exported methods of runtime types
	phase       state
	queue       []int32
}

// node returns the node of k, creating it.
func (a *analysis) node(k index.Key) int32 {
	if id, ok := a.ids[k]; ok {
		return id
	}
	id := int32(len(a.nodes))
	a.nodes = append(a.nodes, node{key: k, typ: -1, spec: -1})
	a.ids[k] = id
	return id
}

// qualName is the name an interface method call matches a method by:
// an unexported name is qualified by its package (without _test).
func qualName(k index.Key, name string) string {
	if isExported(name) {
		return name
	}
	return strings.TrimSuffix(k.Pkg, "_test") + "." + name
}

func newAnalysis(x *index.Index, opts *Options) *analysis {
	a := &analysis{
		x: x, opts: opts,
		ids:           map[index.Key]int32{},
		methodsByQual: map[string][]int32{},
		membersByName: map[string][]int32{},
		mainByName:    map[string][]int32{},
		imports:       map[string][]string{},
		apiModule:     map[string]bool{},
		linked:        map[string]bool{},
		invoked:       map[string]cause{},
		phase:         live,
	}
	for _, p := range x.Packages {
		for i := range p.Decls {
			d := &p.Decls[i]
			if d.Test && !opts.Tests {
				continue
			}
			id := a.node(d.Key)
			a.nodes[id].decls = append(a.nodes[id].decls, d)
		}
	}
	a.linkMembers()
	for _, p := range x.Packages {
		a.addRefs(p)
	}
	a.linkAliases()
	return a
}

// linkAliases gives the methods declared with an alias as receiver
// (type A = T; func (A) M()) to the aliased type: values of T have them.
// The alias's declaration refers to T, first.
func (a *analysis) linkAliases() {
	for id := range a.nodes {
		n := &a.nodes[id]
		if len(n.members) == 0 || len(n.decls) == 0 || !n.decls[0].Alias {
			continue
		}
		target := int32(-1)
		for _, r := range n.out {
			if to, ok := a.ids[r.To]; ok && r.Kind == index.Use && len(a.nodes[to].decls) > 0 && a.nodes[to].decls[0].Kind == index.Type && !a.nodes[to].decls[0].Alias {
				target = to
				break
			}
		}
		if target < 0 {
			continue
		}
		for _, m := range n.members {
			a.nodes[m].typ = target
		}
		a.nodes[target].members = append(a.nodes[target].members, n.members...)
		n.members = nil
	}
}

// linkMembers ties methods and fields to their types, var and const specs
// to their first name, and fills the by-name tables.
func (a *analysis) linkMembers() {
	type specID struct {
		file string
		end  index.Pos
	}
	specs := map[specID]int32{}
	for id := range a.nodes {
		n := &a.nodes[id]
		if len(n.decls) == 0 {
			continue
		}
		d := n.decls[0]
		switch d.Kind {
		case index.Method, index.Field:
			recv, _, _ := strings.Cut(d.Recv, ".")
			t := a.node(index.Key{Pkg: d.Key.Pkg, Path: recv})
			n = &a.nodes[id] // a.node may have moved the slice
			n.typ = t
			a.nodes[t].members = append(a.nodes[t].members, int32(id))
			if d.Kind == index.Method {
				n.iface = d.Iface
				n.qual = qualName(d.Key, d.Name)
				if !d.Iface {
					a.methodsByQual[n.qual] = append(a.methodsByQual[n.qual], int32(id))
				}
			}
			if isExported(d.Name) && !d.Iface {
				a.membersByName[d.Name] = append(a.membersByName[d.Name], int32(id))
			}
		case index.Func, index.Var:
			if p := a.x.Package(d.Key.Pkg); p != nil && p.Name == "main" && isExported(d.Name) {
				a.mainByName[d.Name] = append(a.mainByName[d.Name], int32(id))
			}
		}
		if d.Kind == index.Var || d.Kind == index.Const {
			// Names declared by one spec share its references,
			// which the index gives to the first name.
			for _, d := range n.decls {
				sid := specID{d.Pos.Module + "\x00" + d.Pos.File, d.End}
				if first, ok := specs[sid]; ok {
					if first != int32(id) && a.nodes[id].spec < 0 {
						a.nodes[id].spec = first
					}
				} else {
					specs[sid] = int32(id)
				}
			}
		}
	}
	// The first name of a spec is the one declared first; the map
	// kept whichever came first in node order, which is declaration
	// order within a package.
}

// addRefs turns a package's references and runtime facts into edges.
func (a *analysis) addRefs(p *index.Package) {
	for i := range p.Refs {
		r := &p.Refs[i]
		if r.Test && !a.opts.Tests {
			continue
		}
		switch {
		case r.Kind == index.Import:
			if !a.fileIgnored(r.Pos) {
				a.imports[r.From] = append(a.imports[r.From], r.To.Pkg)
			} else {
				// A //go:build ignore program links what it imports.
				a.imports[""] = append(a.imports[""], r.To.Pkg)
			}
			continue
		case r.Encl == (index.Key{}):
			switch r.Kind {
			case index.Linkname, index.CgoExport:
				a.hiddenRoots = append(a.hiddenRoots, r)
			case index.Embed:
				// A method promoted through an embedded field, at
				// the field: the selection that uses it is the
				// reference.
			default:
				a.fileRoots = append(a.fileRoots, r)
			}
			continue
		}
		from := a.source(r)
		a.nodes[from].out = append(a.nodes[from].out, r)
	}
	for i := range p.Runtime {
		r := &p.Runtime[i]
		if r.Test && !a.opts.Tests {
			continue
		}
		switch r.Kind {
		case index.Convert:
			from := a.node(r.Encl)
			a.nodes[from].conv = append(a.nodes[from].conv, r)
		case index.Element:
			from, to := a.node(r.Encl), a.node(r.To)
			a.nodes[from].elems = append(a.nodes[from].elems, to)
		}
	}
}

// source returns the node a reference is made by: its enclosing
// declaration, or, for a reference inside the declaration of a struct
// field (its type, its tag-less nested fields), the field.
func (a *analysis) source(r *index.Ref) int32 {
	encl := a.node(r.Encl)
	n := &a.nodes[encl]
	if len(n.members) == 0 || len(n.decls) == 0 || n.decls[0].Kind != index.Type {
		return encl
	}
	// The innermost field whose declaration holds the reference. A
	// reference at a field's own name is its embedded type: the type
	// needs it whatever the field's fate. Several names sharing one
	// type (a, b T) leave it to the type.
	best := int32(-1)
	var bestDecl *index.Decl
	for _, m := range n.members {
		for _, d := range a.nodes[m].decls {
			if d.Kind != index.Field || d.Pos.File != r.Pos.File || d.Pos.Module != r.Pos.Module {
				continue
			}
			if d.Embedded && !r.Pos.Less(d.Pos) && !d.End.Less(r.Pos) {
				return encl
			}
			if r.Pos.Less(d.Pos) || d.End.Less(r.Pos) {
				continue
			}
			if bestDecl == nil || bestDecl.Pos.Less(d.Pos) {
				best, bestDecl = m, d
			}
		}
	}
	if best < 0 {
		return encl
	}
	for _, m := range n.members {
		for _, d := range a.nodes[m].decls {
			if m != best && d.Kind == index.Field && d.End == bestDecl.End && d.Pos.File == bestDecl.Pos.File && d.Recv == bestDecl.Recv {
				return encl
			}
		}
	}
	return best
}

// fileIgnored reports whether the file at p is a //go:build ignore file.
func (a *analysis) fileIgnored(p index.Pos) bool {
	f := a.x.File(p)
	return f != nil && slices.Contains(f.Platforms, "ignore")
}

// fileGoFuzz reports whether the file at p builds only with the gofuzz
// or gofuzz_libfuzzer tag, which go-fuzz-build sets.
func (a *analysis) fileGoFuzz(p index.Pos) bool {
	f := a.x.File(p)
	if f == nil {
		return false
	}
	for _, pl := range f.Platforms {
		if strings.Contains(pl, "tag:gofuzz") {
			return true
		}
	}
	return false
}

// run marks what is live, then what is uncertain.
func (a *analysis) run() {
	a.mods = a.modules()
	a.link()
	a.roots()
	// (M3) The standard library and well-known runtimes call these
	// through type assertions on whatever they are given.
	for _, name := range index.DynamicMethods() {
		via, _ := index.DynamicMethod(name)
		a.invoke(name, cause{from: -1, how: "called through " + via + " by code outside the working set"})
	}
	a.drain()
	// (M4) Exported methods of runtime types that nothing calls, and
	// what plugin.Lookup with a computed name may find.
	a.phase = uncertain
	for _, m := range a.reflectable {
		t := a.nodes[m].typ
		a.mark(m, cause{from: a.nodes[t].rtCause.from, ref: a.nodes[t].rtCause.ref, pos: a.nodes[t].rtCause.pos,
			how: reflectionOnly + ": values of " + a.nodes[t].key.Path + " become interface values"})
	}
	for _, r := range a.guesses {
		if a.nodes[a.ids[r.Encl]].state == dead {
			continue
		}
		if kind, _, _ := r.To.IsName(); kind == index.NameMain {
			for _, ms := range a.mainByName {
				for _, m := range ms {
					a.mark(m, cause{from: a.ids[r.Encl], ref: r, how: "plugin.Lookup with a computed name"})
				}
			}
		}
	}
	a.drain()
	// Interface methods: live when some interface call has their name
	// and their interface is live.
	for id := range a.nodes {
		n := &a.nodes[id]
		if !n.iface || n.state != dead || n.typ < 0 || a.nodes[n.typ].state == dead {
			continue
		}
		if c, ok := a.invoked[n.qual]; ok {
			n.state = a.nodes[n.typ].state
			n.cause = c
		}
	}
}

// mark makes a node live (or uncertain, in the second phase) and queues
// it.
func (a *analysis) mark(id int32, c cause) {
	if id < 0 || a.nodes[id].state != dead {
		return
	}
	a.nodes[id].state = a.phase
	a.nodes[id].cause = c
	a.queue = append(a.queue, id)
}

func (a *analysis) drain() {
	for len(a.queue) > 0 {
		q := a.queue
		a.queue = nil
		for _, id := range q {
			a.visit(id)
		}
	}
}

// visit follows what a live node uses.
func (a *analysis) visit(id int32) {
	n := &a.nodes[id]
	if n.typ >= 0 {
		a.mark(n.typ, cause{from: id, how: "its member is live"})
	}
	if n.spec >= 0 {
		a.mark(n.spec, cause{from: id, how: "declared in the same spec"})
	}
	for _, r := range a.nodes[id].out {
		a.follow(id, r)
	}
	for _, r := range a.nodes[id].conv {
		a.runtime(a.node(r.To), cause{from: id, ref: r, how: "becomes an interface value"})
	}
	n = &a.nodes[id]
	if len(n.decls) > 0 && n.decls[0].Kind == index.Type && a.apiType(n) {
		// (R5) Importers may call the exported members of any
		// value of the type they get.
		for _, m := range n.members {
			if d := a.nodes[m].decls; len(d) > 0 && isExported(d[0].Name) && !d[0].Test {
				a.mark(m, cause{from: id, pos: d[0].Pos, how: "exported member of a type of a library"})
			}
		}
	}
}

// apiType reports whether a type node's members are API: it is declared
// in a module whose API is a root.
func (a *analysis) apiType(n *node) bool {
	p := a.x.Package(strings.TrimSuffix(n.key.Pkg, "_test"))
	return p != nil && a.apiModule[p.Module] && !strings.HasSuffix(n.key.Pkg, "_test") && p.Name != "main"
}

// follow follows one reference of a live node.
func (a *analysis) follow(from int32, r *index.Ref) {
	c := cause{from: from, ref: r}
	if kind, name, ok := r.To.IsName(); ok {
		if r.Guess || name == "" {
			a.guesses = append(a.guesses, r)
			return
		}
		switch kind {
		case index.NameMember, index.NameAssert:
			// (M5) A template action, reflection on a value of
			// unknown type, or a type assertion to an interface
			// finds a method of that name on whatever value it is
			// given: on a runtime type, like an interface call.
			// (Exported fields of runtime types are live already.)
			a.invoke(name, c)
		case index.NameMain:
			for _, m := range a.mainByName[name] {
				a.mark(m, c)
			}
		}
		return
	}
	if r.Kind == index.Implements {
		if r.Ext || r.Hidden {
			// (M3) Code outside the working set may call it.
			to := a.node(r.To)
			a.mark(to, c)
			if q := a.nodes[to].qual; q != "" {
				a.invoke(q, c)
			}
		}
		// Otherwise the conversion made its type a runtime type,
		// and an interface call of the method's name makes it live.
		return
	}
	to := a.node(r.To)
	a.mark(to, c)
	if a.nodes[to].iface {
		a.invoke(a.nodes[to].qual, c)
	}
}

// invokedHow says how a method name was invoked (for -why): through an
// interface, or by a hidden use that finds it by name on any value.
func invokedHow(c cause) string {
	if c.ref != nil {
		switch c.ref.Kind {
		case index.Template:
			return "named by a template action"
		case index.Reflect:
			return "found by reflection (" + c.ref.Note + ")"
		}
		if kind, _, _ := c.ref.To.IsName(); kind == index.NameAssert {
			return "found by a type assertion"
		}
	}
	return "called through an interface"
}

// invoke records that methods named q are called through an interface:
// (M3) those of runtime types are live.
func (a *analysis) invoke(q string, c cause) {
	if _, ok := a.invoked[q]; ok {
		return
	}
	a.invoked[q] = c
	for _, m := range a.methodsByQual[q] {
		if t := a.nodes[m].typ; t >= 0 && a.nodes[t].runtime {
			a.mark(m, cause{from: c.from, ref: c.ref, pos: c.pos, how: invokedHow(c)})
		}
	}
}

// runtime records that t is a runtime type (M2), and what reflection
// reaches from it.
func (a *analysis) runtime(t int32, c cause) {
	stack := []int32{t}
	causes := []cause{c}
	for len(stack) > 0 {
		t, c := stack[len(stack)-1], causes[len(causes)-1]
		stack, causes = stack[:len(stack)-1], causes[:len(causes)-1]
		n := &a.nodes[t]
		if n.runtime {
			continue
		}
		n.runtime = true
		n.rtCause = c
		for _, m := range n.members {
			mn := &a.nodes[m]
			if len(mn.decls) == 0 {
				continue
			}
			d := mn.decls[0]
			switch {
			case d.Kind == index.Field && isExported(d.Name):
				a.mark(m, cause{from: c.from, ref: c.ref, pos: c.pos, how: "read by reflection: its type becomes an interface value"})
			case d.Kind == index.Method && !mn.iface:
				if ic, ok := a.invoked[mn.qual]; ok {
					a.mark(m, cause{from: c.from, ref: c.ref, pos: c.pos, how: "its type becomes an interface value, and " + d.Name + " is " + invokedHow(ic) + " at " + posString(ic)})
				} else if isExported(d.Name) {
					if a.phase == uncertain {
						a.mark(m, cause{from: c.from, ref: c.ref, pos: c.pos, how: reflectionOnly + ": values of " + n.key.Path + " become interface values"})
					} else {
						a.reflectable = append(a.reflectable, m)
					}
				}
			}
		}
		for _, e := range n.elems {
			if !a.nodes[e].runtime {
				stack = append(stack, e)
				causes = append(causes, c)
			}
		}
	}
}

func posString(c cause) string {
	p := c.pos
	if c.ref != nil {
		p = c.ref.Pos
	}
	if p.File == "" {
		return "?"
	}
	return p.File + ":" + itoa(p.Line) + ":" + itoa(p.Col)
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var b [20]byte
	i := len(b)
	for n > 0 {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
	}
	return string(b[i:])
}
