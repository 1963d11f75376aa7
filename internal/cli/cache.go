package cli

// This file is goremover cache: its help and the dispatch to its
// subcommands, and cache list and cache prune, which read and prune the
// module cache (package modcache).

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/goremover/goremover/internal/gocmd"
	"github.com/goremover/goremover/internal/modcache"
	"github.com/goremover/goremover/internal/progress"
)

var cmdCache = &Command{
	UsageLine: "goremover cache list|prune|build|index [flags]",
	Short:     "list and trim the module, build and index caches by what projects need",
	Long: `
Cache lists the module cache (GOMODCACHE) and removes what no listed
project needs, exactly, where go clean -modcache removes everything; it
reports and trims the go build cache (GOCACHE) by age and platform, and
goremover's own index cache.

	goremover cache list [-C dir] [-json] [-v] [-projects file | -scan dir...]
	goremover cache prune [-C dir] [-apply] [-json] [-v] [-older age] [-keep-latest n] [-projects file | -scan dir...]
	goremover cache build [-C dir] [-n] [-apply] [-json] [-older age] [-goos list] [-goarch list] [packages]
	goremover cache index [-n] [-apply] [-json] [-older age]

Cache list prints every module version in the module cache: its bytes on
disk (the extracted tree, the .zip and .ziphash, the .mod and .info of
cache/download), its last use, what the projects need of it, and which
of them need it, largest first; then the checksum database's cache
(cache/download/sumdb), each VCS clone (cache/vcs) and anything else,
and totals.

The projects are, by default, the current module or workspace; -projects
names a file that lists project directories, one a line, relative to the
file (# starts a comment); -scan finds every go.mod and go.work under the
directories named (vendor, testdata, hidden and _ directories skipped,
symbolic links not followed; a go.work covers the modules it uses).

A project needs what the go command reads to build and test it offline.
Its module graph is go mod graph's, asked offline in a scratch copy of
its go.mod, go.sum and go.work files (graph pruning as the go command
applies it): every version in the graph needs its go.mod (NEED "mod":
minimal version selection reads it, the source is never extracted), and
every selected version needs its source too (NEED "src"). A workspace
needs what its build and each of its modules' own builds need. A
toolchain line, or a go line newer than the local go, needs the
golang.org/toolchain versions the go command would switch to. No code of
a project runs, and nothing is downloaded.

Last use is the newest access or modification time of a version's
files. The go command records no use in the module cache; a build reads
a version's .mod, .ziphash and source files, which updates their access
times where the file system keeps them (with relatime, the Linux
default, at most once a day; with noatime, never: last use is then the
download).

Cache prune removes what no project needs: a version no project needs
entirely, a version whose go.mod only is needed its source. It prints
what it would remove and the bytes, and writes nothing, unless -apply is
given. The -older flag keeps what was used within the age given (90d,
12h, 2w); -keep-latest n keeps the n highest versions of each module.
Prune leaves the checksum database's cache and VCS clones alone.

Each version is removed holding the lock the go command takes to
download and extract it, and only if nothing of it changed since the
scan (a concurrent go mod download that fetched it again wins). The
extracted tree is first marked as partially extracted (.partial), then
removed (its read-only directories made writable), then the .zip and
.ziphash, then, for a whole version, .info and .mod; the @v list is
rewritten under its lock. An interrupted prune leaves each version
either whole (the go command extracts it again from the .zip, offline)
or cleanly absent (the go command downloads it again). Lock files stay,
as the go command leaves them. A go command that is reading a version at
the moment prune removes it fails as it would after go clean -modcache:
prune only removes what no listed project needs. No path outside the
module cache is removed, whatever symbolic links it holds.

After a prune, every listed project builds offline:

	GOPROXY=off GOFLAGS=-mod=mod go build ./...

The -json flag prints, for list, {"cache", "bytes", "projects": [dir],
"versions": [{"path", "version", "bytes", "tree", "zip", "mod",
"last_use", "need": "src|mod|", "projects": [dir]}], "extras": [{"kind":
"sumdb|vcs|other", "name", "remote", "bytes", "last_use"}], "totals":
{"needed", "mod_only", "unneeded": {"versions", "bytes"}}}; for prune,
{"cache", "apply", "removals": [{"path", "version", "what": "source|all",
"bytes", "skipped", "error"}], "bytes", "freed"}. Sizes are bytes on
disk, as du counts them.

The -C flag runs as if goremover were started in the named directory:
the default project, and relative -projects and -scan paths, are
resolved there.

A progress bar shows on stderr during the scan when stderr is a
terminal; -v logs each step instead.

Cache build reports the go build cache (GOCACHE) by age, and trims it.

By default it prints the cache's entries and bytes by the time they were
last used (the go command marks an entry used at most once an hour), and
writes nothing. With -older or -goos/-goarch it also prints what a trim
would remove, and what the next go build of the packages (default
./..., the module in the current directory) would recompile because of
it; -apply removes it and prints the bytes freed.

The -older flag selects entries unused for longer than the age, such as
7d, 36h or 90m.

The -goos and -goarch flags select the entries that the named
platforms' builds of the packages use, the standard packages they import
included (comma-separated lists; a missing one is the host's GOOS or
GOARCH). Nothing in a cache entry says its platform; goremover asks the
go command (go build -n, which runs no compiler and no code of the
module, offline) for the action IDs each build would look up, and puts
back the last-use times those lookups set. Entries of no such build are
reported as not attributed and never removed by a platform trim. With
-older too, both must hold. Main packages built in a version control
checkout are not attributed: their compile hashes the version control
stamp, which goremover does not ask git for. For a package that is not
in the cache, go
build -n stores the list of its files there: the only write of a dry
run, and the go command's.

A trim follows the go command's own rules, so that a go command running
at the same time never sees a broken cache: an entry used in the last
hour is kept (a go command may be using it); an entry used since the
scan is kept; action entries go before the outputs they name, and an
output another action entry still names stays. A removed entry is a
cache miss for the next build, which compiles that package again.

The -n (or -dry-run) flag, the default, prints what would be removed
and deletes nothing; -apply removes it. The -json flag prints {"cache", "entries",
"bytes", "ages": [{"age", "entries", "bytes"}], "platforms",
"unattributed": {"entries", "bytes"}, "remove": {"actions", "outputs",
"bytes"}, "recent": {"entries", "bytes"}, "applied", "freed",
"recompile": [{"platform", "packages", "uncached"}]}, sizes in bytes.

Cache index reports goremover's own index cache (GOREMOVERCACHE, or
goremover/index under the user cache directory) and trims it.

It prints the entries and bytes of the current cache version and of
older ones. Entries of an older version are never read again: a trim
always removes them, with the temporary files an interrupted write left
behind. The -older flag also removes entries of the current version
written longer ago than the age (such as 30d); the next goremover
command indexes those packages again.

A goremover reading the cache at the same time only sees misses: entries
are renamed into place, and a missing one is indexed again.

The -n (or -dry-run) flag, the default, prints what would be removed
and deletes nothing; -apply removes it. The -json flag prints {"cache", "version",
"entries", "bytes", "stale": {"entries", "bytes"}, "remove": {"entries",
"bytes"}, "applied", "freed"}.

Cache list and cache prune exit 0, or 2 for bad usage or input (a listed
directory that is missing or holds no go.mod or go.work, a project whose
module graph the cache cannot provide, a removal that failed).

Cache build and cache index exit 0, or 2 for bad usage or input (a
malformed age, an unknown platform, GOCACHE off or not a go build cache,
packages the go command cannot plan).

Example:

	$ goremover cache list
	$ goremover cache prune -scan ~/src -older 90d
	$ goremover cache prune -apply -projects ~/projects.txt -keep-latest 1
	$ goremover cache build
	$ goremover cache build -older 7d -apply
	$ goremover cache build -goos windows -goarch amd64,arm64 -apply
	$ goremover cache index
	$ goremover cache index -older 30d -apply
`,
}

