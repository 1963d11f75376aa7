// Tests of the html page in a real browser (Chromium through the devtools
// protocol): it loads without errors or requests, and search, expanding a
// directory and clicking a node do what the page says.

package graph

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// chrome returns the browser to test with: $GOREMOVER_CHROME, or the first
// of chromium, chromium-browser and google-chrome on PATH.
func chrome(t *testing.T) string {
	if p := os.Getenv("GOREMOVER_CHROME"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Skip("no browser to test the html page with: install chromium (apt-get install chromium) or set GOREMOVER_CHROME")
	return ""
}

// page is a graph page open in a headless browser.
type page struct {
	t   *testing.T
	ctx context.Context
	url string

	mu       sync.Mutex
	problems []string // console errors, exceptions, requests for anything but the page
}

// open serves the page for m and loads it in a new browser.
func open(t *testing.T, m *Model, width, height int) *page {
	exe := chrome(t)
	var buf bytes.Buffer
	if err := HTML(&buf, m); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write(buf.Bytes())
	}))
	t.Cleanup(srv.Close)

	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(exe),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(width, height),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("disable-extensions", true),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(actx)
	t.Cleanup(func() { cancel(); cancelAlloc() })

	p := &page{t: t, ctx: ctx, url: srv.URL + "/"}
	if err := chromedp.Listen(ctx, p.event); err != nil {
		t.Fatal(err)
	}
	p.do(chromedp.EmulateViewport(int64(width), int64(height)), chromedp.Navigate(p.url))
	p.waitTrue(`document.body.getAttribute("data-ready") === "true"`)
	return p
}

func (p *page) event(ev any) {
	var problem string
	switch ev := ev.(type) {
	case *runtime.EventExceptionThrown:
		d := ev.ExceptionDetails
		problem = "exception: " + d.Text
		if d.Exception != nil {
			problem += " " + d.Exception.Description
		}
	case *runtime.EventConsoleAPICalled:
		if ev.Type == runtime.ConsoleAPICalledTypeError || ev.Type == runtime.ConsoleAPICalledTypeAssert {
			var args []string
			for _, a := range ev.Args {
				args = append(args, string(a.Value)+a.Description)
			}
			problem = "console." + string(ev.Type) + ": " + strings.Join(args, " ")
		}
	case *log.EventEntryAdded:
		if ev.Entry.Level == log.EntryLevelError {
			problem = "log: " + ev.Entry.Text + " " + ev.Entry.URL
		}
	case *network.EventRequestWillBeSent:
		if u := ev.Request.URL; u != p.url && !strings.HasPrefix(u, "data:") {
			problem = "request: " + u
		}
	}
	if problem != "" {
		p.mu.Lock()
		p.problems = append(p.problems, problem)
		p.mu.Unlock()
	}
}

// check fails the test if the page has logged an error or made a request.
func (p *page) check() {
	p.t.Helper()
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, s := range p.problems {
		p.t.Error(s)
	}
	p.problems = nil
}

func (p *page) do(steps ...chromedp.Action[chromedp.Void]) {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, 20*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		p.t.Fatal(err)
	}
}

func eval[T any](p *page, js string) T {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, 20*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](js))
	if err != nil {
		p.t.Fatalf("%s: %v", js, err)
	}
	return v
}

