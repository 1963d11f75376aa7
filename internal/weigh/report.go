package weigh

// This file prints weights: text for people, JSON for programs, and the
// one-line summary that impact -m and rm -m -n print too.

import (
	"encoding/json"
	"fmt"
	"io"
	"path"
	"strings"

	"github.com/goremover/goremover/internal/report"
)

// JSON prints {"weights": [weight...]}.
func JSON(w io.Writer, ws []*Weight) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(struct {
		Weights []*Weight `json:"weights"`
	}{ws})
}

// Text prints each weight: a title line, what leaves with it, the
// modules, each binary's share, and the summary.
func Text(w io.Writer, ws []*Weight) error {
	var b strings.Builder
	for i, x := range ws {
		if i > 0 {
			b.WriteString("\n")
		}
		kind := "packages"
		if x.Module {
			kind = "module"
		}
		title := x.Target
		if x.Version != "" {
			title += " " + x.Version
		}
		fmt.Fprintf(&b, "%s (%s)\n", title, kind)
		fmt.Fprintf(&b, "\tleaves with it: %s, %s, %s, %s in the module cache", report.Plural(len(x.Packages), "package"), report.Plural(len(x.Modules), "module"), report.Plural(x.SumLines, "go.sum line"), report.Size(x.CacheSize))
		if x.VendorSize > 0 {
			fmt.Fprintf(&b, ", %s of vendor/", report.Size(x.VendorSize))
		}
		b.WriteString("\n")
		if len(x.Modules) > 0 {
			var ms []string
			for _, m := range x.Modules {
				ms = append(ms, m.String())
			}
			fmt.Fprintf(&b, "\tmodules: %s\n", strings.Join(ms, " "))
		}
		if len(x.Stay) > 0 {
			fmt.Fprintf(&b, "\tstays: %s that other code imports: %s\n", report.Plural(len(x.Stay), "package"), strings.Join(x.Stay, " "))
		}
		for _, bin := range x.Binaries {
			fmt.Fprintf(&b, "\t%s: %s of %s (%s)", bin.Main, report.Size(bin.Bytes), report.Size(bin.Total), percent(bin.Bytes, bin.Total))
			if bin.Shared > 0 {
				fmt.Fprintf(&b, "; %s of its packages stay", report.Size(bin.Shared))
			}
			b.WriteString("\n")
		}
		fmt.Fprintf(&b, "\t%s\n", Summary(x))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// Summary is the one-line account of a weight: "removes 7 modules, 41
// go.sum lines, 2.3 MB from cmd/prometheus".
func Summary(x *Weight) string {
	s := fmt.Sprintf("removes %s, %s", report.Plural(len(x.Modules), "module"), report.Plural(x.SumLines, "go.sum line"))
	for _, bin := range x.Binaries {
		s += fmt.Sprintf(", %s from %s", report.Size(bin.Bytes), shortMain(bin.Main))
	}
	return s
}

// shortMain shortens a command's import path to its last two elements
// (cmd/prometheus).
func shortMain(p string) string {
	dir, base := path.Split(p)
	if dir == "" {
		return base
	}
	return path.Base(dir) + "/" + base
}

func percent(n, total int64) string {
	if total == 0 {
		return "0%"
	}
	return fmt.Sprintf("%.1f%%", float64(n)*100/float64(total))
}
