// Package buildcfg decides which build configurations compile which files.
//
// Goremover must see every reference, on every GOOS/GOARCH and tag set, so
// it type-checks the host configuration and then as few others as cover
// every file of the working set (Plan). Match says which files a
// configuration compiles, with go/build's tag semantics; Labels describes a
// file's platforms for users.
package buildcfg

import (
	"go/build/constraint"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// Host describes the base configuration (what `go build` would use here).
type Host struct {
	GOOS, GOARCH string
	Cgo          bool     // CGO_ENABLED=1
	GoMinor      int      // toolchain minor version: release tags go1.1..go1.GoMinor are true
	Tags         []string // extra tags from --tags, true in every config
}

// goMinor is the release-tag horizon; 26, the embedded tables' version,
// when the host's is unknown (a devel toolchain).
func (h Host) goMinor() int {
	if h.GoMinor <= 0 {
		return 26
	}
	return h.GoMinor
}

// Config is one build configuration to type-check.
type Config struct {
	GOOS, GOARCH string
	// Tags holds free tags (user tags, "cgo", "gc", "gccgo",
	// "goexperiment.*", "go1.N") whose value differs from the host default.
	Tags map[string]bool
	// Ignore marks the pseudo-configuration of files constrained with the
	// "ignore" tag (generators, rules files), type-checked standalone.
	Ignore bool
}

// String returns "linux/amd64", "linux/amd64+integration",
// "linux/amd64+!cgo+integration" (tags sorted by name) or "ignore".
func (c Config) String() string {
	if c.Ignore {
		return "ignore"
	}
	var b strings.Builder
	b.WriteString(c.GOOS + "/" + c.GOARCH)
	names := make([]string, 0, len(c.Tags))
	for t := range c.Tags {
		names = append(names, t)
	}
	sort.Strings(names)
	for _, t := range names {
		b.WriteByte('+')
		if !c.Tags[t] {
			b.WriteByte('!')
		}
		b.WriteString(t)
	}
	return b.String()
}

// Platform returns the configuration's GOOS/GOARCH.
func (c Config) Platform() Platform { return Platform{c.GOOS, c.GOARCH} }

// Base returns the host configuration, without tag overrides.
func (h Host) Base() Config { return Config{GOOS: h.GOOS, GOARCH: h.GOARCH} }

// Match reports whether cfg compiles a file with constraint c, with
// go/build's matchTag semantics. The Ignore configuration compiles exactly
// the files whose constraint is Ignore, whatever their GOOS/GOARCH, so that
// it covers all of them.
func (h Host) Match(cfg Config, c Constraint) bool {
	if cfg.Ignore {
		return c.Ignore()
	}
	if c.Expr == nil {
		return true
	}
	return c.Expr.Eval(func(tag string) bool { return h.tagValue(cfg, tag) })
}

// tagValue is go/build's matchTag for cfg.
func (h Host) tagValue(cfg Config, tag string) bool {
	if isPlatformTag(tag) {
		// -tags linux does make "linux" true in go/build.
		return platformTag(cfg.GOOS, cfg.GOARCH, tag) || slices.Contains(h.Tags, tag)
	}
	if v, ok := cfg.Tags[tag]; ok {
		return v
	}
	return h.defaultTag(cfg.GOOS, cfg.GOARCH, tag)
}

// defaultTag is the value of free tag on goos/goarch without overrides.
func (h Host) defaultTag(goos, goarch, tag string) bool {
	if slices.Contains(h.Tags, tag) {
		return true
	}
	switch tag {
	case "cgo":
		return h.Cgo
	case "gc":
		return true
	case "boringcrypto":
		tag = "goexperiment.boringcrypto" // go/build's old alias
	}
	if n, ok := releaseTag(tag); ok {
		return n <= h.goMinor()
	}
	return toolTag(goos, goarch, tag)
}

// releaseTag parses "go1.N" exactly as go/build spells release tags.
func releaseTag(tag string) (int, bool) {
	s, ok := strings.CutPrefix(tag, "go1.")
	if !ok || s == "" || s[0] == '0' {
		return 0, false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
	}
	n, err := strconv.Atoi(s)
	return n, err == nil
}

// freeTags returns the free tags of x, sorted and unique.
func freeTags(x constraint.Expr) []string {
	var tags []string
	walkTags(x, func(t string) {
		if !isPlatformTag(t) && !slices.Contains(tags, t) {
			tags = append(tags, t)
		}
	})
	sort.Strings(tags)
	return tags
}

func indexOf(list []string, s string) int { return slices.Index(list, s) }

// maxExact bounds exhaustive enumeration of tag assignments (2^maxExact).
const maxExact = 8

// assignments returns the assignments (bit i set: tags[i] true) of n free
// tags worth trying: all of them for few tags, else all false and all true.
func assignments(n int) []uint64 {
	if n > maxExact {
		return []uint64{0, ^uint64(0) >> (64 - min(n, 64))}
	}
	out := make([]uint64, 1<<n)
	for i := range out {
		out[i] = uint64(i)
	}
	return out
}

// evalAssign evaluates x on platform p, free tags taking the values of
// assignment a; this is the host-independent view (Labels, Ignore).
func evalAssign(x constraint.Expr, p Platform, tags []string, a uint64) bool {
	return x.Eval(func(tag string) bool {
		if i := indexOf(tags, tag); i >= 0 {
			return a&(1<<i) != 0
		}
		return platformTag(p.GOOS, p.GOARCH, tag)
	})
}
