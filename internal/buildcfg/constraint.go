// This file reads a file's build constraint the way go/build does: the
// file-name suffix (goodOSArchFile) and the header comments before the
// package clause (parseFileHeader, shouldBuild). It is a port rather than a
// call because go/build only answers "does this context build it", while
// planning needs the expression itself.

package buildcfg

import (
	"bytes"
	"fmt"
	"go/build/constraint"
	"strings"
	"sync"
)

// Constraint is a file's build constraint: its file-name suffix
// (_windows, _arm64, _linux_arm64) combined by AND with its //go:build line,
// or its legacy // +build lines if it has no //go:build line.
type Constraint struct {
	Expr constraint.Expr // nil when the file has no constraint at all
}

// String returns the expression as go/build/constraint prints it, or "".
func (c Constraint) String() string {
	if c.Expr == nil {
		return ""
	}
	return c.Expr.String()
}

// Ignore reports whether the constraint can only be true when the tag
// "ignore" is set, as for generators (//go:build ignore): no GOOS/GOARCH and
// assignment of the other tags satisfies it with ignore false, and some does
// with ignore true.
func (c Constraint) Ignore() bool {
	if c.Expr == nil || !mentions(c.Expr, "ignore") {
		return false
	}
	if t, ok := c.Expr.(*constraint.TagExpr); ok {
		return t.Tag == "ignore"
	}
	key := c.Expr.String()
	if v, ok := ignoreCache.Load(key); ok {
		return v.(bool)
	}
	v := isIgnore(c.Expr)
	ignoreCache.Store(key, v)
	return v
}

// ignoreCache memoizes Ignore by expression: it is asked for every file,
// often many times.
var ignoreCache sync.Map

func isIgnore(x constraint.Expr) bool {
	tags := freeTags(x)
	bit := uint64(1) << indexOf(tags, "ignore")
	sat := false
	for _, p := range knownPlatforms {
		for _, a := range assignments(len(tags)) {
			if evalAssign(x, p, tags, a&^bit) {
				return false
			}
			if !sat && evalAssign(x, p, tags, a|bit) {
				sat = true
			}
		}
	}
	return sat
}

// A SyntaxError reports a malformed //go:build line, or a second one.
type SyntaxError struct {
	Line int // 1-based line of the offending comment
	Msg  string
}

func (e *SyntaxError) Error() string { return fmt.Sprintf("line %d: %s", e.Line, e.Msg) }

// FileConstraint returns the constraint of the file with base name name and
// content src. Only comments before the package clause count, as in
// go/build. A malformed //go:build line is a *SyntaxError; the constraint of
// the file name is still returned with it.
func FileConstraint(name string, src []byte) (Constraint, error) {
	nameX := nameConstraint(name)
	hdrX, err := headerConstraint(src)
	if err != nil {
		return Constraint{Expr: nameX}, err
	}
	switch {
	case nameX == nil:
		return Constraint{Expr: hdrX}, nil
	case hdrX == nil:
		return Constraint{Expr: nameX}, nil
	}
	return Constraint{Expr: &constraint.AndExpr{X: nameX, Y: hdrX}}, nil
}

// nameConstraint is go/build's goodOSArchFile as an expression: the
// GOOS/GOARCH suffix of name, "_test" stripped, after the first "_" only
// (so windows.go has none).
func nameConstraint(name string) constraint.Expr {
	name, _, _ = strings.Cut(name, ".")
	i := strings.Index(name, "_")
	if i < 0 {
		return nil
	}
	l := strings.Split(name[i:], "_")
	if n := len(l); n > 0 && l[n-1] == "test" {
		l = l[:n-1]
	}
	n := len(l)
	if n >= 2 && knownOS[l[n-2]] && knownArch[l[n-1]] {
		return &constraint.AndExpr{X: &constraint.TagExpr{Tag: l[n-2]}, Y: &constraint.TagExpr{Tag: l[n-1]}}
	}
	if n >= 1 && (knownOS[l[n-1]] || knownArch[l[n-1]]) {
		return &constraint.TagExpr{Tag: l[n-1]}
	}
	return nil
}

