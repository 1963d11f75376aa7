package modfix

// This file is goremover doctor's engine: it opens the working set
// tolerantly (a go.work use that points nowhere is a finding, not a load
// failure), asks go mod tidy and go mod graph in scratch copies what the
// build needs, and compares that with go.mod, go.sum, vendor/modules.txt,
// go.work and the module cache. Every finding that -fix can repair
// carries the change; Fix (fix.go) turns them into one edit.Set. The
// checks of the workspace as a whole are in doctor_work.go.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"go/parser"
	"go/token"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/goremover/goremover/internal/progress"

	"github.com/goremover/goremover/internal/gocmd"

	"github.com/goremover/goremover/internal/load"
	"github.com/goremover/goremover/internal/report"
	"golang.org/x/mod/modfile"
	"golang.org/x/mod/module"
	"golang.org/x/mod/semver"
	"golang.org/x/mod/sumdb/dirhash"
)

// DoctorOptions configure Diagnose.
type DoctorOptions struct {
	// Online allows the rules that ask the module proxy (GR180-GR182),
	// with the user's GOPROXY. Without it nothing touches the network.
	Online bool
}

// Diagnosis is what doctor found in a working set.
type Diagnosis struct {
	WS       *load.WorkingSet
	Findings []*report.Finding
}

// Fix kinds carried by findings.
type (
	fixRequire struct {
		m     *load.Module
		path  string
		state *reqState // nil: drop
	}
	fixSumDrop struct {
		m    *load.Module
		key  string // a checksum line, or
		line int    // a malformed line
	}
	fixSumAdd struct {
		m    *load.Module
		line SumLine
	}
	fixReplace struct {
		m   *load.Module
		old module.Version
	}
	fixExclude struct {
		m   *load.Module
		mod module.Version
	}
	fixGo struct {
		m         *load.Module
		goVersion string // "": unchanged
		toolchain string // "": none
	}
	fixWorkUse struct{ line int } // the use line to drop
	fixVendor  struct{ m *load.Module }
)

// Diagnose checks the working set containing dir.
func Diagnose(ctx context.Context, dir string, opts *DoctorOptions) (*Diagnosis, error) {
	if opts == nil {
		opts = &DoctorOptions{}
	}
	ws, fs, err := openDoctor(dir)
	if err != nil {
		return nil, err
	}
	d := &Diagnosis{WS: ws, Findings: fs}
	dirs, err := ws.Scan()
	if err != nil {
		return nil, err
	}
	cache := cacheDir()
	graph := map[module.Version]bool{} // every module's graph, in a workspace
	for i := range ws.Modules {
		m := &ws.Modules[i]
		c := &checkup{ws: ws, m: m, dirs: dirs, cache: cache, opts: opts}
		if err := c.run(ctx); err != nil {
			return nil, err
		}
		d.Findings = append(d.Findings, c.out...)
		for v := range c.nodes {
			graph[v] = true
		}
	}
	if ws.Work != "" {
		d.Findings = workGraph(d.Findings, graph)
	}
	wfs := workFindings(ws)
	d.Findings = append(d.Findings, wfs...)
	d.Findings = append(d.Findings, workUnused(ws, dirs)...)
	if ws.Work != "" && !workBroken(d.Findings) {
		// What no rule explains, the go command still refuses (GR124).
		refused := workRefused(ctx, ws)
		d.Findings = append(d.Findings, refused...)
		if len(refused) == 0 {
			d.Findings = append(d.Findings, staleWorkSum(ctx, ws, dirs)...)
		}
	}
	goenv, gopath := goEnvVars(ctx)
	d.Findings = append(d.Findings, gopathFindings(ws, goenv, gopath)...)
	rfs, err := repoFindings(ws, append(filepath.SplitList(gopath), cache))
	if err != nil {
		return nil, err
	}
	d.Findings = append(d.Findings, rfs...)
	report.Sort(d.Findings)
	return d, nil
}

// checkup checks one module.
type checkup struct {
	ws    *load.WorkingSet
	m     *load.Module
	dirs  []*load.Dir
	cache string
	opts  *DoctorOptions
	out   []*report.Finding

	tree    *tree
	tidy    *tidyResult // nil if tidy failed
	nodes   map[module.Version]bool
	sum     []byte
	sumRead []SumLine
}

func (c *checkup) add(r *report.Rule, file string, line, col int, fix any, format string, args ...any) *report.Finding {
	f := &report.Finding{
		Rule: r.ID, Severity: r.Severity, File: file, Line: line, Col: col,
		Message: fmt.Sprintf(format, args...), Fixable: fix != nil, Fix: fix, Root: c.m.Dir,
	}
	if c.ws.Work != "" {
		f.Module = c.m.Path
	}
	c.out = append(c.out, f)
	return f
}

