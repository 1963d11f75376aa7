// Package index is goremover's reference index: for every package of the
// working set, the declarations it makes and every reference its files make,
// in every build configuration, tests included.
//
// References are keyed by (package path, source name) rather than by
// types.Object, so that the per-configuration type checks (each with its own
// objects) and the on-disk cache all speak about the same declarations.
package index

import (
	"sort"
	"strings"

	"github.com/goremover/goremover/internal/load"
)

// Kind is the kind of a reference, as in the SPEC's JSON shapes.
type Kind string

const (
	Call       Kind = "call"
	Use        Kind = "use"
	Import     Kind = "import"
	Implements Kind = "implements"
	Embed      Kind = "embed"
	Linkname   Kind = "linkname"
	Reflect    Kind = "reflect"
	Template   Kind = "template"
	Plugin     Kind = "plugin"
	CgoExport  Kind = "cgo-export"
	Require    Kind = "require"

	// Convert and Element are the kinds of Package.Runtime facts, never
	// of references.
	Convert Kind = "convert"
	Element Kind = "element"
)

// Key names a declaration: a package (Path == ""), or an object in it by
// source name: "F", "T", "T.M" (method or field), "T.F.G" (a field of an
// anonymous struct field). An external test package's path ends in _test.
//
// By-name keys, for uses whose declaration cannot be known statically
// (template fields, reflection on an unknown type, plugin symbols), have an
// empty Pkg and a Path of the form "name:KIND:Name" (see NameKey).
type Key struct {
	Pkg  string `json:"pkg"`
	Path string `json:"path,omitempty"`
}

// PkgKey returns the key of the package itself.
func PkgKey(path string) Key { return Key{Pkg: path} }

// Name-key kinds: what a by-name use can reach.
const (
	NameMember = "member" // an exported method or field of some type
	NameMain   = "main"   // an exported top-level func or var of a main package (plugin.Lookup)
	NameMethod = "method" // any exported method (reflection with a non-constant name)
	NameField  = "field"  // any exported field (reflection with a non-constant name)
	// NameAssert: a method that a type assertion to an interface may find
	// dynamically (x.(boolFlag) finds IsBoolFlag on whatever x holds).
	// An unexported name is qualified by its package: "pkg.name".
	NameAssert = "assert"
)

// NameKey returns the by-name key for a use of name that can reach any
// declaration of the given name-key kind. An empty name means "any name":
// the use is only a guess (reflection on a non-constant name).
func NameKey(kind, name string) Key { return Key{Path: "name:" + kind + ":" + name} }

// IsName reports whether k is a by-name key, and returns its parts.
func (k Key) IsName() (kind, name string, ok bool) {
	if k.Pkg != "" || !strings.HasPrefix(k.Path, "name:") {
		return "", "", false
	}
	kind, name, _ = strings.Cut(strings.TrimPrefix(k.Path, "name:"), ":")
	return kind, name, true
}

func (k Key) String() string {
	if k.Path == "" {
		return k.Pkg
	}
	return k.Pkg + "#" + k.Path
}

// Pos is a position in a file of a module. File is slash-separated and
// relative to the module root; Line and Col are 1-based (Col in bytes).
type Pos struct {
	Module string `json:"module,omitempty"`
	File   string `json:"file"`
	Line   int    `json:"line"`
	Col    int    `json:"col"`
}

// Less orders positions by module, file, line and column.
func (p Pos) Less(q Pos) bool {
	if p.Module != q.Module {
		return p.Module < q.Module
	}
	if p.File != q.File {
		return p.File < q.File
	}
	if p.Line != q.Line {
		return p.Line < q.Line
	}
	return p.Col < q.Col
}

// Ref is one reference to a declaration.
type Ref struct {
	To   Key  `json:"to"`   // what is referenced
	Pos  Pos  `json:"pos"`  // where
	Kind Kind `json:"kind"` // how
	// From is the import path of the package whose file makes the
	// reference; for an external test package it ends in "_test".
	From string `json:"from"`
	// Encl is the top-level declaration that encloses the reference
	// (a func, a method, a type, a var or const spec), or the zero Key
	// for file-level references such as imports.
	Encl Key `json:"encl,omitzero"`
	// EnclName is Encl's source name ("F", "T.M"), kept to recognise
	// tests named after a target (TestF, ExampleT_M) without types.
	EnclName string `json:"encl_name,omitempty"`
	Test     bool   `json:"test,omitempty"`   // in a _test.go file
	Hidden   bool   `json:"hidden,omitempty"` // invisible to the compiler
	// Guess is set when the use can only be guessed (reflection with a
	// non-constant name): reported, but it does not make a target unsafe.
	Guess bool `json:"guess,omitempty"`
	// Note explains a hidden or guessed reference ("MethodByName(\"Do\")").
	Note string `json:"note,omitempty"`
	// Ext is set on an implements reference when the interface method
	// it satisfies is declared outside the working set or in an
	// unnamed interface: code that is not indexed may call it. On a
	// reference to an interface method, it says that values of the
	// interface are converted to such an interface.
	Ext bool `json:"ext,omitempty"`
}

// DeclKind is the kind of a declaration, as in the SPEC's JSON shapes.
type DeclKind string

