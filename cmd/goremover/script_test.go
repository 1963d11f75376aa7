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
	"flag"
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/goproxytest"
	"github.com/rogpeppe/go-internal/gotooltest"
	"github.com/rogpeppe/go-internal/testscript"
)

var update = flag.Bool("update", false, "rewrite the expected output in testdata/script with the actual output")

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){"goremover": main})
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