func (c *checkup) run(ctx context.Context) error {
	progress.Printf(ctx, "checking module %s", c.m.Path)
	var err error
	c.sum, err = readSum(c.m)
	if err != nil {
		return err
	}
	var bad []int
	c.sumRead, bad = scanSum(c.sum)
	for _, n := range bad {
		c.add(ruleBadSum, "go.sum", n, 1, fixSumDrop{m: c.m, line: n}, "malformed go.sum line: want 3 fields (module, version, hash)").Why = "every go command but go mod tidy fails: malformed go.sum"
	}
	c.tree = moduleTree(c.ws, c.dirs, c.m, nil)
	c.loadGraph(ctx)
	if c.tidy != nil {
		c.checkGoLine()
		c.checkRequires()
		c.checkSum()
	}
	c.checkReplaces()
	c.checkExcludes()
	c.checkVersions()
	c.checkVendor()
	c.checkCache()
	if c.opts.Online {
		c.checkOnline(ctx)
	}
	return nil
}

// loadGraph runs go mod tidy and go mod graph in a scratch copy; if tidy
// fails offline, it reports GR100 and tries the graph alone.
func (c *checkup) loadGraph(ctx context.Context) {
	s, err := newScratch(c.ws, c.m, c.m.GoMod, c.tree)
	if err != nil {
		c.add(ruleOffline, "go.mod", 0, 0, nil, "cannot copy the module: %v", err)
		return
	}
	defer s.remove()
	f, sum, err := s.tidy(ctx)
	if err != nil {
		msg, why := err.Error(), "requirement and go.sum rules were not checked; run 'go mod download'"
		var ge *GoError
		if errors.As(err, &ge) {
			msg = ge.line()
			switch {
			case strings.Contains(ge.Stderr, "checksum mismatch"):
				why = "requirement and go.sum rules were not checked; a go.sum line disagrees with the module (GR170)"
			case strings.Contains(ge.Stderr, "replacement directory"), strings.Contains(ge.Stderr, "reading ") && strings.Contains(ge.Stderr, "go.mod: no such file"):
				why = "requirement and go.sum rules were not checked; a replace target is missing (GR112)"
			case strings.Contains(ge.Stderr, "requires go >= "):
				why = "requirement and go.sum rules were not checked; the local Go toolchain is too old for the module"
			}
		}
		c.add(ruleOffline, "go.mod", 0, 0, nil, "go mod tidy fails offline: %s", msg).Why = why
		// The graph of go.mod as it is, if that loads.
		s2, err := newScratch(c.ws, c.m, c.m.GoMod, c.tree)
		if err != nil {
			return
		}
		defer s2.remove()
		c.nodes, _ = s2.graph(ctx)
		return
	}
	c.tidy = &tidyResult{mod: f, sum: sum}
	c.nodes, _ = s.graph(ctx)
}

func firstLineOf(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	return strings.TrimPrefix(s, "go: ")
}

func (c *checkup) isWorkModule(p string) bool {
	for _, m := range c.ws.Modules {
		if m.Path == p {
			return true
		}
	}
	return false
}

// checkGoLine compares go.mod's go and toolchain lines with tidy's
// (GR106): tidy raises the go line to the highest one of the modules the
// build selects.
func (c *checkup) checkGoLine() {
	have, want := "", ""
	line, col := 0, 0
	if g := c.m.File.Go; g != nil {
		have, line, col = g.Version, g.Syntax.Start.Line, g.Syntax.Start.LineRune
	}
	if g := c.tidy.mod.Go; g != nil {
		want = g.Version
	}
	haveTC, wantTC := "", ""
	if t := c.m.File.Toolchain; t != nil {
		haveTC = t.Name
	}
	if t := c.tidy.mod.Toolchain; t != nil {
		wantTC = t.Name
	}
	who := ""
	if have != want {
		who = c.needsGo(want)
		// In a workspace, the scratch copy replaces the other workspace
		// modules by their directories; a go line they raise is go.work's
		// business (GR121), not this go.mod's.
		if who == "" && c.ws.Work != "" {
			want, wantTC = have, haveTC
		}
	}
	if have == want && haveTC == wantTC {
		return
	}
	fix := fixGo{m: c.m, toolchain: wantTC}
	if have != want {
		fix.goVersion = want
	}
	switch {
	case have == want:
		f := c.add(ruleGoLine, "go.mod", line, col, fix, "go mod tidy writes the toolchain line %q, go.mod has %q", "toolchain "+wantTC, "toolchain "+haveTC)
		if wantTC == "" {
			f.Message = fmt.Sprintf("toolchain %s is not needed: go mod tidy drops it", haveTC)
		}
		f.Severity = report.Info
	case have == "":
		c.add(ruleGoLine, "go.mod", 0, 0, fix, "go.mod has no go line; go mod tidy writes go %s", want)
	default:
		f := c.add(ruleGoLine, "go.mod", line, col, fix, "go %s is older than the build needs: go %s", have, want)
		if who != "" {
			f.Message += " (" + who + ")"
		}
		f.Why = "go build fails: updates to go.mod needed"
	}
}

