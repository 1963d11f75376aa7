package drift

// This file registers the rules of goremover drift (GR3xx): one per kind
// of change against the baseline, and the module proxy's answers with
// -online. Rule IDs are stable: a rule that goes away leaves its ID
// unused.

import "github.com/goremover/goremover/internal/report"

var (
	ruleAdded = report.Register(&report.Rule{
		ID: "GR301", Name: "ModuleAdded", Title: "module added to the build since the baseline",
		Severity: report.Info, Since: "v0.4.0",
		Text: `
A module that the build list of a working-set module has now and the
baseline's did not: a new requirement, or one that a dependency's go.mod
brought in. drift prints the requirement chains that select it and the
import chains from the working set's files to its packages.
`,
		Before: "(baseline) require example.com/user v1.0.0",
		After:  "require (\n\texample.com/user v1.0.0\n\texample.com/gen v1.0.0\n)",
	})
	ruleRemoved = report.Register(&report.Rule{
		ID: "GR302", Name: "ModuleRemoved", Title: "module gone from the build since the baseline",
		Severity: report.Info, Since: "v0.4.0",
		Text: `
A module that the baseline's build list had and the build no longer has.
drift prints the requirement chains that selected it at the baseline,
with positions in the baseline's go.mod (REF:go.mod:LINE:COL).
`,
	})
	ruleUpgraded = report.Register(&report.Rule{
		ID: "GR303", Name: "ModuleUpgraded", Title: "module selected at a higher version than at the baseline",
		Severity: report.Warning, Since: "v0.4.0",
		Text: `
The build selects a higher version of the module than the baseline did.
Minimal version selection picks the highest version that any go.mod of
the module graph requires, so the upgrade may come from a dependency's
go.mod rather than yours (an SDK upgrade that requires a newer
google.golang.org/grpc): drift prints every requirement of the new
version, with the chain from the main module, and the imports from the
working set that run the module's code.
`,
		Before: "(baseline) example.com/dep v1.0.0 selected",
		After:  "example.com/user v1.0.0 requires example.com/dep v1.1.0: v1.1.0 selected",
	})
	ruleDowngraded = report.Register(&report.Rule{
		ID: "GR304", Name: "ModuleDowngraded", Title: "module selected at a lower version than at the baseline",
		Severity: report.Warning, Since: "v0.4.0",
		Text: `
The build selects a lower version of the module than the baseline did:
the requirement that raised it went away (a dependency dropped or
downgraded, a require line lowered). Fixes and behaviour of the higher
version are gone.
`,
	})
	ruleMajor = report.Register(&report.Rule{
		ID: "GR305", Name: "MajorVersionJump", Title: "module moved to another major version since the baseline",
		Severity: report.Error, Since: "v0.4.0",
		Text: `
The selected version's major version differs from the baseline's
(v1.x to v2.0.0+incompatible, v0.x to v1.x), or a module path of
another major version (example.com/lib/v2) joined the build while the
baseline had example.com/lib. A major version may break its API and
behaviour; two major versions in one build are two copies of the code,
with their own state.
`,
		Before: "(baseline) require example.com/lib v1.0.0",
		After:  "require example.com/lib/v2 v2.0.0",
	})
	ruleIncompatible = report.Register(&report.Rule{
		ID: "GR306", Name: "IncompatibleVersion", Title: "+incompatible version selected since the baseline",
		Severity: report.Warning, Since: "v0.4.0",
		Text: `
The build now selects a +incompatible version: a v2 or later tag of a
repository without a go.mod, outside semantic import versioning. Its
import path does not say its major version, and it declares no
requirements of its own, so what it needs is not in the module graph.
`,
	})
	ruleUpdate = report.Register(&report.Rule{
		ID: "GR310", Name: "UpdateAvailable", Title: "newer version of a module of the build available",
		Severity: report.Info, Since: "v0.4.0", Online: true,
		Text: `
With -online, the module proxy has a newer version of a module of the
build list, as go list -m -u says. drift prints the requirement chains
that select the current version.
`,
	})
	ruleRetracted = report.Register(&report.Rule{
		ID: "GR311", Name: "RetractedVersionSelected", Title: "selected version retracted by its module",
		Severity: report.Error, Since: "v0.4.0", Online: true,
		Text: `
With -online, the module's latest go.mod retracts the selected version
(a retract directive, with its rationale): its authors say not to use
it. drift prints the requirement chains that select it, so that you
know which go.mod to raise.
`,
	})
	ruleDeprecated = report.Register(&report.Rule{
		ID: "GR312", Name: "DeprecatedModuleSelected", Title: "module of the build deprecated by its authors",
		Severity: report.Warning, Since: "v0.4.0", Online: true,
		Text: `
With -online, the module's latest go.mod has a "// Deprecated:" comment
on its module line. drift prints it with the requirement chains that
select the module.
`,
	})
)

// ruleOf returns the rule of a change: a major version jump first, then
// a +incompatible version, then its kind.
func ruleOf(c *Change) *report.Rule {
	switch {
	case c.Major:
		return ruleMajor
	case c.Incompatible:
		return ruleIncompatible
	}
	switch c.Kind {
	case Added:
		return ruleAdded
	case Removed:
		return ruleRemoved
	case Upgraded:
		return ruleUpgraded
	}
	return ruleDowngraded
}
