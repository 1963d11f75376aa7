package modfix

// This file holds doctor's checks of what GOPATH mode left behind
// (GR190-GR193, and GR163 for GOPATH-style vendor directories): a
// GO111MODULE setting that turns modules off, copies of the working set's
// modules under GOPATH/src, Go files of the repository that no module
// holds, and the manifests of dep, glide and godep. They read the
// environment, the go env file and the repository, and write nothing:
// the environment and GOPATH are the user's, outside any module, so they
// are only reported.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/goremover/goremover/internal/gocmd"
	"github.com/goremover/goremover/internal/load"
	"github.com/goremover/goremover/internal/report"
)

// fixDelete deletes files of a working-set module.
type fixDelete struct{ paths []string }

// goEnvVars returns GOENV and GOPATH as the go command sees them (the go
// env file included), "" if it cannot say.
func goEnvVars(ctx context.Context) (goenv, gopath string) {
	// GO111MODULE= keeps a GO111MODULE=off from changing nothing here,
	// but makes go env answer in module mode like every other command.
	cmd := gocmd.Command(ctx, os.TempDir(), gocmd.Env("GOFLAGS=", "GOWORK=off"), "env", "-json", "GOENV", "GOPATH")
	out, err := cmd.Output()
	if err != nil {
		return "", ""
	}
	var v struct{ GOENV, GOPATH string }
	if json.Unmarshal(out, &v) != nil {
		return "", ""
	}
	return v.GOENV, v.GOPATH
}

// gopathFindings reports GO111MODULE=off or auto (GR190) and modules of
// the working set, or their requirements, that a directory under
// GOPATH/src shadows in GOPATH mode (GR191).
func gopathFindings(ws *load.WorkingSet, goenv, gopath string) []*report.Finding {
	var out []*report.Finding
	mode := func(v, where string) string {
		if v == "off" {
			return fmt.Sprintf("GO111MODULE=off %s: the go command ignores go.mod and builds in GOPATH mode", where)
		}
		return fmt.Sprintf("GO111MODULE=auto %s: GOPATH mode comes back wherever no go.mod is found", where)
	}
	// An empty GO111MODULE is unset, to the go command.
	env := os.Getenv("GO111MODULE")
	inEnv := env != ""
	if env == "off" || env == "auto" {
		out = append(out, &report.Finding{
			Rule: ruleGOPATHMode.ID, Severity: ruleGOPATHMode.Severity,
			Message: mode(env, "in the environment"),
			Why:     "unset it (modules are on by default since Go 1.16)",
		})
	}
	if goenv != "" && goenv != "off" {
		if data, err := os.ReadFile(goenv); err == nil {
			if v, line := envFileValue(data, "GO111MODULE"); v == "off" || v == "auto" {
				f := &report.Finding{
					Rule: ruleGOPATHMode.ID, Severity: ruleGOPATHMode.Severity,
					File: filepath.ToSlash(goenv), Line: line, Col: 1,
					Message: mode(v, "in the go env file"),
					Why:     "to drop it: go env -u GO111MODULE",
				}
				if inEnv {
					f.Why = "the environment's GO111MODULE wins for now; to drop it: go env -u GO111MODULE"
				}
				out = append(out, f)
			}
		}
	}
	if gopath == "" {
		return out
	}
	for i := range ws.Modules {
		m := &ws.Modules[i]
		check := func(path string, line, col int, what string) {
			for _, gp := range filepath.SplitList(gopath) {
				if gp == "" || !filepath.IsAbs(gp) {
					continue
				}
				dir := filepath.Join(gp, "src", filepath.FromSlash(path))
				fi, err := os.Stat(dir)
				if err != nil || !fi.IsDir() || within(m.Dir, dir) {
					// A module kept in its GOPATH directory is not
					// shadowed by itself.
					continue
				}
				f := &report.Finding{
					Rule: ruleGOPATHShadow.ID, Severity: ruleGOPATHShadow.Severity, File: "go.mod", Line: line, Col: col, Root: m.Dir,
					Message: fmt.Sprintf("%s %s is shadowed by %s in GOPATH mode", what, path, dir),
					Why:     "a GOPATH-mode build compiles that copy instead of the module's version",
				}
				if ws.Work != "" {
					f.Module = m.Path
				}
				out = append(out, f)
				return
			}
		}
		if mod := m.File.Module; mod != nil {
			check(m.Path, mod.Syntax.Start.Line, mod.Syntax.Start.LineRune, "module")
		}
		seen := map[string]bool{}
		for _, r := range m.File.Require {
			if !seen[r.Mod.Path] {
				seen[r.Mod.Path] = true
				check(r.Mod.Path, r.Syntax.Start.Line, r.Syntax.Start.LineRune, "required module")
			}
		}
	}
	return out
}

