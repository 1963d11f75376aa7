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
	"sync"
	"syscall"
	"testing"
	"time"

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
			sigAt, _ := strconv.Atoi(os.Getenv("FAULT_SIGNAL_AFTER"))
			txn.SetFaults(txn.Faults{CrashAfter: crash, FailAfter: fail, SignalAfter: sigAt, Signal: signals[os.Getenv("FAULT_SIGNAL")]})
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
			"crashloop":  crashloop,
			"crashat":    crashat,
			"owner":      ownerCmd,
			"signalloop": signalloop,
			"waitfile":   waitfile,
			"signal":     signalBackground,
			"exitcode":   exitcode,
			"gone":       gone,
			"age":        ageCmd,
			"mtimes":     mtimesCmd,
		},
		Condition: func(cond string) (bool, error) {
			switch cond {
			case "cgo":
				return cgo == "1", nil
			case "root":
				return os.Geteuid() == 0, nil
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

// signals are the signals scripts send by name.
var signals = map[string]os.Signal{"INT": syscall.SIGINT, "TERM": syscall.SIGTERM, "HUP": syscall.SIGHUP}

// signalloop runs 'goremover-faulty ARGS...' with FAULT_SIGNAL_AFTER=k
// for k = 1, 2, ... until it exits 0: the signal SIG reaches the apply
// after its k-th write, for every k. goremover must then exit 128+SIG
// with the tree under the current directory exactly as it was (bytes,
// modes, files), with no later command needed and no interrupted journal
// left: 'goremover history' must not restore anything. If the signal
// came after the commit, goremover exits 0 and the tree is the applied
// one.
//
//	signalloop TERM rm ./pay.Charge
func signalloop(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 || signals[args[0]] == nil {
		ts.Fatalf("usage: signalloop INT|TERM|HUP goremover-args...")
	}
	sig := signals[args[0]].(syscall.Signal)
	args = args[1:]
	dir := ts.MkAbs(".")
	orig := treeState(ts, dir)
	ts.Setenv("FAULT_SIGNAL", args0(sig))
	for k := 1; ; k++ {
		if k > 500 {
			ts.Fatalf("apply still running after 500 writes")
		}
		ts.Setenv("FAULT_SIGNAL_AFTER", strconv.Itoa(k))
		err := ts.Exec("goremover-faulty", args...)
		ts.Setenv("FAULT_SIGNAL_AFTER", "")
		if err == nil {
			if treeState(ts, dir) == orig {
				ts.Fatalf("k=%d: exit 0 but the tree is unchanged", k)
			}
			ts.Logf("signal %v at each of %d writes: tree restored before exit", sig, k-1)
			return
		}
		want := fmt.Sprintf("exit status %d", 128+int(sig))
		if !strings.Contains(err.Error(), want) {
			ts.Fatalf("k=%d: goremover: %v, want %s", k, err, want)
		}
		if got := treeState(ts, dir); got != orig {
			ts.Fatalf("k=%d: the tree is not the original after goremover exited", k)
		}
		if err := ts.Exec("goremover", "history"); err != nil {
			ts.Fatalf("k=%d: goremover history: %v", k, err)
		}
		if strings.Contains(ts.ReadFile("stderr"), "restored") {
			ts.Fatalf("k=%d: the next command had to restore: %s", k, ts.ReadFile("stderr"))
		}
	}
}

func args0(sig syscall.Signal) string {
	for name, s := range signals {
		if s == sig {
			return name
		}
	}
	return ""
}

// waitfile waits (up to a minute) until FILE exists.
func waitfile(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: waitfile FILE")
	}
	p := ts.MkAbs(args[0])
	for start := time.Now(); time.Since(start) < time.Minute; time.Sleep(20 * time.Millisecond) {
		if _, err := os.Stat(p); err == nil {
			return
		}
	}
	ts.Fatalf("%s did not appear within a minute", args[0])
}

// signaled remembers, per script, the background command signal sent a
// signal to, for exitcode.
var signaled sync.Map // *testscript.TestScript -> *exec.Cmd

// signalBackground sends SIG to the script's only background command.
//
//	signal TERM
func signalBackground(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 || signals[args[0]] == nil {
		ts.Fatalf("usage: signal INT|TERM|HUP")
	}
	cmds := ts.BackgroundCmds()
	if len(cmds) != 1 {
		ts.Fatalf("signal: %d background commands, want 1", len(cmds))
	}
	signaled.Store(ts, cmds[0])
	ts.Check(cmds[0].Process.Signal(signals[args[0]]))
}

// exitcode checks the exit status of the command signal sent a signal
// to, after 'wait'.
func exitcode(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: exitcode N")
	}
	v, ok := signaled.Load(ts)
	if !ok || v.(*exec.Cmd).ProcessState == nil {
		ts.Fatalf("exitcode: no signaled command has ended (use signal, then wait)")
	}
	if got := strconv.Itoa(v.(*exec.Cmd).ProcessState.ExitCode()); got != args[0] {
		ts.Fatalf("exit status %s, want %s", got, args[0])
	}
}

