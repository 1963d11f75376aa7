package remove

import (
	"go/ast"
	"go/token"
	"sort"
)

// A span is a byte range of a file to replace (delete, when repl is "").
type span struct {
	start, end int
	repl       string
}

// fileEdit collects the spans to change in one file.
type fileEdit struct {
	fset  *token.FileSet
	tf    *token.File
	file  *ast.File
	src   []byte
	spans []span
}

func (e *fileEdit) off(p token.Pos) int { return e.tf.Offset(p) }

// lineStart returns the offset of the start of the line holding off.
func (e *fileEdit) lineStart(off int) int {
	for off > 0 && e.src[off-1] != '\n' {
		off--
	}
	return off
}

// lineEnd returns the offset just past the newline ending the line that
// holds off (or len(src)).
func (e *fileEdit) lineEnd(off int) int {
	for off < len(e.src) && e.src[off] != '\n' {
		off++
	}
	if off < len(e.src) {
		off++
	}
	return off
}

func blank(b []byte) bool {
	for _, c := range b {
		if c != ' ' && c != '\t' && c != '\r' && c != '\n' && c != ';' {
			return false
		}
	}
	return true
}

// trailingComment returns the end of a comment that starts on the line
// where end is, after end: "func F() {} // why".
func (e *fileEdit) trailingComment(end token.Pos) token.Pos {
	line := e.tf.Line(end)
	for _, cg := range e.file.Comments {
		if cg.Pos() >= end && e.tf.Line(cg.Pos()) == line {
			return cg.End()
		}
		if cg.Pos() > end {
			break
		}
	}
	return end
}

// remove deletes the node from start to end, with its doc comment and a
// comment trailing it on its last line. A node alone on its lines takes
// the whole lines, and one blank line of those around it, so that the
// code around it keeps its layout:
//
//	// Doc.        ┐
//	func F() {}    ├ deleted
//	               ┘ (blank line after, when there is one before too)
func (e *fileEdit) remove(start, end token.Pos, doc *ast.CommentGroup) {
	if doc != nil && doc.Pos() < start {
		start = doc.Pos()
	}
	end = e.trailingComment(end)
	s, t := e.off(start), e.off(end)
	ls, le := e.lineStart(s), e.lineEnd(t)
	if blank(e.src[ls:s]) && blank(e.src[t:le]) {
		// Whole lines. Eat one blank line after when the line before
		// is blank too (or there is none: start of a block).
		if le < len(e.src) {
			nle := e.lineEnd(le)
			if blank(e.src[le:nle]) && (ls == 0 || e.prevLineBlank(ls)) {
				le = nle
			}
		} else if ls > 0 && e.prevLineBlank(ls) {
			ls = e.lineStart(ls - 1) // at the end of the file
		}
		e.spans = append(e.spans, span{start: ls, end: le})
		return
	}
	// Shares its line with other code: delete the node and the
	// separator after it ("A int; B int").
	for t < len(e.src) && (e.src[t] == ';' || e.src[t] == ' ' || e.src[t] == '\t') {
		t++
	}
	e.spans = append(e.spans, span{start: s, end: t})
}

// prevLineBlank reports whether the line before the one starting at ls is
// blank.
func (e *fileEdit) prevLineBlank(ls int) bool {
	if ls == 0 {
		return true
	}
	ps := e.lineStart(ls - 1)
	return blank(e.src[ps : ls-1])
}

// removeListItem deletes item i of a comma-separated list of n items
// whose extents are given (names of a spec or field, values of a spec),
// with the comma that separates it from a neighbour.
func (e *fileEdit) removeListItem(pos []token.Pos, end []token.Pos, i int) {
	n := len(pos)
	switch {
	case n == 1:
		e.spans = append(e.spans, span{start: e.off(pos[0]), end: e.off(end[0])})
	case i < n-1: // "a, " up to the next item
		e.spans = append(e.spans, span{start: e.off(pos[i]), end: e.off(pos[i+1])})
	default: // ", z" from the end of the previous one
		e.spans = append(e.spans, span{start: e.off(end[i-1]), end: e.off(end[i])})
	}
}

// apply returns src with the spans applied; overlapping deletions merge.
func (e *fileEdit) apply() []byte {
	sp := append([]span(nil), e.spans...)
	sort.SliceStable(sp, func(i, j int) bool {
		if sp[i].start != sp[j].start {
			return sp[i].start < sp[j].start
		}
		return sp[i].end > sp[j].end
	})
	var out []byte
	last := 0
	for _, s := range sp {
		if s.start < last {
			// Overlaps a deletion already applied (two deletions
			// that both took the blank line between them).
			if s.end > last && s.repl == "" {
				last = s.end
			}
			continue
		}
		out = append(out, e.src[last:s.start]...)
		out = append(out, s.repl...)
		last = s.end
	}
	return append(out, e.src[last:]...)
}
