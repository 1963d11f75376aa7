package cli

import (
	"flag"
	"strings"

	"github.com/goremover/goremover/internal/buildcfg"
	"github.com/goremover/goremover/internal/load"
	"github.com/goremover/goremover/internal/session"
)

// buildFlagsDoc documents the flags of addBuildFlags (but -json), for
// the help of every command that has them.
const buildFlagsDoc = `
The -tags flag sets build tags in every configuration; the -platforms
flag limits the GOOS/GOARCH pairs analysed (default: every platform that
a build constraint of the working set names, plus the host), as in
-platforms linux/amd64,windows/*.

The -v flag prints what is loaded (packages, how many came from the
index cache, the configurations checked) and every warning in full.

The -C flag runs as if goremover were started in the named directory.
`

// buildFlags are the flags every command that loads code shares.
type buildFlags struct {
	dir       string
	json      bool
	tags      string
	platforms string
	verbose   bool
}

func addBuildFlags(fs *flag.FlagSet, f *buildFlags) {
	fs.StringVar(&f.dir, "C", "", "run as if goremover were started in `dir`")
	fs.BoolVar(&f.json, "json", false, "print JSON")
	fs.StringVar(&f.tags, "tags", "", "comma-separated build `tags` true in every configuration")
	fs.StringVar(&f.platforms, "platforms", "", "comma-separated GOOS/GOARCH `list` to analyse (default: every platform a build constraint names, plus the host)")
	fs.BoolVar(&f.verbose, "v", false, "print what is loaded, and warnings in full")
}

// cwd returns the directory to run in.
func (f *buildFlags) cwd() (string, error) {
	return workDir(f.dir)
}

// workDir returns dir (default: the current directory) as an absolute
// path with no symbolic link in it, as the go command reports paths.
func workDir(dir string) (string, error) { return session.WorkDir(dir) }

// sessionOptions turns the flags into session options.
func (f *buildFlags) sessionOptions() (*session.Options, error) {
	opts := &session.Options{Dir: f.dir, Say: say, Verbose: f.verbose}
	if f.tags != "" {
		for _, t := range strings.Split(f.tags, ",") {
			if t = strings.TrimSpace(t); t != "" {
				opts.Tags = append(opts.Tags, t)
			}
		}
	}
	if f.platforms != "" {
		ps, err := buildcfg.ParsePlatforms(f.platforms)
		if err != nil {
			return nil, &load.Error{Msg: "-platforms: " + err.Error()}
		}
		opts.Platforms = ps
	}
	return opts, nil
}
