package dead

// This file registers the rules of goremover dead (GR2xx) with their
// docs. Rule IDs are stable: a rule that goes away leaves its ID unused.

import (
	"github.com/goremover/goremover/internal/index"
	"github.com/goremover/goremover/internal/report"
)

const rootsDoc = `
Dead starts from the roots: func main of every command and of every
//go:build ignore program, func init and var initialisers with side
effects of every linked package, tests, benchmarks, examples and fuzz
targets (-test), what //go:linkname and cgo //export reach, and, for a
library (-api), its exported API. Everything the roots reach, in any
build configuration, is live.
`

var (
	ruleDeadFunc = report.Register(&report.Rule{
		ID: "GR201", Name: "DeadFunc", Title: "function that no root reaches",
		Severity: report.Warning, Since: "v0.3.0",
		Text: `
A package-level function that nothing live calls or uses as a value, in
any build configuration: it is unreachable from every root, or only dead
code calls it.
` + rootsDoc,
		Before: "func legacyCharge(amount int) error { ... } // no caller left",
		After:  "(the function is gone)",
	})
	ruleDeadMethod = report.Register(&report.Rule{
		ID: "GR202", Name: "DeadMethod", Title: "method that no root reaches",
		Severity: report.Warning, Since: "v0.3.0",
		Text: `
A method that nothing live calls: no call or method value names it, and
it is not called through an interface. A method is called through an
interface when a value of its type becomes an interface value in live
code and live code calls a method of that name through an interface
(or code outside the working set may: the interface is declared
elsewhere, or the method is one the standard library finds by type
assertion, such as String or MarshalJSON), as Rapid Type Analysis
decides. A method that only satisfies an interface whose method nothing
calls is dead; so is, then, the interface method (reported too).

An interface method that nothing calls is reported under this rule.
Marker methods (unexported, no parameters, no results, empty body) are
not: removing them changes which types satisfy their interface.
`,
		Before: "func (c *Client) retryLegacy() error { ... } // no call, no interface call",
		After:  "(the method is gone)",
	})
	ruleDeadType = report.Register(&report.Rule{
		ID: "GR203", Name: "DeadType", Title: "type that nothing live uses",
		Severity: report.Warning, Since: "v0.3.0",
		Text: `
A type that no live code names, in any build configuration, transitively:
a type used only in the signatures or bodies of dead functions is dead
too. Its methods and fields go with it and are not reported apart.
`,
		Before: "type legacyRequest struct{ ... } // used only by dead legacyCharge",
		After:  "(the type and its methods are gone)",
	})
	ruleDeadField = report.Register(&report.Rule{
		ID: "GR204", Name: "DeadField", Title: "struct field that nothing live uses",
		Severity: report.Warning, Since: "v0.3.0",
		Text: `
A field of a live struct type that no live code selects, sets in a
composite literal, or needs for a conversion between struct types or
through unsafe.Pointer. An exported field of a type whose values become
interface values is live: encoding/json, fmt and templates read it by
reflection. Embedded fields and blank (_) fields are never reported.
`,
		Before: "type Config struct {\n\tName    string\n\tlegacy  bool // never read or set\n}",
		After:  "type Config struct {\n\tName string\n}",
	})
	ruleDeadConst = report.Register(&report.Rule{
		ID: "GR205", Name: "DeadConst", Title: "constant that nothing live uses",
		Severity: report.Warning, Since: "v0.3.0",
		Text: `
A package-level constant that no live code uses, in any build
configuration. In an iota block, removing it shifts the values of the
constants after it.
`,
	})
	ruleDeadVar = report.Register(&report.Rule{
		ID: "GR206", Name: "DeadVar", Title: "variable that nothing live uses",
		Severity: report.Warning, Since: "v0.3.0",
		Text: `
A package-level variable that no live code uses, whose initialiser has no
side effect (calls nothing, receives from no channel): removing it
changes nothing the program does. A variable whose initialiser calls a
function is never reported: the call runs whether or not the variable is
used.
`,
	})
	ruleDeadPackage = report.Register(&report.Rule{
		ID: "GR207", Name: "DeadPackage", Title: "package that no root links",
		Severity: report.Warning, Since: "v0.3.0",
		Text: `
A package that is not a command and that nothing imports, or that only
packages no root links import (with -test=false: only tests). None of
its code can run. Its declarations are not reported apart.
`,
	})
	ruleDeadFile = report.Register(&report.Rule{
		ID: "GR208", Name: "DeadFile", Title: "file whose declarations are all dead",
		Severity: report.Warning, Since: "v0.3.0",
		Text: `
A Go file all of whose declarations are dead, with no func init, blank
declaration, blank or dot import, import "C", //go:generate or
//go:embed line: the whole file can go. Its declarations are listed in
the finding and not reported apart.
`,
	})
	ruleUncertain = report.Register(&report.Rule{
		ID: "GR210", Name: "ReflectionOnly", Title: "code only reflection with a computed name can reach",
		Severity: report.Info, Since: "v0.3.0",
		Text: `
An exported method of a type whose values become interface values, that
nothing calls by name and no interface call of its name reaches, or
code that only such methods reach. Reflection may still call it
(reflect.Value.Method, MethodByName with a name computed at run time, a
template whose text goremover cannot see), so it is never reported as
dead: look before removing it.
`,
	})
	ruleUnexport = report.Register(&report.Rule{
		ID: "GR211", Name: "ExportedOnlyLocally", Title: "exported identifier only its own package uses",
		Severity: report.Info, Since: "v0.3.0",
		Text: `
An exported top-level identifier of a package whose API is not a root (a
package of an application module, or an internal/ package) that only its
own package, its in-package tests included, refers to: it could be
unexported. Nothing else can break by that.
`,
	})
)

// deadRule returns the rule of a dead declaration of the given kind.
func deadRule(k index.DeclKind) *report.Rule {
	switch k {
	case index.Func:
		return ruleDeadFunc
	case index.Method:
		return ruleDeadMethod
	case index.Type:
		return ruleDeadType
	case index.Field:
		return ruleDeadField
	case index.Const:
		return ruleDeadConst
	case index.Var:
		return ruleDeadVar
	case index.PackageKind:
		return ruleDeadPackage
	}
	return ruleDeadFile
}