// needsGo returns "module@version says go v" for a module of tidy's
// requirements whose go.mod, in the module cache, has go line v; "" if
// none is found.
func (c *checkup) needsGo(v string) string {
	if c.cache == "" {
		return ""
	}
	for _, r := range c.tidy.mod.Require {
		ep, err1 := module.EscapePath(r.Mod.Path)
		ev, err2 := module.EscapeVersion(r.Mod.Version)
		if err1 != nil || err2 != nil {
			continue
		}
		data, err := os.ReadFile(filepath.Join(c.cache, "cache", "download", filepath.FromSlash(ep), "@v", ev+".mod"))
		if err != nil {
			continue
		}
		f, err := modfile.ParseLax("go.mod", data, nil)
		if err == nil && f.Go != nil && f.Go.Version == v {
			return fmt.Sprintf("%s %s says go %s", r.Mod.Path, r.Mod.Version, v)
		}
	}
	return ""
}

// directImports returns the modules of tidy's requirements that a file
// other than a //go:build ignore one imports a package of.
func (c *checkup) directImports() map[string]bool {
	var paths []string
	for _, r := range c.tidy.mod.Require {
		paths = append(paths, r.Mod.Path)
	}
	out := map[string]bool{}
	for abs, src := range c.tree.files {
		if c.tree.ignFiles[abs] {
			continue
		}
		for _, p := range importsOf(src) {
			best := ""
			for _, q := range paths {
				if (p == q || strings.HasPrefix(p, q+"/")) && len(q) > len(best) {
					best = q
				}
			}
			if best != "" {
				out[best] = true
			}
		}
	}
	return out
}

// checkRequires compares go.mod's requirements with tidy's (GR101-GR103).
func (c *checkup) checkRequires() {
	want := requires(c.tidy.mod)
	// Tidy saw the imports of //go:build ignore files as direct ones:
	// a requirement that only those import keeps its // indirect mark.
	direct := c.directImports()
	for _, r := range c.m.File.Require {
		if w, ok := want[r.Mod.Path]; ok && r.Indirect && !w.indirect && !direct[r.Mod.Path] {
			w.indirect = true
			want[r.Mod.Path] = w
		}
	}
	have := map[string]bool{}
	for _, r := range c.m.File.Require {
		if have[r.Mod.Path] {
			continue
		}
		have[r.Mod.Path] = true
		line, col := r.Syntax.Start.Line, r.Syntax.Start.LineRune
		w, ok := want[r.Mod.Path]
		switch {
		case !ok:
			c.add(ruleUnusedRequire, "go.mod", line, col, fixRequire{m: c.m, path: r.Mod.Path},
				"%s %s is required but no package needs it", r.Mod.Path, r.Mod.Version).Why = "go mod tidy would drop it"
		case w.indirect != r.Indirect && w.version == r.Mod.Version:
			msg := "%s is imported directly but marked // indirect"
			if w.indirect {
				msg = "%s is not imported directly but not marked // indirect"
			}
			c.add(ruleRequireLine, "go.mod", line, col, fixRequire{m: c.m, path: r.Mod.Path, state: &w}, msg, r.Mod.Path)
		case w.version != r.Mod.Version:
			c.add(ruleRequireLine, "go.mod", line, col, fixRequire{m: c.m, path: r.Mod.Path, state: &w},
				"%s is required at %s but the build selects %s", r.Mod.Path, r.Mod.Version, w.version)
		}
	}
	var missing []string
	for p := range want {
		if !have[p] && !c.isWorkModule(p) {
			missing = append(missing, p)
		}
	}
	sort.Strings(missing)
	for _, p := range missing {
		w := want[p]
		file, line, col, imp := c.importer(p)
		f := c.add(ruleMissingRequire, file, line, col, fixRequire{m: c.m, path: p, state: &w},
			"no requirement provides %s (module %s %s)", imp, p, w.version)
		if w.indirect {
			f.Message = fmt.Sprintf("go.mod does not require %s %s, which the build needs", p, w.version)
		}
		f.Why = "go build fails: no required module provides the package"
	}
}

