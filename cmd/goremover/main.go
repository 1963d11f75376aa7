package main

import (
	"os"

	"github.com/goremover/goremover/internal/cli"
)

func main() { os.Exit(cli.Main(os.Args[1:])) }
