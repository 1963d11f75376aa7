package arch

// This file reads the arch: section of .goremover.yaml into a Config.
// The file comes with the repository, so it is untrusted: it is read
// only if it is a regular file of at most maxConfigSize bytes, anchors
// and aliases are refused (no alias bombs, and a rule is written where
// it applies), and every field is checked: an unknown field, a value of
// the wrong type or a malformed pattern is an error at its line and
// column. The parser is driven by fieldsOf, which the JSON Schema of
// schema.json must match (a test checks both ways).

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// FileName is the configuration file, at the module or workspace root.
const FileName = ".goremover.yaml"

// maxConfigSize bounds the file: a configuration is a few kilobytes.
const maxConfigSize = 1 << 20

// maxErrors bounds the errors reported for one file.
const maxErrors = 10

// Pos is a position in the configuration file.
type Pos struct {
	File string `json:"file"`
	Line int    `json:"line"`
	Col  int    `json:"col"`
}

func (p Pos) String() string { return fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Col) }

// Pattern is a package pattern as written, with its position.
type Pattern struct {
	Text string
	Pos  Pos
}

// Config is the arch: section.
type Config struct {
	File string // the file as displayed
	Pos  Pos    // of the arch: key
	// Tests says whether imports that only _test.go files make count
	// (default true); fan rules have their own setting.
	Tests     bool
	Layers    []*Layer
	Forbidden []*Forbidden
	Only      []*Only
	Internal  *Internal // nil unless internal: true
	Cycles    []*Cycles
	Fan       []*Fan
	Embed     []*Embed
}

// Layer is one layer: the packages its patterns match.
type Layer struct {
	Pos      Pos
	Packages []Pattern
}

// Forbidden forbids the packages From matches to import those To
// matches (through other packages too if Transitive); a package Except
// matches is exempt on either side.
type Forbidden struct {
	Pos              Pos
	From, To, Except []Pattern
	Transitive       bool
}

// Only says that the packages Imports matches (patterns or module
// paths) may be imported only by packages From matches.
type Only struct {
	Pos           Pos
	Imports, From []Pattern
}

// Internal enables the check of internal/ directories across the
// modules of a workspace.
type Internal struct{ Pos Pos }

// Cycles forbids import cycles between groups of packages: the
// directories Dirs elements deep under each module root, or the named
// Groups.
type Cycles struct {
	Pos    Pos
	Dirs   int
	Groups []*Group
}

// Group is a named group of packages.
type Group struct {
	Pos      Pos
	Name     string
	Packages []Pattern
}

// Fan bounds how many packages of the working set a package imports
// (MaxOut) and is imported by (MaxIn); -1 is no bound.
type Fan struct {
	Pos           Pos
	Packages      []Pattern
	MaxIn, MaxOut int
	Tests         bool // count imports only tests make
}

// Embed allows the packages Packages matches to //go:embed files of
// the directories Dirs matches. With an embed: section, every
// //go:embed needs a rule that allows it.
type Embed struct {
	Pos      Pos
	Packages []Pattern
	Dirs     []Pattern
}

// Empty reports whether the configuration has no rule.
func (c *Config) Empty() bool {
	return len(c.Layers) == 0 && len(c.Forbidden) == 0 && len(c.Only) == 0 && c.Internal == nil &&
		len(c.Cycles) == 0 && len(c.Fan) == 0 && len(c.Embed) == 0
}

// Error is a configuration error at a position.
type Error struct {
	Pos Pos
	Msg string
}

func (e *Error) Error() string {
	if e.Pos.Col == 0 {
		return fmt.Sprintf("%s:%d: %s", e.Pos.File, e.Pos.Line, e.Msg)
	}
	return e.Pos.String() + ": " + e.Msg
}

// ErrorList is the errors of one file, in order.
type ErrorList []*Error

func (l ErrorList) Error() string {
	var s []string
	for _, e := range l {
		s = append(s, e.Error())
	}
	return strings.Join(s, "\n")
}

// ErrNoConfig is returned by Read when there is no configuration file.
var ErrNoConfig = errors.New("no " + FileName)

// Read reads the configuration in dir (the module or workspace root);
// display is the file's name in messages. It returns ErrNoConfig if
// there is none, and refuses a file that is not a regular file (a
// symbolic link may lead out of the repository) or too large.
func Read(dir, display string) (*Config, error) {
	path := filepath.Join(dir, FileName)
	fi, err := os.Lstat(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, ErrNoConfig
	}
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("%s: not a regular file (a symbolic link is not followed)", display)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxConfigSize+1))
	if err != nil {
		return nil, err
	}
	if len(data) > maxConfigSize {
		return nil, fmt.Errorf("%s: larger than %d bytes", display, maxConfigSize)
	}
	return Parse(display, data)
}

