// This file describes a constraint for users as a short list of labels.
// Labels describe the file, not the run: they do not depend on the host,
// and every non-platform tag (user tags, cgo, go1.N, --tags) is a free
// variable. The description is a union of (platforms, tag requirement)
// pairs built from the prime implicants of the constraint on each platform,
// so `integration || e2e` gives two labels rather than a misleading "all".

package buildcfg

import (
	"go/build/constraint"
	"math/bits"
	"slices"
	"sort"
	"strings"
	"sync"
)

// Labels returns the platforms of a file with constraint c: ["all"] for no
// constraint, ["ignore"] for Ignore(), ["none"] when nothing satisfies it,
// otherwise labels such as "linux/amd64", "windows/*" (every known arch of
// windows), "*/arm64" (every known OS with arm64), "tag:integration" (any
// platform, with the tag set), "linux/*+tag:!cgo". The platforms are the
// known platforms where the constraint holds with go/build's semantics, so
// a plain `linux` constraint also lists "android/*". Sorted, never empty.
func (h Host) Labels(c Constraint) []string {
	if c.Expr == nil {
		return []string{"all"}
	}
	if c.Ignore() {
		return []string{"ignore"}
	}
	key := c.Expr.String()
	if v, ok := labelCache.Load(key); ok {
		return slices.Clone(v.([]string))
	}
	v := labels(c.Expr)
	labelCache.Store(key, v)
	return slices.Clone(v)
}

// labelCache memoizes labels by expression: many files share one.
var labelCache sync.Map

// A term is a conjunction of free-tag literals over the tags of one
// expression: bit i of mask set means tags[i] is required, with the value
// of bit i of val.
type term struct{ mask, val uint64 }

func (t term) subsetOf(u term) bool {
	return t.mask&^u.mask == 0 && t.val == u.val&t.mask
}

func (t term) String(tags []string) string {
	var parts []string
	for i, tag := range tags {
		if t.mask&(1<<i) == 0 {
			continue
		}
		if t.val&(1<<i) == 0 {
			tag = "!" + tag
		}
		parts = append(parts, "tag:"+tag)
	}
	return strings.Join(parts, "+")
}

func labels(x constraint.Expr) []string {
	// Nobody sets "ignore" outside the Ignore configuration: `!ignore` is "all".
	tags := slices.DeleteFunc(freeTags(x), func(t string) bool { return t == "ignore" })
	n := len(tags)
	if n > maxExact {
		return labelsApprox(x, tags)
	}
	// Platforms with the same truth table share their implicants.
	tables := map[string]*implicantSet{}
	perPlat := make([]*implicantSet, len(knownPlatforms))
	for i, p := range knownPlatforms {
		table := make([]bool, 1<<n)
		key := make([]byte, 1<<n)
		for a := range table {
			table[a] = evalAssign(x, p, tags, uint64(a))
			if table[a] {
				key[a] = 1
			}
		}
		s := tables[string(key)]
		if s == nil {
			s = implicants(table, n)
			tables[string(key)] = s
		}
		perPlat[i] = s
	}

	// Candidate terms: every prime implicant on some platform; impl[t] holds
	// the platforms where t implies the constraint, prime[t] where it is prime.
	impl := map[term][]bool{}
	prime := map[term][]bool{}
	for i, s := range perPlat {
		for _, t := range s.primes {
			if impl[t] == nil {
				impl[t] = make([]bool, len(knownPlatforms))
				prime[t] = make([]bool, len(knownPlatforms))
			}
			prime[t][i] = true
		}
	}
	for t := range impl {
		for i, s := range perPlat {
			impl[t][i] = s.implies(t)
		}
	}
	terms := make([]term, 0, len(impl))
	for t := range impl {
		terms = append(terms, t)
	}
	sort.Slice(terms, func(i, j int) bool {
		if terms[i].mask != terms[j].mask {
			return terms[i].mask < terms[j].mask
		}
		return terms[i].val < terms[j].val
	})

	var out []string
	for _, t := range terms {
		// A weaker term that holds wherever t does makes t redundant.
		redundant := slices.ContainsFunc(terms, func(u term) bool {
			return u != t && u.subsetOf(t) && covers(impl[u], impl[t])
		})
		if redundant {
			continue
		}
		// Either set is a correct description (other terms cover the
		// difference); keep the shorter, preferring the tighter on ties.
		plats := collapse(prime[t])
		if wide := collapse(impl[t]); len(wide) < len(plats) {
			plats = wide
		}
		out = append(out, join(plats, t.String(tags))...)
	}
	return finish(out)
}

// labelsApprox describes expressions with too many free tags to enumerate,
// trying only all tags false and all tags true.
func labelsApprox(x constraint.Expr, tags []string) []string {
	all := ^uint64(0) >> (64 - min(len(tags), 64))
	byTerm := map[string][]bool{}
	var names []string
	for i, p := range knownPlatforms {
		f, t := evalAssign(x, p, tags, 0), evalAssign(x, p, tags, all)
		var name string
		switch {
		case f && t:
			name = ""
		case t:
			name = term{all, all}.String(tags)
		case f:
			name = term{all, 0}.String(tags)
		default:
			continue
		}
		if byTerm[name] == nil {
			byTerm[name] = make([]bool, len(knownPlatforms))
			names = append(names, name)
		}
		byTerm[name][i] = true
	}
	var out []string
	for _, name := range names {
		out = append(out, join(collapse(byTerm[name]), name)...)
	}
	return finish(out)
}

