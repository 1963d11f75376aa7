package cli

import (
	"flag"
	"regexp"
	"testing"
)

// TestFlagsDocumented checks that every flag a command registers is
// named in its usage line or its help text, so that the help (and the
// documentation generated from it) never misses one.
func TestFlagsDocumented(t *testing.T) {
	for _, c := range commands {
		c.Flag.VisitAll(func(f *flag.Flag) {
			re := regexp.MustCompile(`(^|[\s\[(,'"])-` + regexp.QuoteMeta(f.Name) + `\b`)
			if !re.MatchString(c.UsageLine) && !re.MatchString(c.Long) {
				t.Errorf("goremover %s: flag -%s is not documented in its usage line or help", c.Name(), f.Name)
			}
		})
	}
}
