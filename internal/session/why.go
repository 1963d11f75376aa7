package session

// This file gathers what 'goremover why' reads besides the index: the
// host build's dependency packages (one go list) and each workspace
// module's module graph (go mod graph, offline, in a scratch copy).

import (
	"context"
	"fmt"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"github.com/goremover/goremover/internal/gocmd"
	"github.com/goremover/goremover/internal/index"
	"github.com/goremover/goremover/internal/load"
	"github.com/goremover/goremover/internal/modfix"
	"github.com/goremover/goremover/internal/progress"
	"github.com/goremover/goremover/internal/target"
	"github.com/goremover/goremover/internal/weigh"
	"github.com/goremover/goremover/internal/why"
	"golang.org/x/mod/module"
)

// WhyTarget is a parsed argument of why: a module path (with an optional
// version) or a package (an import path or a working-set directory).
type WhyTarget struct {
	Arg     string
	Path    string
	Version string
	Module  bool
}

// ParseWhy parses why's arguments before anything is loaded.
func ParseWhy(args []string, isModule bool) ([]WhyTarget, error) {
	var out []WhyTarget
	for _, a := range args {
		sp, err := target.Parse(a, isModule)
		if err != nil {
			return nil, err
		}
		t := WhyTarget{Arg: a, Path: sp.Path, Module: isModule}
		if isModule {
			_, t.Version, _ = strings.Cut(a, "@")
		} else if !target.IsLocal(a) {
			if sp.Form != target.FormPath {
				return nil, &target.Error{Arg: a, Msg: "not a package path; why takes import paths, directories, or module paths with -m"}
			}
			if err := module.CheckImportPath(a); err != nil {
				return nil, &target.Error{Arg: a, Msg: "malformed import path: " + err.Error()}
			}
		}
		out = append(out, t)
	}
	return out, nil
}

// WhyFacts loads the dependency packages and module graphs.
func (s *Session) WhyFacts(ctx context.Context) (*why.Facts, error) {
	f, err := s.depFacts(ctx)
	if err != nil {
		return nil, err
	}
	if err := s.readGraphs(ctx, f); err != nil {
		return nil, err
	}
	return f, nil
}

// otherConfigImports returns the dependencies that only files of other
// configurations import (a //go:build sonic file's
// github.com/bytedance/sonic), for DepGraph to load too, so that their
// own imports are known.
func (s *Session) otherConfigImports(deps map[string]*load.DepPackage) []string {
	var extra []string
	seen := map[string]bool{}
	for _, p := range s.X.Packages {
		for _, r := range p.Refs {
			to := r.To.Pkg
			if r.Kind != index.Import || seen[to] || deps[to] != nil || s.X.Package(to) != nil || load.IsStd(to) {
				continue
			}
			seen[to] = true
			extra = append(extra, to)
		}
	}
	slices.Sort(extra)
	return extra
}

// readGraphs reads the module graph of every workspace module, and where
// the module cache is.
func (s *Session) readGraphs(ctx context.Context, f *why.Facts) error {
	for i := range s.WS.Modules {
		m := &s.WS.Modules[i]
		progress.Printf(ctx, "reading the module graph of %s (go mod graph, offline)", m.Path)
		edges, err := modfix.Graph(ctx, s.WS, m)
		if err != nil {
			return err
		}
		f.Graphs[m.Path] = edges
	}
	if out, err := gocmd.Command(ctx, s.WS.Root, gocmd.Env(), "env", "GOMODCACHE").Output(); err == nil {
		f.ModCache = strings.TrimSpace(string(out))
	}
	return nil
}

// depFacts are why's facts without the module graphs: the dependency
// packages of every configuration.
func (s *Session) depFacts(ctx context.Context) (*why.Facts, error) {
	progress.Printf(ctx, "listing the dependencies' packages")
	deps, err := load.DepGraph(ctx, s.WS, &s.Index.Load)
	if err != nil {
		return nil, err
	}
	if extra := s.otherConfigImports(deps); len(extra) > 0 {
		if deps, err = load.DepGraph(ctx, s.WS, &s.Index.Load, extra...); err != nil {
			return nil, err
		}
	}
	return &why.Facts{WS: s.WS, X: s.X, Deps: deps, Graphs: map[string][]modfix.Edge{}}, nil
}

// ModuleSummary says what leaves the build with module mod, on one line
// ("removes 7 modules, 41 go.sum lines"), from f's dependency packages;
// it reads the module graphs first if f has none. "" if the graph does
// not load offline (a module cache without every go.mod): a summary is
// no reason to fail, nor to warn.
func (s *Session) ModuleSummary(ctx context.Context, f *why.Facts, mod string) string {
	if len(f.Graphs) == 0 {
		if err := s.readGraphs(ctx, f); err != nil {
			return ""
		}
	}
	w := &weigh.Weigher{F: f}
	x, err := w.Weigh(ctx, weigh.Target{Name: mod, Module: true})
	if err != nil {
		return ""
	}
	return weigh.Summary(x)
}

// Why answers each target.
func (s *Session) Why(f *why.Facts, targets []WhyTarget) ([]*why.Answer, error) {
	var out []*why.Answer
	for _, t := range targets {
		if t.Module {
			a := f.Explain(t.Path, t.Version, true)
			if !f.InGraph(t.Path) && len(a.Reasons) == 0 {
				var cands []string
				for _, m := range f.Modules() {
					if path.Base(m) == path.Base(t.Path) || strings.Contains(m, t.Path) {
						cands = append(cands, m)
					}
				}
				msg := "module is not in the module graph of the working set"
				if len(cands) > 0 {
					msg += "; did you mean"
				}
				return nil, &target.Error{Arg: t.Arg, Msg: msg, Candidates: cands}
			}
			out = append(out, a)
			continue
		}
		p := t.Path
		if target.IsLocal(p) {
			abs := p
			if !filepath.IsAbs(abs) {
				abs = filepath.Join(s.Cwd, p)
			}
			mod, rel := s.WS.Rel(filepath.Clean(abs))
			found := ""
			for _, xp := range s.X.Packages {
				if xp.Module == mod && (xp.Dir == rel || rel == "." && xp.Dir == "") {
					found = xp.Path
				}
			}
			if found == "" {
				return nil, &target.Error{Arg: t.Arg, Msg: "no package of the working set in this directory"}
			}
			p = found
		} else if s.X.Package(p) == nil && f.Deps[p] == nil && !f.InGraph(moduleFor(f, p)) {
			return nil, &target.Error{Arg: t.Arg, Msg: fmt.Sprintf("no module of the build provides package %s", p)}
		}
		out = append(out, f.Explain(p, "", false))
	}
	return out, nil
}

// moduleFor returns the longest module path of the graphs that prefixes
// import path p, "" if none.
func moduleFor(f *why.Facts, p string) string {
	best := ""
	for _, m := range f.Modules() {
		if (p == m || strings.HasPrefix(p, m+"/")) && len(m) > len(best) {
			best = m
		}
	}
	return best
}
