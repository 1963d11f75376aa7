// This file reads what the scan needs from a file's status on Linux:
// allocated blocks and access time.

package modcache

import (
	"io/fs"
	"syscall"
	"time"
)

// diskBytes returns the bytes a file occupies on disk, as du counts
// them: its allocated blocks.
func diskBytes(fi fs.FileInfo) int64 {
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		return st.Blocks * 512
	}
	return fi.Size()
}

// lastUse returns the newer of a file's access and modification times.
func lastUse(fi fs.FileInfo) time.Time {
	t := fi.ModTime()
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		if a := time.Unix(st.Atim.Sec, st.Atim.Nsec); a.After(t) {
			return a
		}
	}
	return t
}
