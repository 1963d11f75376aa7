package gocmd

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestToolchain(t *testing.T) {
	for _, tt := range []struct{ env, want string }{
		{"", "local"},
		{"auto", "local"},
		{"path", "local"},
		{"local", "local"},
		{"local+auto", "local"},
		{"go1.24.2", "go1.24.2"},
		{"go1.24.2+path", "go1.24.2+path"},
		{"go1.24.2+auto", "go1.24.2+path"},
		{"garbage", "local"},
	} {
		t.Setenv("GOTOOLCHAIN", tt.env)
		if got := Toolchain(); got != tt.want {
			t.Errorf("GOTOOLCHAIN=%q: Toolchain() = %q, want %q", tt.env, got, tt.want)
		}
		env := Env("X=1")
		n := 0
		for _, kv := range env {
			if strings.HasPrefix(kv, "GOTOOLCHAIN=") {
				n++
				if kv != "GOTOOLCHAIN="+tt.want {
					t.Errorf("GOTOOLCHAIN=%q: Env has %s", tt.env, kv)
				}
			}
		}
		if n != 1 || env[len(env)-1] != "X=1" {
			t.Errorf("GOTOOLCHAIN=%q: Env = ...%v", tt.env, env[len(env)-2:])
		}
	}
}

func TestCheckVersions(t *testing.T) {
	t.Setenv("GOTOOLCHAIN", "local")
	have, err := Version(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	ok := []GoLine{{File: "go.mod", Line: 3, Version: "1.21"}, {File: "go.work", Line: 1, Version: strings.TrimPrefix(have, "go")}, {File: "x/go.mod", Line: 3, Version: "not a version"}}
	if err := CheckVersions(context.Background(), ok); err != nil {
		t.Errorf("CheckVersions(%v) = %v", ok, err)
	}
	err = CheckVersions(context.Background(), append(ok, GoLine{File: "b/go.mod", Line: 5, Version: "1.999.0"}))
	var te *ToolchainError
	if !errors.As(err, &te) || te.Pos != "b/go.mod:5" || te.Need != "go1.999.0" || te.Have != have {
		t.Fatalf("CheckVersions with go 1.999.0 = %v", err)
	}
	if !strings.Contains(err.Error(), "GOTOOLCHAIN=go1.999.0 goremover") {
		t.Errorf("the error does not say how to fetch the toolchain: %v", err)
	}
}

// TestStopGroup: stopping a group ends a child that ignores SIGINT and
// its own children, however deep.
func TestStopGroup(t *testing.T) {
	defer func(d time.Duration) { grace = d }(grace)
	grace = 200 * time.Millisecond
	pidfile := t.TempDir() + "/pid"
	cmd := exec.Command("sh", "-c", `trap "" INT; sleep 60 & echo $! > `+pidfile+`; wait`)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var grandchild int
	for start := time.Now(); time.Since(start) < 5*time.Second; time.Sleep(10 * time.Millisecond) {
		if b, err := os.ReadFile(pidfile); err == nil && len(b) > 0 && b[len(b)-1] == '\n' {
			grandchild, _ = strconv.Atoi(strings.TrimSpace(string(b)))
			break
		}
	}
	if grandchild == 0 {
		t.Fatal("no grandchild")
	}
	stopGroup(cmd.Process.Pid)
	cmd.Wait()
	for start := time.Now(); time.Since(start) < 2*time.Second; time.Sleep(10 * time.Millisecond) {
		if syscall.Kill(grandchild, 0) != nil {
			return
		}
	}
	t.Errorf("grandchild %d survived", grandchild)
}