// fieldsOf lists the fields of each object of the file, by path: the
// parser accepts these and no others, and schema.json must say the same.
var fieldsOf = map[string][]string{
	"":                       {"arch"},
	"arch":                   {"tests", "layers", "forbidden", "only", "internal", "cycles", "fan", "embed"},
	"arch.forbidden[]":       {"from", "to", "except", "transitive"},
	"arch.only[]":            {"imports", "from"},
	"arch.cycles[]":          {"dirs", "groups"},
	"arch.cycles[].groups[]": {"name", "packages"},
	"arch.fan[]":             {"packages", "max_in", "max_out", "tests"},
	"arch.embed[]":           {"packages", "dirs"},
}

// reader collects the errors of one file.
type reader struct {
	file string
	errs ErrorList
}

func (p *reader) pos(n *yaml.Node) Pos { return Pos{p.file, n.Line, n.Column} }

func (p *reader) errorf(n *yaml.Node, format string, args ...any) {
	if len(p.errs) < maxErrors {
		p.errs = append(p.errs, &Error{Pos: p.pos(n), Msg: fmt.Sprintf(format, args...)})
	}
}

// Parse parses a configuration file's contents. A file without an arch:
// section gives an empty Config.
func Parse(file string, data []byte) (cfg *Config, err error) {
	p := &reader{file: file}
	cfg = &Config{File: file, Tests: true}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return cfg, nil // an empty file
		}
		return nil, ErrorList{syntaxError(file, err)}
	}
	var more yaml.Node
	if err := dec.Decode(&more); err == nil {
		return nil, ErrorList{{Pos: p.pos(&more), Msg: "a second YAML document; want one"}}
	} else if !errors.Is(err, io.EOF) {
		return nil, ErrorList{syntaxError(file, err)}
	}
	if p.noAliases(&doc); len(p.errs) > 0 {
		return nil, p.errs
	}
	root := &doc
	if root.Kind == yaml.DocumentNode {
		if len(root.Content) == 0 {
			return cfg, nil
		}
		root = root.Content[0]
	}
	if root.Kind == yaml.ScalarNode && root.Tag == "!!null" {
		return cfg, nil
	}
	p.mapping(root, "", "", func(key string, k, v *yaml.Node) {
		cfg.Pos = p.pos(k)
		p.arch(cfg, v)
	})
	if len(p.errs) > 0 {
		return nil, p.errs
	}
	return cfg, nil
}

// syntaxError positions a YAML syntax error: the decoder says "yaml:
// line N: message", without the column.
func syntaxError(file string, err error) *Error {
	msg := err.Error()
	rest, _ := strings.CutPrefix(msg, "yaml: ")
	line := 1
	if l, after, ok := strings.Cut(rest, ": "); ok {
		if n, ok := strings.CutPrefix(l, "line "); ok {
			if v, err := strconv.Atoi(n); err == nil {
				line, rest = v, after
			}
		}
	}
	return &Error{Pos: Pos{File: file, Line: line}, Msg: "yaml: " + rest}
}

// noAliases reports every anchor and alias: the configuration has no
// use for them, and expanding them is how a small file becomes a huge
// one.
func (p *reader) noAliases(n *yaml.Node) {
	if n.Kind == yaml.AliasNode || n.Anchor != "" {
		p.errorf(n, "anchors and aliases are not allowed; write each rule out")
		return
	}
	for _, c := range n.Content {
		p.noAliases(c)
	}
}

// mapping walks a mapping whose fields are fieldsOf[path], in order,
// reporting unknown and repeated fields.
func (p *reader) mapping(n *yaml.Node, path, at string, f func(key string, k, v *yaml.Node)) {
	if at == "" {
		at = where(path)
	}
	if n.Kind != yaml.MappingNode {
		p.errorf(n, "%s: want a mapping, found %s", at, kind(n))
		return
	}
	known := fieldsOf[path]
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k.Kind != yaml.ScalarNode || k.Tag != "!!str" {
			p.errorf(k, "%s: a field name must be a string", at)
			continue
		}
		if !contains(known, k.Value) {
			p.errorf(k, "%s: unknown field %q (known: %s)", at, k.Value, strings.Join(known, ", "))
			continue
		}
		if seen[k.Value] {
			p.errorf(k, "%s: field %q repeated", at, k.Value)
			continue
		}
		seen[k.Value] = true
		f(k.Value, k, v)
	}
}

