package cli

// topics are help topics that are not commands.
var topics = []*Command{
	{
		UsageLine: "goremover targets",
		Short:     "target syntax",
		Long: `
A target names what to analyse or remove:

	example.com/m/internal/pay           a package
	./internal/pay                       the same, relative to the current directory
	./internal/legacy/...                every package under a directory
	example.com/m/internal/pay.Charge    a top-level func, type, const or var
	example.com/m/internal/pay.Client.Do a method, or a struct field
	./internal/pay.Charge                the same, with a relative directory
	path/to/file.go:LINE:COL             the declaration at that position
	-m example.com/dep                   a module requirement

A field of an anonymous struct field is named T.F.G. A declaration of an
external test package is named with its _test package path.

An unknown or ambiguous target is an error that lists the candidates,
and goremover exits with status 2.
`,
	},
	{
		UsageLine: "goremover platforms",
		Short:     "build configurations and the platforms of a reference",
		Long: `
Goremover type-checks the working set for the host configuration and,
for every file the host build excludes, for a configuration that compiles
it: another GOOS/GOARCH, a build tag set, or "ignore" for files constrained
by //go:build ignore (checked on their own, like 'go run gen.go'). Only the
packages whose files differ are checked again.

Each reference lists the configurations that compile its file:
["all"] when the file has no constraint, or labels such as "linux/amd64",
"windows/*" (every architecture), "*/arm64", "tag:integration",
"linux/*+tag:integration", "ignore".

The -platforms flag limits the GOOS/GOARCH pairs (linux/amd64,windows/*);
the -tags flag sets tags in every configuration.
`,
	},
}
