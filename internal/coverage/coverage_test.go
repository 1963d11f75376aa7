package coverage

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// TestRead builds a real binary with -cover, runs it, and reads what ran.
func TestRead(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a binary")
	}
	dir := t.TempDir()
	files := map[string]string{
		"go.mod":     "module example.com/c\n\ngo 1.22\n",
		"pay/pay.go": "package pay\n\nfunc Hot() int { return 1 }\n\nfunc Cold() int {\n\treturn 2\n}\n",
		"main.go":    "package main\n\nimport (\n\t\"fmt\"\n\t\"os\"\n\n\t\"example.com/c/pay\"\n)\n\nfunc main() {\n\tif len(os.Args) > 5 {\n\t\tfmt.Println(pay.Cold())\n\t}\n\tfmt.Println(pay.Hot())\n}\n",
	}
	for name, data := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	build := exec.Command("go", "build", "-cover", "-o", "app", ".")
	build.Dir = dir
	build.Env = append(os.Environ(), "GOFLAGS=", "GOWORK=off")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build -cover: %v\n%s", err, out)
	}
	covdir := filepath.Join(dir, "cov")
	os.Mkdir(covdir, 0o755)
	run := exec.Command(filepath.Join(dir, "app"))
	run.Env = append(os.Environ(), "GOCOVERDIR="+covdir)
	if out, err := run.CombinedOutput(); err != nil {
		t.Fatalf("app: %v\n%s", err, out)
	}
	p, err := Read(context.Background(), []string{covdir})
	if err != nil {
		t.Fatal(err)
	}
	if ran, known := p.Ran("example.com/c/pay", "pay.go", 3, 3); !ran || !known {
		t.Errorf("Hot: ran %v known %v", ran, known)
	}
	if ran, known := p.Ran("example.com/c/pay", "pay.go", 5, 7); ran || !known {
		t.Errorf("Cold: ran %v known %v", ran, known)
	}
	if _, known := p.Ran("example.com/c/other", "x.go", 1, 9); known {
		t.Error("an uninstrumented file is known")
	}
	if _, err := Read(context.Background(), []string{t.TempDir()}); err == nil {
		t.Error("Read of a directory without coverage data: no error")
	}
}