// importer returns where a module file imports a package of module p.
func (c *checkup) importer(p string) (file string, line, col int, imp string) {
	var names []string
	for abs := range c.tree.files {
		names = append(names, abs)
	}
	sort.Strings(names)
	for _, abs := range names {
		fset := token.NewFileSet()
		f, err := parser.ParseFile(fset, abs, c.tree.files[abs], parser.ImportsOnly)
		if f == nil {
			_ = err
			continue
		}
		for _, s := range f.Imports {
			ip, _ := strconv.Unquote(s.Path.Value)
			if ip == p || strings.HasPrefix(ip, p+"/") {
				rel, _ := filepath.Rel(c.m.Dir, abs)
				pos := fset.Position(s.Path.Pos())
				return filepath.ToSlash(rel), pos.Line, pos.Column, ip
			}
		}
	}
	return "go.mod", 0, 0, p
}

// checkSum compares go.sum with tidy's (GR104, GR105).
func (c *checkup) checkSum() {
	want := map[string]string{}
	for _, l := range c.tidy.sum {
		want[l.Key()] = l.Hash
	}
	have := map[string]bool{}
	first := map[string]int{} // line -> the line number it first appears at
	for _, l := range c.sumRead {
		have[l.Key()] = true
		if n, dup := first[l.String()]; dup {
			if _, ok := want[l.Key()]; ok {
				c.add(ruleStaleSum, "go.sum", l.Line, 1, fixSumDrop{m: c.m, line: l.Line}, "%s repeats go.sum:%d", l.Key(), n)
			}
			continue
		}
		first[l.String()] = l.Line
		if h, ok := want[l.Key()]; !ok {
			f := c.add(ruleStaleSum, "go.sum", l.Line, 1, fixSumDrop{m: c.m, key: l.Key()}, "%s is not needed by the build", l.Key())
			if !l.valid() {
				f.Message = fmt.Sprintf("%q is no module checksum, and nothing needs it", l.String())
			}
		} else if h != l.Hash {
			// The cache disagrees: GR170 reports it with the hashes.
			continue
		}
	}
	// In a workspace, go.work.sum holds checksums no single module's
	// go.sum has; they are not missing. Nor are those of a module that
	// go.work replaces: the workspace build never asks for them.
	byWork := map[string]bool{}
	if c.ws.Work != "" {
		if data, err := os.ReadFile(c.ws.Work + ".sum"); err == nil {
			lines, _ := scanSum(data)
			for _, l := range lines {
				have[l.Key()] = true
			}
		}
		if wf, err := modfile.ParseWork(c.ws.Work, c.ws.WorkSum, nil); err == nil {
			for _, r := range wf.Replace {
				byWork[r.Old.Path] = true
			}
		}
	}
	for _, l := range c.tidy.sum {
		if !have[l.Key()] && !byWork[l.Path] {
			c.add(ruleMissingSum, "go.sum", 0, 0, fixSumAdd{m: c.m, line: l}, "missing go.sum line for %s", l.Key()).Why = "go build fails: missing go.sum entry"
		}
	}
}

// inGraph reports whether the graph has path (at version, if not "").
func (c *checkup) inGraph(path, version string) bool {
	for v := range c.nodes {
		if v.Path == path && (version == "" || v.Version == version) {
			return true
		}
	}
	return false
}

// checkReplaces reports replace residue (GR110-GR113).
func (c *checkup) checkReplaces() {
	var wf *modfile.WorkFile
	if c.ws.Work != "" {
		wf, _ = modfile.ParseWork(c.ws.Work, c.ws.WorkSum, nil)
	}
	// Without version control, the working set's root is what travels
	// with the module.
	repoRoot := load.VCSRoot(c.m.Dir)
	if repoRoot == "" {
		repoRoot = c.ws.Root
	}
	for _, r := range c.m.File.Replace {
		line, col := r.Syntax.Start.Line, r.Syntax.Start.LineRune
		old := r.Old.Path
		if r.Old.Version != "" {
			old += "@" + r.Old.Version
		}
		if c.nodes != nil && !c.inGraph(r.Old.Path, r.Old.Version) && !c.isWorkModule(r.Old.Path) {
			c.add(ruleReplaceUnused, "go.mod", line, col, fixReplace{m: c.m, old: r.Old},
				"replace of %s, which is not in the build graph", old).Why = "it does nothing until the module is required again, then silently redirects it"
		}
		if r.New.Version == "" {
			dir := r.New.Path
			if !filepath.IsAbs(dir) {
				dir = filepath.Join(c.m.Dir, filepath.FromSlash(dir))
			}
			if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
				c.add(ruleReplaceTarget, "go.mod", line, col, nil, "replace %s => %s: directory does not exist", old, r.New.Path)
			} else if _, err := os.Stat(filepath.Join(dir, "go.mod")); err != nil {
				c.add(ruleReplaceTarget, "go.mod", line, col, nil, "replace %s => %s: directory has no go.mod", old, r.New.Path)
			} else if c.ws.Work == "" && !within(dir, repoRoot) {
				c.add(ruleReplaceLocal, "go.mod", line, col, nil, "replace %s => %s points outside the repository", old, r.New.Path).Why = "a fresh clone cannot build; use a go.work workspace instead"
			}
		}
		if wf != nil {
			for _, w := range wf.Replace {
				if w.Old.Path != r.Old.Path || (w.Old.Version != "" && r.Old.Version != "" && w.Old.Version != r.Old.Version) {
					continue
				}
				if sameTarget(c.ws.Root, w.New, c.m.Dir, r.New) {
					c.add(ruleReplaceWork, "go.mod", line, col, nil, "replace of %s is duplicated by go.work:%d", old, w.Syntax.Start.Line)
				} else {
					c.add(ruleReplaceWork, "go.mod", line, col, nil, "replace of %s is overridden by go.work:%d in the workspace", old, w.Syntax.Start.Line).Why = "builds in and out of the workspace use different code"
				}
			}
		}
	}
}

