package load

import (
	"bytes"
	"context"
	"strings"

	"github.com/goremover/goremover/internal/gocmd"
)

// PackageNames returns the package names of import paths as the go
// command resolves them from the working-set root (what an unnamed import
// binds), for the paths it can list; rm needs them to tell which imports
// the removed code alone used. Errors leave paths out: callers guess.
func PackageNames(ctx context.Context, ws *WorkingSet, paths []string, opts *Options) map[string]string {
	out := map[string]string{}
	if len(paths) == 0 {
		return out
	}
	args := []string{"list", "-e", "-f", "{{.ImportPath}}\t{{.Name}}"}
	if len(opts.Tags) > 0 {
		args = append(args, "-tags="+strings.Join(opts.Tags, ","))
	}
	cmd := gocmd.Command(ctx, ws.Root, gocmd.Env(opts.Env...), append(append(args, "--"), paths...)...)
	var stdout bytes.Buffer
	cmd.Stdout = &stdout
	cmd.Run() // -e: what it could list is printed
	for _, line := range strings.Split(stdout.String(), "\n") {
		if p, n, ok := strings.Cut(line, "\t"); ok && n != "" {
			out[p] = n
		}
	}
	return out
}
