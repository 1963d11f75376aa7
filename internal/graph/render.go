package graph

// This file renders a Model as Graphviz dot, Mermaid, JSON, and the
// cycles as text. Every name and label comes from the repository
// (package paths, module paths, file names), so each format quotes it:
// nothing in a label can end it or add a statement.

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// JSON writes m as indented JSON.
func JSON(w io.Writer, m *Model) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(m)
}

// Dot writes m in the Graphviz dot language: test-only edges dashed,
// edges labelled with their configurations when not every one has them
// (and their counts in an impact graph), cycles in red, module versions
// that are not selected grey and dashed.
func Dot(w io.Writer, m *Model) error {
	b := bufio.NewWriter(w)
	fmt.Fprintf(b, "digraph %s {\n", dotQuote(m.Kind))
	fmt.Fprintf(b, "\trankdir=LR;\n\tnode [shape=box, fontname=\"Helvetica\", fontsize=10];\n\tedge [fontname=\"Helvetica\", fontsize=9];\n")
	for _, n := range m.Nodes {
		attrs := []string{"label=" + dotQuote(nodeText(n, "\n"))}
		var style []string
		switch n.Kind {
		case "dep":
			if n.Unselected {
				break // white: not in the build
			}
			style = append(style, "filled")
			attrs = append(attrs, `fillcolor="#eeeeee"`)
		case "std":
			attrs = append(attrs, "shape=ellipse")
		case "target":
			style = append(style, "filled", "bold")
			attrs = append(attrs, `fillcolor="#ffd966"`)
		case "decl":
			style = append(style, "rounded")
		}
		if n.Unselected {
			style = append(style, "dashed")
			attrs = append(attrs, `fontcolor="#888888"`, `color="#888888"`)
		}
		if n.Cycle {
			attrs = append(attrs, `color="#cc0000"`, "penwidth=2")
		}
		if len(style) > 0 {
			attrs = append(attrs, "style="+dotQuote(strings.Join(style, ",")))
		}
		fmt.Fprintf(b, "\t%s [%s];\n", dotQuote(n.ID), strings.Join(attrs, ", "))
	}
	for _, e := range m.Edges {
		var attrs []string
		if l := edgeText(m, e); l != "" {
			attrs = append(attrs, "label="+dotQuote(l))
		}
		if e.Test {
			attrs = append(attrs, "style=dashed")
		}
		if e.Cycle {
			attrs = append(attrs, `color="#cc0000"`, `fontcolor="#cc0000"`, "penwidth=2")
		}
		fmt.Fprintf(b, "\t%s -> %s", dotQuote(e.From), dotQuote(e.To))
		if len(attrs) > 0 {
			fmt.Fprintf(b, " [%s]", strings.Join(attrs, ", "))
		}
		b.WriteString(";\n")
	}
	b.WriteString("}\n")
	return b.Flush()
}

// Mermaid writes m as a Mermaid flowchart (graph LR). Nodes are named
// n0, n1, ... in ID order, since package paths are not Mermaid names;
// test-only edges are dotted, cycles red.
func Mermaid(w io.Writer, m *Model) error {
	b := bufio.NewWriter(w)
	b.WriteString("graph LR\n")
	name := map[string]string{}
	classes := map[string][]string{}
	for i, n := range m.Nodes {
		id := "n" + strconv.Itoa(i)
		name[n.ID] = id
		open, close := "[", "]"
		switch n.Kind {
		case "std":
			open, close = "([", "])"
		case "decl":
			open, close = "(", ")"
		}
		fmt.Fprintf(b, "\t%s%s\"%s\"%s\n", id, open, mermaidText(nodeText(n, "\n")), close)
		class := n.Kind
		if n.Unselected {
			class = "unselected"
		}
		classes[class] = append(classes[class], id)
		if n.Cycle {
			classes["cycle"] = append(classes["cycle"], id)
		}
	}
	var red []string
	for i, e := range m.Edges {
		arrow := "-->"
		if e.Test {
			arrow = "-.->"
		}
		label := ""
		if l := edgeText(m, e); l != "" {
			label = "|\"" + mermaidText(l) + "\"|"
		}
		fmt.Fprintf(b, "\t%s %s%s %s\n", name[e.From], arrow, label, name[e.To])
		if e.Cycle {
			red = append(red, strconv.Itoa(i))
		}
	}
	styles := []struct{ class, def string }{
		{"dep", "fill:#eeeeee,stroke:#999999"},
		{"std", "fill:#ffffff,stroke:#999999"},
		{"target", "fill:#ffd966,stroke:#333333,stroke-width:2px"},
		{"unselected", "fill:#ffffff,stroke:#888888,stroke-dasharray:4 2,color:#888888"},
		{"cycle", "stroke:#cc0000,stroke-width:2px"},
	}
	for _, s := range styles {
		if ids := classes[s.class]; len(ids) > 0 {
			fmt.Fprintf(b, "\tclassDef %s %s\n\tclass %s %s\n", s.class, s.def, strings.Join(ids, ","), s.class)
		}
	}
	if len(red) > 0 {
		fmt.Fprintf(b, "\tlinkStyle %s stroke:#cc0000,stroke-width:2px\n", strings.Join(red, ","))
	}
	return b.Flush()
}

