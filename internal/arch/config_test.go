package arch

import (
	"encoding/json"
	"errors"
	"reflect"
	"sort"
	"strings"
	"testing"
)

const full = `
arch:
  tests: false
  layers:
    - ./cmd/...
    - [./web/..., example.com/m/api]
  forbidden:
    - from: ./a
      to: [./b/..., net/http]
      except: ./b/ok
      transitive: true
  only:
    - imports: [example.com/dep, std]
      from: ./adapters/...
  internal: true
  cycles:
    - dirs: 2
    - groups:
        - {name: core, packages: ./core/...}
  fan:
    - packages: ./...
      max_in: 3
      max_out: 0
      tests: true
  embed:
    - packages: ./web/ui
      dirs: [./web/ui/static/..., ./web/ui]
`

func TestParseFull(t *testing.T) {
	c, err := Parse(".goremover.yaml", []byte(full))
	if err != nil {
		t.Fatal(err)
	}
	if c.Tests || len(c.Layers) != 2 || len(c.Layers[1].Packages) != 2 || c.Internal == nil ||
		len(c.Forbidden) != 1 || !c.Forbidden[0].Transitive || c.Forbidden[0].Except[0].Text != "./b/ok" ||
		len(c.Only) != 1 || len(c.Cycles) != 2 || c.Cycles[0].Dirs != 2 || c.Cycles[1].Groups[0].Name != "core" ||
		c.Fan[0].MaxIn != 3 || c.Fan[0].MaxOut != 0 || !c.Fan[0].Tests || len(c.Embed[0].Dirs) != 2 {
		t.Errorf("Parse = %+v", c)
	}
	if p := c.Forbidden[0].To[1]; p.Text != "net/http" || p.Pos != (Pos{".goremover.yaml", 9, 21}) {
		t.Errorf("pattern = %+v, want net/http at 9:21", p)
	}
	if c.Empty() {
		t.Error("Empty() = true")
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct{ src, want string }{
		{"arch:\n  layerz: []\n", "f:2:3: arch: unknown field \"layerz\""},
		{"arch:\n  tests: 1\n", "f:2:10: arch.tests: want true or false, found int 1"},
		{"arch:\n  layers: ./a\n", "f:2:11: arch.layers: want a list"},
		{"arch:\n  layers:\n    - [1]\n", "f:3:8: arch.layers[0]: want a pattern (a string), found int 1"},
		{"arch:\n  layers:\n    - /abs\n", "f:3:7: arch.layers[0]: \"/abs\": an absolute path"},
		{"arch:\n  layers:\n    - ./a//b\n", "empty path element"},
		{"arch:\n  layers: [[]]\n", "f:2:12: arch.layers[0]: an empty list"},
		{"arch:\n  only:\n    - imports: x\n", "f:3:7: arch.only[0]: no from"},
		{"arch:\n  fan:\n    - packages: ./...\n", "want max_in, max_out or both"},
		{"arch:\n  fan:\n    - {packages: ./..., max_in: -1}\n", "f:3:33: arch.fan[0].max_in: want 0 or more"},
		{"arch:\n  cycles:\n    - {dirs: 0}\n", "arch.cycles[0].dirs: want 1 or more"},
		{"arch:\n  cycles:\n    - {dirs: 1, groups: [{name: a, packages: ./a}]}\n", "want either dirs or groups"},
		{"arch:\n  cycles:\n    - {groups: []}\n", "f:3:16: arch.cycles[0].groups: an empty list"},
		{"arch:\n  cycles:\n    - groups: [{name: a b, packages: ./a}]\n", "\"a b\": want letters"},
		{"arch:\n  embed:\n    - {packages: ./a, dirs: example.com/x}\n", "want a directory relative to the root"},
		{"arch:\n  internal: true\n  internal: false\n", "f:3:3: arch: field \"internal\" repeated"},
		{"arch: &a\n  internal: true\n", "f:1:7: anchors and aliases are not allowed"},
		{"arch: []\n", "f:1:7: arch: want a mapping, found a list"},
		{"- 1\n", "f:1:1: .goremover.yaml: want a mapping"},
		{"arch: {}\n---\narch: {}\n", "f:2:1: a second YAML document"},
		{"arch: [\n", "f:1: yaml: "},
		{"1: x\n", "f:1:1: .goremover.yaml: a field name must be a string"},
	}
	for _, tt := range tests {
		_, err := Parse("f", []byte(tt.src))
		var list ErrorList
		if !errors.As(err, &list) || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Parse(%q) = %v, want an ErrorList containing %q", tt.src, err, tt.want)
		}
	}
}

