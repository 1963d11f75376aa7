package drift

import (
	"reflect"
	"testing"
)

func TestCompare(t *testing.T) {
	old := map[string]string{
		"example.com/dep":      "v1.1.0",
		"example.com/gone":     "v1.0.0",
		"example.com/lib":      "v1.0.0",
		"example.com/incompat": "v1.0.0",
		"example.com/same":     "v1.0.0",
		"example.com/zero":     "v0.9.0",
		"gopkg.in/yaml.v2":     "v2.4.0",
		"example.com/up":       "v1.2.0",
	}
	new := map[string]string{
		"example.com/dep":       "v1.0.0",
		"example.com/lib/v2":    "v2.0.0",
		"example.com/lib":       "v1.0.0",
		"example.com/incompat":  "v2.0.0+incompatible",
		"example.com/same":      "v1.0.0",
		"example.com/zero":      "v1.0.0",
		"gopkg.in/yaml.v3":      "v3.0.1",
		"gopkg.in/yaml.v2":      "v2.4.0",
		"example.com/up":        "v1.3.0",
		"example.com/newcompat": "v3.0.0+incompatible",
	}
	type row struct {
		kind            string
		major, incompat bool
		alongside       []string
		rule            string
	}
	want := map[string]row{
		"example.com/dep":       {Downgraded, false, false, nil, "GR304"},
		"example.com/gone":      {Removed, false, false, nil, "GR302"},
		"example.com/lib/v2":    {Added, true, false, []string{"example.com/lib@v1.0.0"}, "GR305"},
		"example.com/incompat":  {Upgraded, true, true, nil, "GR305"},
		"example.com/zero":      {Upgraded, true, false, nil, "GR305"},
		"gopkg.in/yaml.v3":      {Added, true, false, []string{"gopkg.in/yaml.v2@v2.4.0"}, "GR305"},
		"example.com/up":        {Upgraded, false, false, nil, "GR303"},
		"example.com/newcompat": {Added, false, true, nil, "GR306"},
	}
	got := compare(old, new)
	if len(got) != len(want) {
		t.Errorf("compare: %d changes, want %d", len(got), len(want))
	}
	for _, c := range got {
		w, ok := want[c.Path]
		if !ok {
			t.Errorf("unexpected change %+v", c)
			continue
		}
		g := row{c.Kind, c.Major, c.Incompatible, c.Alongside, c.Rule}
		if !reflect.DeepEqual(g, w) {
			t.Errorf("%s: got %+v, want %+v", c.Path, g, w)
		}
	}
}

func TestMissingModule(t *testing.T) {
	for _, tc := range []struct{ stderr, want string }{
		{"go: example.com/dep@v1.0.0: reading file:///c/cache/download/example.com/dep/@v/v1.0.0.mod: no such file or directory\n", "example.com/dep@v1.0.0"},
		{"go: downloading example.com/x v1.0.0\ngo: example.com/user@v1.0.0 requires\n\texample.com/dep@v1.0.0: reading file:///c/example.com/dep/@v/v1.0.0.mod: not found\n", "example.com/dep@v1.0.0"},
		{"go: go.mod:3: unknown directive: x\n", ""},
	} {
		got, ok := missingModule(tc.stderr)
		if got != tc.want || ok != (tc.want != "") {
			t.Errorf("missingModule(%q) = %q, %v; want %q", tc.stderr, got, ok, tc.want)
		}
	}
}
