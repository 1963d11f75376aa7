package cli

// This file is goremover cache build and goremover cache index: report
// and trim the go build cache (package buildcache) and goremover's own
// index cache. The cache command dispatches to them.

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/goremover/goremover/internal/buildcache"
	"github.com/goremover/goremover/internal/gocmd"
	"github.com/goremover/goremover/internal/index"
	"github.com/goremover/goremover/internal/progress"
	"github.com/goremover/goremover/internal/report"
)

const cacheBuildUsage = "goremover cache build [-C dir] [-n] [-apply] [-json] [-older age] [-goos list] [-goarch list] [packages]"

const cacheIndexUsage = "goremover cache index [-n] [-apply] [-json] [-older age]"

var cmdCacheBuild = &Command{
	UsageLine: cacheBuildUsage,
	Short:     "report and trim the go build cache by age and platform",
}

var cmdCacheIndex = &Command{
	UsageLine: cacheIndexUsage,
	Short:     "report and trim goremover's index cache",
}

// cacheTrimFlags are the flags of cache build and cache index.
type cacheTrimFlags struct {
	dry, apply, json         bool
	dir, older, goos, goarch string
}

var cacheBuildFlags, cacheIndexFlags cacheTrimFlags

func (f *cacheTrimFlags) add(fs *flag.FlagSet, what string) {
	fs.BoolVar(&f.dry, "n", false, "print what would be removed; remove nothing (the default)")
	fs.BoolVar(&f.dry, "dry-run", false, "the same as -n")
	fs.BoolVar(&f.json, "json", false, "print JSON")
	if what == "build" {
		fs.StringVar(&f.dir, "C", "", "run as if goremover were started in `dir`")
		fs.BoolVar(&f.apply, "apply", false, "remove the selected entries")
		fs.StringVar(&f.older, "older", "", "select entries unused for longer than `age` (7d, 36h)")
		fs.StringVar(&f.goos, "goos", "", "select the entries of these GOOS `list`")
		fs.StringVar(&f.goarch, "goarch", "", "select the entries of these GOARCH `list`")
		return
	}
	fs.BoolVar(&f.apply, "apply", false, "remove stale entries, and those -older selects")
	fs.StringVar(&f.older, "older", "", "also remove entries written longer ago than `age` (30d)")
}

func init() {
	cacheBuildFlags.add(&cmdCacheBuild.Flag, "build")
	cacheIndexFlags.add(&cmdCacheIndex.Flag, "index")
	cmdCacheBuild.Run = runCacheBuild
	cmdCacheIndex.Run = runCacheIndex
}

// bcParseAge parses a positive age, as parseAge does.
func bcParseAge(flagName, s string) (time.Duration, error) {
	if s == "" {
		return 0, nil
	}
	d, err := parseAge(s)
	if err != nil {
		return 0, fmt.Errorf("-%s: %v", flagName, err)
	}
	if d <= 0 {
		return 0, fmt.Errorf("-%s: age %q is not positive", flagName, s)
	}
	return d, nil
}

// bcGoEnv is what cache build needs of go env.
type bcGoEnv struct {
	GOCACHE, GOCACHEPROG, GOOS, GOARCH string
}

func bcReadGoEnv(ctx context.Context, dir string) (*bcGoEnv, error) {
	out, err := gocmd.Command(ctx, dir, nil, "env", "-json", "GOCACHE", "GOCACHEPROG", "GOOS", "GOARCH").Output()
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return nil, fmt.Errorf("go env: %s", strings.TrimSpace(string(ee.Stderr)))
		}
		return nil, err
	}
	var e bcGoEnv
	if err := json.Unmarshal(out, &e); err != nil {
		return nil, err
	}
	return &e, nil
}

// platforms returns the pairs -goos and -goarch name, checked against
// go tool dist list.
func bcPlatforms(ctx context.Context, dir, goos, goarch string, env *bcGoEnv) ([]buildcache.Platform, error) {
	out, err := gocmd.Command(ctx, dir, nil, "tool", "dist", "list").Output()
	if err != nil {
		return nil, fmt.Errorf("go tool dist list: %v", err)
	}
	known := map[string]bool{}
	for _, l := range strings.Fields(string(out)) {
		known[l] = true
	}
	split := func(s, def string) []string {
		if s == "" {
			return []string{def}
		}
		var out []string
		for _, f := range strings.Split(s, ",") {
			if f = strings.TrimSpace(f); f != "" && !slices.Contains(out, f) {
				out = append(out, f)
			}
		}
		return out
	}
	var ps []buildcache.Platform
	for _, os := range split(goos, env.GOOS) {
		for _, arch := range split(goarch, env.GOARCH) {
			p := buildcache.Platform{GOOS: os, GOARCH: arch}
			if !known[p.String()] {
				return nil, fmt.Errorf("unknown platform %s; see go tool dist list", p)
			}
			ps = append(ps, p)
		}
	}
	return ps, nil
}

