package modfix

// This file checks the files of vendor/ against what go mod vendor
// writes (GR164): for each package of vendor/modules.txt, the files of
// its directory but tests (and go.mod and go.sum from go 1.17 on), the
// files its //go:embed lines name, and the license-like files of the
// directories from the package up to its module's root; and
// vendor/modules.txt itself. Anything else (a package no longer listed,
// an editor's backup, a test file) is no build's: go build never reads
// it. When the module cache (or a replace directory) holds the vendored
// module, a file of a package directory that the module does not have is
// junk too; without it, every file of a package directory is kept.

import (
	"fmt"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"golang.org/x/mod/module"
)

// metaPrefixes are the name prefixes of the files go mod vendor copies
// from the parents of a vendored package up to its module root
// (case-sensitive, as the go command matches them).
var metaPrefixes = []string{"AUTHORS", "CONTRIBUTORS", "COPYLEFT", "COPYING", "COPYRIGHT", "LEGAL", "LICENSE", "NOTICE", "PATENTS"}

func isMeta(name string) bool {
	for _, p := range metaPrefixes {
		if strings.HasPrefix(name, p) {
			return true
		}
	}
	return false
}

// checkVendorFiles reports files of vendor/ that go mod vendor does not
// write (GR164). vm is vendor/modules.txt, parsed.
func (c *checkup) checkVendorFiles(vdir string, vm []*VendorModule) {
	type pkgInfo struct {
		mod   *VendorModule
		embed bool
	}
	pkgs := map[string]*pkgInfo{} // package path -> its module
	mods := map[string]*VendorModule{}
	for _, b := range vm {
		if b.Path == "" {
			continue
		}
		if len(b.Packages) > 0 {
			mods[b.Path] = b
		}
		for _, p := range b.Packages {
			pkgs[p] = &pkgInfo{mod: b}
		}
	}
	post117 := c.m.File.Go != nil && compareGo(c.m.File.Go.Version, "1.17") >= 0
	// owner returns the listed package whose directory holds vendor
	// directory d (slash path below vendor/) or is above it, nearest
	// first; nil if none.
	owner := func(d string) *pkgInfo {
		for q := d; q != "." && q != "/" && q != ""; q = path.Dir(q) {
			if p := pkgs[q]; p != nil {
				return p
			}
		}
		return nil
	}
	// modOf returns the listed module whose path is the longest prefix
	// of d.
	modOf := func(d string) *VendorModule {
		var best *VendorModule
		for q := d; q != "." && q != "/" && q != ""; q = path.Dir(q) {
			if b := mods[q]; b != nil {
				best = b
				break
			}
		}
		return best
	}
	// metaAllowed reports whether a license-like file in d is copied:
	// d is a package of module b or between one and b's root.
	metaAllowed := func(d string, b *VendorModule) bool {
		if b == nil || !(d == b.Path || strings.HasPrefix(d, b.Path+"/")) {
			return false
		}
		for _, p := range b.Packages {
			if p == d || strings.HasPrefix(p, d+"/") {
				return true
			}
		}
		return false
	}
	for p, info := range pkgs {
		info.embed = hasEmbed(filepath.Join(vdir, filepath.FromSlash(p)))
	}
	type junk struct {
		rel   string   // what the finding names, below the module root
		files []string // absolute
		why   string
	}
	var out []*junk
	leftover := map[string]*junk{} // unlisted directory -> its finding
	filepath.WalkDir(vdir, func(p string, e fs.DirEntry, err error) error {
		if err != nil || e.IsDir() {
			return nil
		}
		if !e.Type().IsRegular() {
			return nil
		}
		r, _ := filepath.Rel(vdir, p)
		r = filepath.ToSlash(r)
		if r == "modules.txt" {
			return nil
		}
		d, name := path.Dir(r), path.Base(r)
		rel := "vendor/" + r
		if d == "." {
			out = append(out, &junk{rel: rel, files: []string{p}, why: "go mod vendor writes no file at the top of vendor/ but modules.txt"})
			return nil
		}
		if info := pkgs[d]; info != nil {
			switch {
			case strings.HasSuffix(name, "_test.go"):
				out = append(out, &junk{rel: rel, files: []string{p}, why: "go mod vendor copies no test file"})
			case post117 && (name == "go.mod" || name == "go.sum"):
				out = append(out, &junk{rel: rel, files: []string{p}, why: "go mod vendor strips go.mod and go.sum from go 1.17 on"})
			default:
				if src := c.vendorSource(info.mod); src != "" {
					sub := strings.TrimPrefix(strings.TrimPrefix(d, info.mod.Path), "/")
					if _, err := os.Lstat(filepath.Join(src, filepath.FromSlash(sub), name)); os.IsNotExist(err) {
						out = append(out, &junk{rel: rel, files: []string{p}, why: fmt.Sprintf("module %s %s has no such file", info.mod.Path, info.mod.Version)})
					}
				}
			}
			return nil
		}
		b := modOf(d)
		if isMeta(name) && metaAllowed(d, b) {
			return nil
		}
		if info := owner(d); info != nil && info.embed && info.mod == b {
			// Below a package that embeds files: go mod vendor copies
			// the ones its patterns name.
			return nil
		}
		if j := leftover[d]; j != nil {
			j.files = append(j.files, p)
			return nil
		}
		j := &junk{rel: "vendor/" + d, files: []string{p}}
		switch {
		case b == nil:
			j.why = "no module of vendor/modules.txt provides it"
		default:
			j.why = fmt.Sprintf("vendor/modules.txt lists no package %s of module %s", d, b.Path)
		}
		leftover[d] = j
		out = append(out, j)
		return nil
	})
	sort.Slice(out, func(i, j int) bool { return out[i].rel < out[j].rel })
	for _, j := range out {
		msg := fmt.Sprintf("%s is not part of a vendored package: %s", j.rel, j.why)
		if len(j.files) > 1 || leftover[strings.TrimPrefix(j.rel, "vendor/")] == j {
			msg = fmt.Sprintf("%s (%s) is not a vendored package: %s", j.rel, plural(len(j.files), "file"), j.why)
		}
		c.add(ruleVendorJunk, j.rel, 0, 0, fixDelete{paths: j.files}, "%s", msg).Why = "go build never reads it; go mod vendor would not write it"
	}
}

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}