var cmdCacheList = &Command{
	UsageLine: "goremover cache list [-C dir] [-json] [-v] [-projects file | -scan dir...]",
	Short:     "list the module cache and what each project needs of it",
}

var cmdCachePrune = &Command{
	UsageLine: "goremover cache prune [-C dir] [-apply] [-json] [-v] [-older age] [-keep-latest n] [-projects file | -scan dir...]",
	Short:     "remove the module cache entries no listed project needs",
}

var cacheListFlags, cachePruneFlags cacheFlags

func init() {
	cmdCache.Run = func(ctx context.Context, cmd *Command, args []string) error {
		if len(args) == 0 {
			return &UsageError{Cmd: cmd, Msg: "missing subcommand: list, prune, build or index"}
		}
		return &UsageError{Cmd: cmd, Msg: fmt.Sprintf("unknown cache subcommand %q", args[0])}
	}
	cmdCache.Commands = []*Command{cmdCacheList, cmdCachePrune, cmdCacheBuild, cmdCacheIndex}
	cacheListFlags.add(&cmdCacheList.Flag, false)
	cachePruneFlags.add(&cmdCachePrune.Flag, true)
	cmdCacheList.Run = func(ctx context.Context, cmd *Command, args []string) error {
		return runCacheMod(ctx, cmd, &cacheListFlags, args)
	}
	cmdCachePrune.Run = func(ctx context.Context, cmd *Command, args []string) error {
		return runCacheMod(ctx, cmd, &cachePruneFlags, args)
	}
	commands = append(commands, cmdCache)
}

