package progress

import (
	"bytes"
	"context"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestLine(t *testing.T) {
	var buf bytes.Buffer
	r := New(&buf, Line)
	now := time.Unix(0, 0)
	r.now = func() time.Time { return now }
	r.Printf("loading %d packages", 12)
	if got := buf.String(); got != "\rgoremover: loading 12 packages...\r" {
		t.Fatalf("first step: %q", got)
	}
	// A second step right away waits for the redraw interval.
	buf.Reset()
	r.Printf("checking configuration 2 of 3")
	if buf.Len() != 0 {
		t.Fatalf("redrawn too soon: %q", buf.String())
	}
	now = now.Add(time.Second)
	r.Printf("indexing")
	// A shorter line is padded over the longer one.
	pad := strings.Repeat(" ", len("goremover: loading 12 packages...")-len("goremover: indexing..."))
	if got := buf.String(); got != "\rgoremover: indexing..."+pad+"\r" {
		t.Fatalf("shorter step: %q", got)
	}
	// Output through Writer erases the line first.
	buf.Reset()
	var out bytes.Buffer
	w := r.Writer(&out)
	w.Write([]byte("result\n"))
	if got := buf.String(); got != "\r"+strings.Repeat(" ", len("goremover: indexing..."))+"\r" {
		t.Fatalf("clear: %q", got)
	}
	if out.String() != "result\n" {
		t.Fatalf("output: %q", out.String())
	}
	// Nothing to erase twice.
	buf.Reset()
	r.Clear()
	if buf.Len() != 0 {
		t.Fatalf("second clear: %q", buf.String())
	}
}

// TestLineLater: a step that came too soon is drawn once the interval
// has passed, so the line never shows a stale step for long.
func TestLineLater(t *testing.T) {
	var buf syncBuffer
	r := New(&buf, Line)
	r.Printf("loading")
	r.Printf("verifying with go test")
	time.Sleep(3 * minRedraw)
	if got := buf.String(); !strings.HasSuffix(got, "\rgoremover: verifying with go test...\r") {
		t.Fatalf("late step not drawn: %q", got)
	}
}

func TestLog(t *testing.T) {
	var buf bytes.Buffer
	r := New(&buf, Log)
	ctx := With(context.Background(), r)
	Printf(ctx, "loading %d packages", 3)
	Printf(ctx, "loading %d packages", 3) // repeated: once
	Printf(ctx, "indexing")
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if len(lines) != 2 || !strings.HasPrefix(lines[0], "goremover: 0.0s: loading 3 packages") || !strings.HasSuffix(lines[1], ": indexing") {
		t.Fatalf("log: %q", buf.String())
	}
	if w := r.Writer(&buf); w != &buf {
		t.Error("Writer wraps in Log mode")
	}
}

func TestOff(t *testing.T) {
	var buf bytes.Buffer
	r := New(&buf, Off)
	r.Printf("loading")
	r.Clear()
	Printf(context.Background(), "no reporter") // nil: nothing
	if buf.Len() != 0 {
		t.Fatalf("Off wrote %q", buf.String())
	}
}

type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func TestBar(t *testing.T) {
	var buf bytes.Buffer
	r := New(&buf, Line)
	now := time.Unix(0, 0)
	r.now = func() time.Time { return now }
	r.Bar("scanning", 1, 3)
	want := "\rgoremover: scanning [" + strings.Repeat("=", 10) + strings.Repeat(" ", 20) + "] 1/3\r"
	if got := buf.String(); got != want {
		t.Fatalf("bar: %q, want %q", got, want)
	}
	// Off and a nil Reporter print nothing; Log logs the step once.
	var off bytes.Buffer
	New(&off, Off).Bar("scanning", 1, 3)
	(*Reporter)(nil).Bar("scanning", 1, 3)
	var log bytes.Buffer
	l := New(&log, Log)
	l.Bar("scanning", 1, 3)
	l.Bar("scanning", 2, 3)
	if off.Len() != 0 || strings.Count(log.String(), "scanning") != 1 {
		t.Fatalf("off: %q, log: %q", off.String(), log.String())
	}
}
