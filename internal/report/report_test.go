package report

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

var testRule = Register(&Rule{ID: "GR999", Name: "TestRule", Title: "a rule for tests", Severity: Warning, Fixable: true, Text: "Why it matters.", Before: "x", After: "y"})

func findings() []*Finding {
	return []*Finding{
		{Rule: "GR999", Severity: Warning, Message: "b thing", File: "go.mod", Line: 7, Col: 2, Fixable: true, Why: "because", Root: "/r/m"},
		{Rule: "GR999", Severity: Info, Message: "a thing", File: "go.sum", Root: "/r/m"},
	}
}

func TestText(t *testing.T) {
	var b bytes.Buffer
	fs := findings()
	Sort(fs)
	if err := Text(&b, fs, nil); err != nil {
		t.Fatal(err)
	}
	want := "go.mod:7:2: GR999 warning: b thing (fixable)\n\tbecause\ngo.sum: GR999 info: a thing\n"
	if b.String() != want {
		t.Errorf("got:\n%s\nwant:\n%s", b.String(), want)
	}
	if n := Count(fs, Warning); n != 1 {
		t.Errorf("Count(warning) = %d", n)
	}
}

func TestJSON(t *testing.T) {
	var b bytes.Buffer
	if err := JSON(&b, nil); err != nil {
		t.Fatal(err)
	}
	if strings.Join(strings.Fields(b.String()), "") != `{"findings":[]}` {
		t.Errorf("empty: %s", b.String())
	}
	b.Reset()
	JSON(&b, findings())
	var got struct {
		Findings []map[string]any `json:"findings"`
	}
	if err := json.Unmarshal(b.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	f := got.Findings[0]
	for _, k := range []string{"rule", "severity", "message", "file", "line", "col", "fixable"} {
		if _, ok := f[k]; !ok {
			t.Errorf("missing %q in %v", k, f)
		}
	}
	if f["severity"] != "warning" || f["line"] != float64(7) {
		t.Errorf("got %v", f)
	}
}

// TestSARIF checks what GitHub code scanning requires of a SARIF upload:
// version 2.1.0, a driver with rules, results whose ruleIndex points at
// their rule, a level, a message, and a region with startLine >= 1.
func TestSARIF(t *testing.T) {
	var b bytes.Buffer
	if err := SARIF(&b, findings(), "v1", "/r"); err != nil {
		t.Fatal(err)
	}
	var log struct {
		Version string `json:"version"`
		Schema  string `json:"$schema"`
		Runs    []struct {
			Tool struct {
				Driver struct {
					Name  string
					Rules []struct {
						ID                   string
						Name                 string
						ShortDescription     struct{ Text string }
						DefaultConfiguration struct{ Level string }
					}
				}
			}
			Results []struct {
				RuleID    string
				RuleIndex int
				Level     string
				Message   struct{ Text string }
				Locations []struct {
					PhysicalLocation struct {
						ArtifactLocation struct{ URI, URIBaseID string }
						Region           *struct{ StartLine, StartColumn int }
					}
				}
			}
		}
	}
	if err := json.Unmarshal(b.Bytes(), &log); err != nil {
		t.Fatal(err)
	}
	if log.Version != "2.1.0" || len(log.Runs) != 1 {
		t.Fatalf("version %q, %d runs", log.Version, len(log.Runs))
	}
	run := log.Runs[0]
	if len(run.Tool.Driver.Rules) != 1 || run.Tool.Driver.Rules[0].ID != "GR999" || run.Tool.Driver.Rules[0].Name != "TestRule" || run.Tool.Driver.Rules[0].DefaultConfiguration.Level != "warning" {
		t.Errorf("rules = %+v", run.Tool.Driver.Rules)
	}
	if len(run.Results) != 2 {
		t.Fatalf("%d results", len(run.Results))
	}
	r0, r1 := run.Results[0], run.Results[1]
	if r0.RuleIndex != 0 || r0.Level != "warning" || r1.Level != "note" {
		t.Errorf("results = %+v", run.Results)
	}
	loc := r0.Locations[0].PhysicalLocation
	if loc.ArtifactLocation.URI != "m/go.mod" || loc.Region == nil || loc.Region.StartLine != 7 {
		t.Errorf("location = %+v", loc)
	}
	if r := r1.Locations[0].PhysicalLocation.Region; r == nil || r.StartLine != 1 {
		t.Errorf("file-level region = %+v, want startLine 1", r)
	}
}

func TestDoc(t *testing.T) {
	d := Lookup("gr999").Doc()
	for _, want := range []string{"GR999: a rule for tests", "Severity: warning. Fixable: yes", "Why it matters.", "Before:\n\n\tx", "After:\n\n\ty"} {
		if !strings.Contains(d, want) {
			t.Errorf("doc lacks %q:\n%s", want, d)
		}
	}
	if _, err := ParseSeverity("fatal"); err == nil {
		t.Error("ParseSeverity(fatal): no error")
	}
}

func TestSummary(t *testing.T) {
	f := func(s Severity) *Finding { return &Finding{Severity: s} }
	for _, tc := range []struct {
		fs   []*Finding
		want string
	}{
		{nil, "no findings"},
		{[]*Finding{f(Info)}, "1 finding (1 info)"},
		{[]*Finding{f(Error)}, "1 finding (1 error)"},
		{[]*Finding{f(Info), f(Error), f(Warning), f(Warning), f(Info)}, "5 findings (1 error, 2 warnings, 2 info)"},
	} {
		if got := Summary(tc.fs); got != tc.want {
			t.Errorf("Summary(%d findings) = %q, want %q", len(tc.fs), got, tc.want)
		}
	}
}

func TestAtLeast(t *testing.T) {
	fs := []*Finding{{Rule: "a", Severity: Info}, {Rule: "b", Severity: Error}, {Rule: "c", Severity: Warning}}
	got := AtLeast(fs, Warning)
	if len(got) != 2 || got[0].Rule != "b" || got[1].Rule != "c" {
		t.Errorf("AtLeast(Warning) = %v, want b, c", got)
	}
	if got := AtLeast(fs, Info); len(got) != 3 {
		t.Errorf("AtLeast(Info) kept %d of 3", len(got))
	}
}