// cacheFlags are the flags of cache list and cache prune.
type cacheFlags struct {
	dir        string
	json       bool
	verbose    bool
	projects   string
	scan       dirList
	apply      bool
	older      string
	keepLatest int
}

// dirList is a repeatable flag. Setting it to "", its default, empties
// it, so that a flag set can be reset to its defaults.
type dirList []string

func (l *dirList) String() string { return strings.Join(*l, ",") }

func (l *dirList) Set(s string) error {
	if s == "" {
		*l = nil
		return nil
	}
	*l = append(*l, s)
	return nil
}

func (f *cacheFlags) add(fs *flag.FlagSet, prune bool) {
	fs.StringVar(&f.dir, "C", "", "run as if goremover were started in `dir`")
	fs.BoolVar(&f.json, "json", false, "print JSON")
	fs.BoolVar(&f.verbose, "v", false, "log each step")
	fs.StringVar(&f.projects, "projects", "", "read the project directories from `file`")
	fs.Var(&f.scan, "scan", "find every go.mod and go.work under `dir` (repeatable; more directories may follow the flags)")
	if prune {
		fs.BoolVar(&f.apply, "apply", false, "remove (default: print what would go)")
		fs.StringVar(&f.older, "older", "", "keep what was used within `age` (90d, 12h, 2w)")
		fs.IntVar(&f.keepLatest, "keep-latest", 0, "keep the `n` highest versions of each module")
	}
}

