// This file holds the platform tables of go1.26: the GOOS/GOARCH names that
// go/build recognises (internal/syslist) and the `go tool dist list` pairs.
// They are embedded because the tool must not run the go command to plan.

package buildcfg

import (
	"fmt"
	"slices"
	"strings"
)

// Platform is a GOOS/GOARCH pair.
type Platform struct{ GOOS, GOARCH string }

func (p Platform) String() string { return p.GOOS + "/" + p.GOARCH }

// knownPlatforms is `go tool dist list` for go1.26.
var knownPlatforms = []Platform{
	{"aix", "ppc64"},
	{"android", "386"},
	{"android", "amd64"},
	{"android", "arm"},
	{"android", "arm64"},
	{"darwin", "amd64"},
	{"darwin", "arm64"},
	{"dragonfly", "amd64"},
	{"freebsd", "386"},
	{"freebsd", "amd64"},
	{"freebsd", "arm"},
	{"freebsd", "arm64"},
	{"illumos", "amd64"},
	{"ios", "amd64"},
	{"ios", "arm64"},
	{"js", "wasm"},
	{"linux", "386"},
	{"linux", "amd64"},
	{"linux", "arm"},
	{"linux", "arm64"},
	{"linux", "loong64"},
	{"linux", "mips"},
	{"linux", "mips64"},
	{"linux", "mips64le"},
	{"linux", "mipsle"},
	{"linux", "ppc64"},
	{"linux", "ppc64le"},
	{"linux", "riscv64"},
	{"linux", "s390x"},
	{"netbsd", "386"},
	{"netbsd", "amd64"},
	{"netbsd", "arm"},
	{"netbsd", "arm64"},
	{"openbsd", "386"},
	{"openbsd", "amd64"},
	{"openbsd", "arm"},
	{"openbsd", "arm64"},
	{"openbsd", "ppc64"},
	{"openbsd", "riscv64"},
	{"plan9", "386"},
	{"plan9", "amd64"},
	{"plan9", "arm"},
	{"solaris", "amd64"},
	{"wasip1", "wasm"},
	{"windows", "386"},
	{"windows", "amd64"},
	{"windows", "arm64"},
}

// KnownPlatforms returns the GOOS/GOARCH pairs the go1.26 toolchain supports,
// in `go tool dist list` order.
func KnownPlatforms() []Platform { return slices.Clone(knownPlatforms) }

// knownOS and knownArch are go/build's lists (internal/syslist): past,
// present and future names, used for file-name matching.
var knownOS = map[string]bool{
	"aix": true, "android": true, "darwin": true, "dragonfly": true, "freebsd": true,
	"hurd": true, "illumos": true, "ios": true, "js": true, "linux": true, "nacl": true,
	"netbsd": true, "openbsd": true, "plan9": true, "solaris": true, "wasip1": true,
	"windows": true, "zos": true,
}

var knownArch = map[string]bool{
	"386": true, "amd64": true, "amd64p32": true, "arm": true, "armbe": true, "arm64": true,
	"arm64be": true, "loong64": true, "mips": true, "mipsle": true, "mips64": true,
	"mips64le": true, "mips64p32": true, "mips64p32le": true, "ppc": true, "ppc64": true,
	"ppc64le": true, "riscv": true, "riscv64": true, "s390": true, "s390x": true,
	"sparc": true, "sparc64": true, "wasm": true,
}

// unixOS is the set of GOOS values matched by the "unix" build tag.
var unixOS = map[string]bool{
	"aix": true, "android": true, "darwin": true, "dragonfly": true, "freebsd": true,
	"hurd": true, "illumos": true, "ios": true, "linux": true, "netbsd": true,
	"openbsd": true, "solaris": true,
}

// isPlatformTag reports whether tag is decided by GOOS/GOARCH alone; every
// other tag is free (a user tag, cgo, gc, go1.N, goexperiment.*, ...).
func isPlatformTag(tag string) bool {
	return knownOS[tag] || knownArch[tag] || tag == "unix"
}

// platformTag reports whether tag holds on goos/goarch, as go/build's
// matchTag decides it for the GOOS/GOARCH-derived tags.
func platformTag(goos, goarch, tag string) bool {
	switch {
	case tag == goos || tag == goarch:
		return true
	case tag == "linux":
		return goos == "android"
	case tag == "solaris":
		return goos == "illumos"
	case tag == "darwin":
		return goos == "ios"
	case tag == "unix":
		return unixOS[goos]
	}
	return false
}

// ParsePlatforms parses a comma-separated list of GOOS/GOARCH pairs, as the
// --platforms flag takes it. "windows/*" stands for every known architecture
// of windows and "*/arm64" for every known OS with arm64. The result is in
// list order, without duplicates.
func ParsePlatforms(list string) ([]Platform, error) {
	var out []Platform
	seen := map[Platform]bool{}
	add := func(p Platform) {
		if !seen[p] {
			seen[p] = true
			out = append(out, p)
		}
	}
	for entry := range strings.SplitSeq(list, ",") {
		entry = strings.TrimSpace(entry)
		if entry == "" {
			continue
		}
		goos, goarch, ok := strings.Cut(entry, "/")
		if !ok || goos == "" || goarch == "" {
			return nil, fmt.Errorf("malformed platform %q: want GOOS/GOARCH", entry)
		}
		matched := false
		for _, p := range knownPlatforms {
			if (goos == "*" || goos == p.GOOS) && (goarch == "*" || goarch == p.GOARCH) {
				matched = true
				add(p)
			}
		}
		if !matched {
			return nil, fmt.Errorf("unknown platform %q; see 'go tool dist list'", entry)
		}
	}
	return out, nil
}

// toolTag reports whether tag is one of the go1.26 toolchain's default tool
// tags on goarch/goos (internal/buildcfg.ToolTags): the GO$GOARCH feature
// levels and the baseline GOEXPERIMENTs.
func toolTag(goos, goarch, tag string) bool {
	if exp, ok := strings.CutPrefix(tag, "goexperiment."); ok {
		switch exp {
		case "regabiwrappers", "regabiargs":
			switch goarch {
			case "amd64", "arm64", "loong64", "ppc64le", "ppc64", "riscv64", "s390x":
				return true
			}
		case "dwarf5":
			return goos != "darwin" && goos != "ios" && goos != "aix"
		case "randomizedheapbase64", "greenteagc":
			return true
		}
		return false
	}
	arch, feature, ok := strings.Cut(tag, ".")
	if !ok || arch != goarch {
		return false
	}
	switch arch {
	case "386":
		return feature == "sse2"
	case "amd64":
		return feature == "v1"
	case "arm":
		return feature == "5" || feature == "6" || feature == "7"
	case "arm64":
		return feature == "v8.0"
	case "mips", "mipsle", "mips64", "mips64le":
		return feature == "hardfloat"
	case "ppc64", "ppc64le":
		return feature == "power8"
	case "riscv64":
		return feature == "rva20u64"
	case "wasm":
		return feature == "satconv" || feature == "signext"
	}
	return false
}
