// Package link pulls symbols of lib by go:linkname.
package link

import (
	_ "unsafe" // for go:linkname

	_ "example.com/hidden/lib" // the linker needs lib in the binary
)

//go:linkname now example.com/hidden/lib.now
func now() int64

//go:linkname reset example.com/hidden/lib.(*Service).do
func reset(p any)

//go:linkname nanotime runtime.nanotime
func nanotime() int64

// Now calls lib.now without importing it by name.
func Now() int64 { return now() + nanotime() }
