// This file plans the configurations to type-check: a greedy set cover of
// the working set's constraints, since every extra configuration costs a
// partial re-check of the packages whose files it changes.

package buildcfg

import (
	"slices"
	"sort"
)

// Plan returns the configurations to type-check so that every constraint in
// cons is matched by at least one: Base() first, then extra configurations
// chosen greedily, then the Ignore configuration if any constraint is
// Ignore. Constraints that no configuration satisfies (linux && windows, or
// only platforms outside the non-empty platforms list) are returned in
// unsat, as ascending indices into cons. Base comes first even when
// platforms leaves the host out, since the host build is always checked.
//
// For a constraint not yet covered, the candidates are the configurations
// that satisfy it with the fewest free tags flipped from the host default;
// the one that also covers most other uncovered constraints wins, ties
// going to the preferred platform (see preference). Constraints are
// deduplicated by text and visited most constrained first, ties in text
// order, so the result does not depend on the order of cons.
func (h Host) Plan(cons []Constraint, platforms []Platform) (cfgs []Config, unsat []int) {
	base := h.Base()
	cfgs = []Config{base}
	idx := map[string][]int{}
	rep := map[string]Constraint{}
	for i, c := range cons {
		if c.Expr == nil {
			continue
		}
		k := c.Expr.String()
		if _, ok := rep[k]; !ok {
			rep[k] = c
		}
		idx[k] = append(idx[k], i)
	}
	keys := make([]string, 0, len(rep))
	for k := range rep {
		keys = append(keys, k)
	}
	sort.Strings(keys)

	var pending []Constraint
	var pendingKeys []string
	ignore := false
	for _, k := range keys {
		c := rep[k]
		switch {
		case h.Match(base, c):
		case c.Ignore():
			ignore = true
		default:
			pending = append(pending, c)
			pendingKeys = append(pendingKeys, k)
		}
	}

	// Most constrained first: those needing the most tag flips, then those
	// with the fewest candidates, so that easy constraints ride along.
	order := h.preference(platforms)
	cands := make([][]Config, len(pending))
	visit := make([]int, len(pending))
	for i, c := range pending {
		cands[i] = h.candidates(c, order)
		visit[i] = i
	}
	minFlips := func(i int) int {
		if len(cands[i]) == 0 {
			return 0
		}
		return len(cands[i][0].Tags)
	}
	sort.SliceStable(visit, func(a, b int) bool {
		i, j := visit[a], visit[b]
		if fi, fj := minFlips(i), minFlips(j); fi != fj {
			return fi > fj
		}
		return len(cands[i]) < len(cands[j])
	})
	done := make([]bool, len(pending))
	for _, i := range visit {
		if done[i] {
			continue
		}
		done[i] = true
		if len(cands[i]) == 0 {
			unsat = append(unsat, idx[pendingKeys[i]]...)
			continue
		}
		best, bestN := 0, -1
		for ci, cand := range cands[i] {
			n := 0
			for j := range pending {
				if !done[j] && h.Match(cand, pending[j]) {
					n++
				}
			}
			if n > bestN {
				best, bestN = ci, n
			}
		}
		cfg := cands[i][best]
		cfgs = append(cfgs, cfg)
		for j := range pending {
			if !done[j] && h.Match(cfg, pending[j]) {
				done[j] = true
			}
		}
	}
	if ignore {
		cfgs = append(cfgs, Config{GOOS: h.GOOS, GOARCH: h.GOARCH, Ignore: true})
	}
	sort.Ints(unsat)
	return cfgs, unsat
}

