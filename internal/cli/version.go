package cli

import (
	"context"
	"fmt"
	"runtime"
	"runtime/debug"
)

var cmdVersion = &Command{
	UsageLine: "goremover version",
	Short:     "print goremover version",
	Long: `
Version prints the goremover version, as recorded in its build
information, and the Go version that built it.
`,
}

func init() {
	cmdVersion.Run = runVersion
	commands = append(commands, cmdVersion)
}

func runVersion(ctx context.Context, cmd *Command, args []string) error {
	if len(args) > 0 {
		return &UsageError{Cmd: cmd, Msg: "no arguments allowed"}
	}
	v := "(devel)"
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" {
		v = bi.Main.Version
	}
	fmt.Fprintf(Stdout, "goremover %s %s %s/%s\n", v, runtime.Version(), runtime.GOOS, runtime.GOARCH)
	return nil
}