func sameTarget(rootA string, a module.Version, rootB string, b module.Version) bool {
	if a.Version != "" || b.Version != "" {
		return a == b
	}
	da, db := a.Path, b.Path
	if !filepath.IsAbs(da) {
		da = filepath.Join(rootA, da)
	}
	if !filepath.IsAbs(db) {
		db = filepath.Join(rootB, db)
	}
	return filepath.Clean(da) == filepath.Clean(db)
}

func within(path, dir string) bool {
	rel, err := filepath.Rel(dir, path)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}

// checkExcludes reports excludes of modules absent from the graph
// (GR130). A module present at another version may be there because of
// the exclusion, so only absent paths are reported.
func (c *checkup) checkExcludes() {
	if c.nodes == nil {
		return
	}
	for _, e := range c.m.File.Exclude {
		if !c.inGraph(e.Mod.Path, "") {
			c.add(ruleExclude, "go.mod", e.Syntax.Start.Line, e.Syntax.Start.LineRune, fixExclude{m: c.m, mod: e.Mod},
				"exclude %s %s: the module is not in the build graph", e.Mod.Path, e.Mod.Version)
		}
	}
}

// checkVersions reports semantic import versioning issues (GR140,
// GR141), several major versions (GR150) and pseudo-versions (GR151).
func (c *checkup) checkVersions() {
	for _, r := range c.m.File.Require {
		line, col := r.Syntax.Start.Line, r.Syntax.Start.LineRune
		if strings.HasSuffix(r.Mod.Version, "+incompatible") {
			c.add(ruleIncompatible, "go.mod", line, col, nil, "%s %s is +incompatible (major version %s without a /%s module path)", r.Mod.Path, r.Mod.Version, semver.Major(r.Mod.Version), semver.Major(r.Mod.Version))
		}
		if module.IsPseudoVersion(r.Mod.Version) {
			c.add(rulePseudo, "go.mod", line, col, nil, "%s %s is a pseudo-version of an untagged commit", r.Mod.Path, r.Mod.Version)
		}
	}
	// Imports of .../vN packages resolved in a module of another major.
	// Owners are what the build resolves: tidy's requirements when known
	// (an import that only a missing /vN module provides is GR102).
	reqs := map[string]string{}
	reqFile := c.m.File
	if c.tidy != nil {
		reqFile = c.tidy.mod
	}
	for _, r := range reqFile.Require {
		reqs[r.Mod.Path] = r.Mod.Version
	}
	seen := map[string]bool{}
	for _, src := range c.sortedSources() {
		for _, p := range importsOf(src.data) {
			if seen[p] || load.IsStd(p) {
				continue
			}
			seen[p] = true
			owner := ""
			for q := range reqs {
				if (p == q || strings.HasPrefix(p, q+"/")) && len(q) > len(owner) {
					owner = q
				}
			}
			if owner == "" {
				continue
			}
			first, _, _ := strings.Cut(strings.TrimPrefix(p[len(owner):], "/"), "/")
			if !isMajor(first) {
				continue
			}
			_, pathMajor, _ := module.SplitPathVersion(owner)
			if strings.TrimPrefix(pathMajor, "/") != first && strings.TrimPrefix(pathMajor, ".") != first {
				file, line, col, _ := c.importer(p)
				if file == "go.mod" {
					continue
				}
				c.add(ruleSIVImport, file, line, col, nil, "import %q is resolved in module %s %s, not in module %s/%s", p, owner, reqs[owner], owner, first)
			}
		}
	}
	// Several majors in the graph.
	byPrefix := map[string]map[string]bool{}
	for v := range c.nodes {
		prefix, _, ok := module.SplitPathVersion(v.Path)
		if !ok {
			continue
		}
		if byPrefix[prefix] == nil {
			byPrefix[prefix] = map[string]bool{}
		}
		byPrefix[prefix][v.Path] = true
	}
	var prefixes []string
	for p, paths := range byPrefix {
		if len(paths) > 1 {
			prefixes = append(prefixes, p)
		}
	}
	sort.Strings(prefixes)
	for _, p := range prefixes {
		var paths []string
		for q := range byPrefix[p] {
			paths = append(paths, q)
		}
		sort.Strings(paths)
		line, col := 0, 0
		for _, r := range c.m.File.Require {
			if byPrefix[p][r.Mod.Path] {
				line, col = r.Syntax.Start.Line, r.Syntax.Start.LineRune
				break
			}
		}
		c.add(ruleMajors, "go.mod", line, col, nil, "several major versions of %s in the build: %s", p, strings.Join(paths, ", "))
	}
}

