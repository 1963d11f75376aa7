// Package dead finds the code of a working set that nothing live uses:
// functions and methods no root reaches, types, fields, constants and
// variables only dead code uses, packages nothing imports, files whose
// declarations are all dead. It reads the reference index (package
// index) and writes nothing: the command prints what it returns, and a
// removal starts from its findings.
//
// Liveness is reachability over the index's references from the roots,
// in every build configuration at once: a declaration that a
// _windows.go file or a //go:build integration test uses is live. The
// roots are
//
//	(R1) func main of every main package and of every //go:build ignore
//	     program (a generator);
//	(R2) func init, package-level var initialisers that may have a side
//	     effect, and blank declarations (var _ I = (*T)(nil), func _()),
//	     of every package a root links (imports, transitively);
//	(R3) with Options.Tests, the tests, benchmarks, examples, fuzz
//	     targets and TestMain of _test.go files;
//	(R4) what the compiler cannot see: //go:linkname in both
//	     directions, cgo //export, in a package a root links; and the
//	     Fuzz functions of //go:build gofuzz files, which go-fuzz calls;
//	(R5) in library mode, the exported identifiers of the packages
//	     outside internal/, and the exported methods and fields of every
//	     live type of the module (importers may call them).
//
// Methods follow Rapid Type Analysis (golang.org/x/tools/go/callgraph/rta),
// over the index's facts rather than SSA:
//
//	(M1) a method called or used by name (x.M(), x.M, T.M) from live
//	     code is live;
//	(M2) a type is a runtime type when a value of it becomes an interface
//	     value in live code, or reflection reaches it from one (its
//	     fields, elements, methods' parameters and results);
//	(M3) a method of a runtime type is live when live code calls a method
//	     of that name through an interface, when it satisfies an
//	     interface declared outside the working set (or an unnamed one)
//	     that a value of the type is converted to, or when the standard
//	     library finds it by type assertion (String, Error, MarshalJSON,
//	     ...: index.DynamicMethod);
//	(M4) an exported method of a runtime type that nothing calls is
//	     reachable only through reflection with a computed name: it is
//	     uncertain, never dead, and so is what only it reaches;
//	(M5) a method that a hidden use names is live: a template action, a
//	     reflect MethodByName or FieldByName with a constant name, a type
//	     assertion to an interface that has it, plugin.Lookup.
//
// Fields are live when live code uses them (a selection, a keyed or
// unkeyed literal, a conversion between struct types), when a hidden use
// names them, and, if exported, when their type is a runtime type
// (encoding/json, fmt and templates read them by reflection). Embedded
// fields and blank fields are never reported.
package dead

import (
	"go/token"
	"strings"

	"github.com/goremover/goremover/internal/index"
)

// API says whether the exported API of a module is a root.
type API string

const (
	APIAuto API = "auto" // yes for a library: a module without a main package
	APIOn   API = "on"   // yes, for every module
	APIOff  API = "off"  // no
)

// ParseAPI parses the -api flag's value.
func ParseAPI(s string) (API, bool) {
	switch API(s) {
	case APIAuto, APIOn, APIOff:
		return API(s), true
	}
	return "", false
}

// Options configure Analyze.
type Options struct {
	API API // "" is APIAuto
	// Tests makes tests, benchmarks, examples and fuzz targets roots.
	// Without it, test files are neither roots nor reported.
	Tests bool
	// Generated reports findings in generated files too.
	Generated bool
}

// Mode is what a module is analysed as.
type Mode string

const (
	Library     Mode = "library"     // its exported API is a root
	Application Mode = "application" // only its commands (and tests) are
)

// Module is the mode a module was analysed in, and why.
type Module struct {
	Path  string   `json:"module"`
	Mode  Mode     `json:"mode"`
	Mains []string `json:"mains,omitempty"` // its main packages
}

// Status says what a finding is.
type Status string

const (
	Dead Status = "dead" // nothing live uses it: removable
	// Uncertain: reachable only through reflection with a computed
	// name; never reported as dead.
	Uncertain Status = "uncertain"
	// Unexport: live, exported, but used only by its own package.
	Unexport Status = "unexport"
)

// Kinds of findings beyond declarations.
const (
	FileKind index.DeclKind = "file"
)

// Finding is one thing that can go (or, for Uncertain and Unexport, that
// deserves a look).
type Finding struct {
	Rule   string         `json:"rule"`
	Status Status         `json:"status"`
	Kind   index.DeclKind `json:"kind"` // func, method, type, field, const, var, package, file
	// Key is the declaration (a package's key for a package, zero for
	// a file).
	Key index.Key `json:"-"`
	// Name is the declaration's source name ("F", "T.M", "T.F"); a
	// package's import path; a file's path.
	Name string    `json:"name"`
	Pkg  string    `json:"pkg"`
	Pos  index.Pos `json:"pos"`
	End  index.Pos `json:"-"` // end of the declaration
	// Reason says why, in a few words ("unreachable from any root");
	// Detail gives the evidence ("used only by Parse (dead) at
	// parse.go:12:3"), if any.
	Reason    string   `json:"reason"`
	Detail    string   `json:"detail,omitempty"`
	Platforms []string `json:"platforms"`
	Test      bool     `json:"test,omitempty"`      // in a _test.go file
	Generated bool     `json:"generated,omitempty"` // in a generated file
	// Decls are the declarations a file finding stands for.
	Decls []index.Key `json:"-"`
}

// Result is the outcome of an analysis.
type Result struct {
	Modules  []Module
	Findings []*Finding // sorted by module, file and position
	a        *analysis
}

// Live reports whether the declaration k is live (or uncertain: reachable
// through reflection).
func (r *Result) Live(k index.Key) bool {
	id, ok := r.a.ids[k]
	return ok && r.a.nodes[id].state != dead
}

// Uncertain reports whether k is reachable only through reflection with
// a computed name.
func (r *Result) Uncertain(k index.Key) bool {
	id, ok := r.a.ids[k]
	return ok && r.a.nodes[id].state == uncertain
}

// Analyze computes the liveness of every declaration of the index.
func Analyze(x *index.Index, opts *Options) *Result {
	if opts == nil {
		opts = &Options{Tests: true}
	}
	o := *opts
	if o.API == "" {
		o.API = APIAuto
	}
	a := newAnalysis(x, &o)
	a.run()
	res := &Result{Modules: a.mods, a: a}
	res.Findings = a.findings()
	return res
}

// internalPath reports whether a package path has an internal element:
// only its module can import it.
func internalPath(p string) bool {
	for _, e := range strings.Split(p, "/") {
		if e == "internal" {
			return true
		}
	}
	return false
}

// isExported reports whether a source name ("F", "T.M") is exported:
// its last element is.
func isExported(name string) bool {
	return token.IsExported(name[strings.LastIndex(name, ".")+1:])
}
