package arch

// This file checks //go:embed lines against the embed: rules. The lines
// are found in the sources the index was built from (load.Dir holds
// them): only files that contain "//go:embed" are parsed, with go/parser.

import (
	"bytes"
	"fmt"
	"go/parser"
	"go/token"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"github.com/goremover/goremover/internal/index"
)

func (c *checker) embed() {
	if len(c.cfg.Embed) == 0 {
		return
	}
	for _, d := range c.x.Dirs {
		k, ok := c.pkgs[d.ImportPath]
		if !ok {
			k = Pkg{Path: d.ImportPath, Module: d.Module.Path, Rel: relDir(c.root, d.Abs)}
		}
		for _, f := range d.Files {
			if !bytes.Contains(f.Src, []byte("//go:embed")) {
				continue
			}
			fset := token.NewFileSet()
			af, err := parser.ParseFile(fset, f.Abs, f.Src, parser.ParseComments|parser.SkipObjectResolution)
			if af == nil {
				continue // the load reported it
			}
			_ = err
			rel := filepath.ToSlash(filepath.Join(d.Rel, f.Name))
			pos := index.Pos{Module: d.Module.Path, File: path.Clean(rel)}
			platforms := []string{"all"}
			if xf := c.x.File(pos); xf != nil && len(xf.Platforms) > 0 {
				platforms = xf.Platforms
			}
			for _, cg := range af.Comments {
				for _, cm := range cg.List {
					args, ok := strings.CutPrefix(cm.Text, "//go:embed")
					if !ok || args != "" && args[0] != ' ' && args[0] != '\t' {
						continue
					}
					p := fset.Position(cm.Slash)
					at := pos
					at.Line, at.Col = p.Line, p.Column
					for _, dir := range embedDirs(d.Abs, args) {
						drel := relDir(c.root, dir)
						if c.embedAllowed(k, drel) {
							continue
						}
						c.out = append(c.out, &Violation{
							Rule: ruleEmbed.ID, Kind: "embed", Pos: at, Config: c.cfg.Embed[0].Pos,
							From: d.ImportPath, To: drel, Platforms: platforms, Test: f.Test,
							Key: d.ImportPath + ":" + drel,
							Message: fmt.Sprintf("%s embeds files of %s, which no embed rule allows it to: embed rules at %s",
								c.show(d.ImportPath), drel, c.cfg.Embed[0].Pos),
						})
					}
				}
			}
		}
	}
}

// embedAllowed reports whether a rule lets package k embed from the
// directory dir ("./rel").
func (c *checker) embedAllowed(k Pkg, dir string) bool {
	if dir == "" {
		return false
	}
	for _, r := range c.cfg.Embed {
		if matchAny(r.Packages, k) && matchAny(r.Dirs, Pkg{Rel: dir}) {
			return true
		}
	}
	return false
}

// embedDirs returns the directories a //go:embed line's patterns embed
// from, under the package directory pkgDir: a directory a pattern
// matches, or the directory of a file it matches, or, if it matches
// nothing, the directory its pattern names before any wildcard. A
// pattern that would leave pkgDir (the go command rejects those) is
// taken as pkgDir itself. Symbolic links are not followed.
func embedDirs(pkgDir, args string) []string {
	set := map[string]bool{}
	for _, pat := range embedPatterns(args) {
		pat = strings.TrimPrefix(pat, "all:")
		if pat == "" || strings.HasPrefix(pat, "/") || strings.Contains(pat, "..") || strings.Contains(pat, `\`) {
			set[pkgDir] = true
			continue
		}
		matches, _ := filepath.Glob(filepath.Join(pkgDir, filepath.FromSlash(pat)))
		for _, m := range matches {
			if fi, err := os.Lstat(m); err == nil && fi.IsDir() {
				set[m] = true
			} else {
				set[filepath.Dir(m)] = true
			}
		}
		if len(matches) == 0 {
			static := pat
			if i := strings.IndexAny(pat, "*?["); i >= 0 {
				static = path.Dir(pat[:i+1])
			}
			set[filepath.Join(pkgDir, filepath.FromSlash(static))] = true
		}
	}
	var out []string
	for d := range set {
		out = append(out, d)
	}
	sort.Strings(out)
	return out
}

// embedPatterns splits a //go:embed line's arguments: space-separated,
// each possibly a Go string ("a b" or `a b`).
func embedPatterns(args string) []string {
	var out []string
	s := strings.TrimSpace(args)
	for s != "" {
		var p string
		switch s[0] {
		case '"', '`':
			end := strings.IndexByte(s[1:], s[0])
			if end < 0 {
				return append(out, s[1:])
			}
			p, s = s[1:end+1], s[end+2:]
		default:
			end := strings.IndexAny(s, " \t")
			if end < 0 {
				end = len(s)
			}
			p, s = s[:end], s[end:]
		}
		out = append(out, p)
		s = strings.TrimSpace(s)
	}
	return out
}
