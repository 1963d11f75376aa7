// This file makes the paths and positions goremover prints relative to
// the directory the user is in, as the go command prints them: the
// loader, the index and the type checks report absolute paths.

package session

import (
	"path/filepath"
	"strings"
)

// RelPath returns p relative to cwd, slash-separated.
func RelPath(cwd, p string) string {
	if rel, err := filepath.Rel(cwd, p); err == nil {
		return filepath.ToSlash(rel)
	}
	return filepath.ToSlash(p)
}

// RelMessage rewrites the position msg starts with, after an optional
// "[configuration] " label, so that its file is relative to cwd when
// that is shorter (a file of the module, not one of the module cache):
//
//	/home/u/m/pay/pay.go:5:28: undefined: x   →   pay/pay.go:5:28: undefined: x
//
// A message that does not start with an absolute path is returned as
// it is.
func RelMessage(cwd, msg string) string {
	label := ""
	if strings.HasPrefix(msg, "[") {
		if i := strings.Index(msg, "] "); i > 0 {
			label, msg = msg[:i+2], msg[i+2:]
		}
	}
	// The file ends at the first colon followed by a line number.
	for i := 0; i < len(msg); i++ {
		if msg[i] != ':' || i+1 == len(msg) || msg[i+1] < '0' || msg[i+1] > '9' {
			continue
		}
		file := msg[:i]
		if !filepath.IsAbs(file) {
			break
		}
		if rel, err := filepath.Rel(cwd, file); err == nil && len(rel) < len(file) {
			return label + filepath.ToSlash(rel) + msg[i:]
		}
		break
	}
	return label + msg
}

func pick(cond bool, a, b string) string {
	if cond {
		return a
	}
	return b
}
