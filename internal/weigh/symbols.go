package weigh

// This file attributes the bytes of a binary to packages: the sizes of
// its symbols, as go tool nm -size reads them from any executable format
// (ELF, Mach-O, PE), each symbol charged to the package its name
// starts with, the way goweight and go-size-analyzer do. Every byte goes
// somewhere: symbols that name no package are charged to "" (the
// linker's own data: go:buildinfo, runtime tables, DWARF-less strings).

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/goremover/goremover/internal/gocmd"
)

// Symbols are the symbol bytes of one binary, by package.
type Symbols struct {
	Name  string           // the command's import path, or the file
	Total int64            // every symbol's bytes
	ByPkg map[string]int64 // by package import path; "" for the rest
}

// ReadSymbols reads the symbols of the executable file with go tool nm.
func ReadSymbols(ctx context.Context, dir, name, file string) (*Symbols, error) {
	cmd := gocmd.Command(ctx, dir, gocmd.Env(), "tool", "nm", "-size", "-sort", "address", file)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("go tool nm %s: %s", file, firstLine(stderr.String(), err))
	}
	return ParseNM(name, stdout.Bytes())
}

func firstLine(s string, err error) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return err.Error()
	}
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	return s
}

// ParseNM parses go tool nm -size output: "address size type name".
// Undefined symbols (U) have no bytes in the binary.
func ParseNM(name string, out []byte) (*Symbols, error) {
	s := &Symbols{Name: name, ByPkg: map[string]int64{}}
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) < 4 {
			continue
		}
		size, err := strconv.ParseInt(f[1], 10, 64)
		if err != nil || f[2] == "U" {
			continue
		}
		sym := strings.Join(f[3:], " ")
		s.Total += size
		s.ByPkg[SymbolPackage(sym)] += size
	}
	return s, sc.Err()
}

// SymbolPackage returns the import path of the package a symbol belongs
// to, "" if its name names none: "github.com/a/b.(*T).M" and
// "type:*github.com/a/b.T" belong to github.com/a/b, "gopkg.in/yaml%2ev3.Marshal"
// to gopkg.in/yaml.v3 (the linker escapes dots in the last element).
func SymbolPackage(sym string) string {
	for _, prefix := range []string{"type:", "go:itab.", "go:info.", "go:cuinfo.", "go:string.", "gclocals·"} {
		sym = strings.TrimPrefix(sym, prefix)
	}
	sym = strings.TrimLeft(sym, "*.[]")
	for _, p := range []string{"eq.", "hash.", "map.", "noalg."} {
		sym = strings.TrimPrefix(sym, p)
	}
	sym = strings.TrimLeft(sym, "*.[]0123456789")
	if cut := strings.IndexAny(sym, "([{ ;,"); cut >= 0 {
		sym = sym[:cut]
	}
	slash := strings.LastIndexByte(sym, '/')
	dot := strings.IndexByte(sym[slash+1:], '.')
	if dot < 0 {
		return ""
	}
	pkg := sym[:slash+1+dot]
	if pkg == "" || strings.ContainsAny(pkg, ":·") {
		return ""
	}
	return strings.ReplaceAll(pkg, "%2e", ".")
}
