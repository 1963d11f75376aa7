package load

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/goremover/goremover/internal/gocmd"
)

// goEnv returns the values of the named go env variables, in order.
func goEnv(ctx context.Context, dir string, env []string, names ...string) ([]string, error) {
	cmd := gocmd.Command(ctx, dir, gocmd.Env(env...), append([]string{"env"}, names...)...)
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

func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}
