package modcache

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/mod/module"
	"golang.org/x/mod/sumdb/dirhash"
	modzip "golang.org/x/mod/zip"
)

// realVersion writes example.com/crash@v1.0.0 into the cache at root as
// the go command would: a real zip, its hash, the read-only tree.
func realVersion(t *testing.T, root string) module.Version {
	t.Helper()
	m := module.Version{Path: "example.com/crash", Version: "v1.0.0"}
	src := t.TempDir()
	for name, data := range map[string]string{
		"go.mod":     "module example.com/crash\n\ngo 1.22\n",
		"crash.go":   "package crash\n\nconst V = 1\n",
		"sub/sub.go": "package sub\n\nconst W = 2\n",
	} {
		p := filepath.Join(src, filepath.FromSlash(name))
		must(t, os.MkdirAll(filepath.Dir(p), 0o777))
		must(t, os.WriteFile(p, []byte(data), 0o666))
	}
	dl := filepath.Join(root, "cache", "download", "example.com", "crash", "@v")
	must(t, os.MkdirAll(dl, 0o777))
	var zb bytes.Buffer
	must(t, modzip.CreateFromDir(&zb, m, src))
	zipfile := filepath.Join(dl, "v1.0.0.zip")
	must(t, os.WriteFile(zipfile, zb.Bytes(), 0o666))
	h, err := dirhash.HashZip(zipfile, dirhash.DefaultHash)
	must(t, err)
	must(t, os.WriteFile(filepath.Join(dl, "v1.0.0.ziphash"), []byte(h), 0o666))
	must(t, os.WriteFile(filepath.Join(dl, "v1.0.0.mod"), []byte("module example.com/crash\n\ngo 1.22\n"), 0o666))
	must(t, os.WriteFile(filepath.Join(dl, "v1.0.0.info"), []byte(`{"Version":"v1.0.0","Time":"2024-01-01T00:00:00Z"}`), 0o666))
	must(t, os.WriteFile(filepath.Join(dl, "list"), []byte("v1.0.0\n"), 0o666))
	tree := filepath.Join(root, "example.com", "crash@v1.0.0")
	must(t, modzip.Unzip(tree, m, zipfile))
	makeReadOnly(t, tree)
	return m
}

var errCrash = errors.New("crash")

// TestRemoveCrash stops a removal after each of its steps, as a crash
// would, and asks the go command (offline) for the version: it must be
// whole (extracted again from the zip, every file there) or cleanly
// absent (the go command would download it), never half there.
func TestRemoveCrash(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no go command")
	}
	defer func() { stopAfter = nil }()
	for _, tc := range []struct {
		step  string
		whole bool
	}{
		{"half", true}, // .partial made, half the tree gone
		{"partial", true},
		{"tree", true},
		{"zip", false},
		{"ziphash", false},
		{"unpartial", false},
		{"info", false},
		{"mod", false},
	} {
		t.Run(tc.step, func(t *testing.T) {
			root := t.TempDir()
			cleanup(t, root)
			m := realVersion(t, root)
			tree := filepath.Join(root, "example.com", "crash@v1.0.0")
			l, err := Scan(context.Background(), root, nil)
			must(t, err)
			stopAfter = func(step string) error {
				if tc.step == "half" && step == "partial" {
					os.Chmod(tree, 0o755)
					os.Chmod(filepath.Join(tree, "sub"), 0o755)
					must(t, os.Remove(filepath.Join(tree, "sub", "sub.go")))
					return errCrash
				}
				if step == tc.step {
					return errCrash
				}
				return nil
			}
			res := Remove(context.Background(), l, Plan(Attribute(l, nil), Options{Now: time.Now()}), nil)
			stopAfter = nil
			if len(res) != 1 || !errors.Is(res[0].Err, errCrash) {
				t.Fatalf("removal: %+v", res)
			}
			cmd := exec.Command("go", "mod", "download", "-json", m.String())
			cmd.Dir = t.TempDir()
			cmd.Env = append(os.Environ(), "GOMODCACHE="+root, "GOPROXY=off", "GOFLAGS=-modcacherw", "GOSUMDB=off", "GOWORK=off", "GOTOOLCHAIN=local", "GO111MODULE=on")
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			err = cmd.Run()
			var info struct{ Dir, Error string }
			json.Unmarshal(stdout.Bytes(), &info)
			if err == nil && info.Error == "" {
				for _, f := range []string{"go.mod", "crash.go", "sub/sub.go"} {
					if _, err := os.Stat(filepath.Join(info.Dir, filepath.FromSlash(f))); err != nil {
						t.Errorf("the go command takes a half-removed tree as whole: %v", err)
					}
				}
				if !tc.whole {
					t.Errorf("whole after a crash after %s; want cleanly absent", tc.step)
				}
				return
			}
			msg := info.Error + stderr.String()
			if !strings.Contains(msg, "module lookup disabled by GOPROXY=off") {
				t.Fatalf("after a crash after %s, the go command fails otherwise than for an absent module: %s", tc.step, msg)
			}
			if tc.whole {
				t.Errorf("absent after a crash after %s; want whole", tc.step)
			}
		})
	}
}
