package modcache

// This file prints listings and prune results: text tables sorted by
// size, and the -json shapes.

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/goremover/goremover/internal/report"
)

// Total counts versions and their bytes.
type Total struct {
	Versions int   `json:"versions"`
	Bytes    int64 `json:"bytes"`
}

func (t *Total) add(b int64) { t.Versions++; t.Bytes += b }

// Totals sums the entries by need; ModOnly's bytes are those of the
// source that is not needed.
type Totals struct {
	Needed   Total `json:"needed"`
	ModOnly  Total `json:"mod_only"`
	Unneeded Total `json:"unneeded"`
}

// Sum returns the totals of entries.
func Sum(entries []*Entry) Totals {
	var t Totals
	for _, e := range entries {
		switch e.Need {
		case NeedSrc:
			t.Needed.add(e.Bytes())
		case NeedMod:
			t.ModOnly.add(e.Tree + e.Zip)
		default:
			t.Unneeded.add(e.Bytes())
		}
	}
	return t
}

type jsonVersion struct {
	Path     string    `json:"path"`
	Version  string    `json:"version"`
	Bytes    int64     `json:"bytes"`
	Tree     int64     `json:"tree"`
	Zip      int64     `json:"zip"`
	Mod      int64     `json:"mod"`
	LastUse  time.Time `json:"last_use"`
	Need     string    `json:"need"`
	Projects []string  `json:"projects"`
	Keep     string    `json:"keep,omitempty"`
}

type jsonExtra struct {
	Kind    string    `json:"kind"`
	Name    string    `json:"name"`
	Remote  string    `json:"remote,omitempty"`
	Bytes   int64     `json:"bytes"`
	LastUse time.Time `json:"last_use"`
}

func jsonVersions(entries []*Entry, projects []Project) []jsonVersion {
	out := make([]jsonVersion, 0, len(entries))
	for _, e := range entries {
		j := jsonVersion{Path: e.Path, Version: e.Version.Version, Bytes: e.Bytes(), Tree: e.Tree, Zip: e.Zip, Mod: e.Mod, LastUse: e.LastUse.UTC().Truncate(time.Second), Need: e.Need.String(), Projects: []string{}, Keep: e.Keep}
		for _, i := range e.Projects {
			j.Projects = append(j.Projects, projects[i].Dir)
		}
		out = append(out, j)
	}
	return out
}

