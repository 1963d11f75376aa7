package drift

// This file reads a baseline's files from git: git is not the go
// command, but it runs the same way, with a context and in its own
// process group, and only its read-only plumbing (rev-parse, cat-file)
// is used, so that nothing of the user's tree or repository changes and
// no filter or hook of the repository runs.

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// Error is bad input about the baseline (no git repository, an unknown
// ref, a go.mod at the baseline that does not parse, a module graph the
// module cache cannot give): exit status 2.
type Error struct{ Msg string }

func (e *Error) Error() string { return e.Msg }

// Repo is the git repository that holds the working set.
type Repo struct {
	Root string // absolute top-level directory
}

// git runs git with args in dir and returns its stdout. Repository
// settings that would run a program on a read (an fsmonitor) are off.
func git(ctx context.Context, dir string, args ...string) ([]byte, error) {
	args = append([]string{"-c", "core.fsmonitor=false", "--no-pager"}, args...)
	cmd := exec.CommandContext(ctx, "git", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GIT_TERMINAL_PROMPT=0", "GIT_OPTIONAL_LOCKS=0")
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = 5 * time.Second
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		var ee *exec.ExitError
		if !errors.As(err, &ee) {
			return nil, fmt.Errorf("git: %v", err) // no git on PATH
		}
		return nil, &gitError{stderr: strings.TrimSpace(stderr.String()), err: err}
	}
	return stdout.Bytes(), nil
}

type gitError struct {
	stderr string
	err    error
}

func (e *gitError) Error() string {
	if e.stderr != "" {
		line, _, _ := strings.Cut(e.stderr, "\n")
		return strings.TrimPrefix(line, "fatal: ")
	}
	return e.err.Error()
}

// OpenRepo returns the git repository that contains dir.
func OpenRepo(ctx context.Context, dir string) (*Repo, error) {
	out, err := git(ctx, dir, "rev-parse", "--show-toplevel")
	if err != nil {
		var ge *gitError
		if errors.As(err, &ge) {
			return nil, &Error{Msg: fmt.Sprintf("%s: not in a git repository; drift compares with a commit of the repository that holds the working set", dir)}
		}
		return nil, err
	}
	root := strings.TrimSpace(string(out))
	if r, err := filepath.EvalSymlinks(root); err == nil {
		root = r
	}
	return &Repo{Root: root}, nil
}

// Resolve returns the commit that ref names.
func (r *Repo) Resolve(ctx context.Context, ref string) (string, error) {
	if ref == "" || strings.HasPrefix(ref, "-") || strings.ContainsAny(ref, "\x00\n") {
		return "", &Error{Msg: fmt.Sprintf("-baseline %q: not a git revision", ref)}
	}
	out, err := git(ctx, r.Root, "rev-parse", "--verify", "--quiet", "--end-of-options", ref+"^{commit}")
	if err != nil {
		var ge *gitError
		if errors.As(err, &ge) {
			return "", &Error{Msg: fmt.Sprintf("-baseline %s: unknown revision in %s; list commits with:\n\tgit log --oneline", ref, r.Root)}
		}
		return "", err
	}
	return strings.TrimSpace(string(out)), nil
}

// Show returns the content of file rel (slash-separated, relative to
// the repository root) at commit, and false if the commit has no such
// file.
func (r *Repo) Show(ctx context.Context, commit, rel string) ([]byte, bool, error) {
	spec := commit + ":" + rel
	// cat-file -e says whether it exists without an error message to
	// parse; cat-file blob applies no textconv or filter.
	if _, err := git(ctx, r.Root, "cat-file", "-e", spec); err != nil {
		var ge *gitError
		if errors.As(err, &ge) {
			return nil, false, nil
		}
		return nil, false, err
	}
	out, err := git(ctx, r.Root, "cat-file", "blob", spec)
	if err != nil {
		return nil, false, fmt.Errorf("git cat-file blob %s: %v", spec, err)
	}
	return out, true, nil
}