func isMajor(s string) bool {
	if len(s) < 2 || s[0] != 'v' || s[1] == '0' || s == "v1" {
		return false
	}
	for _, r := range s[1:] {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

type source struct {
	abs  string
	data []byte
}

func (c *checkup) sortedSources() []source {
	var out []source
	for abs, data := range c.tree.files {
		out = append(out, source{abs, data})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].abs < out[j].abs })
	return out
}

// checkVendor reports vendor drift (GR160-GR162), following the checks of
// the go command's vendor consistency (cmd/go/internal/modload/vendor.go).
func (c *checkup) checkVendor() {
	vdir := filepath.Join(c.m.Dir, "vendor")
	if fi, err := os.Stat(vdir); err != nil || !fi.IsDir() {
		return
	}
	txt, err := os.ReadFile(filepath.Join(vdir, "modules.txt"))
	if len(c.m.File.Require) == 0 {
		file := "vendor/modules.txt" // a file, for editors and code scanning
		if err != nil {
			file = "vendor"
		}
		c.add(ruleVendorUnused, file, 0, 0, fixVendor{m: c.m}, "vendor/ exists but the module requires nothing")
		return
	}
	if err != nil {
		// GOPATH-mode vendoring (GR163): from go 1.14 on, go build
		// uses vendor/ by default and refuses it without modules.txt.
		f := c.add(ruleVendorGOPATH, "vendor", 0, 0, nil, "vendor/ has no modules.txt: it was written for GOPATH mode, not by go mod vendor")
		f.Why = "go build fails: inconsistent vendoring; run 'go mod vendor'"
		if c.m.File.Go == nil || compareGo(c.m.File.Go.Version, "1.14") < 0 {
			f.Severity = report.Warning
			f.Why = "module mode ignores it unless -mod=vendor is given; run 'go mod vendor' or delete it"
		}
		return
	}
	vm := ParseVendor(txt)
	byPath := map[string]*VendorModule{}
	for _, b := range vm {
		if b.Path != "" {
			byPath[b.Path] = b
		}
	}
	pre117 := c.m.File.Go == nil || compareGo(c.m.File.Go.Version, "1.17") < 0
	pre114 := c.m.File.Go == nil || compareGo(c.m.File.Go.Version, "1.14") < 0
	why := "go build fails: inconsistent vendoring; run 'go mod vendor'"
	// As the go command reads modules.txt: a module's annotations by
	// path and version, and the modules that provide packages (the
	// highest version of each path), which alone are checked for an
	// explicit mark that go.mod does not back.
	meta := map[module.Version]*VendorModule{}
	vendorVersion := map[string]string{}
	var provides []*VendorModule
	for _, b := range vm {
		if b.Path == "" {
			continue
		}
		meta[module.Version{Path: b.Path, Version: b.Version}] = b
		if len(b.Packages) > 0 && b.Version != "" {
			if v, ok := vendorVersion[b.Path]; !ok || semver.Compare(v, b.Version) < 0 {
				provides = append(provides, b)
				vendorVersion[b.Path] = b.Version
			}
		}
	}
	reqs := map[module.Version]bool{}
	for _, r := range c.m.File.Require {
		reqs[r.Mod] = true
		line, col := r.Syntax.Start.Line, r.Syntax.Start.LineRune
		if b := meta[r.Mod]; b != nil && b.Explicit {
			continue
		}
		switch {
		case pre114:
			// Before go 1.14 modules.txt had no explicit marks: only
			// a version mismatch shows.
			if vv, ok := vendorVersion[r.Mod.Path]; ok && vv != r.Mod.Version {
				c.add(ruleVendorDrift, "go.mod", line, col, nil, "%s@%s is explicitly required in go.mod, but vendor/modules.txt indicates %s@%s", r.Mod.Path, r.Mod.Version, r.Mod.Path, vv).Why = why
			}
		default:
			c.add(ruleVendorDrift, "go.mod", line, col, nil, "%s@%s is explicitly required in go.mod, but not marked as explicit in vendor/modules.txt", r.Mod.Path, r.Mod.Version).Why = why
		}
	}
	for _, b := range provides {
		if b.Explicit && !reqs[module.Version{Path: b.Path, Version: b.Version}] {
			c.add(ruleVendorDrift, "vendor/modules.txt", b.Line, 1, nil, "%s@%s is marked as explicit in vendor/modules.txt, but not explicitly required in go.mod", b.Path, b.Version).Why = why
		}
	}
	for _, r := range c.m.File.Replace {
		b := byPath[r.Old.Path]
		want := r.New.Path
		if r.New.Version != "" {
			want += " " + r.New.Version
		}
		if b == nil {
			if !pre117 && r.Old.Version == "" {
				c.add(ruleVendorDrift, "go.mod", r.Syntax.Start.Line, r.Syntax.Start.LineRune, nil, "%s is replaced in go.mod, but not marked as replaced in vendor/modules.txt", r.Old.Path).Why = why
			}
			continue
		}
		if b.Replace != want && (r.Old.Version == "" || r.Old.Version == b.Version) {
			c.add(ruleVendorDrift, "go.mod", r.Syntax.Start.Line, r.Syntax.Start.LineRune, nil, "%s is replaced by %s in go.mod, but vendor/modules.txt has %q", r.Old.Path, want, b.Replace).Why = why
		}
	}
	c.checkVendoredPackages(vdir, vm)
	c.checkVendorFiles(vdir, vm)
}

