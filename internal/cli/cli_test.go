package cli

import (
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"testing"
)

// allCommands returns the commands and their subcommands, each with the
// command whose Long documents it.
func allCommands() (cmds, docs []*Command) {
	for _, c := range commands {
		cmds, docs = append(cmds, c), append(docs, c)
		for _, sub := range c.Commands {
			cmds, docs = append(cmds, sub), append(docs, c)
		}
	}
	return cmds, docs
}

// resetFlags sets every flag back to its default: flags are package
// state, and tests run Main many times in one process.
func resetFlags() {
	cmds, _ := allCommands()
	for _, c := range cmds {
		c.Flag.VisitAll(func(f *flag.Flag) { f.Value.Set(f.DefValue) })
	}
}

// writeFiles writes files (slash-separated names) under dir.
func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, src := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// TestFlagsDocumented checks that every flag a command registers is
// named in its usage line or its help text, so that the help (and the
// documentation generated from it) never misses one.
func TestFlagsDocumented(t *testing.T) {
	cmds, docs := allCommands()
	for i, c := range cmds {
		c.Flag.VisitAll(func(f *flag.Flag) {
			re := regexp.MustCompile(`(^|[\s\[(,'"])-` + regexp.QuoteMeta(f.Name) + `\b`)
			if !re.MatchString(c.UsageLine) && !re.MatchString(docs[i].Long) {
				t.Errorf("goremover %s: flag -%s is not documented in its usage line or help", c.Name(), f.Name)
			}
		})
	}
}
