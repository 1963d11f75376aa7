package modfix

// This file registers the rules of goremover doctor (GR1xx) with their
// docs. Rule IDs are stable: a rule that goes away leaves its ID unused.

import "github.com/goremover/goremover/internal/report"

var (
	ruleOffline = report.Register(&report.Rule{
		ID: "GR100", Name: "GraphUnavailableOffline", Title: "module graph cannot be loaded offline",
		Severity: report.Warning, Since: "v0.2.0",
		Text: `
Doctor asks the go command (in a scratch copy, never in your tree) what
go mod tidy would do, without the network: the module cache is its only
source. When go mod tidy fails there, the requirement and go.sum rules
(GR101-GR106) cannot be checked, and this finding says why, with the go
command's message: most often the module cache lacks a module the build
needs ('go mod download' fills it); a checksum mismatch (GR170) or a go
line newer than the local toolchain stops it too.
`,
	})
	ruleUnusedRequire = report.Register(&report.Rule{
		ID: "GR101", Name: "UnusedRequire", Title: "requirement that no package needs",
		Severity: report.Warning, Fixable: true, Since: "v0.2.0",
		Text: `
A require line for a module that no package of the module imports (tests,
every platform and //go:build ignore files included) and that no
dependency needs: go mod tidy would drop it. It keeps a module in the
build graph for nothing, and its go.sum lines with it.

-fix drops the line, as go mod tidy does.
`,
		Before: "require example.com/unused v1.0.0",
		After:  "(the line is gone)",
	})
	ruleMissingRequire = report.Register(&report.Rule{
		ID: "GR102", Name: "MissingRequire", Title: "imported module that go.mod does not require",
		Severity: report.Error, Fixable: true, Since: "v0.2.0",
		Text: `
A package imports a package of a module that go.mod does not require
(go mod tidy would add it): go build fails with "no required module
provides package". -fix adds the requirement go mod tidy adds, when the
module cache holds the module.
`,
	})
	ruleRequireLine = report.Register(&report.Rule{
		ID: "GR103", Name: "RequireLineOutOfDate", Title: "require line with a wrong // indirect mark or version",
		Severity: report.Info, Fixable: true, Since: "v0.2.0",
		Text: `
A requirement that go mod tidy would keep but write differently: marked
// indirect although a package imports it directly, not marked although
none does, or at a lower version than the one the build selects. -fix
writes it as go mod tidy does; the selected version does not change.
`,
		Before: "require example.com/dep v1.0.0 // indirect   (imported by app/app.go)",
		After:  "require example.com/dep v1.0.0",
	})
	ruleStaleSum = report.Register(&report.Rule{
		ID: "GR104", Name: "StaleGoSum", Title: "go.sum line no build needs",
		Severity: report.Info, Fixable: true, Since: "v0.2.0",
		Text: `
A go.sum line for a module version that the build does not need any
more, typically left behind by a removed requirement: go mod tidy would
drop it. -fix removes it.
`,
	})
	ruleMissingSum = report.Register(&report.Rule{
		ID: "GR105", Name: "MissingGoSum", Title: "go.sum line the build needs is missing",
		Severity: report.Error, Fixable: true, Since: "v0.2.0",
		Text: `
The build needs a checksum that go.sum does not have: go build fails with
"missing go.sum entry". -fix adds the line go mod tidy adds, computed from
the module cache (the cache was verified against the checksum database
when the module was downloaded).
`,
	})
	ruleGoLine = report.Register(&report.Rule{
		ID: "GR106", Name: "GoLineOutOfDate", Title: "go or toolchain line older than the requirements need",
		Severity: report.Error, Fixable: true, Since: "v0.2.0",
		Text: `
go.mod's go line is older than the go line of a module the build
selects (or its toolchain line is not the one go mod tidy writes): go
build fails with "updates to go.mod needed", and go mod tidy raises it.
-fix writes the go and toolchain lines go mod tidy writes. A
requirement's go line below go 1.21 is advisory: the go command does
not enforce it, go mod tidy does not raise go.mod's go line for it, and
doctor does not report it (go 1.15 with a requirement that says go 1.18
builds).
`,
		Before: "go 1.21   (example.com/dep v1.0.0 says go 1.23)",
		After:  "go 1.23",
	})
	ruleBadSum = report.Register(&report.Rule{
		ID: "GR107", Name: "MalformedGoSum", Title: "go.sum line the go command cannot read",
		Severity: report.Error, Fixable: true, Since: "v0.2.0",
		Text: `
A go.sum line that does not have three fields (module path, version,
hash): every go command but go mod tidy stops with "malformed go.sum",
and go mod tidy drops the line. -fix drops it too. (A line with three
fields that is no module's checksum is GR104: nothing needs it.)
`,
	})
	ruleReplaceUnused = report.Register(&report.Rule{
		ID: "GR110", Name: "ReplaceNotInGraph", Title: "replace of a module that is not in the build graph",
		Severity: report.Warning, Fixable: true, Since: "v0.2.0",
		Text: `
A replace directive for a module (or module version) that the module
graph does not contain, usually left behind when the requirement was
removed. It does nothing until someone adds the module again, then
silently redirects it. -fix drops the line.
`,
		Before: "replace example.com/old => ../old",
		After:  "(the line is gone)",
	})
	ruleReplaceLocal = report.Register(&report.Rule{
		ID: "GR111", Name: "LocalReplaceOutsideRepo", Title: "local-path replace that a fresh clone cannot resolve",
		Severity: report.Warning, Since: "v0.2.0",
		Text: `
A replace with a directory target (=> ../x) that lies outside the
module's repository, in a module that is not a workspace member: it works
on the machine that wrote it and breaks for anyone who clones the
repository. Use a go.work workspace for local development instead.
`,
	})
	ruleReplaceTarget = report.Register(&report.Rule{
		ID: "GR112", Name: "ReplaceTargetMissing", Title: "replace target directory does not exist or has no go.mod",
		Severity: report.Error, Since: "v0.2.0",
		Text: `
A replace whose target directory does not exist, or has no go.mod: any
build that needs the module fails.
`,
	})
	ruleReplaceWork = report.Register(&report.Rule{
		ID: "GR113", Name: "ReplaceDuplicatedByWork", Title: "replace that go.work duplicates or overrides",
		Severity: report.Warning, Since: "v0.2.0",
		Text: `
A module's replace for a module that go.work also replaces. In workspace
mode go.work's replace wins and the module's is ignored: the two say the
same thing (redundant) or disagree (builds in and out of the workspace
differ).
`,
	})
	ruleReplaceConflict = report.Register(&report.Rule{
		ID: "GR114", Name: "ConflictingReplaces", Title: "workspace modules replace one module differently",
		Severity: report.Error, Since: "v0.2.0",
		Text: `
Two modules of the workspace replace the same module (and version) with
different targets, and go.work does not replace it: the go command
refuses the workspace ("conflicting replacements"). Say in go.work which
one the workspace uses:

	go work edit -replace example.com/dep=../dep
`,
	})
	ruleWorkUse = report.Register(&report.Rule{
		ID: "GR120", Name: "WorkUseMissing", Title: "go.work uses a directory that does not exist or has no go.mod",
		Severity: report.Error, Fixable: true, Since: "v0.2.0",
		Text: `
A use directive of go.work names a directory that does not exist or has
no go.mod: every go command in the workspace fails. -fix drops the use
line.
`,
	})
	ruleWorkUnused = report.Register(&report.Rule{
		ID: "GR122", Name: "WorkModuleUnused", Title: "workspace module that no other workspace module uses",
		Severity: report.Info, Since: "v0.2.0",
		Text: `
A module that go.work uses is imported by no package of the other
workspace modules and has no main package: nothing in the workspace needs
it, so it may be residue of a removal (or an independent module kept in
the workspace on purpose). Not fixable: drop its use line by hand if it
is residue.
`,
	})
	ruleWorkDup = report.Register(&report.Rule{
		ID: "GR123", Name: "WorkUseDuplicate", Title: "go.work uses one directory or one module twice",
		Severity: report.Error, Fixable: true, Since: "v0.2.0",
		Text: `
A use directive of go.work names a directory that an earlier one already
uses (./a and a, say), or two use directives name directories that hold
the same module path: every go command in the workspace fails ("appears
multiple times in workspace"). -fix drops the later line that names the
same directory; which of two copies of a module is meant is yours to say.
`,
		Before: "use (\n\t./a\n\t./a\n)",
		After:  "use ./a",
	})
	ruleWorkRefused = report.Register(&report.Rule{
		ID: "GR124", Name: "WorkspaceRefused", Title: "the go command refuses the workspace",
		Severity: report.Error, Since: "v0.2.0",
		Text: `
go list -m in the workspace fails for a reason no other rule names (a
go line newer than the local toolchain, an unknown godebug setting, a
go.work replace of a workspace module at every version, ...): every go
command in the workspace fails the same way. The finding carries the go
command's message.
`,
	})
	ruleStaleWorkSum = report.Register(&report.Rule{
		ID: "GR125", Name: "StaleGoWorkSum", Title: "go.work.sum line no build of the workspace needs",
		Severity: report.Info, Fixable: true, Since: "v0.3.0",
		Text: `
The go command writes to go.work.sum the checksums a workspace build
needs that no module's go.sum has, and never drops one: removed
requirements leave theirs behind, and so does a checksum that a module's
go.sum got since. Doctor asks go mod download, offline in a scratch copy
of the workspace with an empty go.work.sum, which lines the workspace
needs; a line it does not write is stale. Lines of golang.org/toolchain
are kept (a toolchain switch needs them). -fix removes the stale lines.
`,
	})
	ruleWorkGo = report.Register(&report.Rule{
		ID: "GR121", Name: "WorkGoVersion", Title: "go or toolchain lines disagree across the workspace",
		Severity: report.Warning, Since: "v0.2.0",
		Text: `
A workspace module requires a newer Go than go.work's go line (the go
command refuses the workspace), or the modules' go lines differ (each is
built with the language version of its own line, which surprises).
`,
	})
	ruleExclude = report.Register(&report.Rule{
		ID: "GR130", Name: "ExcludeUnused", Title: "exclude of a module that is not in the build graph",
		Severity: report.Info, Fixable: true, Since: "v0.2.0",
		Text: `
An exclude directive for a module that the module graph does not contain
at any version: it excludes nothing. -fix drops it.
`,
	})
	ruleIncompatible = report.Register(&report.Rule{
		ID: "GR140", Name: "IncompatibleRequire", Title: "+incompatible requirement",
		Severity: report.Info, Since: "v0.2.0",
		Text: `
A requirement at a major version 2 or higher of a module without a go.mod
(+incompatible): it escapes semantic import versioning, so an upgrade
across major versions is not visible in import paths.
`,
	})
	ruleSIVImport = report.Register(&report.Rule{
		ID: "GR141", Name: "MajorVersionImportMismatch", Title: "import of a /vN package that a module of another major version provides",
		Severity: report.Warning, Since: "v0.2.0",
		Text: `
An import path with a major version element (example.com/lib/v2/x) that
the build resolves in a module whose path does not have it (example.com/lib
at v1): the import does not get the v2 module, which is example.com/lib/v2.
`,
	})
	ruleWrongMajor = report.Register(&report.Rule{
		ID: "GR142", Name: "RequireOfAnotherMajor", Title: "requirement at a version of another major than its module path",
		Severity: report.Error, Since: "v0.2.0",
		Text: `
A require (or exclude) line whose version has another major version than
its module path says: example.com/lib/v2 at v1.0.0, or example.com/lib
at v2.0.0 without +incompatible. go.mod does not parse, so every go
command in the module fails; doctor checks nothing else in that module.
Require a version of the path's major (go get example.com/lib/v2@latest),
or the module path of the version's major.
`,
		Before: "require example.com/lib/v2 v1.0.0",
		After:  "require example.com/lib/v2 v2.0.0",
	})
	ruleMajors = report.Register(&report.Rule{
		ID: "GR150", Name: "SeveralMajorVersions", Title: "several major versions of one module in the build",
		Severity: report.Info, Since: "v0.2.0",
		Text: `
The build graph holds several major versions of one module
(example.com/lib and example.com/lib/v2): legal, but two copies of its
state and types, often left over from a half-done migration.
`,
	})
	rulePseudo = report.Register(&report.Rule{
		ID: "GR151", Name: "PseudoVersionRequire", Title: "requirement at a pseudo-version",
		Severity: report.Info, Since: "v0.2.0",
		Text: `
A requirement at a pseudo-version (v0.0.0-20240101000000-abcdef123456), an
untagged commit: nothing says it is a release, and a tag may exist by now.
`,
	})
	ruleVendorDrift = report.Register(&report.Rule{
		ID: "GR160", Name: "InconsistentVendoring", Title: "vendor/modules.txt disagrees with go.mod",
		Severity: report.Error, Since: "v0.2.0",
		Text: `
vendor/modules.txt does not match go.mod's requirements or replacements:
go build (which uses vendor/ when it exists) fails with "inconsistent
vendoring". Run 'go mod vendor'.
`,
	})
	ruleVendorUnused = report.Register(&report.Rule{
		ID: "GR161", Name: "VendorUnused", Title: "vendor directory that nothing uses",
		Severity: report.Warning, Fixable: true, Since: "v0.2.0",
		Text: `
vendor/ exists but the module requires nothing, so no build reads it.
-fix deletes it.
`,
	})
	ruleVendorPkg = report.Register(&report.Rule{
		ID: "GR162", Name: "VendoredPackageUnused", Title: "vendored package that no package imports",
		Severity: report.Warning, Since: "v0.2.0",
		Text: `
vendor/modules.txt lists a package that no package of the module, or of
the vendored packages it imports, imports: go mod vendor would not copy
it. Run 'go mod vendor'.
`,
	})
	ruleVendorGOPATH = report.Register(&report.Rule{
		ID: "GR163", Name: "GOPATHVendor", Title: "vendor directory that only GOPATH mode reads",
		Severity: report.Error, Since: "v0.3.0",
		Text: `
A vendor directory written for GOPATH mode (by dep, glide, govendor or
by hand): the module root's vendor/ without vendor/modules.txt, which go
build refuses from go 1.14 on ("inconsistent vendoring"; run 'go mod
vendor'), or a vendor directory below a module root, or in no module,
which module mode never reads (a warning: its code builds nowhere).
`,
	})
	ruleVendorJunk = report.Register(&report.Rule{
		ID: "GR164", Name: "VendorJunk", Title: "file in vendor/ that is not part of a vendored package",
		Severity: report.Warning, Fixable: true, Since: "v0.3.0",
		Text: `
A file of vendor/ that go mod vendor does not write: a package
vendor/modules.txt does not list (left over from a removed dependency),
a test file, go.mod or go.sum of a dependency (go 1.17 on), a file at
the top of vendor/ other than modules.txt, or, when the module cache
holds the vendored module, a file the module does not have (an editor's
backup, say). Kept: the files of listed packages, what their //go:embed
lines may name, and the license-like files (LICENSE, NOTICE, ...) of the
directories from a package up to its module root. go build never reads
the others. -fix deletes them.
`,
		Before: "vendor/example.com/old/old.go   (example.com/old is no longer in vendor/modules.txt)",
		After:  "(the file is gone)",
	})
	ruleCacheSum = report.Register(&report.Rule{
		ID: "GR170", Name: "ModuleCacheMismatch", Title: "module cache content disagrees with go.sum",
		Severity: report.Error, Since: "v0.2.0",
		Text: `
The module cache holds a module version whose content does not hash to
the go.sum line (what 'go mod verify' checks): the cache was modified
after download, or go.sum is wrong. Run 'go clean -modcache' or check
go.sum against the checksum database.
`,
	})
	ruleGOPATHMode = report.Register(&report.Rule{
		ID: "GR190", Name: "GOPATHModeEnabled", Title: "GO111MODULE turns module mode off",
		Severity: report.Warning, Since: "v0.3.0",
		Text: `
GO111MODULE=off, in the environment or in the go env file (go env -w
writes it; 'go env GOENV' names it), makes the go command ignore go.mod
and build in GOPATH mode; GO111MODULE=auto does so wherever no go.mod is
found. Modules are on by default since Go 1.16: the setting is residue
of the migration. Doctor reports it and never changes the environment
or the go env file:

	go env -u GO111MODULE
`,
	})
	ruleGOPATHShadow = report.Register(&report.Rule{
		ID: "GR191", Name: "ShadowedByGOPATH", Title: "module that a copy under GOPATH/src shadows",
		Severity: report.Info, Since: "v0.3.0",
		Text: `
GOPATH/src holds a directory with the path of the main module or of a
required module (GOPATH/src/example.com/dep): in GOPATH mode the go
command compiles that copy, whatever go.mod requires. Module mode
ignores it. Doctor reports it and never touches GOPATH.
`,
	})
	ruleNoModule = report.Register(&report.Rule{
		ID: "GR192", Name: "GoFilesOutsideModule", Title: "Go files of the repository that no module holds",
		Severity: report.Warning, Since: "v0.3.0",
		Text: `
A directory of the repository holds .go files but has no go.mod in it or
above it, up to the repository root: in module mode no build compiles
them (GOPATH mode did). Directories the go command skips (testdata,
vendor, names starting with . or _) are not checked, nor node_modules,
another repository inside this one, GOPATH and the module cache. Move
them into a module, or remove them.
`,
	})
	ruleLegacyManifest = report.Register(&report.Rule{
		ID: "GR193", Name: "LegacyDependencyManifest", Title: "dep, glide or godep manifest left in the repository",
		Severity: report.Warning, Fixable: true, Since: "v0.3.0",
		Text: `
Gopkg.toml or Gopkg.lock (dep), glide.yaml or glide.lock (glide), or
Godeps/Godeps.json (godep): the go command never reads them once go.mod
exists, but tools still do (vulnerability scanners and update bots
report versions the build does not use). -fix deletes the ones inside a
module of the working set; one outside is only reported.
`,
		Before: "Gopkg.lock   (next to go.mod)",
		After:  "(the file is gone)",
	})
	ruleRetracted = report.Register(&report.Rule{
		ID: "GR180", Name: "RetractedVersion", Title: "retracted module version in the build",
		Severity: report.Warning, Online: true, Since: "v0.2.0",
		Text: `
The build selects a version its authors retracted (found with -online, as
go list -m -u does).
`,
	})
	ruleDeprecated = report.Register(&report.Rule{
		ID: "GR181", Name: "DeprecatedModule", Title: "deprecated module in the build",
		Severity: report.Warning, Online: true, Since: "v0.2.0",
		Text: `
A module in the build is deprecated by its authors (a // Deprecated:
comment in its latest go.mod, found with -online).
`,
	})
	ruleUpdate = report.Register(&report.Rule{
		ID: "GR182", Name: "UpdateAvailable", Title: "newer version of a required module",
		Severity: report.Info, Online: true, Since: "v0.2.0",
		Text: `
A newer release of a directly required module exists (found with
-online, as go list -m -u does). Doctor reports it and never upgrades.
`,
	})
)