// Cycles writes m's cycles as text: for each, its members, then the
// imports of one loop through them, each with the import lines that make
// it (pos prints a site's position) and their configurations.
func Cycles(w io.Writer, m *Model, pos func(Site) string) error {
	b := bufio.NewWriter(w)
	labels := map[string]string{}
	for _, n := range m.Nodes {
		labels[n.ID] = n.Label
	}
	name := func(id string) string {
		if l, ok := labels[id]; ok {
			return l
		}
		return label(m.Root, id)
	}
	for i, c := range m.Cycles {
		if i > 0 {
			b.WriteString("\n")
		}
		var members []string
		for _, id := range c {
			members = append(members, name(id))
		}
		fmt.Fprintf(b, "import cycle: %s\n", strings.Join(members, " "))
		if i >= len(m.Loops) {
			continue
		}
		for _, st := range m.Loops[i].Steps {
			fmt.Fprintf(b, "\t%s imports %s", name(st.From), name(st.To))
			if st.Importer != st.From || st.Imported != st.To {
				fmt.Fprintf(b, " (%s imports %s)", label(m.Root, st.Importer), label(m.Root, st.Imported))
			}
			b.WriteString("\n")
			for _, s := range st.Sites {
				fmt.Fprintf(b, "\t\t%s", pos(s))
				var notes []string
				if len(s.Platforms) > 0 {
					notes = append(notes, strings.Join(s.Platforms, ", "))
				}
				if s.Test {
					notes = append(notes, "test")
				}
				if len(notes) > 0 {
					fmt.Fprintf(b, " (%s)", strings.Join(notes, "; "))
				}
				b.WriteString("\n")
			}
		}
	}
	return b.Flush()
}

// nodeText is a node's label and notes, one per line.
func nodeText(n *Node, nl string) string {
	return strings.Join(append([]string{n.Label}, n.Notes...), nl)
}

// edgeText is what an edge is labelled with: its configurations, when
// not every one has it, and its count in an impact graph.
func edgeText(m *Model, e *Edge) string {
	var parts []string
	if len(e.Platforms) > 0 && !(len(e.Platforms) == 1 && e.Platforms[0] == "all") {
		parts = append(parts, strings.Join(e.Platforms, " "))
	}
	if m.Kind == "impact" && e.Count > 0 {
		parts = append(parts, count(e.Count, "ref"))
	}
	return strings.Join(parts, ", ")
}

// dotQuote returns s as a dot double-quoted string. Inside one, only a
// double quote and a backslash are special (a backslash escapes, and
// \n, \l, \N... mean things in labels); a line break is written \n,
// other control characters are dropped.
func dotQuote(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '\n':
			b.WriteString(`\n`)
		case r < ' ' || r == 0x7f:
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// mermaidText escapes s for a double-quoted Mermaid label: every
// character but letters, digits and a few harmless punctuation marks
// becomes an entity code (#34; for "), and a line break <br/>, so that
// no label can close its quotes or brackets, or hold markup.
func mermaidText(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '\n':
			b.WriteString("<br/>")
		case r < ' ' || r == 0x7f:
		case 'a' <= r && r <= 'z', 'A' <= r && r <= 'Z', '0' <= r && r <= '9', strings.ContainsRune(" ./_-@:+*,", r):
			b.WriteRune(r)
		default:
			fmt.Fprintf(&b, "#%d;", r)
		}
	}
	return b.String()
}