type bcAgeRow struct {
	Age     string `json:"age"`
	Entries int    `json:"entries"`
	Bytes   int64  `json:"bytes"`
}

type bcTally struct {
	Entries int   `json:"entries"`
	Bytes   int64 `json:"bytes"`
}

type bcRemove struct {
	Actions int   `json:"actions"`
	Outputs int   `json:"outputs"`
	Bytes   int64 `json:"bytes"`
}

type bcRecompile struct {
	Platform string   `json:"platform"`
	Packages []string `json:"packages"`
	Uncached []string `json:"uncached"`
}

type bcReport struct {
	Cache        string        `json:"cache"`
	Entries      int           `json:"entries"`
	Bytes        int64         `json:"bytes"`
	Ages         []bcAgeRow    `json:"ages"`
	Platforms    []string      `json:"platforms,omitempty"`
	Unattributed *bcTally      `json:"unattributed,omitempty"`
	Remove       *bcRemove     `json:"remove,omitempty"`
	Recent       *bcTally      `json:"recent,omitempty"`
	Applied      bool          `json:"applied"`
	Freed        int64         `json:"freed"`
	Recompile    []bcRecompile `json:"recompile,omitempty"`
	Note         string        `json:"note,omitempty"`
}

// bcAgeBuckets are the ages cache build groups entries by.
var bcAgeBuckets = []struct {
	name string
	max  time.Duration
}{
	{"1h", buildcache.InUse},
	{"1d", 24 * time.Hour},
	{"5d", 5 * 24 * time.Hour},
	{"30d", 30 * 24 * time.Hour},
	{"older", 1<<63 - 1},
}

func bcAges(c *buildcache.Cache, now time.Time) []bcAgeRow {
	out := make([]bcAgeRow, len(bcAgeBuckets))
	for i, b := range bcAgeBuckets {
		out[i].Age = b.name
	}
	add := func(t time.Time, size int64) {
		for i, b := range bcAgeBuckets {
			if now.Sub(t) < b.max || i == len(bcAgeBuckets)-1 {
				out[i].Entries++
				out[i].Bytes += size
				return
			}
		}
	}
	for _, a := range c.Actions {
		add(a.Time, a.Size)
	}
	for _, o := range c.Outputs {
		add(o.Time, o.Size)
	}
	return out
}

// bcScanBar reports a scan's progress as a bar.
func bcScanBar(ctx context.Context, what string) func(done, total int) {
	return func(done, total int) {
		const width = 20
		n := done * width / max(total, 1)
		progress.Printf(ctx, "scanning %s [%s%s] %d/%d", what, strings.Repeat("=", n), strings.Repeat(" ", width-n), done, total)
	}
}