// envFileValue returns the value of key in a go env file and its line,
// as the go command reads the file: KEY=VALUE lines, the last one wins,
// other lines are ignored.
func envFileValue(data []byte, key string) (string, int) {
	val, at := "", 0
	for n := 1; len(data) > 0; n++ {
		line := data
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			line, data = data[:i], data[i+1:]
		} else {
			data = nil
		}
		k, v, ok := bytes.Cut(line, []byte("="))
		if ok && string(k) == key {
			val, at = string(v), n
		}
	}
	return val, at
}

// legacyManifests are the files of GOPATH-era dependency managers, by
// the path below a directory.
var legacyManifests = map[string]string{
	"Gopkg.toml":         "dep",
	"Gopkg.lock":         "dep",
	"glide.yaml":         "glide",
	"glide.lock":         "glide",
	"Godeps/Godeps.json": "godep",
}

// repoFindings walks the repository of the working set (the version
// control root above it, or the working-set root) and reports
// directories of Go files that no module holds (GR192), manifests of
// dep, glide and godep (GR193), and vendor directories below a module
// root, which only GOPATH mode reads (GR163).
//
// As the go command does, directories named testdata or vendor, or whose
// name starts with . or _, hold no package: inside a module they are not
// residue, and outside one nothing builds them either, so the walk skips
// them (a vendor directory inside a module is reported first).
//
// The walk does not enter another repository (a directory with its own
// .git, say: a version control root may be a home directory), nor
// node_modules, nor the directories of skip (GOPATH entries and the
// module cache), which hold other people's code.
func repoFindings(ws *load.WorkingSet, skip []string) ([]*report.Finding, error) {
	root := load.VCSRoot(ws.Root)
	if root == "" {
		root = ws.Root
	}
	skipDir := map[string]bool{}
	for _, d := range skip {
		if d != "" && filepath.IsAbs(d) {
			skipDir[filepath.Clean(d)] = true
		}
	}
	wsDirs := map[string]*load.Module{}
	for i := range ws.Modules {
		wsDirs[filepath.Clean(ws.Modules[i].Dir)] = &ws.Modules[i]
	}
	rel := func(p string) string {
		r, err := filepath.Rel(ws.Root, p)
		if err != nil {
			return filepath.ToSlash(p)
		}
		return filepath.ToSlash(r)
	}
	// modRoot[dir] is the directory of the nearest go.mod at or above dir
	// within the repository, "" for none.
	modRoot := map[string]string{}
	var out []*report.Finding
	err := filepath.WalkDir(root, func(p string, e fs.DirEntry, err error) error {
		if err != nil {
			if p == root {
				return err
			}
			return nil // an unreadable directory holds nothing we can report
		}
		if !e.IsDir() {
			return nil
		}
		name := e.Name()
		// node_modules holds JavaScript packages, not the repository's Go
		// code (gopls leaves it out by default too).
		if p != root && (strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_") || name == "testdata" || name == "node_modules" || skipDir[p] || isRepo(p)) {
			return filepath.SkipDir
		}
		parent := ""
		if p != root {
			parent = modRoot[filepath.Dir(p)]
		}
		if name == "vendor" && p != root {
			if parent == "" || filepath.Dir(p) != parent {
				// A vendor directory below a module root, or in no
				// module: GOPATH mode's vendoring, which module mode
				// ignores.
				if file := firstGoFile(p); file != "" {
					m := wsDirs[parent]
					f := &report.Finding{
						Rule: ruleVendorGOPATH.ID, Severity: report.Warning, File: rel(p), Root: ws.Root,
						Message: fmt.Sprintf("%s is a vendor directory below the module root, which only GOPATH mode reads", rel(p)),
						Why:     "module mode uses the module root's vendor/ only; this code builds nowhere",
					}
					if parent == "" {
						f.Message = fmt.Sprintf("vendor directory %s belongs to no module, and only GOPATH mode reads it", rel(p))
					} else if m != nil {
						f.Message = fmt.Sprintf("vendor directory %s is below the module root of %s, and only GOPATH mode reads it", rel(p), m.Path)
					}
					out = append(out, f)
				}
			}
			return filepath.SkipDir
		}
		if _, err := os.Stat(filepath.Join(p, "go.mod")); err == nil {
			parent = p
		}
		modRoot[p] = parent
		ents, err := os.ReadDir(p)
		if err != nil {
			return nil
		}
		var goFiles []string
		for _, f := range ents {
			if f.Type().IsRegular() && strings.HasSuffix(f.Name(), ".go") && !strings.HasPrefix(f.Name(), ".") && !strings.HasPrefix(f.Name(), "_") {
				goFiles = append(goFiles, f.Name())
			}
		}
		if parent == "" && len(goFiles) > 0 {
			sort.Strings(goFiles)
			file := filepath.Join(p, goFiles[0])
			line, col := packageClause(file)
			what := fmt.Sprintf("%d Go files", len(goFiles))
			verb := "belong"
			if len(goFiles) == 1 {
				what, verb = "1 Go file", "belongs"
			}
			dir := rel(p)
			out = append(out, &report.Finding{
				Rule: ruleNoModule.ID, Severity: ruleNoModule.Severity, File: rel(file), Line: line, Col: col, Root: ws.Root,
				Message: fmt.Sprintf("%s in %s %s to no module: no go.mod in %s or above it in the repository", what, dir, verb, dir),
				Why:     "no module's build or tests include them (go run file.go alone runs one, with standard-library imports only); add them to a module, or remove them",
			})
		}
		for name, tool := range legacyManifests {
			file := filepath.Join(p, filepath.FromSlash(name))
			fi, err := os.Lstat(file)
			if err != nil || !fi.Mode().IsRegular() {
				continue
			}
			f := &report.Finding{
				Rule: ruleLegacyManifest.ID, Severity: ruleLegacyManifest.Severity, File: rel(file), Root: ws.Root,
				Message: fmt.Sprintf("%s is a %s manifest, which module mode ignores", rel(file), tool),
			}
			if m := wsDirs[parent]; m != nil {
				// Inside a working-set module (and no other module):
				// the go command never reads it, so deleting it is safe.
				f.Fixable, f.Fix = true, fixDelete{paths: []string{file}}
				f.Why = "go.mod says what the build uses; tools that still read it (vulnerability scanners, bots) report versions the build does not use"
			} else {
				f.Why = "it is outside the working set's modules, so -fix leaves it; tools that still read it report versions no build uses"
			}
			out = append(out, f)
		}
		return nil
	})
	sort.Slice(out, func(i, j int) bool { return out[i].File < out[j].File })
	return out, err
}

// isRepo reports whether dir is the root of a repository.
func isRepo(dir string) bool {
	for _, v := range []string{".git", ".hg", ".svn", ".bzr"} {
		if _, err := os.Lstat(filepath.Join(dir, v)); err == nil {
			return true
		}
	}
	return false
}

// firstGoFile returns the first .go file found under dir, "" if none.
func firstGoFile(dir string) string {
	found := ""
	filepath.WalkDir(dir, func(p string, e fs.DirEntry, err error) error {
		if err != nil || found != "" {
			return filepath.SkipAll
		}
		if !e.IsDir() && strings.HasSuffix(p, ".go") {
			found = p
			return filepath.SkipAll
		}
		return nil
	})
	return found
}

// packageClause returns the position of file's package clause, 0, 0 if
// it does not parse that far.
func packageClause(file string) (int, int) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, file, nil, parser.PackageClauseOnly)
	if err != nil || f == nil {
		return 0, 0
	}
	pos := fset.Position(f.Package)
	return pos.Line, pos.Column
}
