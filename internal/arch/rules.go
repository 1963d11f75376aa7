package arch

// This file registers the rules of goremover arch check (GR4xx) with
// their docs. Rule IDs are stable: a rule that goes away leaves its ID
// unused.

import "github.com/goremover/goremover/internal/report"

const configDoc = `
The rule comes from the arch: section of .goremover.yaml at the module
or workspace root ('goremover arch schema' prints its JSON Schema). An
import counts in every build configuration: a _windows.go file's import
is reported with [windows/*], one only _test.go files make is marked
(test) and counts unless the section says tests: false.
`

var (
	ruleLayer = report.Register(&report.Rule{
		ID: "GR401", Name: "ArchLayer", Title: "a layer imports a layer above it",
		Severity: report.Error, Since: "v0.5.0",
		Text: `
Layers are listed from the top: a package of a layer may import the
packages of its own layer and of the layers listed after it, never those
of a layer listed before it, directly or through packages of the working
set that are in no layer (the chain is printed).
` + configDoc,
		Before: "arch:\n  layers: [./cmd/..., ./internal/service/..., ./internal/store/...]\n\n// internal/store/db.go\nimport \"example.com/m/internal/service\"",
		After:  "(the store no longer imports the service: move the shared code down)",
	})
	ruleForbidden = report.Register(&report.Rule{
		ID: "GR402", Name: "ArchForbidden", Title: "a forbidden import",
		Severity: report.Error, Since: "v0.5.0",
		Text: `
A package that a forbidden rule's from matches imports one that its to
matches, and neither is exempt (except). With transitive: true, an
import chain through other packages of the working set counts too, and
is printed.
` + configDoc,
		Before: "arch:\n  forbidden:\n    - from: ./internal/controller/...\n      to: ./internal/httpclient/...",
		After:  "(the controller goes through the service, which owns the client)",
	})
	ruleOnly = report.Register(&report.Rule{
		ID: "GR403", Name: "ArchOnly", Title: "an import that only other packages may make",
		Severity: report.Error, Since: "v0.5.0",
		Text: `
An only rule names packages (import path patterns, module paths: a
module path stands for all its packages, std for the standard library)
that only the packages its from matches may import: database drivers
only in the adapters, say. Any other importer is reported.
` + configDoc,
		Before: "arch:\n  only:\n    - imports: [github.com/lib/pq, database/sql]\n      from: ./adapters/...",
		After:  "(the handler asks an adapter instead of opening the database)",
	})
	ruleInternal = report.Register(&report.Rule{
		ID: "GR404", Name: "ArchInternal", Title: "an internal package imported from another module of the workspace",
		Severity: report.Error, Since: "v0.5.0",
		Text: `
The go command allows an import of a/internal/x from any package whose
import path starts with a, whatever module it is in: in a workspace,
module a/tools may import a/internal/x of module a, and the build
breaks only when a/tools is built without the workspace, or a/internal
changes. With internal: true, an import of an internal package of
another module of the working set is reported, as is one from outside
the internal directory's parent (which the go command rejects).
` + configDoc,
		Before: "// tools/go.mod: module example.com/a/tools\nimport \"example.com/a/internal/secret\"",
		After:  "(the package moves out of internal/, or into the tools module)",
	})
	ruleCycle = report.Register(&report.Rule{
		ID: "GR405", Name: "ArchCycle", Title: "an import cycle between groups of packages",
		Severity: report.Error, Since: "v0.5.0",
		Text: `
The go command forbids cycles between packages; a cycles rule forbids
them between groups of packages: the directories some levels under
each module root (dirs: N), or named groups of patterns. Each cycle is
reported once, at the import that closes a shortest loop, with the
import of each step.
` + configDoc,
		Before: "arch:\n  cycles: [{dirs: 1}]\n\n// storage/x imports web/y, web/z imports storage/w",
		After:  "(one direction of the loop is gone)",
	})
	ruleFanOut = report.Register(&report.Rule{
		ID: "GR406", Name: "ArchFanOut", Title: "a package imports too many packages of the working set",
		Severity: report.Error, Since: "v0.5.0",
		Text: `
A fan rule's max_out bounds the number of distinct packages of the
working set that a package imports (the standard library and other
modules do not count; nor do imports only _test.go files make, unless
the rule says tests: true). The finding is at the package's first
import of the working set.
` + configDoc,
	})
	ruleFanIn = report.Register(&report.Rule{
		ID: "GR407", Name: "ArchFanIn", Title: "a package is imported by too many packages of the working set",
		Severity: report.Error, Since: "v0.5.0",
		Text: `
A fan rule's max_in bounds the number of distinct packages of the
working set that import a package (its own external test does not
count; nor do imports only _test.go files make, unless the rule says
tests: true). The finding is at line 1 of the package's first file.
` + configDoc,
	})
	ruleEmbed = report.Register(&report.Rule{
		ID: "GR408", Name: "ArchEmbed", Title: "a //go:embed that no embed rule allows",
		Severity: report.Error, Since: "v0.5.0",
		Text: `
With an embed: section, every //go:embed line of the working set needs
a rule whose packages match its package and whose dirs match each
directory it embeds from (a directory it names, or the directory of a
file it names): assets stay where the packages that serve them are.
` + configDoc,
		Before: "arch:\n  embed:\n    - packages: ./web/ui\n      dirs: ./web/ui/static/...\n\n// internal/mail/mail.go\n//go:embed templates\nvar fs embed.FS",
		After:  "(a rule allows ./internal/mail to embed ./internal/mail/templates)",
	})
)
