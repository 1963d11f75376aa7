package buildcfg

import (
	"errors"
	"fmt"
	"go/build"
	"go/build/constraint"
	"io"
	"math/rand"
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// parse returns the constraint of a //go:build expression, or none for "".
func parse(t *testing.T, expr string) Constraint {
	t.Helper()
	if expr == "" {
		return Constraint{}
	}
	x, err := constraint.Parse("//go:build " + expr)
	if err != nil {
		t.Fatalf("parse %q: %v", expr, err)
	}
	return Constraint{Expr: x}
}

var (
	linuxHost   = Host{GOOS: "linux", GOARCH: "amd64", Cgo: true, GoMinor: 26}
	windowsHost = Host{GOOS: "windows", GOARCH: "amd64", GoMinor: 26}
	androidHost = Host{GOOS: "android", GOARCH: "arm64", Cgo: true, GoMinor: 26}
)

func TestFileConstraint(t *testing.T) {
	const pkg = "package p\n"
	tests := []struct {
		name, src string
		want      string
	}{
		// File names, as go/build's goodOSArchFile reads them.
		{"foo.go", pkg, ""},
		{"foo_windows.go", pkg, "windows"},
		{"foo_windows_test.go", pkg, "windows"},
		{"foo_linux_arm64.go", pkg, "linux && arm64"},
		{"foo_linux_arm64_test.go", pkg, "linux && arm64"},
		{"foo_arm64.go", pkg, "arm64"},
		{"foo_bar_arm64.go", pkg, "arm64"},
		{"foo_unknownos_arm64.go", pkg, "arm64"},
		{"foo_linux_unknownarch.go", pkg, ""},
		{"foo_amd64_windows.go", pkg, "windows"},
		{"windows.go", pkg, ""},
		{"windows_test.go", pkg, ""},
		{"linux_amd64.go", pkg, "amd64"}, // only after the first "_"
		{"foo_unknownos.go", pkg, ""},
		{"foo_test.go", pkg, ""},
		{"foo_hurd.go", pkg, "hurd"},
		{"foo_windows.pb.go", pkg, "windows"},
		{"foo.windows.go", pkg, ""},

		// //go:build lines.
		{"a.go", "//go:build linux && (amd64 || arm64)\n\n" + pkg, "linux && (amd64 || arm64)"},
		{"a.go", "//go:build !windows\n\n" + pkg, "!windows"},
		{"a.go", "//go:build unix\n" + pkg, "unix"},
		{"a.go", "//go:build ignore\n\npackage main\n", "ignore"},
		{"a.go", "// Copyright 2024\n// license\n\n//go:build linux || darwin\n\n" + pkg, "linux || darwin"},
		{"a.go", "// Copyright 2024\n//go:build linux\n" + pkg, "linux"},
		{"a.go", "/* block */\n//go:build linux\n" + pkg, "linux"},
		{"a.go", "//go:build linux\r\n\r\npackage p\r\n", "linux"},
		{"a.go", "\xef\xbb\xbf//go:build linux\n\n" + pkg, "linux"},
		{"a.go", "  //go:build   linux  \n\n" + pkg, "linux"},
		{"foo_windows.go", "//go:build integration\n\n" + pkg, "windows && integration"},
		{"foo_linux_test.go", "//go:build amd64 || arm64\n\n" + pkg, "linux && (amd64 || arm64)"},

		// Lines that are not constraints.
		{"a.go", pkg + "\n//go:build linux\n", ""},
		{"a.go", pkg + "//go:build linux\n", ""},
		{"a.go", "/*\n//go:build linux\n*/\n" + pkg, ""},
		{"a.go", "//go:buildlinux\n\n" + pkg, ""},
		{"a.go", "// //go:build linux\n\n" + pkg, ""},
		{"a.go", "", ""},

		// Legacy // +build lines: ANDed, only before a blank line.
		{"a.go", "// +build linux darwin\n// +build amd64\n\n" + pkg, "(linux || darwin) && amd64"},
		{"a.go", "// +build linux,386 windows\n\n" + pkg, "(linux && 386) || windows"},
		{"a.go", "// +build linux\n" + pkg, ""},
		{"a.go", "// +build linux\n// doc comment\n" + pkg, ""},
		{"a.go", "// +build !linux,!windows\n\n" + pkg, "!linux && !windows"},
		{"a.go", "// +build ignore\n\npackage main\n", "ignore"},
		{"a.go", "// +build bad!syntax\n\n" + pkg, "ignore"}, // as constraint.Parse reads it
		{"foo_arm64.go", "// +build linux\n\n" + pkg, "arm64 && linux"},
		// //go:build wins over // +build.
		{"a.go", "//go:build linux\n// +build windows\n\n" + pkg, "linux"},
	}
	for _, tt := range tests {
		c, err := FileConstraint(tt.name, []byte(tt.src))
		if err != nil {
			t.Errorf("FileConstraint(%q, %q): %v", tt.name, tt.src, err)
			continue
		}
		if got := c.String(); got != tt.want {
			t.Errorf("FileConstraint(%q, %q) = %q, want %q", tt.name, tt.src, got, tt.want)
		}
		if (c.Expr == nil) != (tt.want == "") {
			t.Errorf("FileConstraint(%q, %q): Expr nil = %v", tt.name, tt.src, c.Expr == nil)
		}
	}
}

func TestFileConstraintError(t *testing.T) {
	tests := []struct {
		name, src string
		line      int
		msg       string
		keep      string // the file-name constraint returned with the error
	}{
		{"a.go", "// Copyright\n\n//go:build linux &&\n\npackage p\n", 3, "parsing //go:build line", ""},
		{"a.go", "//go:build (linux\npackage p\n", 1, "parsing //go:build line", ""},
		{"a_windows.go", "//go:build linux\n//go:build darwin\npackage p\n", 2, "multiple //go:build comments", "windows"},
	}
	for _, tt := range tests {
		c, err := FileConstraint(tt.name, []byte(tt.src))
		var se *SyntaxError
		if !errors.As(err, &se) {
			t.Errorf("FileConstraint(%q): err = %v, want *SyntaxError", tt.src, err)
			continue
		}
		if se.Line != tt.line || !strings.Contains(err.Error(), tt.msg) || !strings.HasPrefix(err.Error(), fmt.Sprintf("line %d: ", tt.line)) {
			t.Errorf("FileConstraint(%q): err = %q (line %d), want line %d, %q", tt.src, err, se.Line, tt.line, tt.msg)
		}
		if c.String() != tt.keep {
			t.Errorf("FileConstraint(%q): constraint %q with error, want %q", tt.src, c, tt.keep)
		}
	}
}

func TestIgnore(t *testing.T) {
	tests := []struct {
		expr string
		want bool
	}{
		{"", false},
		{"ignore", true},
		{"ignore && linux", true},
		{"linux && ignore && tools", true},
		{"(ignore || tools) && ignore", true},
		{"!ignore", false},
		{"ignore || linux", false},
		{"ignore || tools", false},
		{"linux", false},
		{"ignore && linux && windows", false}, // never true: unsat, not ignore
		{"ignore && !ignore", false},
	}
	for _, tt := range tests {
		if got := parse(t, tt.expr).Ignore(); got != tt.want {
			t.Errorf("Ignore(%q) = %v, want %v", tt.expr, got, tt.want)
		}
	}
	c, _ := FileConstraint("gen.go", []byte("//go:build ignore\n\npackage main\n"))
	if !c.Ignore() {
		t.Errorf("gen.go with //go:build ignore: Ignore() = false")
	}
}

func TestMatch(t *testing.T) {
	hostTags := Host{GOOS: "linux", GOARCH: "amd64", GoMinor: 21, Tags: []string{"integration", "windows"}}
	tests := []struct {
		host Host
		cfg  Config
		expr string
		want bool
	}{
		{linuxHost, linuxHost.Base(), "", true},
		{linuxHost, linuxHost.Base(), "linux", true},
		{linuxHost, linuxHost.Base(), "amd64 && linux", true},
		{linuxHost, linuxHost.Base(), "windows", false},
		{linuxHost, linuxHost.Base(), "!windows", true},
		{linuxHost, linuxHost.Base(), "unix", true},
		{linuxHost, linuxHost.Base(), "android", false},
		{linuxHost, linuxHost.Base(), "arm64", false},
		{linuxHost, linuxHost.Base(), "cgo", true},
		{linuxHost, linuxHost.Base(), "gc", true},
		{linuxHost, linuxHost.Base(), "gccgo", false},
		{linuxHost, linuxHost.Base(), "go1.1", true},
		{linuxHost, linuxHost.Base(), "go1.26", true},
		{linuxHost, linuxHost.Base(), "go1.27", false},
		{linuxHost, linuxHost.Base(), "go1.026", false},
		{linuxHost, linuxHost.Base(), "integration", false},
		{linuxHost, linuxHost.Base(), "!integration", true},
		{linuxHost, linuxHost.Base(), "ignore", false},
		{linuxHost, linuxHost.Base(), "ignore && linux", false},
		{linuxHost, linuxHost.Base(), "goexperiment.greenteagc", true},
		{linuxHost, linuxHost.Base(), "goexperiment.regabiargs", true},
		{linuxHost, linuxHost.Base(), "goexperiment.fieldtrack", false},
		{linuxHost, linuxHost.Base(), "amd64.v1", true},
		{linuxHost, linuxHost.Base(), "amd64.v3", false},
		{linuxHost, Config{GOOS: "linux", GOARCH: "386"}, "goexperiment.regabiargs", false},
		{linuxHost, Config{GOOS: "linux", GOARCH: "amd64", Tags: map[string]bool{"integration": true}}, "integration", true},
		{linuxHost, Config{GOOS: "linux", GOARCH: "amd64", Tags: map[string]bool{"cgo": false}}, "cgo", false},
		{linuxHost, Config{GOOS: "linux", GOARCH: "amd64", Tags: map[string]bool{"cgo": false}}, "!cgo && linux", true},
		{linuxHost, Config{GOOS: "windows", GOARCH: "arm64"}, "windows && arm64", true},
		{linuxHost, Config{GOOS: "windows", GOARCH: "arm64"}, "cgo", true}, // Host.Cgo everywhere
		{linuxHost, Config{GOOS: "illumos", GOARCH: "amd64"}, "solaris && unix", true},
		{linuxHost, Config{GOOS: "ios", GOARCH: "arm64"}, "darwin", true},
		{linuxHost, Config{GOOS: "darwin", GOARCH: "arm64"}, "ios", false},
		{linuxHost, Config{GOOS: "js", GOARCH: "wasm"}, "unix", false},
		{linuxHost, Config{GOOS: "plan9", GOARCH: "386"}, "unix", false},

		{windowsHost, windowsHost.Base(), "windows", true},
		{windowsHost, windowsHost.Base(), "unix", false},
		{windowsHost, windowsHost.Base(), "linux", false},
		{windowsHost, windowsHost.Base(), "!linux && !darwin", true},
		{windowsHost, windowsHost.Base(), "cgo", false},
		{windowsHost, windowsHost.Base(), "!cgo", true},
		{windowsHost, windowsHost.Base(), "amd64", true},

		{androidHost, androidHost.Base(), "linux", true},
		{androidHost, androidHost.Base(), "android", true},
		{androidHost, androidHost.Base(), "unix", true},
		{androidHost, androidHost.Base(), "arm64 && linux", true},
		{androidHost, androidHost.Base(), "linux && !android", false},
		{androidHost, androidHost.Base(), "arm64.v8.0", true},

		{hostTags, hostTags.Base(), "integration", true},
		{hostTags, hostTags.Base(), "windows", true}, // -tags windows, as go/build does
		{hostTags, hostTags.Base(), "go1.21 && !go1.22", true},
		{hostTags, Config{GOOS: "darwin", GOARCH: "arm64"}, "integration", true},
		{Host{GOOS: "linux", GOARCH: "amd64"}, Config{GOOS: "linux", GOARCH: "amd64"}, "go1.26", true}, // unknown GoMinor

		// The Ignore configuration compiles Ignore files, on any platform.
		{linuxHost, Config{GOOS: "linux", GOARCH: "amd64", Ignore: true}, "ignore", true},
		{linuxHost, Config{GOOS: "linux", GOARCH: "amd64", Ignore: true}, "ignore && windows", true},
		{linuxHost, Config{GOOS: "linux", GOARCH: "amd64", Ignore: true}, "", false},
		{linuxHost, Config{GOOS: "linux", GOARCH: "amd64", Ignore: true}, "linux", false},
		{linuxHost, Config{GOOS: "linux", GOARCH: "amd64", Ignore: true}, "!ignore", false},
	}
	for _, tt := range tests {
		if got := tt.host.Match(tt.cfg, parse(t, tt.expr)); got != tt.want {
			t.Errorf("%s host: Match(%s, %q) = %v, want %v", tt.host.GOOS, tt.cfg, tt.expr, got, tt.want)
		}
	}
}

// TestMatchGoBuild checks FileConstraint+Match against go/build's own
// MatchFile on in-memory files.
func TestMatchGoBuild(t *testing.T) {
	files := map[string]string{
		"plain.go":              "package p\n",
		"a_windows.go":          "package p\n",
		"a_linux.go":            "package p\n",
		"a_linux_arm64.go":      "package p\n",
		"a_arm64_test.go":       "package p\n",
		"a_android.go":          "package p\n",
		"a_darwin.go":           "package p\n",
		"a_solaris.go":          "package p\n",
		"windows.go":            "package p\n",
		"a_unknown.go":          "package p\n",
		"unix.go":               "//go:build unix\n\npackage p\n",
		"notwin.go":             "//go:build !windows\n\npackage p\n",
		"integ.go":              "//go:build integration\n\npackage p\n",
		"integlinux_linux.go":   "//go:build integration || cgo\n\npackage p\n",
		"nocgo.go":              "//go:build !cgo && (linux || darwin)\n\npackage p\n",
		"release.go":            "//go:build go1.21 && !go1.99\n\npackage p\n",
		"gccgo.go":              "//go:build gccgo\n\npackage p\n",
		"gc.go":                 "//go:build gc\n\npackage p\n",
		"ignore.go":             "//go:build ignore\n\npackage main\n",
		"legacy.go":             "// +build linux darwin\n// +build !386\n\npackage p\n",
		"legacylate.go":         "// +build windows\npackage p\n",
		"legacybad.go":          "// +build linux,!!cgo\n\npackage p\n",
		"late.go":               "package p\n\n//go:build windows\n",
		"comment.go":            "// Doc.\n//go:build linux && amd64\n\npackage p\n",
		"mips_mips64le.go":      "package p\n",
		"both_linux.go":         "//go:build windows\n\npackage p\n",
		"x_illumos_amd64.go":    "package p\n",
		"y_ios_test.go":         "package p\n",
		"z_wasip1_wasm_test.go": "package p\n",
	}
	hosts := []Host{
		linuxHost, windowsHost, androidHost,
		{GOOS: "linux", GOARCH: "arm64", GoMinor: 21, Tags: []string{"integration"}},
	}
	for _, h := range hosts {
		var release []string
		for i := 1; i <= h.GoMinor; i++ {
			release = append(release, fmt.Sprintf("go1.%d", i))
		}
		for _, p := range KnownPlatforms() {
			ctxt := build.Context{
				GOOS: p.GOOS, GOARCH: p.GOARCH, CgoEnabled: h.Cgo, Compiler: "gc",
				BuildTags: h.Tags, ReleaseTags: release,
				OpenFile: func(path string) (io.ReadCloser, error) {
					return io.NopCloser(strings.NewReader(files[path[strings.LastIndex(path, "/")+1:]])), nil
				},
				JoinPath: func(elem ...string) string { return strings.Join(elem, "/") },
			}
			cfg := Config{GOOS: p.GOOS, GOARCH: p.GOARCH}
			for name, src := range files {
				want, err := ctxt.MatchFile("/dir", name)
				if err != nil {
					t.Fatalf("go/build MatchFile(%s): %v", name, err)
				}
				c, err := FileConstraint(name, []byte(src))
				if err != nil {
					t.Fatalf("FileConstraint(%s): %v", name, err)
				}
				if got := h.Match(cfg, c); got != want {
					t.Errorf("host %v: Match(%s, %s [%s]) = %v, go/build says %v", h, cfg, name, c, got, want)
				}
			}
		}
	}
}

func TestConfigString(t *testing.T) {
	tests := []struct {
		cfg  Config
		want string
	}{
		{Config{GOOS: "linux", GOARCH: "amd64"}, "linux/amd64"},
		{Config{GOOS: "windows", GOARCH: "amd64", Tags: map[string]bool{}}, "windows/amd64"},
		{Config{GOOS: "linux", GOARCH: "amd64", Tags: map[string]bool{"integration": true}}, "linux/amd64+integration"},
		{Config{GOOS: "linux", GOARCH: "amd64", Tags: map[string]bool{"cgo": false}}, "linux/amd64+!cgo"},
		{Config{GOOS: "linux", GOARCH: "amd64", Tags: map[string]bool{"integration": true, "cgo": false, "e2e": true}}, "linux/amd64+!cgo+e2e+integration"},
		{Config{GOOS: "linux", GOARCH: "amd64", Ignore: true}, "ignore"},
	}
	for _, tt := range tests {
		if got := tt.cfg.String(); got != tt.want {
			t.Errorf("String() = %q, want %q", got, tt.want)
		}
	}
	if b := linuxHost.Base(); b.String() != "linux/amd64" || b.Tags != nil || b.Ignore {
		t.Errorf("Base() = %#v", b)
	}
}

func TestPlan(t *testing.T) {
	mixed := []string{
		"",                   // 0
		"linux",              // 1
		"windows",            // 2
		"windows && arm64",   // 3
		"darwin",             // 4
		"integration",        // 5
		"!cgo",               // 6
		"ignore",             // 7
		"linux && windows",   // 8: unsat
		"integration && e2e", // 9
		"unix && !linux",     // 10
		"386",                // 11
		"ignore && darwin",   // 12
		"linux",              // 13: duplicate
		"unix",               // 14
		"!integration",       // 15
	}
	tests := []struct {
		name      string
		host      Host
		exprs     []string
		platforms string
		want      []string
		unsat     []int
	}{
		{"none", linuxHost, []string{"", "linux", "unix", "!windows"}, "", []string{"linux/amd64"}, nil},
		{"empty", linuxHost, nil, "", []string{"linux/amd64"}, nil},
		{"windows", linuxHost, []string{"windows", "windows"}, "", []string{"linux/amd64", "windows/amd64"}, nil},
		{"host os first", linuxHost, []string{"arm64"}, "", []string{"linux/amd64", "linux/arm64"}, nil},
		{"windows host", windowsHost, []string{"linux"}, "", []string{"windows/amd64", "linux/amd64"}, nil},
		{"darwin host", Host{GOOS: "darwin", GOARCH: "arm64", GoMinor: 26}, []string{"windows || linux", "amd64"}, "",
			[]string{"darwin/arm64", "linux/amd64"}, nil},
		{"tag", linuxHost, []string{"integration"}, "", []string{"linux/amd64", "linux/amd64+integration"}, nil},
		{"two tags", linuxHost, []string{"integration && e2e", "integration"}, "",
			[]string{"linux/amd64", "linux/amd64+e2e+integration"}, nil},
		{"cgo off", windowsHost, []string{"cgo"}, "", []string{"windows/amd64", "windows/amd64+cgo"}, nil},
		{"cgo on", linuxHost, []string{"!cgo"}, "", []string{"linux/amd64", "linux/amd64+!cgo"}, nil},
		{"host tag", Host{GOOS: "linux", GOARCH: "amd64", Tags: []string{"integration"}}, []string{"integration", "!integration"}, "",
			[]string{"linux/amd64"}, []int{1}},
		{"release", Host{GOOS: "linux", GOARCH: "amd64", GoMinor: 20}, []string{"go1.21"}, "",
			[]string{"linux/amd64", "linux/amd64+go1.21"}, nil},
		{"ignore", linuxHost, []string{"ignore", "ignore && windows", "linux"}, "", []string{"linux/amd64", "ignore"}, nil},
		{"unsat", linuxHost, []string{"linux && windows", "windows", "ignore && !ignore"}, "", []string{"linux/amd64", "windows/amd64"}, []int{0, 2}},
		{"mixed", linuxHost, mixed, "",
			[]string{"linux/amd64", "darwin/arm64+e2e+integration", "windows/386+!cgo", "windows/arm64", "ignore"}, []int{8}},
		{"mixed restricted", linuxHost, mixed, "linux/*,windows/amd64",
			[]string{"linux/amd64", "linux/386+e2e+integration", "windows/amd64+!cgo", "ignore"}, []int{3, 4, 8, 10}},
		{"restricted away from host", linuxHost, []string{"linux", "windows"}, "windows/arm64",
			[]string{"linux/amd64", "windows/arm64"}, nil},
		{"restricted unsat", linuxHost, []string{"darwin", "linux"}, "windows/*", []string{"linux/amd64"}, []int{0}},
	}
	for _, tt := range tests {
		var cons []Constraint
		for _, e := range tt.exprs {
			cons = append(cons, parse(t, e))
		}
		var plats []Platform
		if tt.platforms != "" {
			var err error
			if plats, err = ParsePlatforms(tt.platforms); err != nil {
				t.Fatal(err)
			}
		}
		cfgs, unsat := tt.host.Plan(cons, plats)
		var got []string
		for _, c := range cfgs {
			got = append(got, c.String())
		}
		if !slices.Equal(got, tt.want) || !slices.Equal(unsat, tt.unsat) {
			t.Errorf("%s: Plan = %q, unsat %v; want %q, unsat %v", tt.name, got, unsat, tt.want, tt.unsat)
		}
		checkCover(t, tt.name, tt.host, cons, cfgs, unsat, plats)

		// The plan does not depend on the order of cons.
		perm := rand.New(rand.NewSource(1)).Perm(len(cons))
		shuffled := make([]Constraint, len(cons))
		for i, j := range perm {
			shuffled[j] = cons[i]
		}
		cfgs2, unsat2 := tt.host.Plan(shuffled, plats)
		if !slices.EqualFunc(cfgs, cfgs2, func(a, b Config) bool { return a.String() == b.String() }) || len(unsat) != len(unsat2) {
			t.Errorf("%s: Plan of shuffled input = %v, %v; want %v, %v", tt.name, cfgs2, unsat2, cfgs, unsat)
		}
	}
}

// checkCover checks Plan's contract: Base first, Ignore last, every
// constraint not in unsat matched, every one in unsat matched by nothing.
func checkCover(t *testing.T, name string, h Host, cons []Constraint, cfgs []Config, unsat []int, plats []Platform) {
	t.Helper()
	if len(cfgs) == 0 || cfgs[0].String() != h.Base().String() {
		t.Errorf("%s: Plan does not start with Base: %v", name, cfgs)
	}
	for i, c := range cfgs {
		if c.Ignore && i != len(cfgs)-1 {
			t.Errorf("%s: Ignore config not last: %v", name, cfgs)
		}
		if i > 0 && !c.Ignore && len(plats) > 0 && !slices.Contains(plats, c.Platform()) {
			t.Errorf("%s: config %v outside platforms %v", name, c, plats)
		}
	}
	for i, c := range cons {
		matched := slices.ContainsFunc(cfgs, func(cfg Config) bool { return h.Match(cfg, c) })
		if matched == slices.Contains(unsat, i) {
			t.Errorf("%s: constraint %d %q: matched %v, in unsat %v", name, i, c, matched, !matched)
		}
	}
}

func TestPlanSizes(t *testing.T) {
	// Every single-platform constraint: one config per platform at most.
	var cons []Constraint
	for _, p := range KnownPlatforms() {
		cons = append(cons, parse(t, p.GOOS+" && "+p.GOARCH))
	}
	cfgs, unsat := linuxHost.Plan(cons, nil)
	if len(unsat) != 0 || len(cfgs) > len(KnownPlatforms()) {
		t.Errorf("Plan of every platform: %d configs, unsat %v", len(cfgs), unsat)
	}
	checkCover(t, "platforms", linuxHost, cons, cfgs, unsat, nil)

	// Many tags: past the enumeration cap the all-true fallback still works.
	var tags []string
	for i := range 12 {
		tags = append(tags, fmt.Sprintf("t%d", i))
	}
	c := parse(t, strings.Join(tags, " && "))
	cfgs, unsat = linuxHost.Plan([]Constraint{c}, nil)
	if len(cfgs) != 2 || len(unsat) != 0 || len(cfgs[1].Tags) != 12 {
		t.Errorf("Plan of 12 tags = %v, unsat %v", cfgs, unsat)
	}
}

func TestLabels(t *testing.T) {
	notWindows := []string{"aix/*", "android/*", "darwin/*", "dragonfly/*", "freebsd/*", "illumos/*", "ios/*",
		"js/*", "linux/*", "netbsd/*", "openbsd/*", "plan9/*", "solaris/*", "wasip1/*"}
	unix := []string{"aix/*", "android/*", "darwin/*", "dragonfly/*", "freebsd/*", "illumos/*", "ios/*",
		"linux/*", "netbsd/*", "openbsd/*", "solaris/*"}
	tests := []struct {
		expr string
		want []string
	}{
		{"", []string{"all"}},
		{"ignore", []string{"ignore"}},
		{"ignore && linux", []string{"ignore"}},
		{"!ignore", []string{"all"}},
		{"windows", []string{"windows/*"}},
		{"windows && amd64", []string{"windows/amd64"}},
		{"windows && (amd64 || arm64)", []string{"windows/amd64", "windows/arm64"}},
		{"arm64", []string{"*/arm64"}},
		{"amd64 || arm64", []string{"*/amd64", "*/arm64"}},
		{"wasm", []string{"*/wasm"}},
		{"s390x", []string{"linux/s390x"}},
		// go/build semantics: android builds linux files, ios darwin ones.
		{"linux", []string{"android/*", "linux/*"}},
		{"linux && !android", []string{"linux/*"}},
		{"linux && arm64", []string{"android/arm64", "linux/arm64"}},
		{"linux || darwin", []string{"android/*", "darwin/*", "ios/*", "linux/*"}},
		{"darwin && !ios", []string{"darwin/*"}},
		{"solaris", []string{"illumos/*", "solaris/*"}},
		{"linux || arm64", []string{"*/arm64", "android/*", "linux/*"}},
		{"!windows", notWindows},
		{"unix", unix},
		{"integration", []string{"tag:integration"}},
		{"!integration", []string{"tag:!integration"}},
		{"cgo", []string{"tag:cgo"}},
		{"!cgo", []string{"tag:!cgo"}},
		{"go1.18", []string{"tag:go1.18"}},
		{"integration && e2e", []string{"tag:e2e+tag:integration"}},
		{"integration || e2e", []string{"tag:e2e", "tag:integration"}},
		{"linux && integration && !android", []string{"linux/*+tag:integration"}},
		{"linux && integration", []string{"android/*+tag:integration", "linux/*+tag:integration"}},
		{"windows && !cgo", []string{"windows/*+tag:!cgo"}},
		{"linux || integration", []string{"android/*", "linux/*", "tag:integration"}},
		{"(windows && integration) || darwin", []string{"darwin/*", "ios/*", "windows/*+tag:integration"}},
		{"(windows && integration) || linux", []string{"android/*", "linux/*", "windows/*+tag:integration"}},
		{"linux && windows", []string{"none"}},
		{"integration && !integration", []string{"none"}},
		{"linux || !linux", []string{"all"}},
	}
	for _, tt := range tests {
		for _, h := range []Host{linuxHost, windowsHost, {GOOS: "darwin", GOARCH: "arm64", Tags: []string{"integration"}}} {
			got := h.Labels(parse(t, tt.expr))
			if !slices.Equal(got, tt.want) {
				t.Errorf("%s host: Labels(%q) = %q, want %q", h.GOOS, tt.expr, got, tt.want)
			}
		}
	}

	// Labels from file names.
	for name, want := range map[string][]string{
		"foo_windows_test.go": {"windows/*"},
		"foo_arm64.go":        {"*/arm64"},
		"foo_linux_arm64.go":  {"android/arm64", "linux/arm64"},
		"windows.go":          {"all"},
		"foo_unknownos.go":    {"all"},
		"foo_hurd.go":         {"none"},
	} {
		c, err := FileConstraint(name, []byte("package p\n"))
		if err != nil {
			t.Fatal(err)
		}
		if got := linuxHost.Labels(c); !slices.Equal(got, want) {
			t.Errorf("Labels(%s) = %q, want %q", name, got, want)
		}
	}

	// Callers may modify the result.
	c := parse(t, "windows")
	linuxHost.Labels(c)[0] = "x"
	if got := linuxHost.Labels(c); got[0] != "windows/*" {
		t.Errorf("Labels result shared: %q", got)
	}

	// Too many tags to enumerate still gives a description.
	many := parse(t, "t0 && t1 && t2 && t3 && t4 && t5 && t6 && t7 && t8 && linux && !android")
	if got := linuxHost.Labels(many); len(got) != 1 || !strings.HasPrefix(got[0], "linux/*+tag:t0+tag:t1") {
		t.Errorf("Labels(many) = %q", got)
	}
}

// TestLabelsSound checks that the labels of random expressions mean exactly
// the expression: an assignment of platform and tags satisfies it iff some
// label's platforms include the platform and its tags agree.
func TestLabelsSound(t *testing.T) {
	r := rand.New(rand.NewSource(7))
	for range 500 {
		c := parse(t, randExpr(r, 4))
		if c.Ignore() {
			continue
		}
		labels := linuxHost.Labels(c)
		tags := freeTags(c.Expr)
		ign := indexOf(tags, "ignore")
		for _, p := range KnownPlatforms() {
			for a := range uint64(1) << len(tags) {
				if ign >= 0 && a&(1<<ign) != 0 {
					continue // labels assume ignore unset
				}
				sat := evalAssign(c.Expr, p, tags, a)
				described := false
				for _, l := range labels {
					described = described || labelHolds(l, p, tags, a)
				}
				if sat != described {
					t.Fatalf("Labels(%s) = %q: %v tags %v=%b: satisfied %v, described %v", c, labels, p, tags, a, sat, described)
				}
			}
		}
	}
}

// randExpr returns a random //go:build expression.
func randExpr(r *rand.Rand, depth int) string {
	atoms := []string{"linux", "windows", "darwin", "android", "unix", "amd64", "arm64", "386", "wasm", "a", "b", "cgo", "ignore", "go1.30"}
	if depth == 0 || r.Intn(3) == 0 {
		return atoms[r.Intn(len(atoms))]
	}
	switch r.Intn(3) {
	case 0:
		return "!(" + randExpr(r, depth-1) + ")"
	case 1:
		return "(" + randExpr(r, depth-1) + " && " + randExpr(r, depth-1) + ")"
	}
	return "(" + randExpr(r, depth-1) + " || " + randExpr(r, depth-1) + ")"
}

// TestPlanRandom checks Plan's contract on random constraint sets.
func TestPlanRandom(t *testing.T) {
	r := rand.New(rand.NewSource(3))
	hosts := []Host{linuxHost, windowsHost, androidHost, {GOOS: "darwin", GOARCH: "arm64", Tags: []string{"a"}}}
	restrictions := []string{"", "", "linux/*,windows/amd64", "darwin/arm64", "*/wasm,windows/*"}
	for i := range 200 {
		var cons []Constraint
		for range r.Intn(20) {
			cons = append(cons, parse(t, randExpr(r, 3)))
		}
		h := hosts[r.Intn(len(hosts))]
		plats, err := ParsePlatforms(restrictions[r.Intn(len(restrictions))])
		if err != nil {
			t.Fatal(err)
		}
		cfgs, unsat := h.Plan(cons, plats)
		checkCover(t, fmt.Sprint("random ", i), h, cons, cfgs, unsat, plats)
		if t.Failed() {
			t.Fatalf("constraints %v", cons)
		}
	}
}

// labelHolds reports whether label describes platform p with free tags
// set as in assignment a.
func labelHolds(label string, p Platform, tags []string, a uint64) bool {
	switch label {
	case "all":
		return true
	case "none":
		return false
	}
	for i, part := range strings.Split(label, "+") {
		if tag, ok := strings.CutPrefix(part, "tag:"); ok {
			want := !strings.HasPrefix(tag, "!")
			j := indexOf(tags, strings.TrimPrefix(tag, "!"))
			if j < 0 || (a&(1<<j) != 0) != want {
				return false
			}
			continue
		}
		goos, goarch, _ := strings.Cut(part, "/")
		if i != 0 || !(goos == "*" || goos == p.GOOS) || !(goarch == "*" || goarch == p.GOARCH) {
			return false
		}
	}
	return true
}

func TestParsePlatforms(t *testing.T) {
	tests := []struct {
		list string
		want string
		err  string
	}{
		{"", "", ""},
		{"linux/amd64,windows/arm64", "linux/amd64 windows/arm64", ""},
		{" linux/amd64 , linux/amd64,,", "linux/amd64", ""},
		{"windows/*", "windows/386 windows/amd64 windows/arm64", ""},
		{"*/wasm", "js/wasm wasip1/wasm", ""},
		{"darwin/*,darwin/arm64", "darwin/amd64 darwin/arm64", ""},
		{"linux/amd64,foo/bar", "", `"foo/bar"`},
		{"windows/mips", "", `"windows/mips"`},
		{"hurd/*", "", `"hurd/*"`},
		{"linux", "", `"linux"`},
		{"/amd64", "", `"/amd64"`},
	}
	for _, tt := range tests {
		ps, err := ParsePlatforms(tt.list)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("ParsePlatforms(%q) error = %v, want one naming %s", tt.list, err, tt.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("ParsePlatforms(%q): %v", tt.list, err)
			continue
		}
		var got []string
		for _, p := range ps {
			got = append(got, p.String())
		}
		if s := strings.Join(got, " "); s != tt.want {
			t.Errorf("ParsePlatforms(%q) = %q, want %q", tt.list, s, tt.want)
		}
	}
}

func TestKnownPlatforms(t *testing.T) {
	ps := KnownPlatforms()
	if len(ps) != 47 || !slices.Contains(ps, Platform{"linux", "amd64"}) || !slices.Contains(ps, Platform{"windows", "arm64"}) {
		t.Errorf("KnownPlatforms() = %v", ps)
	}
	for _, p := range ps {
		if !knownOS[p.GOOS] || !knownArch[p.GOARCH] {
			t.Errorf("platform %v not in go/build's known lists", p)
		}
	}
	ps[0] = Platform{"x", "y"}
	if KnownPlatforms()[0] == ps[0] {
		t.Errorf("KnownPlatforms returns shared storage")
	}
}

// TestKnownPlatformsDist compares the table with the toolchain's, when it
// is go1.26.
func TestKnownPlatformsDist(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go tool dist list")
	}
	ver, err := exec.Command("go", "env", "GOVERSION").Output()
	if err != nil || !strings.HasPrefix(string(ver), "go1.26") {
		t.Skipf("toolchain %q is not go1.26", strings.TrimSpace(string(ver)))
	}
	out, err := exec.Command("go", "tool", "dist", "list").Output()
	if err != nil {
		t.Skipf("go tool dist list: %v", err)
	}
	var got []string
	for _, p := range KnownPlatforms() {
		got = append(got, p.String())
	}
	if want := strings.Fields(string(out)); !slices.Equal(got, want) {
		t.Errorf("KnownPlatforms() = %v, go tool dist list = %v", got, want)
	}
}

func BenchmarkFileConstraint(b *testing.B) {
	src := []byte("// Copyright 2024 The Authors.\n// license text\n\n//go:build linux && (amd64 || arm64)\n\n// Package p does things.\npackage p\n\nimport \"fmt\"\n\nfunc F() { fmt.Println() }\n")
	for b.Loop() {
		if _, err := FileConstraint("foo_linux.go", src); err != nil {
			b.Fatal(err)
		}
	}
}
