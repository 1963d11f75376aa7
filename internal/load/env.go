package load

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"

	"github.com/goremover/goremover/internal/gocmd"
)

// goCommand returns the go command with args, run in dir with the
// environment of every go command that load runs (see package gocmd),
// plus env.
func goCommand(ctx context.Context, dir string, env []string, args ...string) *exec.Cmd {
	return gocmd.Command(ctx, dir, gocmd.Env(env...), args...)
}

// goEnv returns the values of the named go env variables, in order.
func goEnv(ctx context.Context, dir string, env []string, names ...string) ([]string, error) {
	cmd := goCommand(ctx, dir, env, append([]string{"env"}, names...)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, &Error{Msg: fmt.Sprintf("go env: %s", firstLine(strings.TrimSpace(stderr.String()+" "+err.Error())))}
	}
	lines := strings.Split(strings.TrimRight(string(out), "\n"), "\n")
	if len(lines) != len(names) {
		return nil, &Error{Msg: "go env: unexpected output"}
	}
	return lines, nil
}

// goListFailure runs go list on patterns, as go/packages would but
// without building anything, and returns the go command's whole message
// as an *Error if it fails; nil if it succeeds. go/packages drops that
// message when it wants export data (it returns no package and no
// error), so a load that lost packages asks again to say why.
func goListFailure(ctx context.Context, dir string, opts *Options, patterns []string) error {
	args := []string{"list", "-e", "-test", "-json=ImportPath"}
	if len(opts.Tags) > 0 {
		args = append(args, "-tags="+strings.Join(opts.Tags, ","))
	}
	args = append(args, "--")
	cmd := goCommand(ctx, dir, opts.Env, append(args, patterns...)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		msg := stderr.String()
		if strings.TrimSpace(msg) == "" {
			msg = err.Error()
		}
		return goMessage("go list", msg)
	}
	return nil
}

// goMessage returns the go command's message as an *Error: its first line
// after what, the others indented, nothing cut.
func goMessage(what, msg string) *Error {
	var lines []string
	for _, l := range strings.Split(strings.TrimRight(msg, "\n"), "\n") {
		if strings.HasPrefix(l, "go: downloading ") {
			continue
		}
		lines = append(lines, l)
	}
	for len(lines) > 0 && strings.TrimSpace(lines[0]) == "" {
		lines = lines[1:]
	}
	if len(lines) == 0 {
		return &Error{Msg: what + " failed"}
	}
	for i := 1; i < len(lines); i++ {
		if lines[i] != "" {
			lines[i] = "\t" + lines[i]
		}
	}
	return &Error{Msg: what + ": " + strings.Join(lines, "\n")}
}

// packagesError returns go/packages' error for a go command that failed
// ("err: exit status 1: stderr: go: ...") as an *Error with the go
// command's whole message.
func packagesError(err error) *Error {
	s := err.Error()
	if _, stderr, ok := strings.Cut(s, ": stderr: "); ok && strings.HasPrefix(s, "err: ") {
		return goMessage("go list", stderr)
	}
	return goMessage("go list", s)
}

func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}
