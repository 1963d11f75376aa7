// Package buildcache reads and trims the go command's build cache
// (GOCACHE) the way the go command itself does, so that a go command
// running at the same time never sees a broken cache.
//
// The cache has 256 subdirectories, 00 to ff. In each, an action entry
// "<action ID>-a" is one line naming the output ("<output ID>-d", a file,
// or a directory holding one cached executable) that running the action
// produced, with its size. Outputs are content-addressed: two actions
// with the same result share one output. The go command takes no lock
// on entries: a missing or malformed action entry, or an output that is
// missing or has the wrong size, is a miss, and the action runs again.
// Using an entry sets its mtime, at most once an hour (so the mtime is
// the last use, give or take an hour), and the go command's own trim
// deletes entries unused for five days.
//
// goremover deletes by the same rules, and more carefully:
//
//  1. An entry whose mtime is less than an hour old may be in use by a
//     running go command, which does not touch it again before using it:
//     it is kept. An older entry that a go command uses gets a new mtime
//     before the go command reads it; so each file is stat'ed again just
//     before it is removed, and kept if its mtime changed since the scan.
//  2. Action entries go first, then the outputs that no remaining action
//     entry names: an output shared with a kept action stays, and an
//     action entry never names a deleted output for longer than the
//     moment between the two removals (a miss, if read then).
//  3. Only names of the cache's own form ("<64 hex>-a" or "-d" in the
//     subdirectory named by their first byte) are ever removed, through an
//     os.Root opened at the cache, after the cache was recognised by the
//     README the go command writes there.
package buildcache

import (
	"bufio"
	"bytes"
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// ID is an action or output ID: a SHA-256.
type ID [32]byte

func (id ID) String() string { return hex.EncodeToString(id[:]) }

// Action is an action entry ("-a" file).
type Action struct {
	ID   ID
	Out  ID        // the output it names; zero if malformed
	OK   bool      // the entry parses as the go command reads it
	Size int64     // bytes of the entry file
	Time time.Time // mtime: the last use
}

// Output is an output ("-d" file, or directory for an executable).
type Output struct {
	ID   ID
	Size int64 // bytes, the files of a directory summed
	Time time.Time
	Dir  bool
	Refs int // action entries naming it
}

// Cache is what a scan found.
type Cache struct {
	Dir     string
	Actions map[ID]*Action
	Outputs map[ID]*Output
	// Other counts what is not an entry (README, trim.txt, fuzz/,
	// temporary files): never deleted.
	OtherFiles int
	OtherBytes int64
}

// Bytes returns the bytes of every entry.
func (c *Cache) Bytes() int64 {
	var n int64
	for _, a := range c.Actions {
		n += a.Size
	}
	for _, o := range c.Outputs {
		n += o.Size
	}
	return n
}

// readme is the first line of the README the go command writes into
// every build cache it creates.
const readme = "This directory holds cached build artifacts from the Go build system."

// NotCacheError says that a directory is not a go build cache.
type NotCacheError struct {
	Dir    string
	Reason string
}

func (e *NotCacheError) Error() string {
	return fmt.Sprintf("GOCACHE %s: %s; refusing to read or trim it", e.Dir, e.Reason)
}

// Check returns the cache directory dir with symbolic links resolved,
// or a *NotCacheError if dir is not a build cache the go command made.
func Check(dir string) (string, error) {
	switch {
	case dir == "" || dir == "off":
		return "", &NotCacheError{Dir: dir, Reason: "the build cache is disabled"}
	case !filepath.IsAbs(dir):
		return "", &NotCacheError{Dir: dir, Reason: "not an absolute path"}
	}
	real, err := filepath.EvalSymlinks(dir)
	if err != nil {
		return "", &NotCacheError{Dir: dir, Reason: "does not exist"}
	}
	f, err := os.Open(filepath.Join(real, "README"))
	if err != nil {
		return "", &NotCacheError{Dir: dir, Reason: "no README of the go command in it"}
	}
	defer f.Close()
	line, _ := bufio.NewReader(f).ReadString('\n')
	if string(bytes.TrimSpace([]byte(line))) != readme {
		return "", &NotCacheError{Dir: dir, Reason: "its README is not the go command's"}
	}
	return real, nil
}

// entryName parses "<64 hex>-a" or "-d" in subdirectory sub.
func entryName(sub, name string) (id ID, kind byte, ok bool) {
	if len(name) != 64+2 || name[64] != '-' || (name[65] != 'a' && name[65] != 'd') || name[:2] != sub {
		return id, 0, false
	}
	if _, err := hex.Decode(id[:], []byte(name[:64])); err != nil {
		return id, 0, false
	}
	// Upper-case hex would decode, but the go command never writes it.
	if hex.EncodeToString(id[:]) != name[:64] {
		return id, 0, false
	}
	return id, name[65], true
}

// entrySize is the length of an action entry:
// "v1 <hex id> <hex out> <size, 20 wide> <unixnano, 20 wide>\n".
const entrySize = 2 + 1 + 64 + 1 + 64 + 1 + 20 + 1 + 20 + 1

// parseAction reads an action entry as the go command does; ok is false
// where the go command would see a miss.
func parseAction(id ID, data []byte) (out ID, ok bool) {
	if len(data) != entrySize || string(data[:3]) != "v1 " || data[3+64] != ' ' || data[3+64+1+64] != ' ' || data[3+64+1+64+1+20] != ' ' || data[entrySize-1] != '\n' {
		return out, false
	}
	var got ID
	if _, err := hex.Decode(got[:], data[3:3+64]); err != nil || got != id {
		return out, false
	}
	if _, err := hex.Decode(out[:], data[3+64+1:3+64+1+64]); err != nil {
		return ID{}, false
	}
	for _, f := range [][]byte{data[3+64+1+64+1 : 3+64+1+64+1+20], data[3+64+1+64+1+20+1 : entrySize-1]} {
		if n, err := strconv.ParseInt(string(bytes.TrimLeft(f, " ")), 10, 64); err != nil || n < 0 {
			return ID{}, false
		}
	}
	return out, true
}

// scanWorkers is how many subdirectories are read at once: the scan
// waits on the file system more than it computes, so more than the CPUs.
const scanWorkers = 16

// Scan reads every entry of the cache at dir (a directory Check
// accepted). It writes nothing and takes no lock: entries that come or go
// meanwhile are seen or not. progress, if not nil, is called as the 256
// subdirectories are done.
func Scan(ctx context.Context, dir string, progress func(done, total int)) (*Cache, error) {
	c := &Cache{Dir: dir, Actions: map[ID]*Action{}, Outputs: map[ID]*Output{}}
	top, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var subs []string
	for _, e := range top {
		if e.IsDir() && isLowerHex2(e.Name()) {
			subs = append(subs, e.Name())
			continue
		}
		n, size := treeSize(filepath.Join(dir, e.Name()))
		c.OtherFiles += n
		c.OtherBytes += size
	}
	var (
		mu   sync.Mutex
		done atomic.Int32
		wg   sync.WaitGroup
		work = make(chan string)
	)
	for range scanWorkers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for sub := range work {
				acts, outs, files, bytes := scanSub(filepath.Join(dir, sub), sub)
				mu.Lock()
				for _, a := range acts {
					c.Actions[a.ID] = a
				}
				for _, o := range outs {
					c.Outputs[o.ID] = o
				}
				c.OtherFiles += files
				c.OtherBytes += bytes
				mu.Unlock()
				if progress != nil {
					progress(int(done.Add(1)), len(subs))
				}
			}
		}()
	}
	for _, sub := range subs {
		if ctx.Err() != nil {
			break
		}
		work <- sub
	}
	close(work)
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	for _, a := range c.Actions {
		if o := c.Outputs[a.Out]; a.OK && o != nil {
			o.Refs++
		}
	}
	return c, nil
}

