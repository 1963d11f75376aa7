//go:build !linux

// This file is the portable fallback of stat_linux.go: file sizes and
// modification times only.

package modcache

import (
	"io/fs"
	"time"
)

// diskBytes returns a file's size.
func diskBytes(fi fs.FileInfo) int64 { return fi.Size() }

// lastUse returns a file's modification time.
func lastUse(fi fs.FileInfo) time.Time { return fi.ModTime() }
