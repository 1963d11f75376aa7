package cli

import (
	"path/filepath"
	"testing"

	"github.com/goremover/goremover/internal/session"
)

func TestRelMessage(t *testing.T) {
	tests := []struct{ cwd, msg, want string }{
		{"/m", "/m/pay/pay.go:5:28: undefined: x", "pay/pay.go:5:28: undefined: x"},
		{"/home/u/m/app", "/home/u/m/pay/pay.go:5:28: undefined: x", "../pay/pay.go:5:28: undefined: x"},
		{"/m", "[windows/amd64] /m/a.go:1:2: undefined: y", "[windows/amd64] a.go:1:2: undefined: y"},
		{"/m", "/m/go.mod:4: syntax error", "go.mod:4: syntax error"},
		// The shorter, as the go command does: absolute for a file of
		// the module cache.
		{"/home/u/src/a/b/c", "/mod/x.go:1:1: e", "/mod/x.go:1:1: e"},
		// Not a position: as it is.
		{"/m", "pay/pay.go:5:28: undefined: x", "pay/pay.go:5:28: undefined: x"},
		{"/m", "/m/pay: no such directory", "/m/pay: no such directory"},
		{"/m", "cannot remove x: 2 references remain", "cannot remove x: 2 references remain"},
		{"/m", "[load] no Go files", "[load] no Go files"},
		{"", "/m/a.go:1:2: e", "/m/a.go:1:2: e"},
	}
	for _, tt := range tests {
		if got := session.RelMessage(filepath.FromSlash(tt.cwd), tt.msg); got != tt.want {
			t.Errorf("session.RelMessage(%q, %q) = %q, want %q", tt.cwd, tt.msg, got, tt.want)
		}
	}
}
