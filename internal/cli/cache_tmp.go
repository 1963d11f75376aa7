package cli

// Temporary: the cache command's dispatch to build and index, until the
// cache command itself is merged. Delete this file then.

import "context"

var cmdCacheTmp = &Command{
	UsageLine: "goremover cache build|index [flags]",
	Short:     "report and trim the go build cache and goremover's index cache",
	Long:      cacheBuildHelp + cacheIndexHelp,
}

func init() {
	cmdCacheTmp.Run = func(ctx context.Context, cmd *Command, args []string) error {
		if len(args) > 0 && args[0] == "build" {
			return runCacheBuild(ctx, cmd, args[1:])
		}
		if len(args) > 0 && args[0] == "index" {
			return runCacheIndex(ctx, cmd, args[1:])
		}
		return &UsageError{Cmd: cmd, Msg: "unknown cache subcommand"}
	}
	commands = append(commands, cmdCacheTmp)
}
