// This file finds the candidates an unknown target's error lists: the
// names nearest to what was written, by edit distance, compared element
// by element (a package path by its slash-separated elements, a symbol
// by its dot-separated ones), so that a typo in one element is found
// without every path of the same length coming with it.

package target

import (
	"sort"
	"strings"
)

// maxCandidates is how many candidates an error lists at most.
const maxCandidates = 5

// farther is the score of a candidate found by another rule than its
// distance (a method of another type with the name written): above any
// near one's.
const farther = 1000

// distance returns the optimal string alignment distance between a and
// b, ignoring case: the insertions, deletions, substitutions and
// transpositions of adjacent letters that turn one into the other
// ("Chrage" is one from "Charge").
func distance(a, b string) int {
	return osa(strings.ToLower(a), strings.ToLower(b))
}

// osa returns the optimal string alignment distance between a and b.
func osa(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	// d[i][j] is the distance between ra[:i] and rb[:j]; three rows.
	prev2 := make([]int, len(rb)+1)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(rb)]
}

// maxDistance is the largest distance at which a name of n letters is
// taken for a misspelling of another: 1 up to 4 letters, then one more
// for every 3, at most 3.
func maxDistance(n int) int {
	return max(1, min(3, (n+1)/3))
}

// closeTo reports whether each element of want is within its
// maxDistance of the element of have at the same place (false if they
// differ in length), and returns a score: twice the sum of the
// distances, plus one if the case differs too, so that of two names as
// near, the one written in the same case comes first.
func closeTo(want, have []string) (int, bool) {
	if len(want) != len(have) {
		return 0, false
	}
	sum, caseDiffers := 0, 0
	for i := range want {
		if want[i] == "" || have[i] == "" {
			return 0, false
		}
		d := distance(want[i], have[i])
		if d > maxDistance(len([]rune(want[i]))) {
			return 0, false
		}
		if osa(want[i], have[i]) != d {
			caseDiffers = 1
		}
		sum += d
	}
	return 2*sum + caseDiffers, true
}

// ranked collects candidates with a score (lower is nearer) and lists
// the best of them.
type ranked struct {
	score map[string]int
}

func (r *ranked) add(name string, score int) {
	if r.score == nil {
		r.score = map[string]int{}
	}
	if s, ok := r.score[name]; !ok || score < s {
		r.score[name] = score
	}
}

// list returns the candidates, nearest first, then by name, at most
// maxCandidates. Those found by another rule than their distance
// (scored farther or more) are listed only if none is near.
func (r *ranked) list() []string {
	near := false
	for _, s := range r.score {
		near = near || s < farther
	}
	out := make([]string, 0, len(r.score))
	for n, s := range r.score {
		if !near || s < farther {
			out = append(out, n)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if si, sj := r.score[out[i]], r.score[out[j]]; si != sj {
			return si < sj
		}
		return out[i] < out[j]
	})
	if len(out) > maxCandidates {
		out = out[:maxCandidates]
	}
	return out
}
