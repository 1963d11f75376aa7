package txn

import (
	"bufio"
	"errors"
	"fmt"
	"io/fs"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/goremover/goremover/internal/edit"
)

// The crash tests re-execute the test binary: TestChild, run with
// GOREMOVER_TXN_CHILD set, does one operation on GOREMOVER_TXN_ROOT with
// Faults{CrashAfter: GOREMOVER_TXN_CRASH}, so that it dies by SIGKILL at
// that write, and the parent inspects and recovers the tree.

func TestChild(t *testing.T) {
	op := os.Getenv("GOREMOVER_TXN_CHILD")
	if op == "" {
		t.Skip("helper process for the crash tests")
	}
	root := os.Getenv("GOREMOVER_TXN_ROOT")
	k, _ := strconv.Atoi(os.Getenv("GOREMOVER_TXN_CRASH"))
	SetFaults(Faults{CrashAfter: k})
	var err error
	switch op {
	case "apply":
		_, err = Apply(ctx, root, fixtureSet(t, root), Meta{Command: "rm"}, extras)
	case "big":
		set := bigSet(t, root)
		fmt.Println("ready")
		_, err = Apply(ctx, root, set, Meta{Command: "prune"}, extras)
	case "verify":
		// Killed during the verification.
		if _, err = Begin(ctx, root, fixtureSet(t, root), Meta{Command: "rm"}, extras); err == nil {
			fmt.Println("verifying")
			time.Sleep(time.Minute)
		}
	case "recover":
		_, err = Recover(root)
	case "restore":
		_, err = Restore(root, "", false)
	}
	if err != nil {
		fmt.Println("error:", err)
		os.Exit(1)
	}
	fmt.Println("done", Writes())
}

// runChild runs TestChild with op on root, crashing at write k (0:
// never), and reports whether it died by SIGKILL.
func runChild(t *testing.T, op, root string, k int) (crashed bool, out string) {
	t.Helper()
	cmd := childCmd(op, root, k)
	b, err := cmd.Output()
	return killed(t, err, b), string(b)
}

func childCmd(op, root string, k int) *exec.Cmd {
	cmd := exec.Command(os.Args[0], "-test.run=^TestChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), "GOREMOVER_TXN_CHILD="+op, "GOREMOVER_TXN_ROOT="+root, "GOREMOVER_TXN_CRASH="+strconv.Itoa(k))
	return cmd
}

func killed(t *testing.T, err error, out []byte) bool {
	t.Helper()
	if err == nil {
		return false
	}
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() && ws.Signal() == syscall.SIGKILL {
			return true
		}
	}
	t.Fatalf("child: %v\n%s", err, out)
	return false
}

// TestCrashEveryWrite kills an Apply after its k-th write, for every k,
// and checks that Recover makes the tree byte-identical to the original
// (contents, modes, files and directories present), leaves no temp
// files, and records what it did.
func TestCrashEveryWrite(t *testing.T) {
	root := fastFixture(t)
	if _, err := Apply(ctx, root, fixtureSet(t, root), Meta{}, extras); err != nil {
		t.Fatal(err)
	}
	n := Writes()
	for k := 1; k <= n+1; k++ {
		root := fastFixture(t)
		orig := readTree(t, root)
		crashed, out := runChild(t, "apply", root, k)
		if crashed != (k <= n) {
			t.Fatalf("k=%d of %d: crashed = %v (%s)", k, n, crashed, out)
		}
		s, err := recoverOne(root)
		if err != nil {
			t.Fatalf("k=%d: Recover: %v", k, err)
		}
		h, _ := history(root)
		if k >= n {
			// The last write is the journal's "applied": the apply is
			// complete, and there is nothing to recover.
			mustEqual(t, root, applied(root, orig, fixtureSet0(t, orig, root)), fmt.Sprintf("k=%d: complete apply", k))
			if s != nil || len(h) != 1 || h[0].State != "applied" {
				t.Fatalf("k=%d: Recover = %v, History = %v", k, s, h)
			}
			continue
		}
		mustEqual(t, root, orig, fmt.Sprintf("k=%d: after Recover", k))
		switch {
		case len(h) == 0 && s == nil:
			// Crashed before the journal existed: the tree was not
			// touched, and Recover removed the partial snapshot.
			if ents, _ := os.ReadDir(filepath.Join(root, ".goremover", "snapshots")); len(ents) != 0 {
				t.Fatalf("k=%d: partial snapshot left: %v", k, ents)
			}
		case len(h) == 1 && s != nil && s.ID == h[0].ID && h[0].State == "restored (interrupted)":
		default:
			t.Fatalf("k=%d: Recover = %v, History = %v", k, s, h)
		}
		// Again: nothing to do.
		if s, err := recoverOne(root); s != nil || err != nil {
			t.Fatalf("k=%d: second Recover = %v, %v", k, s, err)
		}
	}
}