// parseAge parses an age: a number of days (d) or weeks (w), or a Go
// duration.
func parseAge(s string) (time.Duration, error) {
	for suffix, unit := range map[string]time.Duration{"d": 24 * time.Hour, "w": 7 * 24 * time.Hour} {
		if n, ok := strings.CutSuffix(s, suffix); ok {
			v, err := strconv.ParseFloat(n, 64)
			if err != nil || !(v >= 0 && v < 100*365) { // no NaN, no overflow
				return 0, fmt.Errorf("invalid age %q; use 90d, 2w or 12h", s)
			}
			return time.Duration(v * float64(unit)), nil
		}
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < 0 {
		return 0, fmt.Errorf("invalid age %q; use 90d, 2w or 12h", s)
	}
	return d, nil
}

// runCacheMod runs cache list or cache prune, with the flags f.
func runCacheMod(ctx context.Context, cmd *Command, f *cacheFlags, args []string) error {
	sub := strings.Fields(cmd.UsageLine)[2]
	rest := args
	if len(rest) > 0 {
		if len(f.scan) == 0 {
			return &UsageError{Cmd: cmd, Msg: "unexpected arguments: " + strings.Join(rest, " ")}
		}
		f.scan = append(f.scan, rest...)
	}
	if f.projects != "" && len(f.scan) > 0 {
		return &UsageError{Cmd: cmd, Msg: "-projects and -scan cannot be used together"}
	}
	if f.keepLatest < 0 {
		return &UsageError{Cmd: cmd, Msg: "-keep-latest must not be negative"}
	}
	var older time.Duration
	if f.older != "" {
		d, err := parseAge(f.older)
		if err != nil {
			return &UsageError{Cmd: cmd, Msg: "-older: " + err.Error()}
		}
		older = d
	}
	projects, err := cacheProjects(ctx, f)
	if err != nil {
		return err
	}
	root, err := modCacheDir(ctx)
	if err != nil {
		return err
	}
	var needs []modcache.Needs
	for i, p := range projects {
		progress.Printf(ctx, "reading the module graph of %s (%d of %d, offline)", p.Dir, i+1, len(projects))
		n, err := modcache.NeedsOf(ctx, p)
		if err != nil {
			return err
		}
		needs = append(needs, n)
	}
	l, err := modcache.Scan(ctx, root, func(done, total int) {
		progress.Bar(ctx, "scanning the module cache", done, total)
	})
	if err != nil {
		return err
	}
	progress.From(ctx).Clear()
	entries := modcache.Attribute(l, needs)
	if sub == "list" {
		if f.json {
			return modcache.ListJSON(Stdout, l, projects, entries)
		}
		return modcache.ListText(Stdout, l, projects, entries)
	}
	plan := modcache.Plan(entries, modcache.Options{Older: older, KeepLatest: f.keepLatest, Now: time.Now()})
	var results []modcache.Result
	if f.apply {
		results = modcache.Remove(ctx, l, plan, func(done, total int) {
			progress.Bar(ctx, "removing", done, total)
		})
		progress.From(ctx).Clear()
	}
	if f.json {
		if err := modcache.PruneJSON(Stdout, l, plan, results); err != nil {
			return err
		}
	} else {
		modcache.PruneText(Stdout, plan, results)
	}
	failed := 0
	for _, r := range results {
		if r.Err != nil {
			failed++
		}
	}
	if failed > 0 {
		return fmt.Errorf("%d module versions could not be removed; each is whole or cleanly absent for the go command", failed)
	}
	return ctx.Err()
}

// flagDefaults returns the defaults of fs as flag.PrintDefaults prints
// them.
func flagDefaults(fs *flag.FlagSet) string {
	var b bytes.Buffer
	fs.SetOutput(&b)
	fs.PrintDefaults()
	fs.SetOutput(Stderr)
	return strings.TrimRight(b.String(), "\n")
}

// cacheProjects returns the projects the flags name.
func cacheProjects(ctx context.Context, f *cacheFlags) ([]modcache.Project, error) {
	dir, err := workDir(f.dir)
	if err != nil {
		return nil, err
	}
	abs := func(p string) string {
		if filepath.IsAbs(p) {
			return p
		}
		return filepath.Join(dir, p)
	}
	switch {
	case f.projects != "":
		ps, err := modcache.ReadProjects(abs(f.projects))
		return ps, relError(err, dir)
	case len(f.scan) > 0:
		var dirs []string
		for _, d := range f.scan {
			dirs = append(dirs, abs(d))
		}
		ps, err := modcache.ScanProjects(dirs)
		return ps, relError(err, dir)
	}
	p, err := modcache.Current(ctx, dir)
	if err != nil {
		return nil, err
	}
	return []modcache.Project{p}, nil
}

// relError makes the file of a *modcache.Error relative to dir, where
// it is below it.
func relError(err error, dir string) error {
	var e *modcache.Error
	if errors.As(err, &e) && filepath.IsAbs(e.File) {
		if rel, err := filepath.Rel(dir, e.File); err == nil && !strings.HasPrefix(rel, "..") {
			e.File = rel
		}
	}
	return err
}

// modCacheDir returns GOMODCACHE, which must exist.
func modCacheDir(ctx context.Context) (string, error) {
	cmd := gocmd.Command(ctx, os.TempDir(), gocmd.Env("GOFLAGS=", "GOWORK=off"), "env", "GOMODCACHE")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("go env GOMODCACHE: %s", strings.TrimSpace(stderr.String()))
	}
	dir := strings.TrimSpace(string(out))
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		return "", fmt.Errorf("module cache %s: no such directory", dir)
	}
	return dir, nil
}
