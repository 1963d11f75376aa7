// Package metrics records timings. It pulls clock.monotonic with
// //go:linkname instead of exporting it.
package metrics

import (
	"fmt"
	"io"
	_ "unsafe" // for go:linkname

	_ "example.com/shop/internal/clock" // links monotonic
)

//go:linkname monotonic example.com/shop/internal/clock.monotonic
func monotonic() int64

// Timer measures one operation.
type Timer struct {
	name  string
	start int64
}

// Start starts a timer.
func Start(name string) Timer { return Timer{name, monotonic()} }

// Stop writes the elapsed time to w.
func (t Timer) Stop(w io.Writer) {
	fmt.Fprintf(w, "%s: %dns\n", t.name, monotonic()-t.start)
}