// ListJSON prints a listing as
//
//	{"cache", "bytes", "projects": [dir], "versions": [{"path", "version",
//	"bytes", "tree", "zip", "mod", "last_use", "need": "src|mod|",
//	"projects": [dir]}], "extras": [{"kind", "name", "remote", "bytes",
//	"last_use"}], "totals": {"needed", "mod_only", "unneeded": {"versions",
//	"bytes"}}}
func ListJSON(w io.Writer, l *Listing, projects []Project, entries []*Entry) error {
	out := struct {
		Cache    string        `json:"cache"`
		Bytes    int64         `json:"bytes"`
		Projects []string      `json:"projects"`
		Versions []jsonVersion `json:"versions"`
		Extras   []jsonExtra   `json:"extras"`
		Totals   Totals        `json:"totals"`
	}{Cache: l.Root, Bytes: l.Bytes, Projects: projectDirs(projects), Versions: jsonVersions(entries, projects), Extras: []jsonExtra{}, Totals: Sum(entries)}
	for _, x := range l.Extras {
		out.Extras = append(out.Extras, jsonExtra{Kind: x.Kind, Name: x.Name, Remote: x.Remote, Bytes: x.Bytes, LastUse: x.LastUse.UTC().Truncate(time.Second)})
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

func projectDirs(projects []Project) []string {
	out := []string{}
	for _, p := range projects {
		out = append(out, p.Dir)
	}
	return out
}

// ListText prints a listing: the projects, numbered; a table of the
// versions, largest first; the extras; the totals.
func ListText(w io.Writer, l *Listing, projects []Project, entries []*Entry) error {
	fmt.Fprintf(w, "module cache %s: %s, %d module versions\n", l.Root, report.Size(l.Bytes), len(entries))
	fmt.Fprintf(w, "projects:\n")
	for i, p := range projects {
		kind := "module"
		if p.Work {
			kind = "workspace"
		}
		fmt.Fprintf(w, "\t%d\t%s (%s)\n", i+1, p.Dir, kind)
	}
	fmt.Fprintln(w)
	tw := tabwriter.NewWriter(w, 0, 8, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "SIZE\t  LAST USE\t  NEED\t  PROJECTS\t  \tMODULE\n")
	for _, e := range entries {
		need := e.Need.String()
		if need == "" {
			need = "-"
		}
		fmt.Fprintf(tw, "%s\t  %s\t  %s\t  %s\t  \t%s\n", report.Size(e.Bytes()), day(e.LastUse), need, projectList(e.Projects), e.String())
	}
	tw.Flush()
	if len(l.Extras) > 0 {
		fmt.Fprintln(w)
		tw = tabwriter.NewWriter(w, 0, 8, 2, ' ', tabwriter.AlignRight)
		fmt.Fprintf(tw, "SIZE\t  LAST USE\t  \tOTHER\n")
		for _, x := range l.Extras {
			name := x.Kind + " " + x.Name
			if x.Remote != "" {
				name += " (" + x.Remote + ")"
			}
			fmt.Fprintf(tw, "%s\t  %s\t  \t%s\n", report.Size(x.Bytes), day(x.LastUse), name)
		}
		tw.Flush()
	}
	t := Sum(entries)
	fmt.Fprintf(w, "\nneeded: %d versions, %s; go.mod only: %d versions, %s of source not needed; not needed: %d versions, %s\n",
		t.Needed.Versions, report.Size(t.Needed.Bytes), t.ModOnly.Versions, report.Size(t.ModOnly.Bytes), t.Unneeded.Versions, report.Size(t.Unneeded.Bytes))
	return nil
}

func day(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.Local().Format("2006-01-02")
}

func projectList(idx []int) string {
	if len(idx) == 0 {
		return "-"
	}
	var b strings.Builder
	for i, n := range idx {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprint(&b, n+1)
	}
	return b.String()
}

func (w What) String() string {
	switch w {
	case Source:
		return "source"
	case All:
		return "all"
	}
	return "keep"
}

// describe says what a removal takes.
func describe(r Removal) string {
	if r.What == Source {
		return "its source; its go.mod stays"
	}
	return "everything"
}

// PruneText prints prune's results (rs) or, for a dry run (results nil),
// its plan.
func PruneText(w io.Writer, plan []Removal, results []Result) (freed int64) {
	if results == nil {
		var n int64
		for _, r := range plan {
			fmt.Fprintf(w, "would remove %s: %s (%s)\n", r.V, describe(r), report.Size(r.Bytes))
			n += r.Bytes
		}
		fmt.Fprintf(w, "would free %s in %d module versions; -apply removes them\n", report.Size(n), len(plan))
		return 0
	}
	count := 0
	for _, r := range results {
		switch {
		case r.Err != nil:
			fmt.Fprintf(w, "failed %s: %v\n", r.V, r.Err)
		case r.Skipped != "":
			fmt.Fprintf(w, "kept %s: %s\n", r.V, r.Skipped)
		default:
			fmt.Fprintf(w, "removed %s: %s (%s)\n", r.V, describe(r.Removal), report.Size(r.Bytes))
			freed += r.Bytes
			count++
		}
	}
	fmt.Fprintf(w, "freed %s in %d module versions\n", report.Size(freed), count)
	return freed
}

// PruneJSON prints {"cache", "apply", "removals": [{"path", "version",
// "what": "source|all", "bytes", "skipped", "error"}], "bytes", "freed"}.
func PruneJSON(w io.Writer, l *Listing, plan []Removal, results []Result) error {
	type jr struct {
		Path    string `json:"path"`
		Version string `json:"version"`
		What    string `json:"what"`
		Bytes   int64  `json:"bytes"`
		Skipped string `json:"skipped,omitempty"`
		Error   string `json:"error,omitempty"`
	}
	out := struct {
		Cache    string `json:"cache"`
		Apply    bool   `json:"apply"`
		Removals []jr   `json:"removals"`
		Bytes    int64  `json:"bytes"`
		Freed    int64  `json:"freed"`
	}{Cache: l.Root, Apply: results != nil, Removals: []jr{}}
	for i, r := range plan {
		j := jr{Path: r.V.Path, Version: r.V.Version, What: r.What.String(), Bytes: r.Bytes}
		out.Bytes += r.Bytes
		if results != nil {
			res := results[i]
			j.Skipped = res.Skipped
			if res.Err != nil {
				j.Error = res.Err.Error()
			} else if res.Skipped == "" {
				out.Freed += r.Bytes
			}
		}
		out.Removals = append(out.Removals, j)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}