func TestParseEmpty(t *testing.T) {
	for _, src := range []string{"", "# nothing\n", "arch:\n", "arch: {}\n", "~\n"} {
		c, err := Parse("f", []byte(src))
		if err != nil || !c.Empty() || !c.Tests {
			t.Errorf("Parse(%q) = %+v, %v; want an empty config", src, c, err)
		}
	}
}

// TestSchemaMatchesParser checks that the schema's objects have exactly
// the fields the parser accepts, and that every section is documented.
func TestSchemaMatchesParser(t *testing.T) {
	var s map[string]any
	if err := json.Unmarshal(Schema, &s); err != nil {
		t.Fatal(err)
	}
	defs, _ := s["$defs"].(map[string]any)
	got := map[string][]string{}
	var walk func(n map[string]any, path string)
	walk = func(n map[string]any, path string) {
		if ref, ok := n["$ref"].(string); ok {
			walk(defs[strings.TrimPrefix(ref, "#/$defs/")].(map[string]any), path)
		}
		if props, ok := n["properties"].(map[string]any); ok {
			if n["additionalProperties"] != false {
				t.Errorf("schema object %q allows unknown fields", path)
			}
			var keys []string
			for k, v := range props {
				keys = append(keys, k)
				sub := k
				if path != "" {
					sub = path + "." + k
				}
				walk(v.(map[string]any), sub)
			}
			sort.Strings(keys)
			got[path] = keys
		}
		if items, ok := n["items"].(map[string]any); ok {
			walk(items, path+"[]")
		}
	}
	walk(s, "")
	want := map[string][]string{}
	for path, fields := range fieldsOf {
		f := append([]string{}, fields...)
		sort.Strings(f)
		want[path] = f
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("schema objects:\n%v\nparser objects:\n%v", got, want)
	}
}

func TestWild(t *testing.T) {
	tests := []struct {
		pattern, s string
		want       bool
	}{
		{"./a/...", "./a", true},
		{"./a/...", "./a/b/c", true},
		{"./a/...", "./ab", false},
		{"./...", ".", true},
		{"./a", "./a/b", false},
		{"net/...", "net/http", true},
		{"example.com/.../internal/...", "example.com/x/y/internal/z", true},
		{"example.com/.../internal/...", "example.com/x/internal", true},
		{"example.com/.../internal", "example.com/x/internalz", false},
		{"a...b", "ab", true},
		{"a...b...b", "ab", false},
	}
	for _, tt := range tests {
		if got := wild(tt.pattern, tt.s); got != tt.want {
			t.Errorf("wild(%q, %q) = %v, want %v", tt.pattern, tt.s, got, tt.want)
		}
	}
	mod := Pattern{Text: "example.com/dep"}
	if !mod.Match(Pkg{Path: "example.com/dep/sub", Module: "example.com/dep"}) {
		t.Error("a module path does not match a package of the module")
	}
	if (Pattern{Text: "std"}).Match(Pkg{Path: "example.com/x"}) || !(Pattern{Text: "std"}).Match(Pkg{Path: "fmt", Std: true}) {
		t.Error("std matches wrongly")
	}
}

func TestInternalParent(t *testing.T) {
	for path, want := range map[string]string{
		"a/internal":            "a",
		"a/internal/b":          "a",
		"a/internal/b/internal": "a/internal/b",
		"internal/x":            "",
	} {
		if got, ok := internalParent(path); !ok || got != want {
			t.Errorf("internalParent(%q) = %q, %v; want %q", path, got, ok, want)
		}
	}
	if _, ok := internalParent("a/internals/b"); ok {
		t.Error("internals is internal")
	}
}

func TestEmbedPatterns(t *testing.T) {
	got := embedPatterns(` static "a b.txt" ` + "`c`" + ` d/*.html`)
	if want := []string{"static", "a b.txt", "c", "d/*.html"}; !reflect.DeepEqual(got, want) {
		t.Errorf("embedPatterns = %q, want %q", got, want)
	}
}

// FuzzParse checks that the parser never panics and that every error
// it returns has a position.
func FuzzParse(f *testing.F) {
	f.Add([]byte(full))
	f.Add([]byte("arch:\n  layers: [./a, [./b, ./c]]\n"))
	f.Add([]byte("arch: &a {x: *a}\n"))
	f.Add([]byte("arch:\n  cycles:\n    - groups: [{name: n, packages: ./x}]\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := Parse("f.yaml", data)
		if err == nil {
			if c == nil {
				t.Fatal("nil config without an error")
			}
			return
		}
		var list ErrorList
		if !errors.As(err, &list) || len(list) == 0 {
			t.Fatalf("error %v is not a non-empty ErrorList", err)
		}
		for _, e := range list {
			if e.Pos.File != "f.yaml" || e.Pos.Line < 1 || e.Msg == "" {
				t.Fatalf("error without a position: %#v", e)
			}
		}
	})
}
