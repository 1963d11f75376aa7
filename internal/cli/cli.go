// Package cli implements goremover's command line: the Command type, one
// file per command, help, and the mapping of errors to exit codes
// (0 done or safe, 1 blocked, 2 bad usage or input, or goremover failed).
package cli

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"sync/atomic"
	"syscall"
	"text/template"

	"github.com/goremover/goremover/internal/progress"
	"github.com/goremover/goremover/internal/session"
)

// A Command is a goremover subcommand, documented in the style of the go
// command's.
type Command struct {
	UsageLine string // "goremover impact [flags] target..."
	Short     string // lowercase verb phrase, no period
	Long      string
	Flag      flag.FlagSet
	Run       func(ctx context.Context, cmd *Command, args []string) error
	// Commands are the subcommands ("goremover arch check"), named by
	// the third word of their UsageLine. Their Name is the command's,
	// whose Long documents them all.
	Commands []*Command
}

// Name returns the command's name: the second word of UsageLine.
func (c *Command) Name() string {
	f := strings.Fields(c.UsageLine)
	if len(f) < 2 {
		return ""
	}
	return f[1]
}

// commands lists goremover's commands, in help order.
var commands []*Command

// Exit statuses.
const (
	exitOK      = 0
	exitBlocked = 1
	exitError   = 2
)

// UsageError is a command-line usage error: exit 2 with the usage line.
type UsageError struct {
	Cmd *Command
	Msg string
}

func (e *UsageError) Error() string { return e.Msg }

// Stdout and Stderr are where commands write; tests may replace them.
var (
	Stdout io.Writer = os.Stdout
	Stderr io.Writer = os.Stderr
)

// Main runs goremover with the given arguments and returns the exit
// status.
//
// SIGINT, SIGTERM and SIGHUP cancel the command's context, with the
// signal as its cause: a command that is writing or verifying rolls back
// before it returns (SPEC, safety contract 9), and goremover then exits
// 128+the signal's number (130, 143, 129), like a shell. Further signals
// are caught, not fatal, so that the rollback finishes. A command that
// completed (exit 0) before it saw the signal keeps its result.
func Main(args []string) int {
	ctx, cancel := context.WithCancelCause(context.Background())
	defer cancel(nil)
	sigc := make(chan os.Signal, 1)
	signal.Notify(sigc, os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	defer signal.Stop(sigc)
	var caught atomic.Pointer[SignalError]
	done := make(chan struct{})
	defer close(done)
	go func() {
		select {
		case s := <-sigc:
			e := &SignalError{Signal: s}
			caught.Store(e)
			cancel(e)
		case <-done:
		}
	}()
	code := main1(ctx, args)
	if e := caught.Load(); e != nil && code != exitOK {
		if n, ok := e.Signal.(syscall.Signal); ok {
			return 128 + int(n)
		}
	}
	return code
}

// SignalError is the cause of a command's context when a signal stopped
// it.
type SignalError struct{ Signal os.Signal }

func (e *SignalError) Error() string {
	name := e.Signal.String()
	if n, ok := e.Signal.(syscall.Signal); ok {
		switch n {
		case syscall.SIGINT:
			name = "SIGINT"
		case syscall.SIGTERM:
			name = "SIGTERM"
		case syscall.SIGHUP:
			name = "SIGHUP"
		}
	}
	return "interrupted by " + name
}

func main1(ctx context.Context, args []string) int {
	// -C dir before the command, as with the go command.
	for len(args) > 0 && (args[0] == "-C" || args[0] == "--C" || strings.HasPrefix(args[0], "-C=") || strings.HasPrefix(args[0], "--C=")) {
		dir, rest := "", args[1:]
		if _, v, ok := strings.Cut(args[0], "="); ok {
			dir = v
		} else if len(rest) > 0 {
			dir, rest = rest[0], rest[1:]
		} else {
			fmt.Fprintf(Stderr, "goremover: -C requires a directory\n")
			return exitError
		}
		if err := os.Chdir(dir); err != nil {
			fmt.Fprintf(Stderr, "goremover: -C %s: %v\n", dir, errors.Unwrap(err))
			return exitError
		}
		args = rest
	}
	if len(args) == 0 {
		printUsage(Stderr)
		return exitError
	}
	name := args[0]
	switch name {
	case "-h", "-help", "--help", "help":
		return runHelp(args[1:])
	case "-version", "--version":
		name = "version"
	}
	for _, cmd := range commands {
		if cmd.Name() != name {
			continue
		}
		if sub := subcommand(cmd, args[1:]); sub != nil {
			cmd, args = sub, args[1:]
		}
		cmd.Flag.Usage = func() {
			fmt.Fprintf(Stderr, "usage: %s\nRun 'goremover help %s' for details.\n", cmd.UsageLine, cmd.Name())
		}
		cmd.Flag.SetOutput(Stderr)
		if err := cmd.Flag.Parse(args[1:]); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return exitOK
			}
			return exitError
		}
		if err := lateFlags(cmd, args[1:]); err != nil {
			return exitCode(ctx, cmd, err)
		}
		// Progress on stderr: a status line on a terminal, log lines
		// with -v, else nothing. Output erases the status line first.
		verbose := false
		if f := cmd.Flag.Lookup("v"); f != nil {
			verbose = f.Value.String() == "true"
		}
		mode := progress.Off
		if Stderr == io.Writer(os.Stderr) {
			mode = progress.ModeFor(os.Stderr, verbose)
		} else if verbose {
			mode = progress.Log
		}
		rep := progress.New(Stderr, mode)
		stdout, stderr := Stdout, Stderr
		Stdout, Stderr = rep.Writer(stdout), rep.Writer(stderr)
		defer func() { Stdout, Stderr = stdout, stderr }()
		err := cmd.Run(progress.With(ctx, rep), cmd, cmd.Flag.Args())
		rep.Clear()
		return exitCode(ctx, cmd, err)
	}
	fmt.Fprintf(Stderr, "goremover %s: unknown command\nRun 'goremover help' for usage.\n", name)
	return exitError
}

