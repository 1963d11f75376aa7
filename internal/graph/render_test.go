package graph

import (
	"bytes"
	"encoding/json"
	"os/exec"
	"regexp"
	"strings"
	"testing"
)

// hostile is a model whose names try to end their quotes, add
// statements or markup in every format.
func hostile() *Model {
	evil := "example.com/m/x\"; \"y\" -> \"z\" [label=\"owned\"]; //\n<script>alert(1)</script>\\\" ] |end| %% click"
	m := &Model{Kind: "packages", Nodes: []*Node{
		{ID: "example.com/m/a", Label: "a", Kind: "ws", Cycle: true},
		{ID: evil, Label: evil, Kind: "dep", Notes: []string{"selected", `note "quoted" \N`}, Unselected: true},
		{ID: "end", Label: "end", Kind: "std"},
		{ID: "example.com/m/t", Label: "t.F", Kind: "target"},
		{ID: "example.com/m/d", Label: "d.G", Kind: "decl", Cycle: true},
	}, Edges: []*Edge{
		{From: "example.com/m/a", To: evil, Platforms: []string{"windows/*", `tag:"x"<y>`}, Test: true, Cycle: true},
		{From: "example.com/m/a", To: "end", Platforms: []string{"all"}},
		{From: "example.com/m/d", To: "example.com/m/t", Count: 3},
	}}
	return m
}

func TestDotQuote(t *testing.T) {
	for in, want := range map[string]string{
		"example.com/m/a": `"example.com/m/a"`,
		`a"b`:             `"a\"b"`,
		`a\b`:             `"a\\b"`,
		"a\nb":            `"a\nb"`,
		"a\x00\rb":        `"ab"`,
		"<b>&":            `"<b>&"`,
	} {
		if got := dotQuote(in); got != want {
			t.Errorf("dotQuote(%q) = %s, want %s", in, got, want)
		}
	}
}

func TestMermaidText(t *testing.T) {
	for in, want := range map[string]string{
		"example.com/m/a-b_c@v1.0.0+incompatible": "example.com/m/a-b_c@v1.0.0+incompatible",
		`a"b`:               "a#34;b",
		"<script>":          "#60;script#62;",
		"x]|y":              "x#93;#124;y",
		"a\nb":              "a<br/>b",
		"#quot;":            "#35;quot#59;",
		"\x00%%{init: x}%%": "#37;#37;#123;init: x#125;#37;#37;",
	} {
		if got := mermaidText(in); got != want {
			t.Errorf("mermaidText(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestDotHostile checks that Graphviz reads the dot of a hostile model
// without a warning and draws exactly its nodes and edges.
func TestDotHostile(t *testing.T) {
	var b bytes.Buffer
	if err := Dot(&b, hostile()); err != nil {
		t.Fatal(err)
	}
	svg := RunDot(t, b.Bytes())
	if n := strings.Count(svg, `class="node"`); n != 5 {
		t.Errorf("svg has %d nodes, want 5:\n%s", n, b.String())
	}
	if n := strings.Count(svg, `class="edge"`); n != 3 {
		t.Errorf("svg has %d edges, want 3:\n%s", n, b.String())
	}
	if strings.Contains(svg, "<script>") {
		t.Errorf("svg holds markup from a label:\n%s", svg)
	}
}

// RunDot pipes src through dot -Tsvg and returns the SVG; it fails the
// test on an error or a warning, and skips it when Graphviz is not
// installed.
func RunDot(t *testing.T, src []byte) string {
	t.Helper()
	dot, err := exec.LookPath("dot")
	if err != nil {
		t.Skip("Graphviz's dot is not on PATH (apt-get install graphviz): the dot output is not checked")
	}
	cmd := exec.Command(dot, "-Tsvg")
	cmd.Stdin = bytes.NewReader(src)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil || errb.Len() > 0 {
		t.Fatalf("dot -Tsvg: %v\n%s\ninput:\n%s", err, errb.String(), src)
	}
	return out.String()
}

// TestMermaidHostile checks the Mermaid of a hostile model line by line:
// each is a node, an edge or a style statement, and no label holds a
// character that could end it.
func TestMermaidHostile(t *testing.T) {
	var b bytes.Buffer
	if err := Mermaid(&b, hostile()); err != nil {
		t.Fatal(err)
	}
	label := `"([A-Za-z0-9 ./_@:+*,-]|#\d+;|<br/>)*"`
	forms := []*regexp.Regexp{
		regexp.MustCompile(`^graph LR$`),
		regexp.MustCompile(`^\tn\d+(\[` + label + `\]|\(\[` + label + `\]\)|\(` + label + `\))$`),
		regexp.MustCompile(`^\tn\d+ (-->|-\.->)(\|` + label + `\|)? n\d+$`),
		regexp.MustCompile(`^\tclassDef [a-z]+ [a-z0-9:#,.\- ]+$`),
		regexp.MustCompile(`^\tclass n\d+(,n\d+)* [a-z]+$`),
		regexp.MustCompile(`^\tlinkStyle \d+(,\d+)* [a-z0-9:#,\-]+$`),
	}
	lines := strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n")
	nodes, edges := 0, 0
	for _, l := range lines {
		ok := false
		for i, f := range forms {
			if f.MatchString(l) {
				ok = true
				switch i {
				case 1:
					nodes++
				case 2:
					edges++
				}
				break
			}
		}
		if !ok {
			t.Errorf("not a statement of ours: %q", l)
		}
	}
	if nodes != 5 || edges != 3 {
		t.Errorf("%d nodes and %d edges, want 5 and 3:\n%s", nodes, edges, b.String())
	}
	if !strings.Contains(b.String(), "\tlinkStyle 0 stroke:#cc0000") {
		t.Errorf("the cycle edge is not red:\n%s", b.String())
	}
}

// TestJSONRoundTrip checks that the JSON form reads back as the model.
func TestJSONRoundTrip(t *testing.T) {
	var b bytes.Buffer
	m := hostile()
	if err := JSON(&b, m); err != nil {
		t.Fatal(err)
	}
	var back Model
	if err := json.Unmarshal(b.Bytes(), &back); err != nil {
		t.Fatal(err)
	}
	if back.Nodes[1].ID != m.Nodes[1].ID || !back.Edges[0].Cycle || back.Edges[2].Count != 3 || !back.Nodes[1].Unselected {
		t.Errorf("round trip lost data:\n%s", b.String())
	}
}