func where(path string) string {
	if path == "" {
		return FileName
	}
	return path
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// kind describes a node for "want X, found Y".
func kind(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		switch n.Tag {
		case "!!null":
			return "nothing"
		case "!!str":
			return fmt.Sprintf("the string %q", n.Value)
		}
		return fmt.Sprintf("%s %s", strings.TrimPrefix(n.Tag, "!!"), n.Value)
	}
	return "something else"
}

func (p *reader) arch(cfg *Config, n *yaml.Node) {
	if n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
		return
	}
	p.mapping(n, "arch", "", func(key string, k, v *yaml.Node) {
		at := "arch." + key
		switch key {
		case "tests":
			cfg.Tests = p.bool(v, at)
		case "layers":
			p.list(v, at, func(i int, e *yaml.Node) {
				l := &Layer{Pos: p.pos(e), Packages: p.patterns(e, fmt.Sprintf("%s[%d]", at, i), false)}
				cfg.Layers = append(cfg.Layers, l)
			})
		case "forbidden":
			p.list(v, at, func(i int, e *yaml.Node) {
				r := &Forbidden{Pos: p.pos(e)}
				at := fmt.Sprintf("%s[%d]", at, i)
				p.mapping(e, "arch.forbidden[]", at, func(key string, k, v *yaml.Node) {
					switch key {
					case "from":
						r.From = p.patterns(v, at+".from", false)
					case "to":
						r.To = p.patterns(v, at+".to", false)
					case "except":
						r.Except = p.patterns(v, at+".except", false)
					case "transitive":
						r.Transitive = p.bool(v, at+".transitive")
					}
				})
				p.required(e, at, map[string]bool{"from": r.From != nil, "to": r.To != nil})
				cfg.Forbidden = append(cfg.Forbidden, r)
			})
		case "only":
			p.list(v, at, func(i int, e *yaml.Node) {
				r := &Only{Pos: p.pos(e)}
				at := fmt.Sprintf("%s[%d]", at, i)
				p.mapping(e, "arch.only[]", at, func(key string, k, v *yaml.Node) {
					switch key {
					case "imports":
						r.Imports = p.patterns(v, at+".imports", false)
					case "from":
						r.From = p.patterns(v, at+".from", false)
					}
				})
				p.required(e, at, map[string]bool{"imports": r.Imports != nil, "from": r.From != nil})
				cfg.Only = append(cfg.Only, r)
			})
		case "internal":
			if p.bool(v, at) {
				cfg.Internal = &Internal{Pos: p.pos(k)}
			}
		case "cycles":
			p.list(v, at, func(i int, e *yaml.Node) {
				r := &Cycles{Pos: p.pos(e)}
				at := fmt.Sprintf("%s[%d]", at, i)
				before := len(p.errs)
				p.mapping(e, "arch.cycles[]", at, func(key string, k, v *yaml.Node) {
					switch key {
					case "dirs":
						n := len(p.errs)
						if r.Dirs = p.int(v, at+".dirs"); r.Dirs < 1 && len(p.errs) == n {
							p.errorf(v, "%s.dirs: want 1 or more, found %d", at, r.Dirs)
						}
					case "groups":
						r.Groups = []*Group{}
						if v.Kind == yaml.SequenceNode && len(v.Content) == 0 {
							p.errorf(v, "%s.groups: an empty list", at)
						}
						p.list(v, at+".groups", func(j int, e *yaml.Node) {
							g := &Group{Pos: p.pos(e)}
							at := fmt.Sprintf("%s.groups[%d]", at, j)
							p.mapping(e, "arch.cycles[].groups[]", at, func(key string, k, v *yaml.Node) {
								switch key {
								case "name":
									g.Name = p.name(v, at+".name")
								case "packages":
									g.Packages = p.patterns(v, at+".packages", false)
								}
							})
							p.required(e, at, map[string]bool{"name": g.Name != "", "packages": g.Packages != nil})
							r.Groups = append(r.Groups, g)
						})
					}
				})
				if (r.Dirs > 0) == (r.Groups != nil) && e.Kind == yaml.MappingNode && len(p.errs) == before {
					p.errorf(e, "%s: want either dirs or groups", at)
				}
				cfg.Cycles = append(cfg.Cycles, r)
			})
		case "fan":
			p.list(v, at, func(i int, e *yaml.Node) {
				r := &Fan{Pos: p.pos(e), MaxIn: -1, MaxOut: -1}
				at := fmt.Sprintf("%s[%d]", at, i)
				p.mapping(e, "arch.fan[]", at, func(key string, k, v *yaml.Node) {
					switch key {
					case "packages":
						r.Packages = p.patterns(v, at+".packages", false)
					case "max_in":
						r.MaxIn = p.count(v, at+".max_in")
					case "max_out":
						r.MaxOut = p.count(v, at+".max_out")
					case "tests":
						r.Tests = p.bool(v, at+".tests")
					}
				})
				p.required(e, at, map[string]bool{"packages": r.Packages != nil})
				if r.MaxIn < 0 && r.MaxOut < 0 && e.Kind == yaml.MappingNode {
					p.errorf(e, "%s: want max_in, max_out or both", at)
				}
				cfg.Fan = append(cfg.Fan, r)
			})
		case "embed":
			p.list(v, at, func(i int, e *yaml.Node) {
				r := &Embed{Pos: p.pos(e)}
				at := fmt.Sprintf("%s[%d]", at, i)
				p.mapping(e, "arch.embed[]", at, func(key string, k, v *yaml.Node) {
					switch key {
					case "packages":
						r.Packages = p.patterns(v, at+".packages", false)
					case "dirs":
						r.Dirs = p.patterns(v, at+".dirs", true)
					}
				})
				p.required(e, at, map[string]bool{"packages": r.Packages != nil, "dirs": r.Dirs != nil})
				cfg.Embed = append(cfg.Embed, r)
			})
		}
	})
}

