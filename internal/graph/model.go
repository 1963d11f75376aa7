// Package graph draws dependency graphs: the package import graph of the
// working set, the module graph, and the impact graph of a target. Each
// is first built as a Model, which every format (dot, mermaid, json,
// html) renders, so that the formats show the same nodes, edges and
// cycles.
package graph

// Model is a graph to draw. Its JSON form is the output of -format json
// and the data embedded in the html page; field names are stable.
type Model struct {
	// Kind is "packages" (the import graph), "modules" (the module
	// graph, -m) or "impact" (what depends on a target, -focus).
	Kind  string  `json:"kind"`
	Root  string  `json:"root,omitempty"` // the main module or workspace root's module, or the focused target
	Nodes []*Node `json:"nodes"`          // sorted by ID
	Edges []*Edge `json:"edges"`          // sorted by From, then To
	// Cycles are the strongly connected sets of nodes, each sorted; the
	// edges between their members have Cycle set.
	Cycles [][]string `json:"cycles,omitempty"`
	// Loops has, for each of Cycles, one shortest closed walk through
	// it: the imports that close the cycle.
	Loops []*Loop `json:"loops,omitempty"`
}

// Loop is a closed walk through a cycle: Steps[i].To is Steps[i+1].From,
// and the last step returns to the first's From.
type Loop struct {
	Steps []*Step `json:"steps"`
}

// Step is one import of a loop: node From imports node To because
// package Importer imports package Imported (the same as From and To
// unless packages are grouped into directories), at Sites.
type Step struct {
	From     string `json:"from"`
	To       string `json:"to"`
	Importer string `json:"importer"`
	Imported string `json:"imported"`
	Sites    []Site `json:"sites"`
}

// Node is a package, a module version or a declaration.
type Node struct {
	ID    string `json:"id"`    // import path, module@version, or target
	Label string `json:"label"` // what to print: a path relative to the root's module where it is one
	// Group is the directory the node collapses into when the page
	// aggregates ("internal/tsdb"), slash-separated, relative to its
	// module root for working-set packages, the module path otherwise.
	Group string `json:"group,omitempty"`
	// Kind is "ws" (a working-set package or module), "dep" (another
	// module's), "std", "target" (the focused target) or "decl".
	Kind   string `json:"kind"`
	Module string `json:"module,omitempty"`
	// Notes are short annotations: "selected v1.2.0", "pseudo-version",
	// "+incompatible", "replaced by ../x", "major v2 also in the graph",
	// "12 references".
	Notes []string `json:"notes,omitempty"`
	Cycle bool     `json:"cycle,omitempty"` // on an import cycle
	// Unselected marks a module version that the module graph holds
	// but minimal version selection does not pick (Notes say which is).
	Unselected bool `json:"unselected,omitempty"`
	// Refs are the positions that make the node's incoming edges (the
	// import lines that import it, or the references to a target): what
	// clicking a node lists.
	Refs []Site `json:"refs,omitempty"`
}

// Edge is an import, a requirement, or a dependency on a target.
type Edge struct {
	From string `json:"from"`
	To   string `json:"to"`
	// Platforms are the configurations in which the edge exists:
	// ["all"], or labels such as "windows/*", "tag:integration".
	Platforms []string `json:"platforms,omitempty"`
	Test      bool     `json:"test,omitempty"`  // only test files make it
	Cycle     bool     `json:"cycle,omitempty"` // between two members of a cycle
	Count     int      `json:"count,omitempty"` // the number of sites (import lines, references)
	Sites     []Site   `json:"sites,omitempty"`
}

// Site is a position that makes an edge: an import line, a require line,
// a reference.
type Site struct {
	Module string `json:"module,omitempty"` // in a workspace, the module of File
	File   string `json:"file"`             // slash-separated, relative to its module root
	Line   int    `json:"line"`
	Col    int    `json:"col"`
	Kind   string `json:"kind,omitempty"` // for references: call, use, import, ...
	// Platforms are the configurations that compile the file, when not
	// every one does: "windows/*", "tag:integration".
	Platforms []string `json:"platforms,omitempty"`
	Test      bool     `json:"test,omitempty"` // in a _test.go file
}