var (
	bom            = []byte{0xef, 0xbb, 0xbf}
	slashSlash     = []byte("//")
	slashStar      = []byte("/*")
	starSlash      = []byte("*/")
	plusBuild      = []byte("+build")
	goBuildComment = []byte("//go:build")
)

// headerConstraint mirrors go/build's parseFileHeader and shouldBuild: a
// //go:build line anywhere in the leading comments controls; otherwise the
// // +build lines of the comment block ending in a blank line before the
// package clause are ANDed (bad ones are ignored, as go/build does).
func headerConstraint(src []byte) (constraint.Expr, error) {
	content := bytes.TrimPrefix(src, bom)
	var goBuild []byte
	goBuildLine := 0
	end := 0
	p := content
	ended := false
	inSlashStar := false
	lineNum := 0
Lines:
	for len(p) > 0 {
		lineNum++
		line := p
		if i := bytes.IndexByte(line, '\n'); i >= 0 {
			line, p = line[:i], p[i+1:]
		} else {
			p = p[len(p):]
		}
		line = bytes.TrimSpace(line)
		if len(line) == 0 && !ended {
			// Legacy build lines must precede a blank line before the package clause.
			end = len(content) - len(p)
			continue Lines
		}
		if !bytes.HasPrefix(line, slashSlash) {
			ended = true
		}
		if !inSlashStar && isGoBuildComment(line) {
			if goBuild != nil {
				return nil, &SyntaxError{Line: lineNum, Msg: "multiple //go:build comments"}
			}
			goBuild, goBuildLine = line, lineNum
		}
	Comments:
		for len(line) > 0 {
			if inSlashStar {
				if i := bytes.Index(line, starSlash); i >= 0 {
					inSlashStar = false
					line = bytes.TrimSpace(line[i+len(starSlash):])
					continue Comments
				}
				continue Lines
			}
			if bytes.HasPrefix(line, slashSlash) {
				continue Lines
			}
			if bytes.HasPrefix(line, slashStar) {
				inSlashStar = true
				line = bytes.TrimSpace(line[len(slashStar):])
				continue Comments
			}
			break Lines // the package clause, or other non-comment text
		}
	}

	if goBuild != nil {
		x, err := constraint.Parse(string(goBuild))
		if err != nil {
			return nil, &SyntaxError{Line: goBuildLine, Msg: "parsing //go:build line: " + err.Error()}
		}
		return x, nil
	}
	var x constraint.Expr
	for p := content[:end]; len(p) > 0; {
		line := p
		if i := bytes.IndexByte(line, '\n'); i >= 0 {
			line, p = line[:i], p[i+1:]
		} else {
			p = p[len(p):]
		}
		line = bytes.TrimSpace(line)
		if !bytes.HasPrefix(line, slashSlash) || !bytes.Contains(line, plusBuild) {
			continue
		}
		text := string(line)
		if !constraint.IsPlusBuild(text) {
			continue
		}
		y, err := constraint.Parse(text)
		if err != nil {
			continue
		}
		if x == nil {
			x = y
		} else {
			x = &constraint.AndExpr{X: x, Y: y}
		}
	}
	return x, nil
}

func isGoBuildComment(line []byte) bool {
	if !bytes.HasPrefix(line, goBuildComment) {
		return false
	}
	line = bytes.TrimSpace(line)
	rest := line[len(goBuildComment):]
	return len(rest) == 0 || len(bytes.TrimSpace(rest)) < len(rest)
}

// walkTags calls f for every tag of x, in order, with repeats.
func walkTags(x constraint.Expr, f func(string)) {
	switch x := x.(type) {
	case *constraint.TagExpr:
		f(x.Tag)
	case *constraint.NotExpr:
		walkTags(x.X, f)
	case *constraint.AndExpr:
		walkTags(x.X, f)
		walkTags(x.Y, f)
	case *constraint.OrExpr:
		walkTags(x.X, f)
		walkTags(x.Y, f)
	}
}

func mentions(x constraint.Expr, tag string) bool {
	found := false
	walkTags(x, func(t string) { found = found || t == tag })
	return found
}
