// This file finds the directory a command runs in, which the positions
// of its messages are made relative to (session.RelMessage).

package cli

// commandDir returns the directory cmd runs in: its -C flag's, or the
// current directory. It is "" if that cannot be known.
func commandDir(cmd *Command) string {
	dir := ""
	if f := cmd.Flag.Lookup("C"); f != nil {
		dir = f.Value.String()
	}
	d, err := workDir(dir)
	if err != nil {
		return ""
	}
	return d
}
