// Package goremover is the library behind the goremover command: it finds
// every reference to Go code across build configurations, and (in later
// versions) removes code and dependencies safely.
//
// The API is small on purpose; the command line is the product.
package goremover

import (
	"context"

	"github.com/goremover/goremover/internal/impact"
	"github.com/goremover/goremover/internal/index"
	"github.com/goremover/goremover/internal/load"
	"github.com/goremover/goremover/internal/target"
)

// Impact reports who depends on each target, as 'goremover impact' does,
// for the working set that contains dir. It returns the SPEC's JSON shape
// as Go values.
func Impact(ctx context.Context, dir string, targets []string) ([]impact.JSONTarget, error) {
	ws, err := load.Find(dir)
	if err != nil {
		return nil, err
	}
	x, err := index.Build(ctx, ws, &index.Options{CacheDir: index.DefaultCacheDir()})
	if err != nil {
		return nil, err
	}
	r := &target.Resolver{WS: ws, X: x, Cwd: dir}
	var results []*impact.Result
	for _, a := range targets {
		s, err := target.Parse(a, false)
		if err != nil {
			return nil, err
		}
		t, err := r.Resolve(s)
		if err != nil {
			return nil, err
		}
		results = append(results, impact.Analyze(x, ws, t))
	}
	p := &impact.Printer{X: x, WS: ws, Cwd: dir}
	return p.Targets(results), nil
}
