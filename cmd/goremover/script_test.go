// This file runs the testscript archives in testdata/script against the
// real main, as the go command's own script tests do: every CLI behaviour
// is a script that builds a small module inline, runs goremover on it and
// checks stdout, stderr and the exit status.
//
// Modules that scripts require come from a local proxy serving
// testdata/mod (goproxytest), never from the network. GOCACHE is the real
// one (gotooltest.Setup), so type-checking the standard library is paid
// once per machine, not once per script.
//
//	go test ./cmd/goremover                      run every script
//	go test ./cmd/goremover -run TestScripts/impact_call
//	go test ./cmd/goremover -update              rewrite cmp files in the scripts
package main

import (
	"bytes"
	"flag"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/goremover/goremover/internal/cli"
	"github.com/goremover/goremover/internal/edit"
	"github.com/goremover/goremover/internal/txn"

	"github.com/rogpeppe/go-internal/goproxytest"
	"github.com/rogpeppe/go-internal/gotooltest"
	"github.com/rogpeppe/go-internal/testscript"
)

var update = flag.Bool("update", false, "rewrite the expected output in testdata/script with the actual output")

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"goremover": main,
		// goremover-faulty is goremover with the write faults that
		// FAULT_CRASH_AFTER and FAULT_FAIL_AFTER name (see txn.Faults),
		// with a broken change if FAULT_BREAK_EDIT is set (1: an
		// undefined name; a declared name: that declaration gone), with the
		// file FAULT_CHANGE_FILE changed after the analysis: the
		// production binary has no such switches.
		"goremover-faulty": func() {
			crash, _ := strconv.Atoi(os.Getenv("FAULT_CRASH_AFTER"))
			fail, _ := strconv.Atoi(os.Getenv("FAULT_FAIL_AFTER"))
			txn.SetFaults(txn.Faults{CrashAfter: crash, FailAfter: fail})
			if p := os.Getenv("FAULT_CHANGE_FILE"); p != "" {
				// Another editor saves the file between analysis
				// and write.
				cli.AfterCompute = func(*edit.Set) {
					f, err := os.OpenFile(p, os.O_APPEND|os.O_WRONLY, 0)
					if err == nil {
						f.WriteString("\n// saved by another editor\n")
						f.Close()
					}
				}
			}
			switch name := os.Getenv("FAULT_BREAK_EDIT"); name {
			case "":
			case "1":
				// A removal bug: the first edited Go file gets a
				// reference to nothing.
				cli.AfterCompute = func(s *edit.Set) {
					for _, f := range s.Files() {
						if f.New != nil && strings.HasSuffix(f.Path, ".go") {
							f.New = append(f.New, "\nvar _ = declaredNowhere\n"...)
							return
						}
					}
				}
			default:
				// A removal bug that breaks importers: the edited
				// Go file that declares the top-level name loses
				// it (renamed to nameGone).
				cli.AfterCompute = func(s *edit.Set) {
					for _, f := range s.Files() {
						if f.New != nil && strings.HasSuffix(f.Path, ".go") {
							f.New = renameDecl(f.New, name)
						}
					}
				}
			}
			main()
		},
	})
}

func TestScripts(t *testing.T) {
	proxy := goproxytest.NewTestServer(t, filepath.Join("..", "..", "testdata", "mod"), "")
	cgo := cgoEnabled(t)
	examples, err := filepath.Abs(filepath.Join("..", "..", "examples"))
	if err != nil {
		t.Fatal(err)
	}
	p := testscript.Params{
		Dir:                 filepath.Join("..", "..", "testdata", "script"),
		UpdateScripts:       *update,
		RequireExplicitExec: true,
		Setup: func(e *testscript.Env) error {
			// Subtle: gotooltest.Setup wraps this function and sets its
			// variables first (GOCACHE, GOPROXY, GOPATH=$WORK/.gopath, ...);
			// a later Setenv wins.
			e.Setenv("GOPROXY", proxy.URL)
			e.Setenv("GONOPROXY", "")
			e.Setenv("GOPRIVATE", "")
			e.Setenv("GONOSUMDB", "")
			e.Setenv("GOSUMDB", "off")
			// Not -mod=mod: users run with the default, -mod=readonly,
			// under which a missing go.sum line is an error that scripts
			// test, and go.work workspaces reject -mod=mod. Scripts that
			// require a proxy module carry its go.sum lines.
			// -modcacherw lets testscript remove $WORK/.gopath/pkg/mod.
			e.Setenv("GOFLAGS", "-modcacherw")
			e.Setenv("GOTOOLCHAIN", "local")
			e.Setenv("GOWORK", "")
			e.Setenv("CGO_ENABLED", cgo)
			e.Setenv("GOREMOVERCACHE", filepath.Join(e.WorkDir, ".cache", "goremover"))
			// os.UserCacheDir and friends must not reach the real home.
			e.Setenv("XDG_CACHE_HOME", filepath.Join(e.WorkDir, ".cache"))
			e.Setenv("XDG_CONFIG_HOME", filepath.Join(e.WorkDir, ".config"))
			e.Setenv("HOME", filepath.Join(e.WorkDir, ".home"))
			// The example modules, which scripts may read (with -C) but
			// must not write.
			e.Setenv("EXAMPLES", examples)
			return nil
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"crashloop": crashloop,
		},
		Condition: func(cond string) (bool, error) {
			switch cond {
			case "cgo":
				return cgo == "1", nil
			}
			return false, fmt.Errorf("unknown condition %q", cond)
		},
	}
	if err := gotooltest.Setup(&p); err != nil {
		t.Fatal(err)
	}
	testscript.Run(t, p)
}

