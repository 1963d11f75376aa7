// Package progress tells the user what a long command is doing (loading
// N packages, checking configuration k of n, verifying with go test...).
// On a terminal, one status line on stderr is redrawn in place and erased
// before anything else is written; with -v, each step is a plain log
// line; otherwise (piped, in CI) nothing is printed.
//
// The Reporter travels in the context, so that every layer can report a
// step without a parameter of its own:
//
//	progress.Printf(ctx, "loading %d packages", n)
package progress

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
)

// Mode says how a Reporter shows its steps.
type Mode int

const (
	Off  Mode = iota // nothing
	Line             // one status line, redrawn in place (a terminal)
	Log              // a log line per step (-v)
)

// Reporter shows the steps of a command on w.
type Reporter struct {
	mu    sync.Mutex
	w     io.Writer
	mode  Mode
	start time.Time
	shown int       // width of the status line on screen, 0 if none
	drawn time.Time // when the status line was last drawn
	last  string    // the last step
	bar   bool      // the last step is a bar: no "..." after it
	width int       // of the terminal, for truncation
	now   func() time.Time
	timer *time.Timer // a pending redraw
}

// New returns a Reporter writing to w in mode.
func New(w io.Writer, mode Mode) *Reporter {
	return &Reporter{w: w, mode: mode, start: time.Now(), width: 100, now: time.Now}
}

// ModeFor returns the mode for stderr f: Log if verbose, Line if f is a
// terminal (and TERM is not "dumb"), else Off.
func ModeFor(f *os.File, verbose bool) Mode {
	if verbose {
		return Log
	}
	if fi, err := f.Stat(); err == nil && fi.Mode()&os.ModeCharDevice != 0 && os.Getenv("TERM") != "dumb" {
		return Line
	}
	return Off
}

// minRedraw is how often the status line may be redrawn.
const minRedraw = 100 * time.Millisecond

// Printf reports a step. A nil Reporter does nothing.
func (r *Reporter) Printf(format string, args ...any) {
	if r == nil || r.mode == Off {
		return
	}
	r.show(fmt.Sprintf(format, args...), r.mode, false)
}

// barWidth is the number of cells of a progress bar.
const barWidth = 30

// Bar reports a step that is done of total units through: on a
// terminal, the status line is the step with a bar; with -v, the step is
// logged once, when it starts. A nil Reporter does nothing.
func (r *Reporter) Bar(step string, done, total int) {
	if r == nil || r.mode == Off {
		return
	}
	if r.mode == Log {
		r.show(step, Log, false)
		return
	}
	total = max(total, done, 1)
	n := done * barWidth / total
	r.show(fmt.Sprintf("%s [%s%s] %d/%d", step, strings.Repeat("=", n), strings.Repeat(" ", barWidth-n), done, total), Line, true)
}

// show reports msg in mode; bar says it is a progress bar.
func (r *Reporter) show(msg string, mode Mode, bar bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if msg == r.last {
		return
	}
	r.last, r.bar = msg, bar
	now := r.now()
	switch mode {
	case Log:
		fmt.Fprintf(r.w, "goremover: %.1fs: %s\n", now.Sub(r.start).Seconds(), msg)
	case Line:
		if wait := minRedraw - now.Sub(r.drawn); r.shown > 0 && wait > 0 {
			// Too soon: draw the latest step a little later, unless
			// another one comes first.
			if r.timer == nil {
				r.timer = time.AfterFunc(wait, func() {
					r.mu.Lock()
					defer r.mu.Unlock()
					r.timer = nil
					if r.shown > 0 {
						r.draw(r.now())
					}
				})
			}
			return
		}
		r.draw(now)
	}
}

// draw shows r.last as the status line. r.mu is held.
func (r *Reporter) draw(now time.Time) {
	r.drawn = now
	line := "goremover: " + r.last + "..."
	if r.bar {
		line = "goremover: " + r.last
	}
	if n := utf8.RuneCountInString(line); n > r.width-1 {
		line = string([]rune(line)[:r.width-4]) + "..."
	}
	pad := ""
	if n := utf8.RuneCountInString(line); n < r.shown {
		pad = strings.Repeat(" ", r.shown-n)
	}
	fmt.Fprintf(r.w, "\r%s%s\r", line, pad)
	r.shown = utf8.RuneCountInString(line)
}

// Clear erases the status line, if one is on screen.
func (r *Reporter) Clear() {
	if r == nil {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.clear()
}

func (r *Reporter) clear() {
	if r.timer != nil {
		r.timer.Stop()
		r.timer = nil
	}
	if r.shown > 0 {
		fmt.Fprintf(r.w, "\r%s\r", strings.Repeat(" ", r.shown))
		r.shown = 0
	}
}

// Writer returns w wrapped so that writing to it first erases the status
// line: the command's own output never lands on top of it.
func (r *Reporter) Writer(w io.Writer) io.Writer {
	if r == nil || r.mode != Line {
		return w
	}
	return &clearing{r: r, w: w}
}

type clearing struct {
	r *Reporter
	w io.Writer
}

func (c *clearing) Write(p []byte) (int, error) {
	c.r.mu.Lock()
	defer c.r.mu.Unlock()
	c.r.clear()
	return c.w.Write(p)
}

type ctxKey struct{}

// With returns ctx carrying r.
func With(ctx context.Context, r *Reporter) context.Context {
	return context.WithValue(ctx, ctxKey{}, r)
}

// From returns the Reporter in ctx, or nil.
func From(ctx context.Context) *Reporter {
	r, _ := ctx.Value(ctxKey{}).(*Reporter)
	return r
}

// Bar reports progress through a step to the Reporter in ctx, if any.
func Bar(ctx context.Context, step string, done, total int) {
	From(ctx).Bar(step, done, total)
}

// Printf reports a step to the Reporter in ctx, if any.
func Printf(ctx context.Context, format string, args ...any) {
	From(ctx).Printf(format, args...)
}
