package coverage

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
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
	if !p.Instrumented("example.com/c/pay") || p.Instrumented("example.com/c/other") || p.Instrumented("example.com") {
		t.Error("Instrumented: wrong packages")
	}
	if p.Runs != 1 {
		t.Errorf("Runs = %d, want 1", p.Runs)
	}
	want := map[Func]bool{
		{Pkg: "example.com/c", File: "main.go", Line: 10, Name: "main"}:   true,
		{Pkg: "example.com/c/pay", File: "pay.go", Line: 3, Name: "Hot"}:  true,
		{Pkg: "example.com/c/pay", File: "pay.go", Line: 5, Name: "Cold"}: true,
	}
	for _, f := range p.Funcs() {
		if !want[f] {
			t.Errorf("unexpected function %+v", f)
		}
		delete(want, f)
	}
	for f := range want {
		t.Errorf("missing function %+v", f)
	}
	if _, err := Read(context.Background(), []string{t.TempDir()}); err == nil {
		t.Error("Read of a directory without coverage data: no error")
	}
	// A program that started and never exited leaves meta-data only.
	metaOnly := t.TempDir()
	ents, _ := os.ReadDir(covdir)
	for _, e := range ents {
		if strings.HasPrefix(e.Name(), "covmeta.") {
			data, _ := os.ReadFile(filepath.Join(covdir, e.Name()))
			os.WriteFile(filepath.Join(metaOnly, e.Name()), data, 0o644)
		}
	}
	if _, err := Read(context.Background(), []string{metaOnly}); err == nil || !strings.Contains(err.Error(), "has no counters") {
		t.Errorf("Read of meta-data without counters: %v", err)
	}
}

func TestParseFuncs(t *testing.T) {
	// The columns are aligned with tabs: a long path or name takes
	// several.
	out := "example.com/m/p/a.go:5:\tT.M\t\t0.0%\nexample.com/m/p/a.go:12:\t*T.N\t\t100.0%\nexample.com/m/main.go:3:\tmain\t\t50.0%\n" +
		"example.com/m/admin.go:221:\t\t\t\t\t\t\t*AdminConfig.newAdminHandler\t\t\t\t\t0.0%\n" +
		"total\t\t\t\t(statements)\t33.3%\n"
	got := parseFuncs([]byte(out))
	want := []Func{{"example.com/m/p", "a.go", 5, "T.M"}, {"example.com/m/p", "a.go", 12, "*T.N"}, {"example.com/m", "main.go", 3, "main"}, {"example.com/m", "admin.go", 221, "*AdminConfig.newAdminHandler"}}
	if !slices.Equal(got, want) {
		t.Errorf("parseFuncs = %+v, want %+v", got, want)
	}
}