func runCacheBuild(ctx context.Context, cmd *Command, args []string) error {
	dry, apply, asJSON, olderFlag, goos, goarch := &cacheBuildFlags.dry, &cacheBuildFlags.apply, &cacheBuildFlags.json, &cacheBuildFlags.older, &cacheBuildFlags.goos, &cacheBuildFlags.goarch
	if *dry && *apply {
		return &UsageError{Cmd: cmd, Msg: "build: -n and -apply exclude each other"}
	}
	older, err := bcParseAge("older", *olderFlag)
	if err != nil {
		return &UsageError{Cmd: cmd, Msg: "build: " + err.Error()}
	}
	byPlatform := *goos != "" || *goarch != ""
	if *apply && older == 0 && !byPlatform {
		return &UsageError{Cmd: cmd, Msg: "build: -apply needs a selection: -older, -goos or -goarch"}
	}
	patterns := args
	if len(patterns) == 0 {
		patterns = []string{"./..."}
	}
	dir, err := workDir(cacheBuildFlags.dir)
	if err != nil {
		return err
	}
	env, err := bcReadGoEnv(ctx, dir)
	if err != nil {
		return err
	}
	if env.GOCACHEPROG != "" {
		return fmt.Errorf("GOCACHEPROG is set: the build cache is %s's to manage", env.GOCACHEPROG)
	}
	var plats []buildcache.Platform
	if byPlatform {
		if plats, err = bcPlatforms(ctx, dir, *goos, *goarch, env); err != nil {
			return &UsageError{Cmd: cmd, Msg: "build: " + err.Error()}
		}
	}
	cacheDir, err := buildcache.Check(env.GOCACHE)
	if err != nil {
		return err
	}
	c, err := buildcache.Scan(ctx, cacheDir, bcScanBar(ctx, "the build cache"))
	if err != nil {
		return err
	}
	now := time.Now()
	rep := &bcReport{Cache: cacheDir, Entries: len(c.Actions) + len(c.Outputs), Bytes: c.Bytes(), Ages: bcAges(c, now)}
	if older != 0 || byPlatform {
		sel := buildcache.Selection{Older: older, Now: now}
		// The builds whose recompiles to report: the host's, and each
		// selected platform's.
		host := buildcache.Platform{GOOS: env.GOOS, GOARCH: env.GOARCH}
		builds := []buildcache.Platform{host}
		for _, p := range plats {
			if p != host {
				builds = append(builds, p)
			}
		}
		plans := map[buildcache.Platform]*buildcache.Plan{}
		for _, p := range builds {
			progress.Printf(ctx, "asking the go command which entries the %s build uses", p)
			plan, err := buildcache.Attribute(ctx, c, dir, patterns, p)
			if err != nil {
				if byPlatform {
					return err
				}
				// An age trim needs no plan: only the report of
				// recompiles is lost.
				rep.Note = err.Error()
				break
			}
			plans[p] = plan
		}
		if byPlatform {
			sel.Plans = []*buildcache.Plan{}
			for _, p := range plats {
				rep.Platforms = append(rep.Platforms, p.String())
				sel.Plans = append(sel.Plans, plans[p])
			}
		}
		t := buildcache.Select(c, sel)
		rep.Remove = &bcRemove{Actions: len(t.Actions), Outputs: len(t.Outputs), Bytes: t.Bytes}
		rep.Recent = &bcTally{Entries: t.Recent, Bytes: t.RecentBytes}
		if byPlatform {
			rep.Unattributed = &bcTally{Entries: t.Unattributed, Bytes: t.UnattributedBytes}
		}
		for _, p := range builds {
			if plan := plans[p]; plan != nil {
				rep.Recompile = append(rep.Recompile, bcRecompiles(c, plan, t))
			}
		}
		if *apply {
			res, err := buildcache.Apply(c, t)
			if err != nil {
				return err
			}
			rep.Applied = true
			rep.Freed = res.Bytes
			rep.Recent.Entries += res.Used
		}
	}
	if *asJSON {
		return printJSON(rep)
	}
	again := []string{"goremover", "cache", "build", "-apply"}
	cmd.Flag.Visit(func(f *flag.Flag) {
		if f.Name == "older" || f.Name == "goos" || f.Name == "goarch" {
			again = append(again, "-"+f.Name, f.Value.String())
		}
	})
	bcPrint(rep, strings.Join(append(again, args...), " "))
	return nil
}

// recompiles returns the packages of plan whose compile t removes.
func bcRecompiles(c *buildcache.Cache, plan *buildcache.Plan, t *buildcache.Trim) bcRecompile {
	gone := map[buildcache.ID]bool{}
	for _, a := range t.Actions {
		gone[a.ID] = true
	}
	for _, o := range t.Outputs {
		gone[o.ID] = true
	}
	r := bcRecompile{Platform: plan.Platform.String(), Packages: []string{}, Uncached: []string{}}
	for _, cp := range plan.Compiles {
		switch {
		case cp.Action == nil || !cp.Action.OK || c.Outputs[cp.Action.Out] == nil:
			r.Uncached = append(r.Uncached, cp.Package)
		case gone[cp.Action.ID] || gone[cp.Action.Out]:
			r.Packages = append(r.Packages, cp.Package)
		}
	}
	return r
}