// subcommand returns the subcommand of cmd that args start with, or nil.
func subcommand(cmd *Command, args []string) *Command {
	if len(args) == 0 {
		return nil
	}
	for _, sub := range cmd.Commands {
		if f := strings.Fields(sub.UsageLine); len(f) > 2 && f[2] == args[0] {
			return sub
		}
	}
	return nil
}

// lateFlags returns a usage error if a flag follows the first argument
// that is not one: the flag package stops there, and would take
// "impact ./x.F -json" for two targets. No target starts with a dash;
// arguments after "--" are not flags.
func lateFlags(cmd *Command, args []string) error {
	rest := cmd.Flag.Args()
	if n := len(args) - len(rest); n > 0 && args[n-1] == "--" {
		return nil
	}
	var late []string
	for _, a := range rest {
		if len(a) > 1 && a[0] == '-' {
			late = append(late, a)
		}
	}
	if len(late) == 0 {
		return nil
	}
	what := "arguments"
	if strings.HasSuffix(cmd.UsageLine, "target...") {
		what = "targets"
	}
	return &UsageError{Cmd: cmd, Msg: fmt.Sprintf("flags must come before %s: %s", what, strings.Join(late, " "))}
}

// exitCode prints err, if any, and maps it to an exit status.
func exitCode(ctx context.Context, cmd *Command, err error) int {
	if err == nil {
		return exitOK
	}
	var blocked *BlockedError
	if errors.As(err, &blocked) {
		for _, l := range blocked.Lines {
			fmt.Fprintf(Stderr, "\t%s\n", l)
		}
		if blocked.Msg != "" {
			fmt.Fprintf(Stderr, "goremover: %s\n", blocked.Msg)
		}
		return exitBlocked
	}
	var usage *UsageError
	if errors.As(err, &usage) {
		fmt.Fprintf(Stderr, "goremover %s: %s\nusage: %s\nRun 'goremover help %s' for details.\n", cmd.Name(), usage.Msg, cmd.UsageLine, cmd.Name())
		return exitError
	}
	var sig *SignalError
	if (errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)) && !errors.As(err, &sig) {
		// The go command or a check stopped because of the signal: say
		// that, not how it stopped.
		if cause := context.Cause(ctx); cause != nil {
			err = cause
		}
	}
	// A load or syntax error starts with the position of the file the
	// go command named: make it relative, as the go command would.
	fmt.Fprintf(Stderr, "goremover: %s\n", session.RelMessage(commandDir(cmd), err.Error()))
	return exitError
}

var usageTemplate = `Goremover removes Go code and dependencies safely.

Usage:

	goremover <command> [arguments]

The commands are:
{{range .Commands}}
	{{.Name | printf "%-11s"}} {{.Short}}{{end}}

Use "goremover help <command>" for more information about a command.

Additional help topics:
{{range .Topics}}
	{{.Name | printf "%-11s"}} {{.Short}}{{end}}

Use "goremover help <topic>" for more information about that topic.
`

// commandOrder is the order of 'goremover help', as in the SPEC.
var commandOrder = []string{"impact", "why", "weigh", "drift", "rm", "dead", "prune", "doctor", "cache", "arch", "graph", "history", "rollback", "version"}

func printUsage(w io.Writer) {
	var buf bytes.Buffer
	tmpl := template.Must(template.New("usage").Parse(usageTemplate))
	// The doctor rules are topics of their own (goremover help GR101),
	// listed by 'goremover help rules'.
	var shown []*Command
	for _, t := range topics {
		if !isRule(t.Name()) {
			shown = append(shown, t)
		}
	}
	tmpl.Execute(&buf, struct {
		Commands []*Command
		Topics   []*Command
	}{sortedCommands(), shown})
	w.Write(buf.Bytes())
}

// isRule reports whether name is a rule ID: GR and digits.
func isRule(name string) bool {
	rest, ok := strings.CutPrefix(name, "GR")
	if !ok || rest == "" {
		return false
	}
	for _, c := range rest {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

func runHelp(args []string) int {
	if len(args) == 0 {
		printUsage(Stdout)
		return exitOK
	}
	if len(args) > 1 {
		fmt.Fprintf(Stderr, "usage: goremover help command\n\nToo many arguments given.\n")
		return exitError
	}
	for _, c := range append(append([]*Command{}, commands...), topics...) {
		if c.Name() == args[0] {
			if c.Run != nil {
				fmt.Fprintf(Stdout, "usage: %s\n", c.UsageLine)
			}
			fmt.Fprintf(Stdout, "%s\n", strings.TrimSpace(c.Long))
			return exitOK
		}
	}
	fmt.Fprintf(Stderr, "goremover help %s: unknown help topic. Run 'goremover help'.\n", args[0])
	return exitError
}