// checkVendoredPackages reports listed packages that no import reaches
// from the module's packages (GR162).
func (c *checkup) checkVendoredPackages(vdir string, vm []*VendorModule) {
	listed := map[string]int{} // package -> line in modules.txt
	for _, b := range vm {
		n := b.Line
		for _, l := range b.Lines {
			if !strings.HasPrefix(l, "#") && strings.TrimSpace(l) != "" {
				listed[strings.TrimSpace(l)] = n
			}
			n++
		}
	}
	// The queue holds vendored packages, and packages of the module that
	// the scan skips but an import reaches by path (a testdata package a
	// test imports): their imports count too, as go mod vendor sees them.
	reached := map[string]bool{}
	scanned := map[string]bool{}
	for abs := range c.tree.files {
		scanned[filepath.Dir(abs)] = true
	}
	var queue []string
	visit := func(imports []string) {
		for _, q := range imports {
			if reached[q] {
				continue
			}
			if _, ok := listed[q]; ok {
				reached[q] = true
				queue = append(queue, q)
			} else if ownedBy(c.ws, q) == c.m.Path && !scanned[c.localDir(q)] {
				reached[q] = true
				queue = append(queue, q)
			}
		}
	}
	for _, src := range c.sortedSources() {
		visit(importsOf(src.data))
	}
	for len(queue) > 0 {
		p := queue[0]
		queue = queue[1:]
		dir := filepath.Join(vdir, filepath.FromSlash(p))
		if _, ok := listed[p]; !ok {
			dir = c.localDir(p)
		}
		ents, _ := os.ReadDir(dir)
		for _, e := range ents {
			if e.IsDir() || !strings.HasSuffix(e.Name(), ".go") {
				continue
			}
			data, err := os.ReadFile(filepath.Join(dir, e.Name()))
			if err != nil {
				continue
			}
			visit(importsOf(data))
		}
	}
	var unused []string
	for p := range listed {
		if !reached[p] {
			unused = append(unused, p)
		}
	}
	sort.Strings(unused)
	for _, p := range unused {
		c.add(ruleVendorPkg, "vendor/modules.txt", listed[p], 1, nil, "vendored package %s is imported by no package", p)
	}
}

// localDir returns the directory of package p of the module.
func (c *checkup) localDir(p string) string {
	rel := strings.TrimPrefix(strings.TrimPrefix(p, c.m.Path), "/")
	return filepath.Join(c.m.Dir, filepath.FromSlash(rel))
}

// compareGo compares Go versions "1.22", "1.22.3" numerically (release
// candidates compare as their release).
func compareGo(a, b string) int {
	num := func(parts []string, i int) int {
		if i >= len(parts) {
			return 0
		}
		f := strings.FieldsFunc(parts[i], func(r rune) bool { return r < '0' || r > '9' })
		if len(f) == 0 {
			return 0
		}
		n, _ := strconv.Atoi(f[0])
		return n
	}
	pa, pb := strings.Split(a, "."), strings.Split(b, ".")
	for i := 0; i < len(pa) || i < len(pb); i++ {
		x, y := num(pa, i), num(pb, i)
		if x != y {
			if x < y {
				return -1
			}
			return 1
		}
	}
	return 0
}

