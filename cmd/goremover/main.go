// Command goremover removes Go code and dependencies safely.
//
// See 'goremover help' for the commands.
package main

import (
	"os"

	"github.com/goremover/goremover/internal/cli"
)

func main() { os.Exit(cli.Main(os.Args[1:])) }
