package modfix

import "testing"

func TestEnvFileValue(t *testing.T) {
	for _, tt := range []struct {
		data string
		val  string
		line int
	}{
		{"", "", 0},
		{"GO111MODULE=off\n", "off", 1},
		{"GOPRIVATE=x\nGO111MODULE=auto", "auto", 2},
		{"GO111MODULE=off\nGO111MODULE=on\n", "on", 2}, // the last one wins
		{"# GO111MODULE=off\n GO111MODULE=off\n", "", 0},
		{"GO111MODULEX=off\n", "", 0},
	} {
		val, line := envFileValue([]byte(tt.data), "GO111MODULE")
		if val != tt.val || line != tt.line {
			t.Errorf("envFileValue(%q) = %q, %d; want %q, %d", tt.data, val, line, tt.val, tt.line)
		}
	}
}

func TestIsMeta(t *testing.T) {
	for name, want := range map[string]bool{
		"LICENSE": true, "LICENSE.txt": true, "NOTICE": true, "PATENTS": true, "COPYING.LESSER": true,
		"license": false, "README.md": false, "main.go": false, "xLICENSE": false,
	} {
		if got := isMeta(name); got != want {
			t.Errorf("isMeta(%q) = %v, want %v", name, got, want)
		}
	}
}