// fastDir returns a new temporary directory on tmpfs if there is one.
// The loops that crash or fail at every write test the logic of the
// journal and the restore, not the disk's durability, and fsync on ext4
// would make them take minutes; kill -9 does not lose the page cache.
func fastDir(t testing.TB) string {
	if fi, err := os.Stat("/dev/shm"); err == nil && fi.IsDir() {
		d, err := os.MkdirTemp("/dev/shm", "txntest")
		if err == nil {
			t.Cleanup(func() {
				filepath.WalkDir(d, func(p string, e fs.DirEntry, err error) error {
					if err == nil && e.IsDir() {
						os.Chmod(p, 0o755)
					}
					return nil
				})
				os.RemoveAll(d)
			})
			return d
		}
	}
	return t.TempDir()
}

func fastFixture(t testing.TB) string {
	root := fastDir(t)
	writeFixture(t, root)
	return root
}

// fixtureSet0 rebuilds fixtureSet as it was before the apply, from the
// original tree.
func fixtureSet0(t *testing.T, orig tree, root string) *edit.Set {
	d := t.TempDir()
	for name, n := range orig {
		if !n.dir {
			writeFiles(t, d, map[string]string{name: n.data}, nil)
		}
	}
	s := fixtureSet(t, d)
	var out edit.Set
	for _, f := range s.Files() {
		g := *f
		g.Path = filepath.Join(root, relPathOS(d, f.Path))
		out.Add(&g)
	}
	return &out
}

func relPathOS(root, p string) string {
	r, _ := filepath.Rel(root, p)
	return r
}

// TestCrashDuringRecovery crashes an Apply, then crashes the Recover
// that follows after its j-th write, for every j, and checks that a
// second Recover still restores the original.
func TestCrashDuringRecovery(t *testing.T) {
	// Crash points: after some of the renames, and after every write
	// but the journal's last.
	root := fastFixture(t)
	if _, err := Apply(ctx, root, fixtureSet(t, root), Meta{}, extras); err != nil {
		t.Fatal(err)
	}
	n := Writes()
	for _, k := range []int{n / 2, n - 1} {
		for j := 1; ; j++ {
			root := fastFixture(t)
			orig := readTree(t, root)
			if crashed, out := runChild(t, "apply", root, k); !crashed {
				t.Fatalf("k=%d: apply did not crash: %s", k, out)
			}
			crashed, _ := runChild(t, "recover", root, j)
			// (If the child crashed after its last write, the journal's
			// final state, there is nothing left to do.)
			if _, err := recoverOne(root); err != nil {
				t.Fatalf("k=%d j=%d: Recover: %v", k, j, err)
			}
			mustEqual(t, root, orig, fmt.Sprintf("k=%d j=%d", k, j))
			if !crashed {
				if j < 5 {
					t.Fatalf("k=%d: recovery made only %d writes", k, j-1)
				}
				break
			}
		}
	}
}

// TestCrashDuringRollback crashes a Restore after its j-th write; the
// next Recover finishes the rollback.
func TestCrashDuringRollback(t *testing.T) {
	for j := 1; ; j++ {
		root := fastFixture(t)
		orig := readTree(t, root)
		if _, err := Apply(ctx, root, fixtureSet(t, root), Meta{}, extras); err != nil {
			t.Fatal(err)
		}
		crashed, out := runChild(t, "restore", root, j)
		if _, err := recoverOne(root); err != nil {
			t.Fatalf("j=%d: Recover: %v", j, err)
		}
		mustEqual(t, root, orig, fmt.Sprintf("j=%d", j))
		h, _ := history(root)
		if len(h) != 1 || h[0].State != "rolled back" {
			// Crashed before "rolling back" was durable: the rollback
			// never began, so the state is still applied... but then
			// the tree would not be the original.
			t.Fatalf("j=%d: History = %+v (%s)", j, h[0], out)
		}
		if !crashed {
			break
		}
	}
}

// bigSet changes 200 files of bigTree: 100 edits, 50 deletions (emptying
// 5 directories) and 50 creations (in 5 new directories).
func bigSet(t testing.TB, root string) *edit.Set {
	var s edit.Set
	for i := 0; i < 150; i++ {
		p := filepath.Join(root, fmt.Sprintf("p%02d/f%03d.go", i/10, i))
		old, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		f := &edit.File{Path: p, Old: old, New: append(old[:len(old):len(old)], "// edited\n"...), Mode: 0o644}
		if i >= 100 {
			f.New = nil
		}
		s.Add(f)
	}
	for i := 0; i < 50; i++ {
		s.Add(&edit.File{Path: filepath.Join(root, fmt.Sprintf("n%d/g%03d.go", i/10, i)), New: []byte(fmt.Sprintf("package n\n\nvar X%d = 1\n", i)), Mode: 0o644})
	}
	return &s
}

func bigTree(t testing.TB, root string) {
	files := map[string]string{"go.mod": "module example.com/big\n"}
	for i := 0; i < 150; i++ {
		files[fmt.Sprintf("p%02d/f%03d.go", i/10, i)] = fmt.Sprintf("package p\n\n// file %d\nvar V = %q\n", i, make([]byte, 2000+i))
	}
	writeFiles(t, root, files, nil)
}