// waitTrue waits until the expression is true.
func (p *page) waitTrue(js string) {
	p.t.Helper()
	for i := 0; ; i++ {
		if eval[bool](p, "!!("+js+")") {
			return
		}
		if i == 100 {
			p.check()
			p.t.Fatalf("still false after 10s: %s", js)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// box is the selector of the box drawn for a node or group id.
func box(id string) string {
	return fmt.Sprintf("#canvas g.node[data-id=%q]", id)
}

// hasBox reports whether the page draws a box for id.
func (p *page) hasBox(id string) bool {
	p.t.Helper()
	return eval[bool](p, fmt.Sprintf("document.querySelector(%q) !== null", box(id)))
}

// inView reports whether the box of id is drawn inside the canvas.
func (p *page) inView(id string) bool {
	p.t.Helper()
	return eval[bool](p, fmt.Sprintf(`(() => {
		const b = document.querySelector(%q);
		if (!b) return false;
		const r = b.getBoundingClientRect(), c = document.getElementById("canvas").getBoundingClientRect();
		return r.width > 0 && r.left >= c.left && r.right <= c.right && r.top >= c.top && r.bottom <= c.bottom;
	})()`, box(id)))
}

// testModel is a module with a directory too big to open at first
// (tsdb), an import cycle (internal/a and internal/b), a dependency, the
// standard library and strings a hostile repository could write.
func testModel() *Model {
	m := &Model{Kind: "packages", Root: "example.com/m"}
	add := func(id, label, group, kind, module string) *Node {
		n := &Node{ID: id, Label: label, Group: group, Kind: kind, Module: module}
		m.Nodes = append(m.Nodes, n)
		return n
	}
	edge := func(from, to string, sites ...Site) *Edge {
		e := &Edge{From: from, To: to, Platforms: []string{"all"}, Count: len(sites), Sites: sites}
		m.Edges = append(m.Edges, e)
		return e
	}
	const mod = "example.com/m"
	add(mod, ".", "", "ws", mod)
	add(mod+"/cmd/app", "cmd/app", "cmd/app", "ws", mod)
	a := add(mod+"/internal/a", "internal/a", "internal/a", "ws", mod)
	b := add(mod+"/internal/b", "internal/b", "internal/b", "ws", mod)
	a.Cycle, b.Cycle = true, true
	a.Refs = []Site{{File: "internal/b/b.go", Line: 4, Col: 2}}
	b.Refs = []Site{{File: "internal/a/a.go", Line: 3, Col: 2}, {File: "cmd/app/main.go", Line: 6, Col: 2}}
	evil := add(mod+"/internal/evil", "internal/evil</script><script>window.pwned=1</script><!--", "internal/evil", "ws", mod)
	evil.Notes = []string{`<img src=x onerror="window.pwned=2">`}
	add(mod+"/tsdb", "tsdb", "tsdb", "ws", mod)
	for i := range 70 {
		p := fmt.Sprintf("tsdb/p%02d", i)
		add(mod+"/"+p, p, p, "ws", mod)
		edge(mod+"/tsdb", mod+"/"+p, Site{File: "tsdb/db.go", Line: 10 + i, Col: 2})
	}
	chunks := add(mod+"/tsdb/chunks", "tsdb/chunks", "tsdb/chunks", "ws", mod)
	chunks.Refs = []Site{{File: "tsdb/db.go", Line: 9, Col: 2}}
	add("github.com/x/y", "github.com/x/y", "github.com/x/y", "dep", "github.com/x/y")
	add("fmt", "fmt", "fmt", "std", "")
	add("net/http", "net/http", "net/http", "std", "")
	edge(mod+"/cmd/app", mod+"/internal/b", Site{File: "cmd/app/main.go", Line: 6, Col: 2})
	edge(mod+"/cmd/app", mod+"/tsdb", Site{File: "cmd/app/main.go", Line: 7, Col: 2})
	edge(mod+"/internal/a", mod+"/internal/b", Site{File: "internal/a/a.go", Line: 3, Col: 2}).Cycle = true
	edge(mod+"/internal/b", mod+"/internal/a", Site{File: "internal/b/b.go", Line: 4, Col: 2}).Cycle = true
	edge(mod+"/internal/a", "fmt", Site{File: "internal/a/a.go", Line: 4, Col: 2})
	edge(mod+"/internal/evil", "github.com/x/y", Site{File: "internal/evil/e.go", Line: 3, Col: 2})
	edge(mod+"/tsdb", mod+"/tsdb/chunks", Site{File: "tsdb/db.go", Line: 9, Col: 2})
	e := edge(mod+"/tsdb/chunks", "net/http", Site{File: "tsdb/chunks/chunks_test.go", Line: 5, Col: 2})
	e.Test = true
	e.Platforms = []string{"linux/*", "tag:integration"}
	m.Cycles = [][]string{{a.ID, b.ID}}
	sortModel(m)
	return m
}

// sortModel sorts nodes by ID and edges by From and To, as the model
// promises.
func sortModel(m *Model) {
	slices.SortFunc(m.Nodes, func(a, b *Node) int { return strings.Compare(a.ID, b.ID) })
	slices.SortFunc(m.Edges, func(a, b *Edge) int {
		if c := strings.Compare(a.From, b.From); c != 0 {
			return c
		}
		return strings.Compare(a.To, b.To)
	})
}

func TestHTMLBrowser(t *testing.T) {
	p := open(t, testModel(), 1280, 800)
	const mod = "example.com/m"

	// The first view opens what fits: tsdb's 72 packages stay one box.
	if !p.hasBox(mod + "/internal/a") {
		t.Errorf("internal/a not drawn at first")
	}
	if p.hasBox(mod + "/tsdb/p05") {
		t.Errorf("tsdb/p05 drawn at first: tsdb should be closed")
	}
	if !p.hasBox("g:c:ws/tsdb") {
		t.Fatalf("no box for the directory tsdb")
	}

	// Cycles are in colour: the members' boxes and the edges between them.
	if !eval[bool](p, fmt.Sprintf("document.querySelector(%q).classList.contains('cycle')", box(mod+"/internal/a"))) {
		t.Errorf("internal/a, on a cycle, has no class cycle")
	}
	if n := eval[int](p, `document.querySelectorAll("#canvas path.edge.cycle").length`); n != 2 {
		t.Errorf("%d cycle edges drawn, want 2", n)
	}
	if !eval[bool](p, fmt.Sprintf("getComputedStyle(document.querySelector(%q)).stroke === 'rgb(221, 0, 0)'", box(mod+"/internal/a")+" rect")) {
		t.Errorf("internal/a's box is not drawn red")
	}

	// Hostile strings are text, not markup.
	if eval[bool](p, `window.pwned !== undefined`) {
		t.Errorf("a label ran as script")
	}
	if !eval[bool](p, fmt.Sprintf("document.querySelector(%q).textContent.includes('<script>window.pwned=1</script><!--')", box(mod+"/internal/evil"))) ||
		!eval[bool](p, `document.getElementById("tree").textContent.includes("internal/evil</script><script>window.pwned=1</script><!--")`) {
		t.Errorf("the hostile label is not shown as text")
	}

	// Clicking a node lists its references and its imports.
	p.do(chromedp.Click(chromedp.CSS(box(mod + "/internal/b"))))
	p.waitTrue(`document.getElementById("details").textContent.includes("internal/a/a.go:3:2")`)
	details := eval[string](p, `document.getElementById("details").textContent`)
	for _, want := range []string{"References (2)", "cmd/app/main.go:6:2", "Imported by (2)", "on an import cycle"} {
		if !strings.Contains(details, want) {
			t.Errorf("details of internal/b lack %q:\n%s", want, details)
		}
	}
	p.do(chromedp.Click(chromedp.CSS(box(mod + "/internal/evil"))))
	p.waitTrue(`document.getElementById("details").textContent.includes("onerror")`)
	if eval[bool](p, `document.querySelector("#details img") !== null || window.pwned !== undefined`) {
		t.Errorf("a note became markup")
	}

	// Expanding a directory shows its packages.
	p.do(chromedp.Click(chromedp.CSS(box("g:c:ws/tsdb"))))
	p.waitTrue(fmt.Sprintf("document.querySelector(%q)", box(mod+"/tsdb/p05")))
	if p.hasBox("g:c:ws/tsdb") {
		t.Errorf("tsdb still drawn as a closed directory after a click")
	}
	// And collapsing it from the tree closes it again.
	p.do(chromedp.Click(chromedp.CSS(`#tree button.toggle[data-key="c:ws/tsdb"]`)))
	p.waitTrue(fmt.Sprintf("document.querySelector(%q)", box("g:c:ws/tsdb")))
	if p.hasBox(mod + "/tsdb/p05") {
		t.Errorf("tsdb/p05 still drawn after collapsing tsdb")
	}

	// Search finds a node inside a closed directory, opens it, selects
	// the node and centres it.
	p.do(chromedp.SendKeys(chromedp.CSS("#search"), "chunks"))
	p.waitTrue(`document.getElementById("results").textContent.includes("1 match")`)
	p.do(chromedp.KeyEvent("\r"))
	p.waitTrue(fmt.Sprintf("document.querySelector(%q)", box(mod+"/tsdb/chunks")))
	cls := eval[string](p, fmt.Sprintf("document.querySelector(%q).getAttribute('class')", box(mod+"/tsdb/chunks")))
	if !strings.Contains(cls, "match") || !strings.Contains(cls, "selected") {
		t.Errorf("found node's class is %q, want match and selected", cls)
	}
	if !p.inView(mod + "/tsdb/chunks") {
		t.Errorf("the node found is not in view")
	}
	details = eval[string](p, `document.getElementById("details").textContent`)
	for _, want := range []string{"tsdb/db.go:9:2", "linux/*, tag:integration; test only", "tsdb/chunks/chunks_test.go:5:2"} {
		if !strings.Contains(details, want) {
			t.Errorf("details of tsdb/chunks lack %q:\n%s", want, details)
		}
	}

	// Dragging the background pans, the wheel and the buttons zoom.
	transform := func() (x, y, k float64) {
		tr := eval[string](p, `document.getElementById("viewport").getAttribute("transform")`)
		if _, err := fmt.Sscanf(tr, "translate(%g,%g) scale(%g)", &x, &y, &k); err != nil {
			t.Fatalf("transform %q: %v", tr, err)
		}
		return
	}
	x0, y0, k0 := transform()
	p.do(chromedp.MouseEvent(input.DispatchMouseEventTypeMousePressed, 1000, 120, chromedp.ButtonLeft),
		chromedp.MouseEvent(input.DispatchMouseEventTypeMouseMoved, 1050, 140, chromedp.ButtonLeft),
		chromedp.MouseEvent(input.DispatchMouseEventTypeMouseMoved, 1100, 170, chromedp.ButtonLeft),
		chromedp.MouseEvent(input.DispatchMouseEventTypeMouseReleased, 1100, 170, chromedp.ButtonLeft))
	near := func(a, b float64) bool { return a-b < 1e-6 && b-a < 1e-6 }
	if x, y, k := transform(); !near(x, x0+100) || !near(y, y0+50) || k != k0 {
		t.Errorf("a drag by (100,50) moved the view from (%g,%g)x%g to (%g,%g)x%g", x0, y0, k0, x, y, k)
	}
	_, _, k0 = transform()
	// (The protocol drops a wheel event's zero deltaX, so dispatch one.)
	eval[bool](p, `document.getElementById("canvas").dispatchEvent(new WheelEvent("wheel", {deltaY: -200, clientX: 1000, clientY: 300, bubbles: true, cancelable: true}))`)
	if _, _, k := transform(); k <= k0 {
		t.Errorf("the wheel up zoomed from %g to %g", k0, k)
	}
	_, _, k0 = transform()
	p.do(chromedp.Click(chromedp.CSS("#zoom-out")))
	if _, _, k := transform(); k >= k0 {
		t.Errorf("zoom out went from %g to %g", k0, k)
	}
	p.check()
}

// TestHTMLBrowserLarge checks that a graph of thousands of packages opens
// aggregated: the first view draws few boxes, and opening one directory
// adds only its members.
func TestHTMLBrowserLarge(t *testing.T) {
	m := largeModel()
	p := open(t, m, 1280, 800)
	boxes := eval[int](p, `document.querySelectorAll("#canvas g.node").length`)
	if boxes < 2 || boxes > 60 {
		t.Errorf("first view of %d nodes draws %d boxes, want 2 to 60", len(m.Nodes), boxes)
	}
	if n := eval[int](p, `document.querySelectorAll("#canvas g.node.group").length`); n == 0 {
		t.Errorf("first view has no directory boxes")
	}
	p.do(chromedp.Click(chromedp.CSS(`#tree button.toggle[data-key="c:ws/d03"]`)))
	p.waitTrue(fmt.Sprintf("document.querySelector(%q)", box("g:c:ws/d03/s04")))
	after := eval[int](p, `document.querySelectorAll("#canvas g.node").length`)
	if after != boxes-1+15 {
		t.Errorf("opening d03 (15 directories) went from %d boxes to %d", boxes, after)
	}
	p.check()
}

// largeModel is a working set of 3000 packages in 20 directories of 15
// directories of 10, each importing three others.
func largeModel() *Model {
	m := &Model{Kind: "packages", Root: "example.com/big"}
	const mod = "example.com/big"
	var ids []string
	for i := range 20 {
		for j := range 15 {
			for k := range 10 {
				p := fmt.Sprintf("d%02d/s%02d/p%02d", i, j, k)
				ids = append(ids, mod+"/"+p)
				m.Nodes = append(m.Nodes, &Node{ID: mod + "/" + p, Label: p, Group: p, Kind: "ws", Module: mod})
			}
		}
	}
	for i, id := range ids {
		for _, d := range []int{1, 7, 150} {
			if j := i + d; j < len(ids) {
				m.Edges = append(m.Edges, &Edge{From: id, To: ids[j], Count: 1, Platforms: []string{"all"},
					Sites: []Site{{File: id[len(mod)+1:] + "/x.go", Line: 3, Col: 2}}})
			}
		}
	}
	sortModel(m)
	return m
}