func finish(out []string) []string {
	if len(out) == 0 {
		return []string{"none"}
	}
	sort.Strings(out)
	return slices.Compact(out)
}

// join appends the tag part to each platform part ("" meaning every platform).
func join(plats []string, tagPart string) []string {
	out := make([]string, len(plats))
	for i, p := range plats {
		switch {
		case p == "" && tagPart == "":
			out[i] = "all"
		case p == "":
			out[i] = tagPart
		case tagPart == "":
			out[i] = p
		default:
			out[i] = p + "+" + tagPart
		}
	}
	return out
}

// covers reports whether set a contains set b.
func covers(a, b []bool) bool {
	for i := range b {
		if b[i] && !a[i] {
			return false
		}
	}
	return true
}

// collapse names a set of known platforms (indexed like knownPlatforms):
// [""] for all of them, else "os/*" for an OS whose arches are all in,
// "*/arch" for an arch (of two or more OSes) whose OSes are all in, and
// "os/arch" for the rest. Of the OS-groups-first and arch-groups-first
// namings, the shorter wins ("*/wasm", not "js/*" and "wasip1/*"); ties go
// to OS groups.
func collapse(set []bool) []string {
	count := 0
	for _, in := range set {
		if in {
			count++
		}
	}
	if count == 0 {
		return nil
	}
	if count == len(knownPlatforms) {
		return []string{""}
	}
	osFull := map[string]bool{}
	archFull := map[string]bool{}
	archOSes := map[string]int{}
	for _, p := range knownPlatforms {
		osFull[p.GOOS] = true
		archFull[p.GOARCH] = true
		archOSes[p.GOARCH]++
	}
	for i, p := range knownPlatforms {
		if !set[i] {
			osFull[p.GOOS] = false
			archFull[p.GOARCH] = false
		}
	}
	for arch, n := range archOSes {
		if n < 2 {
			archFull[arch] = false
		}
	}
	oses := grouping{osFull, func(p Platform) string { return p.GOOS }, func(g string) string { return g + "/*" }}
	arches := grouping{archFull, func(p Platform) string { return p.GOARCH }, func(g string) string { return "*/" + g }}
	osFirst := name(set, oses, arches)
	archFirst := name(set, arches, oses)
	if len(archFirst) < len(osFirst) {
		return archFirst
	}
	return osFirst
}

// A grouping is a way to group platforms: by OS or by arch.
type grouping struct {
	full  map[string]bool // groups wholly in the set
	key   func(Platform) string
	label func(string) string
}

// name names set with the full groups of first, then those of second that
// still add platforms, then single platforms.
func name(set []bool, first, second grouping) []string {
	covered := make([]bool, len(set))
	var out []string
	for _, g := range []grouping{first, second} {
		for _, k := range sortedKeys(g.full) {
			if !g.full[k] {
				continue
			}
			adds := false
			for i, p := range knownPlatforms {
				if g.key(p) == k && !covered[i] {
					adds = true
					covered[i] = true
				}
			}
			if adds {
				out = append(out, g.label(k))
			}
		}
	}
	for i, p := range knownPlatforms {
		if set[i] && !covered[i] {
			out = append(out, p.String())
		}
	}
	return out
}

func sortedKeys(m map[string]bool) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// implicantSet holds, for a truth table over n free tags, which terms imply
// it (imp, indexed mask<<n|val) and its prime implicants.
type implicantSet struct {
	n      int
	imp    []bool
	primes []term
}

func (s *implicantSet) implies(t term) bool { return s.imp[t.mask<<s.n|t.val] }

// implicants computes the implicants of table by dynamic programming over
// masks, widest first: a term implies the table iff both of its extensions
// by one more tag do.
func implicants(table []bool, n int) *implicantSet {
	full := uint64(1)<<n - 1
	s := &implicantSet{n: n, imp: make([]bool, 1<<(2*n))}
	for m := int64(full); m >= 0; m-- {
		mask := uint64(m)
		for v := mask; ; v = (v - 1) & mask { // subsets of mask
			if mask == full {
				s.imp[mask<<n|v] = table[v]
			} else {
				b := (^mask & full) & -(^mask & full) // lowest tag not in mask
				s.imp[mask<<n|v] = s.imp[(mask|b)<<n|v] && s.imp[(mask|b)<<n|v|b]
			}
			if v == 0 {
				break
			}
		}
	}
	for mask := uint64(0); mask <= full; mask++ {
		for v := mask; ; v = (v - 1) & mask {
			if s.imp[mask<<n|v] && isPrime(s, mask, v) {
				s.primes = append(s.primes, term{mask, v})
			}
			if v == 0 {
				break
			}
		}
	}
	return s
}

func isPrime(s *implicantSet, mask, v uint64) bool {
	for rest := mask; rest != 0; rest &= rest - 1 {
		b := uint64(1) << bits.TrailingZeros64(rest)
		if s.imp[(mask&^b)<<s.n|v&^b] {
			return false
		}
	}
	return true
}
