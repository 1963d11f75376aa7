// Package clock tells the time. monotonic looks unused: its only caller
// reaches it through //go:linkname in package metrics.
package clock

import "time"

var start = time.Now()

// Now returns the current Unix time in nanoseconds.
func Now() int64 { return time.Now().UnixNano() }

// monotonic returns nanoseconds since the process started.
func monotonic() int64 { return int64(time.Since(start)) }