func isLowerHex2(s string) bool {
	for _, r := range s {
		if !('0' <= r && r <= '9' || 'a' <= r && r <= 'f') {
			return false
		}
	}
	return len(s) == 2
}

// scanSub reads one subdirectory.
func scanSub(path, sub string) (acts []*Action, outs []*Output, otherFiles int, otherBytes int64) {
	f, err := os.Open(path)
	if err != nil {
		return
	}
	ents, _ := f.ReadDir(-1)
	f.Close()
	buf := make([]byte, entrySize+1)
	for _, e := range ents {
		id, kind, ok := entryName(sub, e.Name())
		info, err := e.Info()
		if err != nil {
			continue // gone meanwhile
		}
		switch {
		case ok && kind == 'a' && info.Mode().IsRegular():
			a := &Action{ID: id, Size: info.Size(), Time: info.ModTime()}
			if n, err := readAll(filepath.Join(path, e.Name()), buf); err == nil {
				a.Out, a.OK = parseAction(id, buf[:n])
			}
			acts = append(acts, a)
		case ok && kind == 'd' && info.Mode().IsRegular():
			outs = append(outs, &Output{ID: id, Size: info.Size(), Time: info.ModTime()})
		case ok && kind == 'd' && info.IsDir():
			_, size := treeSize(filepath.Join(path, e.Name()))
			outs = append(outs, &Output{ID: id, Size: size, Time: info.ModTime(), Dir: true})
		default:
			n, size := treeSize(filepath.Join(path, e.Name()))
			otherFiles += n
			otherBytes += size
		}
	}
	return
}

// readAll reads up to len(buf) bytes of the file name.
func readAll(name string, buf []byte) (int, error) {
	f, err := os.Open(name)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	n, err := io.ReadFull(f, buf)
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		err = nil
	}
	return n, err
}

// treeSize returns the number of files under path and their bytes.
func treeSize(path string) (files int, size int64) {
	filepath.WalkDir(path, func(_ string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			if info, err := d.Info(); err == nil {
				files++
				size += info.Size()
			}
		}
		return nil
	})
	return
}