// vendorSource returns the directory that holds the source of vendored
// module b (a replace directory, or the module cache's copy), "" if
// there is none to compare with.
func (c *checkup) vendorSource(b *VendorModule) string {
	mod := module.Version{Path: b.Path, Version: b.Version}
	if b.Replace != "" {
		f := strings.Fields(b.Replace)
		switch len(f) {
		case 1:
			dir := f[0]
			if !filepath.IsAbs(dir) {
				dir = filepath.Join(c.m.Dir, filepath.FromSlash(dir))
			}
			if fi, err := os.Stat(dir); err == nil && fi.IsDir() {
				return dir
			}
			return ""
		case 2:
			mod = module.Version{Path: f[0], Version: f[1]}
		default:
			return ""
		}
	}
	if c.cache == "" || mod.Version == "" {
		return ""
	}
	ep, err1 := module.EscapePath(mod.Path)
	ev, err2 := module.EscapeVersion(mod.Version)
	if err1 != nil || err2 != nil {
		return ""
	}
	dir := filepath.Join(c.cache, filepath.FromSlash(ep)+"@"+ev)
	if fi, err := os.Stat(dir); err == nil && fi.IsDir() {
		return dir
	}
	return ""
}

// hasEmbed reports whether a Go file of directory dir has a //go:embed
// directive.
func hasEmbed(dir string) bool {
	ents, _ := os.ReadDir(dir)
	for _, e := range ents {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".go") {
			continue
		}
		f, err := parser.ParseFile(token.NewFileSet(), filepath.Join(dir, e.Name()), nil, parser.ParseComments)
		if f == nil {
			_ = err
			continue
		}
		for _, g := range f.Comments {
			for _, cm := range g.List {
				if strings.HasPrefix(cm.Text, "//go:embed") {
					return true
				}
			}
		}
	}
	return false
}