// TestKill sends a real SIGKILL to an Apply of 200 files at random
// moments: afterwards Recover leaves either the original tree or, if the
// apply had completed, the applied one.
func TestKill(t *testing.T) {
	if testing.Short() {
		t.Skip("slow")
	}
	seed := time.Now().UnixNano()
	if s := os.Getenv("GOREMOVER_TXN_SEED"); s != "" {
		seed, _ = strconv.ParseInt(s, 10, 64)
	}
	t.Logf("seed %d (GOREMOVER_TXN_SEED)", seed)
	rng := rand.New(rand.NewSource(seed))

	// How long does the apply take in a child? Measure once,
	// uninterrupted, from "ready" to exit.
	root := fastDir(t)
	bigTree(t, root)
	orig := readTree(t, root)
	cmd := childCmd("big", root, 0)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	r := bufio.NewReader(stdout)
	r.ReadString('\n')
	start := time.Now()
	out, _ := r.ReadString(0)
	if err := cmd.Wait(); err != nil {
		t.Fatalf("child: %v\n%s", err, out)
	}
	dur := time.Since(start)
	t.Logf("apply of 200 files in a child: %v, %s", dur, out)

	kinds := map[string]int{}
	for i := 0; i < 30; i++ {
		root := fastDir(t)
		bigTree(t, root)
		set := bigSet(t, root)
		want := applied(root, orig, set)
		orig := readTree(t, root)
		cmd := childCmd("big", root, 0)
		stdout, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		r := bufio.NewReader(stdout)
		if line, err := r.ReadString('\n'); err != nil || line != "ready\n" {
			t.Fatalf("child: %q, %v", line, err)
		}
		// Mostly during the writes to the tree, which come after the
		// snapshot; sometimes before, sometimes after the end.
		time.Sleep(dur/4 + time.Duration(rng.Int63n(int64(dur))))
		cmd.Process.Signal(syscall.SIGKILL)
		rest, _ := r.ReadString(0)
		err = cmd.Wait()
		done := !killed(t, err, []byte(rest))
		s, err := recoverOne(root)
		if err != nil {
			t.Fatalf("%d: Recover: %v", i, err)
		}
		got := readTree(t, root)
		switch {
		case diffTrees(got, orig) == "":
			if done {
				t.Fatalf("%d: apply completed but the tree is the original", i)
			}
			if s != nil {
				kinds["restored"]++
			} else {
				kinds["before the journal"]++
			}
		case diffTrees(got, want) == "":
			if s != nil {
				t.Fatalf("%d: Recover restored %s but the tree is the applied one", i, s.ID)
			}
			kinds["applied"]++
		default:
			t.Fatalf("%d: tree is neither the original nor the applied one:\n%s", i, diffTrees(got, orig))
		}
	}
	t.Logf("outcomes: %v", kinds)
}

// TestTx: Begin holds the lock and leaves the journal "applying" until
// Commit or Rollback, so that a kill during the verification is undone
// by Recover, and Recover by another process meanwhile does nothing.
func TestTx(t *testing.T) {
	root := fastFixture(t)
	orig := readTree(t, root)
	tx, err := Begin(ctx, root, fixtureSet(t, root), Meta{Command: "rm"}, extras)
	if err != nil {
		t.Fatal(err)
	}
	want := applied(root, orig, fixtureSet0(t, orig, root))
	mustEqual(t, root, want, "after Begin")
	if s := tx.Snapshot(); s.State != "applying" {
		t.Errorf("state = %q", s.State)
	}
	// Recover, as another command would run it: the lock is held, so
	// it leaves the apply alone. (flock locks belong to open files, so
	// this process's second open conflicts like another process's.)
	if s, err := recoverOne(root); s != nil || err != nil {
		t.Fatalf("Recover during a Tx = %v, %v", s, err)
	}
	mustEqual(t, root, want, "after Recover during the Tx")
	if _, err := tx.Rollback(); err != nil {
		t.Fatal(err)
	}
	mustEqual(t, root, orig, "after Rollback")
	if s := tx.Snapshot(); s.State != "rolled back" {
		t.Errorf("state = %q", s.State)
	}
	if err := tx.Commit(); err == nil {
		t.Error("Commit after Rollback: no error")
	}

	tx, err = Begin(ctx, root, fixtureSet(t, root), Meta{Command: "rm"}, extras)
	if err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	if s := tx.Snapshot(); s.State != "applied" {
		t.Errorf("state = %q", s.State)
	}
	mustEqual(t, root, want, "after Commit")

	// Killed while verifying.
	root = fastFixture(t)
	cmd := childCmd("verify", root, 0)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if line != "verifying\n" {
		cmd.Process.Kill()
		t.Fatalf("child: %q, %v", line, err)
	}
	mustEqual(t, root, want, "while verifying")
	if s, err := recoverOne(root); s != nil || err != nil {
		t.Fatalf("Recover while the child verifies = %v, %v", s, err)
	}
	cmd.Process.Signal(syscall.SIGKILL)
	cmd.Wait()
	s, err := recoverOne(root)
	if err != nil || s == nil || s.State != "restored (interrupted)" {
		t.Fatalf("Recover = %+v, %v", s, err)
	}
	mustEqual(t, root, orig, "after Recover")
}
