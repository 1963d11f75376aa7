// Package gocmd runs the go command for goremover, with two guarantees
// that every caller needs and none should have to remember:
//
//   - No toolchain download behind the user's back. The go command
//     switches toolchains when GOTOOLCHAIN allows it (auto, the default)
//     and a go.mod or go.work asks for a newer Go, downloading it from the
//     network. Every go command goremover runs gets GOTOOLCHAIN=local,
//     unless the user set GOTOOLCHAIN to a version (go1.24.2, go1.24.2+path)
//     themselves; a module that needs a newer Go is then a clear error
//     (CheckVersions), not a download nor a confusing failure.
//   - No orphan. A command runs in its own process group; when its context
//     is done (a signal reached goremover), the group gets SIGINT, then
//     SIGKILL if it has not exited in a few seconds, so that no compiler
//     or test binary outlives goremover. (go/packages does the same for
//     the go list it runs.)
package gocmd

import (
	"bytes"
	"context"
	"fmt"
	"go/version"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"time"
)

// Toolchain returns the GOTOOLCHAIN value every go command gets.
func Toolchain() string {
	v := os.Getenv("GOTOOLCHAIN")
	name, suffix, _ := strings.Cut(v, "+")
	if version.IsValid(name) {
		// A version the user named: theirs to download. "+auto" would
		// also switch to a newer one that a go.mod names: not that.
		if suffix == "auto" {
			return name + "+path"
		}
		return v
	}
	return "local"
}

// Env returns the environment for a go command: goremover's own, with
// GOTOOLCHAIN set as Toolchain says, then extra (which wins).
func Env(extra ...string) []string {
	env := make([]string, 0, len(os.Environ())+len(extra)+1)
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "GOTOOLCHAIN=") {
			env = append(env, kv)
		}
	}
	env = append(env, "GOTOOLCHAIN="+Toolchain())
	return append(env, extra...)
}

// Command returns the go command with args, to run in dir with env (nil:
// Env()), in its own process group that is interrupted, then killed,
// when ctx is done.
func Command(ctx context.Context, dir string, env []string, args ...string) *exec.Cmd {
	if env == nil {
		env = Env()
	}
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Dir = dir
	cmd.Env = env
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return stopGroup(cmd.Process.Pid) }
	// Children that kept the output pipes open do not hold Wait.
	cmd.WaitDelay = 10 * time.Second
	return cmd
}

// grace is how long a process group has to exit after SIGINT.
var grace = 3 * time.Second

// stopGroup interrupts the process group pgid and kills it if it is still
// there after grace. It runs on exec's own goroutine, so it may wait.
func stopGroup(pgid int) error {
	if err := syscall.Kill(-pgid, syscall.SIGINT); err != nil {
		return os.ErrProcessDone
	}
	deadline := time.Now().Add(grace)
	for time.Now().Before(deadline) {
		if syscall.Kill(-pgid, 0) != nil {
			return nil // every member has exited
		}
		time.Sleep(20 * time.Millisecond)
	}
	syscall.Kill(-pgid, syscall.SIGKILL)
	return nil
}

var (
	versionMu sync.Mutex
	versions  = map[string]string{} // toolchain + PATH -> go version
)

// Version returns the version of the go command goremover runs, such as
// "go1.26.1".
func Version(ctx context.Context) (string, error) {
	key := Toolchain() + "\x00" + os.Getenv("PATH") + "\x00" + os.Getenv("GOROOT")
	versionMu.Lock()
	v, ok := versions[key]
	versionMu.Unlock()
	if ok {
		return v, nil
	}
	// Not in the module: what the module asks for must not change the
	// answer. (With GOTOOLCHAIN=local, go env works whatever go.mod says.)
	cmd := Command(ctx, os.TempDir(), Env("GOFLAGS=", "GOWORK=off"), "env", "GOVERSION")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		if ctx.Err() != nil {
			return "", context.Cause(ctx)
		}
		msg := strings.TrimSpace(stderr.String())
		if msg == "" {
			msg = err.Error()
		}
		return "", fmt.Errorf("go env GOVERSION: %s", msg)
	}
	// A toolchain built with experiments says "go1.26.1 X:name".
	v = strings.TrimSpace(string(out))
	if f := strings.Fields(v); len(f) > 0 {
		v = f[0]
	}
	if !version.IsValid(v) {
		return "", fmt.Errorf("go env GOVERSION: unexpected %q", v)
	}
	versionMu.Lock()
	versions[key] = v
	versionMu.Unlock()
	return v, nil
}

// GoLine is a go directive of a go.mod or go.work file.
type GoLine struct {
	File    string // absolute path
	Line    int
	Version string // "1.22", "1.22.3", "1.23rc1"
}

// ToolchainError reports a go.mod or go.work that needs a newer Go than
// the go command goremover runs.
type ToolchainError struct {
	Pos     string // file:line
	Need    string // "go1.99.0"
	Have    string // "go1.26.1"
	Setting string // the GOTOOLCHAIN goremover used
}

func (e *ToolchainError) Error() string {
	return fmt.Sprintf("%s: needs %s, newer than the local %s (GOTOOLCHAIN=%s); goremover does not download toolchains: install %s, or let the go command fetch it:\n\tGOTOOLCHAIN=%s goremover ...",
		e.Pos, e.Need, e.Have, e.Setting, e.Need, e.Need)
}

// CheckVersions returns a *ToolchainError for the first go line that asks
// for a newer Go than the go command has.
func CheckVersions(ctx context.Context, lines []GoLine) error {
	have := ""
	for _, l := range lines {
		if l.Version == "" {
			continue
		}
		need := "go" + l.Version
		if !version.IsValid(need) {
			continue // the go command says what is wrong with it
		}
		if have == "" {
			v, err := Version(ctx)
			if err != nil {
				return err
			}
			have = v
		}
		if version.Compare(need, have) > 0 {
			return &ToolchainError{Pos: fmt.Sprintf("%s:%d", l.File, l.Line), Need: need, Have: have, Setting: Toolchain()}
		}
	}
	return nil
}