// gone checks that the process whose pid FILE holds no longer exists.
func gone(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: gone PIDFILE")
	}
	pid, err := strconv.Atoi(strings.TrimSpace(ts.ReadFile(args[0])))
	if err != nil {
		ts.Fatalf("%s: %v", args[0], err)
	}
	// A zombie is gone too: it runs nothing, and init reaps it.
	for start := time.Now(); time.Since(start) < 5*time.Second; time.Sleep(20 * time.Millisecond) {
		if syscall.Kill(pid, 0) != nil || zombie(pid) {
			return
		}
	}
	ts.Fatalf("process %d is still running", pid)
}

// zombie reports whether pid has exited and awaits its parent's wait.
func zombie(pid int) bool {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return false
	}
	_, rest, ok := strings.Cut(string(data), ") ")
	return ok && strings.HasPrefix(rest, "Z")
}

// crashat runs 'goremover-faulty ARGS...' with FAULT_CRASH_AFTER=k for
// k = 1, 2, ... until the apply is killed (SIGKILL) with FILE changed:
// it leaves the tree in that state, an apply interrupted half-way, for
// the script to go on from. Crashes before FILE was written are
// recovered with 'goremover history' and tried again.
//
//	crashat pay/pay.go rm ./pay.Dead
func crashat(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 {
		ts.Fatalf("usage: crashat FILE goremover-args...")
	}
	file := ts.MkAbs(args[0])
	orig, err := os.ReadFile(file)
	ts.Check(err)
	for k := 1; k <= 500; k++ {
		ts.Setenv("FAULT_CRASH_AFTER", strconv.Itoa(k))
		err := ts.Exec("goremover-faulty", args[1:]...)
		ts.Setenv("FAULT_CRASH_AFTER", "")
		if err == nil {
			ts.Fatalf("the apply ended before it was killed with %s written", args[0])
		}
		if !strings.Contains(err.Error(), "killed") {
			ts.Fatalf("k=%d: goremover failed without crashing: %v", k, err)
		}
		if now, err := os.ReadFile(file); err != nil || !bytes.Equal(now, orig) {
			ts.Logf("killed after write %d, with %s changed", k, args[0])
			return
		}
		if err := ts.Exec("goremover", "history"); err != nil {
			ts.Fatalf("k=%d: goremover history: %v", k, err)
		}
	}
	ts.Fatalf("no crash left %s changed", args[0])
}

// ownerCmd checks that FILE is owned by UID:GID.
//
//	owner pay/pay.go 1000:1000
func ownerCmd(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 2 {
		ts.Fatalf("usage: owner FILE UID:GID")
	}
	fi, err := os.Lstat(ts.MkAbs(args[0]))
	ts.Check(err)
	st := fi.Sys().(*syscall.Stat_t)
	got := fmt.Sprintf("%d:%d", st.Uid, st.Gid)
	if (got == args[1]) == neg {
		ts.Fatalf("%s is owned by %s, want %s%s", args[0], got, map[bool]string{true: "not "}[neg], args[1])
	}
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

// ageCmd sets the mtime of every file and directory under each PATH to
// DURATION ago, as if unused since: 'age 10d $WORK/gocache'.
func ageCmd(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 {
		ts.Fatalf("usage: age DURATION PATH...")
	}
	d, err := time.ParseDuration(args[0])
	if n, ok := strings.CutSuffix(args[0], "d"); ok {
		var days int
		days, err = strconv.Atoi(n)
		d = time.Duration(days) * 24 * time.Hour
	}
	if err != nil {
		ts.Fatalf("age: %v", err)
	}
	t := time.Now().Add(-d)
	for _, p := range args[1:] {
		ts.Check(filepath.WalkDir(ts.MkAbs(p), func(path string, _ fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			return os.Chtimes(path, t, t)
		}))
	}
}

// mtimesCmd prints every file under DIR with its size and mtime, sorted:
// two listings compare equal only if nothing was written.
func mtimesCmd(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: mtimes DIR")
	}
	root := ts.MkAbs(args[0])
	var lines []string
	ts.Check(filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		lines = append(lines, fmt.Sprintf("%s %d %d", filepath.ToSlash(rel), info.Size(), info.ModTime().UnixNano()))
		return nil
	}))
	slices.Sort(lines)
	fmt.Fprint(ts.Stdout(), strings.Join(lines, "\n")+"\n")
}