// bcPrint prints rep; again is the command that applies a dry run.
func bcPrint(rep *bcReport, again string) {
	w := Stdout
	fmt.Fprintf(w, "build cache %s: %s, %s\n", rep.Cache, bcCount(rep.Entries, "entry", "entries"), report.Size(rep.Bytes))
	for _, a := range rep.Ages {
		label := "unused for longer than 30 days"
		if a.Age != "older" {
			label = "used in the last " + strings.NewReplacer("1h", "hour", "1d", "day", "5d", "5 days", "30d", "30 days").Replace(a.Age)
		}
		fmt.Fprintf(w, "\t%-32s %8d %10s\n", label, a.Entries, report.Size(a.Bytes))
	}
	if rep.Remove == nil {
		return
	}
	if rep.Unattributed != nil {
		fmt.Fprintf(w, "not attributed to %s: %s action %s, %s (left alone)\n", strings.Join(rep.Platforms, ", "), strconv.Itoa(rep.Unattributed.Entries), bcPlural(rep.Unattributed.Entries, "entry", "entries"), report.Size(rep.Unattributed.Bytes))
	}
	verb := "would remove"
	if rep.Applied {
		verb = "removed"
	}
	fmt.Fprintf(w, "%s %d action %s and %s: %s\n", verb, rep.Remove.Actions, bcPlural(rep.Remove.Actions, "entry", "entries"), report.Plural(rep.Remove.Outputs, "output"), report.Size(rep.Remove.Bytes))
	if rep.Recent.Entries > 0 {
		fmt.Fprintf(w, "kept %s a go command may be using (used in the last hour or since the scan): %s\n", bcPlural(rep.Recent.Entries, "an entry", strconv.Itoa(rep.Recent.Entries)+" entries"), report.Size(rep.Recent.Bytes))
	}
	if rep.Applied {
		fmt.Fprintf(w, "freed %s\n", report.Size(rep.Freed))
	}
	for _, r := range rep.Recompile {
		fmt.Fprintf(w, "next %s build recompiles %s", r.Platform, report.Plural(len(r.Packages), "package"))
		if len(r.Uncached) > 0 {
			fmt.Fprintf(w, " (and %d not in the cache now)", len(r.Uncached))
		}
		fmt.Fprintln(w)
		for _, p := range r.Packages {
			fmt.Fprintf(w, "\t%s\n", p)
		}
	}
	if rep.Note != "" {
		fmt.Fprintf(w, "note: %s\n", rep.Note)
	}
	if !rep.Applied && rep.Remove.Actions+rep.Remove.Outputs > 0 {
		fmt.Fprintf(w, "dry run: nothing removed; to remove:\n\t%s\n", again)
	}
}

// count returns "1 entry", "2 entries".
func bcCount(n int, one, many string) string { return strconv.Itoa(n) + " " + bcPlural(n, one, many) }

func bcPlural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

type bcIndexReport struct {
	Cache   string  `json:"cache"`
	Version string  `json:"version"`
	Entries int     `json:"entries"`
	Bytes   int64   `json:"bytes"`
	Stale   bcTally `json:"stale"`
	Remove  bcTally `json:"remove"`
	Applied bool    `json:"applied"`
	Freed   int64   `json:"freed"`
}

func runCacheIndex(ctx context.Context, cmd *Command, args []string) error {
	dry, apply, asJSON, olderFlag := &cacheIndexFlags.dry, &cacheIndexFlags.apply, &cacheIndexFlags.json, &cacheIndexFlags.older
	if *dry && *apply {
		return &UsageError{Cmd: cmd, Msg: "index: -n and -apply exclude each other"}
	}
	older, err := bcParseAge("older", *olderFlag)
	if err != nil {
		return &UsageError{Cmd: cmd, Msg: "index: " + err.Error()}
	}
	if len(args) > 0 {
		return &UsageError{Cmd: cmd, Msg: "index: unexpected arguments: " + strings.Join(args, " ")}
	}
	dir := index.DefaultCacheDir()
	if dir == "" {
		return fmt.Errorf("the index cache is off (GOREMOVERCACHE=off)")
	}
	progress.Printf(ctx, "scanning the index cache")
	ents, err := index.ListCache(dir)
	if err != nil {
		return err
	}
	rep := &bcIndexReport{Cache: dir, Version: index.CacheVersion(), Entries: len(ents)}
	for _, e := range ents {
		rep.Bytes += e.Size
		if e.Stale() {
			rep.Stale.Entries++
			rep.Stale.Bytes += e.Size
		}
	}
	sel := index.SelectCache(ents, older, time.Now())
	for _, e := range sel {
		rep.Remove.Entries++
		rep.Remove.Bytes += e.Size
	}
	if *apply {
		_, freed, err := index.TrimCache(dir, sel)
		if err != nil {
			return err
		}
		rep.Applied = true
		rep.Freed = freed
	}
	if *asJSON {
		return printJSON(rep)
	}
	w := Stdout
	fmt.Fprintf(w, "index cache %s: %s, %s\n", dir, bcCount(rep.Entries, "entry", "entries"), report.Size(rep.Bytes))
	fmt.Fprintf(w, "\tof older versions (never read again) %d %s\n", rep.Stale.Entries, report.Size(rep.Stale.Bytes))
	verb := "would remove"
	if rep.Applied {
		verb = "removed"
	}
	fmt.Fprintf(w, "%s %s: %s\n", verb, bcCount(rep.Remove.Entries, "entry", "entries"), report.Size(rep.Remove.Bytes))
	if rep.Applied {
		fmt.Fprintf(w, "freed %s\n", report.Size(rep.Freed))
	} else if rep.Remove.Entries > 0 {
		fmt.Fprintf(w, "dry run: nothing removed; to remove:\n\tgoremover cache index -apply\n")
	}
	return nil
}
