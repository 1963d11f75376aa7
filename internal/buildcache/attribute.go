package buildcache

// This file says which entries a platform's build of some packages uses.
//
// An action ID is a hash of the action's inputs, GOOS and GOARCH among
// them: nothing in an entry says its platform. So goremover asks the go
// command for the action IDs: 'go build -n' plans the build (it runs no
// compiler or tool, and no code of the module), looking up each action
// in the cache as a real build would, and -debug-actiongraph writes the
// plan with every action's ID. An entry of that plan belongs to the
// platform; an entry of no plan is not attributed, and a platform trim
// leaves it alone.
//
// Subtle: looking an entry up marks it used (a new mtime) like any build
// does. Attribution puts back the times it changed, so that it neither
// makes old entries look used nor, with rule 1, in use. With
// GODEBUG=goindex=0 the go command stores no package index in the cache;
// but for a package whose compile is not cached, 'go build -n' still
// stores the list of its source files (a small "srcfiles" entry): the
// one write attribution cannot avoid, and a reason to attribute only the
// packages asked for, not the whole standard library.

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/goremover/goremover/internal/gocmd"
)

// Platform is a GOOS/GOARCH pair.
type Platform struct{ GOOS, GOARCH string }

func (p Platform) String() string { return p.GOOS + "/" + p.GOARCH }

// Plan is a platform's build of some packages, as the go command plans
// it.
type Plan struct {
	Platform Platform
	Compiles []Compile // one per package, sorted by package
	// Actions are the cache's action entries the build uses (compiles,
	// their compiler output, cached links).
	Actions map[ID]bool
}

// Compile is a package's compile action.
type Compile struct {
	Package string
	Action  *Action // its entry; nil if not in the cache
}

// prefixLen is how much of an action ID the go command's build IDs
// carry (20 base64 characters).
const prefixLen = 15

// graphAction is one action of -debug-actiongraph output.
type graphAction struct {
	Mode     string
	Package  string
	ActionID string
}

// Attribute plans the build of patterns for p in dir and returns the
// entries of c it uses. Nothing is downloaded (GOPROXY=off): a module
// missing from the module cache is an error.
func Attribute(ctx context.Context, c *Cache, dir string, patterns []string, p Platform) (*Plan, error) {
	tmp, err := os.CreateTemp("", "goremover-actiongraph-*.json")
	if err != nil {
		return nil, err
	}
	tmp.Close()
	defer os.Remove(tmp.Name())
	// -buildvcs=false: stamping asks git about the repository, and git
	// can be made to run commands by a repository's own configuration.
	// A main package's compile hashes that stamp, so where the user's
	// builds stamp, main packages are not attributed (left alone).
	args := append([]string{"build", "-n", "-buildvcs=false", "-debug-actiongraph=" + tmp.Name()}, patterns...)
	// goindex=0: the go command would otherwise store its index of
	// the packages it loads in the cache, a write.
	godebug := "goindex=0"
	if v := os.Getenv("GODEBUG"); v != "" {
		godebug = v + "," + godebug
	}
	env := gocmd.Env("GOOS="+p.GOOS, "GOARCH="+p.GOARCH, "GOCACHE="+c.Dir, "GOPROXY=off", "GODEBUG="+godebug)
	start := time.Now()
	cmd := gocmd.Command(ctx, dir, env, args...)
	out, err := cmd.CombinedOutput()
	data, _ := os.ReadFile(tmp.Name())
	plan := &Plan{Platform: p, Actions: map[ID]bool{}}
	// Put the times back even after a failure: lookups happened.
	defer restoreTimes(c, plan, start)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, fmt.Errorf("cannot attribute build cache entries to %s: go build -n: %s", p, firstLines(string(out), err))
	}
	var graph []graphAction
	if err := json.Unmarshal(data, &graph); err != nil {
		return nil, fmt.Errorf("cannot attribute build cache entries to %s: reading the go command's action graph: %v", p, err)
	}
	byPrefix := map[[prefixLen]byte]*Action{}
	for _, a := range c.Actions {
		byPrefix[[prefixLen]byte(a.ID[:prefixLen])] = a
	}
	seen := map[string]bool{}
	for _, g := range graph {
		if g.ActionID == "" {
			continue
		}
		raw, err := base64.RawURLEncoding.DecodeString(g.ActionID)
		if err != nil || len(raw) != prefixLen {
			continue
		}
		a := byPrefix[[prefixLen]byte(raw)]
		if a != nil {
			plan.Actions[a.ID] = true
			// What the compiler or linker printed is kept under
			// subkeys of the action's ID.
			for _, key := range []string{"stdout", "link-stdout"} {
				if s := c.Actions[subkey(a.ID, key)]; s != nil {
					plan.Actions[s.ID] = true
				}
			}
		}
		if g.Mode == "build" && g.Package != "" && !seen[g.Package] {
			seen[g.Package] = true
			plan.Compiles = append(plan.Compiles, Compile{Package: g.Package, Action: a})
		}
	}
	sort.Slice(plan.Compiles, func(i, j int) bool { return plan.Compiles[i].Package < plan.Compiles[j].Package })
	return plan, nil
}

// subkey is the go command's derived action ID for extra data of an
// action (cache.Subkey).
func subkey(parent ID, desc string) ID {
	h := sha256.New()
	h.Write([]byte("subkey:"))
	h.Write(parent[:])
	h.Write([]byte(desc))
	var id ID
	h.Sum(id[:0])
	return id
}

// restoreTimes sets back the mtime of every entry of plan that changed
// since start: the go command's lookups, not uses.
func restoreTimes(c *Cache, plan *Plan, start time.Time) {
	for id := range plan.Actions {
		a := c.Actions[id]
		restoreTime(filepath.Join(c.Dir, id.String()[:2], id.String()+"-a"), a.Time, start)
		if o := c.Outputs[a.Out]; a.OK && o != nil {
			restoreTime(filepath.Join(c.Dir, o.ID.String()[:2], o.ID.String()+"-d"), o.Time, start)
		}
	}
}

func restoreTime(path string, was, start time.Time) {
	info, err := os.Lstat(path)
	if err != nil || info.ModTime().Equal(was) || info.ModTime().Before(start) {
		return
	}
	os.Chtimes(path, time.Time{}, was)
}

// firstLines returns the go command's message, or err if it printed none.
func firstLines(out string, err error) string {
	lines := strings.Split(strings.TrimSpace(out), "\n")
	var keep []string
	for _, l := range lines {
		// -n prints the commands it would run: not the error.
		if strings.HasPrefix(l, "go: ") || strings.Contains(l, ": ") && !strings.HasPrefix(l, "#") && !strings.HasPrefix(l, "mkdir") && !strings.HasPrefix(l, "cat ") {
			keep = append(keep, l)
		}
		if len(keep) == 5 {
			break
		}
	}
	if len(keep) == 0 {
		return err.Error()
	}
	return strings.Join(keep, "\n\t")
}