// preference returns the platforms Plan may use, most preferred first: the
// host, the host OS with another arch (amd64, arm64, 386, arm first),
// linux/amd64, windows/amd64, darwin/arm64, the other linux, windows and
// darwin ones, then the rest in `go tool dist list` order. A non-empty
// allowed list restricts them.
func (h Host) preference(allowed []Platform) []Platform {
	universe := knownPlatforms
	if len(allowed) > 0 {
		universe = allowed
	}
	var out []Platform
	add := func(p Platform) {
		if slices.Contains(universe, p) && !slices.Contains(out, p) {
			out = append(out, p)
		}
	}
	add(Platform{h.GOOS, h.GOARCH})
	for _, arch := range []string{"amd64", "arm64", "386", "arm"} {
		add(Platform{h.GOOS, arch})
	}
	for _, p := range knownPlatforms {
		if p.GOOS == h.GOOS {
			add(p)
		}
	}
	add(Platform{"linux", "amd64"})
	add(Platform{"windows", "amd64"})
	add(Platform{"darwin", "arm64"})
	// Then the mainstream OSes, so that ties go to linux/386, not android/386.
	for _, goos := range []string{"linux", "windows", "darwin"} {
		for _, p := range knownPlatforms {
			if p.GOOS == goos {
				add(p)
			}
		}
	}
	for _, p := range knownPlatforms {
		add(p)
	}
	for _, p := range universe { // allowed entries outside the table
		add(p)
	}
	return out
}

// maxFlipSets bounds the flip sets tried per platform (2^maxExact), and
// maxCands the minimal ones kept per platform.
const (
	maxFlipSets = 1 << maxExact
	maxCands    = 8
)

// candidates returns the configurations on the platforms of order that
// match c with a minimal set of free tags flipped, fewest flips first, then
// in platform order.
func (h Host) candidates(c Constraint, order []Platform) []Config {
	var flippable []string
	for _, t := range freeTags(c.Expr) {
		// Host tags are true everywhere; "ignore" would make an Ignore config.
		if t != "ignore" && !slices.Contains(h.Tags, t) {
			flippable = append(flippable, t)
		}
	}
	var out []Config
	for _, p := range order {
		out = append(out, h.minimalFlips(c, p, flippable)...)
	}
	sort.SliceStable(out, func(i, j int) bool { return len(out[i].Tags) < len(out[j].Tags) })
	return out
}

// minimalFlips returns configurations of p matching c whose Tags flip as
// few of tags as possible, in lexical order of the flipped indices. Past
// maxFlipSets tries it falls back to all tags true, then all false.
func (h Host) minimalFlips(c Constraint, p Platform, tags []string) []Config {
	cfgOf := func(flip []int) Config {
		cfg := Config{GOOS: p.GOOS, GOARCH: p.GOARCH}
		for _, i := range flip {
			if cfg.Tags == nil {
				cfg.Tags = map[string]bool{}
			}
			cfg.Tags[tags[i]] = !h.defaultTag(p.GOOS, p.GOARCH, tags[i])
		}
		return cfg
	}
	tried := 0
	for k := 0; k <= len(tags) && tried < maxFlipSets; k++ {
		var found []Config
		combinations(len(tags), k, func(flip []int) bool {
			tried++
			if cfg := cfgOf(flip); h.Match(cfg, c) {
				found = append(found, cfg)
			}
			return tried < maxFlipSets && len(found) < maxCands
		})
		if len(found) > 0 {
			return found
		}
	}
	if tried < maxFlipSets {
		return nil // exhaustive: unsatisfiable on p
	}
	for _, v := range []bool{true, false} {
		var flip []int
		for i, t := range tags {
			if h.defaultTag(p.GOOS, p.GOARCH, t) != v {
				flip = append(flip, i)
			}
		}
		if cfg := cfgOf(flip); h.Match(cfg, c) {
			return []Config{cfg}
		}
	}
	return nil
}

// combinations calls f with each k-subset of 0..n-1 in lexical order until
// f returns false.
func combinations(n, k int, f func([]int) bool) {
	comb := make([]int, k)
	var rec func(start, depth int) bool
	rec = func(start, depth int) bool {
		if depth == k {
			return f(comb)
		}
		for i := start; i <= n-(k-depth); i++ {
			comb[depth] = i
			if !rec(i+1, depth+1) {
				return false
			}
		}
		return true
	}
	rec(0, 0)
}