// checkCache compares the module cache with go.sum for the module
// versions of the build graph (GR170), as go mod verify does: the
// extracted directory's hash, the recorded zip hash and the go.mod file.
func (c *checkup) checkCache() {
	if c.cache == "" || c.nodes == nil {
		return
	}
	var jobs []SumLine
	for _, l := range c.sumRead {
		if c.nodes[l.Mod()] {
			jobs = append(jobs, l)
		}
	}
	var mu sync.Mutex
	var wg sync.WaitGroup
	ch := make(chan SumLine)
	type bad struct {
		l    SumLine
		got  string
		what string
	}
	var bads []bad
	for range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for l := range ch {
				got, what := cacheHash(c.cache, l)
				if got != "" && got != l.Hash {
					mu.Lock()
					bads = append(bads, bad{l, got, what})
					mu.Unlock()
				}
			}
		}()
	}
	for _, l := range jobs {
		ch <- l
	}
	close(ch)
	wg.Wait()
	sort.Slice(bads, func(i, j int) bool { return bads[i].l.Line < bads[j].l.Line })
	for _, b := range bads {
		c.add(ruleCacheSum, "go.sum", b.l.Line, 1, nil, "%s: module cache %s has %s, go.sum has %s", b.l.Key(), b.what, b.got, b.l.Hash)
	}
}

// cacheHash returns the hash of what the module cache holds for a go.sum
// line, and what was hashed; "" if the cache does not hold it.
func cacheHash(cache string, l SumLine) (string, string) {
	ep, err1 := module.EscapePath(l.Path)
	ev, err2 := module.EscapeVersion(l.Version)
	if err1 != nil || err2 != nil {
		return "", ""
	}
	dl := filepath.Join(cache, "cache", "download", filepath.FromSlash(ep), "@v")
	if l.GoMod {
		name := filepath.Join(dl, ev+".mod")
		if _, err := os.Stat(name); err != nil {
			return "", ""
		}
		h, err := dirhash.Hash1([]string{"go.mod"}, func(string) (io.ReadCloser, error) { return os.Open(name) })
		if err != nil {
			return "", ""
		}
		return h, "go.mod"
	}
	if data, err := os.ReadFile(filepath.Join(dl, ev+".ziphash")); err == nil {
		if h := strings.TrimSpace(string(data)); h != l.Hash {
			return h, "zip hash"
		}
	}
	dir := filepath.Join(cache, filepath.FromSlash(ep)+"@"+ev)
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		return "", ""
	}
	h, err := dirhash.HashDir(dir, l.Path+"@"+l.Version, dirhash.Hash1)
	if err != nil {
		return "", ""
	}
	return h, "directory"
}

// checkOnline asks the module proxy about the build's modules, as go
// list -m -u does (GR180-GR182).
func (c *checkup) checkOnline(ctx context.Context) {
	s, err := newScratch(c.ws, c.m, c.m.GoMod, c.tree)
	if err != nil {
		return
	}
	defer s.remove()
	cmd := gocmd.Command(ctx, s.dir, gocmd.Env("GOFLAGS=-mod=mod", "GOWORK=off"), "list", "-m", "-u", "-retracted", "-json", "all")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		c.add(ruleOffline, "go.mod", 0, 0, nil, "go list -m -u failed: %s", firstLineOf(stderr.String()))
		return
	}
	reqLine := map[string][2]int{}
	direct := map[string]bool{}
	for _, r := range c.m.File.Require {
		reqLine[r.Mod.Path] = [2]int{r.Syntax.Start.Line, r.Syntax.Start.LineRune}
		direct[r.Mod.Path] = !r.Indirect
	}
	dec := json.NewDecoder(bytes.NewReader(out))
	for {
		var mj struct {
			Path, Version string
			Main          bool
			Update        *struct{ Version string }
			Retracted     []string
			Deprecated    string
		}
		if err := dec.Decode(&mj); err != nil {
			break
		}
		if mj.Main {
			continue
		}
		pos := reqLine[mj.Path]
		if len(mj.Retracted) > 0 {
			c.add(ruleRetracted, "go.mod", pos[0], pos[1], nil, "%s %s is retracted: %s", mj.Path, mj.Version, strings.Join(mj.Retracted, "; "))
		}
		if mj.Deprecated != "" {
			c.add(ruleDeprecated, "go.mod", pos[0], pos[1], nil, "%s is deprecated: %s", mj.Path, mj.Deprecated)
		}
		if mj.Update != nil && direct[mj.Path] {
			c.add(ruleUpdate, "go.mod", pos[0], pos[1], nil, "%s %s: %s is available", mj.Path, mj.Version, mj.Update.Version)
		}
	}
}