// cgoEnabled returns what the go command's CGO_ENABLED is here ("1" when
// a C compiler is found, unless the caller's environment says otherwise).
// Scripts get the same value, so that the [cgo] condition, which testscript
// evaluates in this process, and the go command the scripts run agree.
func cgoEnabled(t *testing.T) string {
	out, err := exec.Command("go", "env", "CGO_ENABLED").Output()
	if err != nil {
		t.Fatalf("go env CGO_ENABLED: %v", err)
	}
	return strings.TrimSpace(string(out))
}

// crashloop runs 'goremover-faulty ARGS...' with FAULT_CRASH_AFTER=k for
// k = 1, 2, ... until it exits 0: the apply is killed (SIGKILL) after its
// k-th write, for every k. After each crash, 'goremover history' (any
// command) must restore the tree under the current directory to the
// bytes and modes it had before, unless the kill came after the commit:
// then the tree must be the applied one. .goremover is not compared.
//
//	crashloop rm ./pay.Charge
func crashloop(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) == 0 {
		ts.Fatalf("usage: crashloop goremover-args...")
	}
	dir := ts.MkAbs(".")
	orig := treeState(ts, dir)
	for k := 1; ; k++ {
		if k > 500 {
			ts.Fatalf("apply still crashing after 500 writes")
		}
		ts.Setenv("FAULT_CRASH_AFTER", strconv.Itoa(k))
		err := ts.Exec("goremover-faulty", args...)
		ts.Setenv("FAULT_CRASH_AFTER", "")
		if err == nil {
			if treeState(ts, dir) == orig {
				ts.Fatalf("apply with k=%d succeeded but changed nothing", k)
			}
			ts.Logf("crashed and recovered at each of %d writes", k-1)
			return
		}
		if !strings.Contains(err.Error(), "killed") {
			ts.Fatalf("k=%d: goremover failed without crashing: %v", k, err)
		}
		if err := ts.Exec("goremover", "history"); err != nil {
			ts.Fatalf("k=%d: goremover history after the crash: %v", k, err)
		}
		got := treeState(ts, dir)
		if got == orig {
			continue
		}
		// Killed after its last write, the commit: the apply is
		// complete. It must be exactly what an apply without faults
		// makes, and roll back to the original.
		if err := ts.Exec("goremover", "rollback"); err != nil {
			ts.Fatalf("k=%d: rollback of the completed apply: %v", k, err)
		}
		if treeState(ts, dir) != orig {
			ts.Fatalf("k=%d: rollback did not restore the original", k)
		}
		if err := ts.Exec("goremover", args...); err != nil {
			ts.Fatalf("apply without faults: %v", err)
		}
		if treeState(ts, dir) != got {
			ts.Fatalf("k=%d: the tree after a crash following the commit is not the applied tree:\n%s", k, got)
		}
		ts.Logf("crashed and recovered at each of %d writes; killed after the commit at write %d", k-1, k)
		return
	}
}

// treeState describes every file and directory under dir but .goremover:
// path, mode and content hash.
func treeState(ts *testscript.TestScript, dir string) string {
	var b bytes.Buffer
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		if d.IsDir() && (d.Name() == ".goremover" || strings.HasPrefix(d.Name(), ".") && rel != ".") {
			return filepath.SkipDir
		}
		fi, err := d.Info()
		if err != nil {
			return err
		}
		fmt.Fprintf(&b, "%s %v", rel, fi.Mode())
		if d.Type().IsRegular() {
			data, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			fmt.Fprintf(&b, " %q", data)
		}
		b.WriteByte('\n')
		return nil
	})
	if err != nil {
		ts.Fatalf("%v", err)
	}
	return b.String()
}

// renameDecl renames the top-level declaration name in src to nameGone,
// leaving its uses: src unchanged if it declares no such name.
func renameDecl(src []byte, name string) []byte {
	f, err := parser.ParseFile(token.NewFileSet(), "", src, parser.SkipObjectResolution)
	if err != nil {
		return src
	}
	var at token.Pos
	for _, d := range f.Decls {
		switch d := d.(type) {
		case *ast.FuncDecl:
			if d.Recv == nil && d.Name.Name == name {
				at = d.Name.Pos()
			}
		case *ast.GenDecl:
			for _, spec := range d.Specs {
				switch sp := spec.(type) {
				case *ast.TypeSpec:
					if sp.Name.Name == name {
						at = sp.Name.Pos()
					}
				case *ast.ValueSpec:
					for _, id := range sp.Names {
						if id.Name == name {
							at = id.Pos()
						}
					}
				}
			}
		}
	}
	if !at.IsValid() {
		return src
	}
	off := int(at - f.FileStart)
	return slices.Concat(src[:off], []byte(name+"Gone"), src[off+len(name):])
}
