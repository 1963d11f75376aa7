package arch

// This file matches package patterns as the go command does: "..."
// matches any string, and a pattern ending in "/..." also matches the
// path before it. A pattern starting with "./" (or ".") is a directory
// relative to the configuration's root (the module or workspace root);
// any other pattern is an import path pattern, and one without "..."
// also matches every package of the module of that path. "std" matches
// the standard library.

import "strings"

// checkPattern returns what is wrong with a pattern, or "".
func checkPattern(s string) string {
	switch {
	case s == "":
		return "an empty pattern"
	case strings.ContainsAny(s, " \t\r\n\\"):
		return "a space or backslash in a pattern"
	case strings.HasPrefix(s, "/"):
		return "an absolute path; want ./dir relative to the root, or an import path"
	case strings.HasPrefix(s, "../") || s == "..":
		return "a pattern outside the root"
	}
	for _, e := range strings.Split(s, "/") {
		if e == ".." || e == "" && s != "." {
			return "a '..' or empty path element"
		}
	}
	return ""
}

// isRel reports whether a pattern is a directory relative to the root.
func isRel(s string) bool { return s == "." || strings.HasPrefix(s, "./") }

// Pkg is what patterns are matched against.
type Pkg struct {
	Path   string // import path
	Rel    string // "./dir" relative to the root, "." for the root, "" outside the working set
	Module string // module path, "" for the standard library
	Std    bool
}

// Match reports whether the pattern matches the package.
func (p Pattern) Match(k Pkg) bool {
	switch {
	case p.Text == "std":
		return k.Std
	case isRel(p.Text):
		return k.Rel != "" && wild(p.Text, k.Rel)
	}
	if wild(p.Text, k.Path) {
		return true
	}
	return !strings.Contains(p.Text, "...") && k.Module != "" && k.Module == p.Text
}

// matchAny reports whether one of the patterns matches.
func matchAny(ps []Pattern, k Pkg) bool {
	for _, p := range ps {
		if p.Match(k) {
			return true
		}
	}
	return false
}

// wild matches s against pattern, where "..." matches any string.
func wild(pattern, s string) bool {
	if prefix, ok := strings.CutSuffix(pattern, "/..."); ok && wild(prefix, s) {
		return true
	}
	parts := strings.Split(pattern, "...")
	if len(parts) == 1 {
		return pattern == s
	}
	if !strings.HasPrefix(s, parts[0]) {
		return false
	}
	s = s[len(parts[0]):]
	last := parts[len(parts)-1]
	for _, mid := range parts[1 : len(parts)-1] {
		i := strings.Index(s, mid)
		if i < 0 {
			return false
		}
		s = s[i+len(mid):]
	}
	return strings.HasSuffix(s, last)
}