const (
	Func        DeclKind = "func"
	Method      DeclKind = "method"
	Field       DeclKind = "field"
	Type        DeclKind = "type"
	Const       DeclKind = "const"
	Var         DeclKind = "var"
	PackageKind DeclKind = "package"
	ModuleKind  DeclKind = "module"
)

// Decl is a declaration of a working-set package that a target can name.
type Decl struct {
	Key  Key      `json:"key"`
	Kind DeclKind `json:"kind"`
	Name string   `json:"name"`
	Recv string   `json:"recv,omitempty"` // for methods and fields: the named type
	Pos  Pos      `json:"pos"`
	// End is the end of the declaration's source extent, used to map a
	// file:line:col target to the innermost declaration containing it.
	End  Pos  `json:"end"`
	Test bool `json:"test,omitempty"` // declared in a _test.go file
	// Iface is set for methods of interface types.
	Iface bool `json:"iface,omitempty"`
	// Effect is set for a package-level var whose initialiser may have
	// a side effect (it calls a function or receives from a channel):
	// it runs whether or not the var is used.
	Effect bool `json:"effect,omitempty"`
	// Alias is set for an alias type declaration (type A = T).
	Alias bool `json:"alias,omitempty"`
	// Embedded is set for an embedded struct field.
	Embedded bool `json:"embedded,omitempty"`
	// Empty is set for a method with no parameters, no results and an
	// empty body, and for an interface method with no parameters and
	// no results: the shape of a marker method.
	Empty bool `json:"empty,omitempty"`
}

// File is a Go file of a working-set package.
type File struct {
	Pos Pos `json:"pos"` // Line and Col are zero
	// Platforms lists the configurations that compile the file, as in
	// the SPEC: ["all"], or labels such as "windows/*", "tag:integration",
	// "ignore".
	Platforms []string `json:"platforms"`
	// Constraint is the file's build constraint as written (file name
	// suffix and //go:build line combined), "" if none.
	Constraint string `json:"constraint,omitempty"`
	Test       bool   `json:"test,omitempty"`
}

// Package is the index of one working-set package directory: the package,
// its in-package and external tests, in every configuration. It is the unit
// of caching.
type Package struct {
	Path   string `json:"path"`
	Name   string `json:"name"`
	Module string `json:"module"` // module path
	Dir    string `json:"dir"`    // slash-separated, relative to the module root
	Files  []File `json:"files"`  // every .go file of the directory
	Decls  []Decl `json:"decls"`  // package-level declarations, methods and fields
	Refs   []Ref  `json:"refs"`   // references made by the files of the directory
	// Runtime are the facts that say which types may be the dynamic
	// type of an interface value, and so have their methods called
	// through interfaces and their members reached by reflection:
	//
	//	kind convert: a value of the type To (or one that reflection
	//	reaches To from: a []To, a struct with a To field) becomes an
	//	interface value in Encl, or To is a type argument;
	//	kind element: reflection can reach a value of To from a value
	//	of the type Encl (a field, an element, a method's parameter or
	//	result), at Encl's declaration.
	Runtime []Ref    `json:"runtime,omitempty"`
	Errors  []string `json:"errors,omitempty"` // load and type errors, as warnings
	// AltErrors are the type errors of the other configurations, which
	// stand-in dependencies cause too: not warnings, but the baseline
	// that verification after an edit compares against.
	AltErrors []string `json:"alt_errors,omitempty"`
}

// Index is the reference index of a working set.
type Index struct {
	Packages []*Package // sorted by Path
	// Dirs are the directories the index was built from, with the file
	// contents it read: edits start from these bytes, so that the hash
	// check before writing covers everything since the load.
	Dirs []*load.Dir

	byPath map[string]*Package
	refsTo map[Key][]*Ref
	decls  map[Key][]*Decl
	files  map[Pos]*File // keyed by Pos{Module, File}
}

// New builds the lookup tables of an index over pkgs.
func New(pkgs []*Package) *Index {
	sort.Slice(pkgs, func(i, j int) bool { return pkgs[i].Path < pkgs[j].Path })
	x := &Index{
		Packages: pkgs,
		byPath:   make(map[string]*Package),
		refsTo:   make(map[Key][]*Ref),
		decls:    make(map[Key][]*Decl),
		files:    make(map[Pos]*File),
	}
	for _, p := range pkgs {
		x.byPath[p.Path] = p
		for i := range p.Refs {
			r := &p.Refs[i]
			x.refsTo[r.To] = append(x.refsTo[r.To], r)
		}
		for i := range p.Decls {
			d := &p.Decls[i]
			x.decls[d.Key] = append(x.decls[d.Key], d)
		}
		for i := range p.Files {
			f := &p.Files[i]
			x.files[Pos{Module: f.Pos.Module, File: f.Pos.File}] = f
		}
	}
	return x
}

// Package returns the indexed package with the given import path, or nil.
func (x *Index) Package(path string) *Package { return x.byPath[path] }

// Decls returns the declarations with the given key: one, or one per
// file when build configurations declare it in several files.
func (x *Index) Decls(k Key) []*Decl { return x.decls[k] }

// RefsTo returns the references to k, by-name keys included.
func (x *Index) RefsTo(k Key) []*Ref { return x.refsTo[k] }

// File returns the file containing p, or nil if it is not a working-set file.
func (x *Index) File(p Pos) *File { return x.files[Pos{Module: p.Module, File: p.File}] }