// required reports the fields of a mapping that are missing.
func (p *reader) required(n *yaml.Node, at string, have map[string]bool) {
	if n.Kind != yaml.MappingNode {
		return // already reported
	}
	var missing []string
	for f, ok := range have {
		if !ok {
			missing = append(missing, f)
		}
	}
	sort.Strings(missing)
	for _, f := range missing {
		p.errorf(n, "%s: no %s", at, f)
	}
}

func (p *reader) list(n *yaml.Node, at string, f func(i int, e *yaml.Node)) {
	if n.Kind != yaml.SequenceNode {
		p.errorf(n, "%s: want a list, found %s", at, kind(n))
		return
	}
	for i, e := range n.Content {
		f(i, e)
	}
}

func (p *reader) bool(n *yaml.Node, at string) bool {
	if n.Kind != yaml.ScalarNode || n.Tag != "!!bool" {
		p.errorf(n, "%s: want true or false, found %s", at, kind(n))
		return false
	}
	return n.Value == "true" || n.Value == "True" || n.Value == "TRUE"
}

func (p *reader) int(n *yaml.Node, at string) int {
	if n.Kind != yaml.ScalarNode || n.Tag != "!!int" {
		p.errorf(n, "%s: want a number, found %s", at, kind(n))
		return 0
	}
	v, err := strconv.ParseInt(n.Value, 0, 32)
	if err != nil {
		p.errorf(n, "%s: want a number, found %s", at, n.Value)
		return 0
	}
	return int(v)
}

// count parses a bound: 0 or more.
func (p *reader) count(n *yaml.Node, at string) int {
	v := p.int(n, at)
	if v < 0 {
		p.errorf(n, "%s: want 0 or more, found %d", at, v)
		return 0
	}
	return v
}

// name parses a group name: letters, digits and ._-/, so that it reads
// well in a message and a baseline key.
func (p *reader) name(n *yaml.Node, at string) string {
	if n.Kind != yaml.ScalarNode || n.Tag != "!!str" {
		p.errorf(n, "%s: want a string, found %s", at, kind(n))
		return ""
	}
	if n.Value == "" || strings.IndexFunc(n.Value, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("._-/", r))
	}) >= 0 {
		p.errorf(n, "%s: %q: want letters, digits, '.', '_', '-' or '/'", at, n.Value)
		return ""
	}
	return n.Value
}

// patterns parses a pattern or a list of them; dirOnly requires
// relative (directory) patterns.
func (p *reader) patterns(n *yaml.Node, at string, dirOnly bool) []Pattern {
	var nodes []*yaml.Node
	switch n.Kind {
	case yaml.ScalarNode:
		nodes = []*yaml.Node{n}
	case yaml.SequenceNode:
		if len(n.Content) == 0 {
			p.errorf(n, "%s: an empty list", at)
			return nil
		}
		nodes = n.Content
	default:
		p.errorf(n, "%s: want a pattern or a list of patterns, found %s", at, kind(n))
		return nil
	}
	out := []Pattern{}
	for _, e := range nodes {
		if e.Kind != yaml.ScalarNode || e.Tag != "!!str" {
			p.errorf(e, "%s: want a pattern (a string), found %s", at, kind(e))
			continue
		}
		if msg := checkPattern(e.Value); msg != "" {
			p.errorf(e, "%s: %q: %s", at, e.Value, msg)
			continue
		}
		if dirOnly && !isRel(e.Value) {
			p.errorf(e, "%s: %q: want a directory relative to the root (./dir or ./dir/...)", at, e.Value)
			continue
		}
		out = append(out, Pattern{Text: e.Value, Pos: p.pos(e)})
	}
	return out
}
