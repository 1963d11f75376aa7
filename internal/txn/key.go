// This file holds the per-user key that authenticates snapshots and
// journals. .goremover/ lives in the tree, and the tree may come from a
// stranger (a clone, an archive, a pull request checked out in CI): a
// planted journal must not make goremover write anything. Every record
// and journal line goremover writes carries an HMAC-SHA256 under a key
// that only the user can read, kept outside every tree:
//
//	$XDG_CONFIG_HOME/goremover/snapshot-key   (os.UserConfigDir), 0600, 32 random bytes
//
// A record whose MAC does not verify was not written by goremover for
// this user: it is reported and left alone.

package txn

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"syscall"
)

const keySize = 32

var (
	keyMu    sync.Mutex
	keyCache = map[string][]byte{} // key file path -> key
)

// userKey returns the user's snapshot key, creating it on first use.
func userKey() ([]byte, error) {
	cfg, err := os.UserConfigDir()
	if err != nil {
		return nil, &KeyError{Err: err}
	}
	dir := filepath.Join(cfg, "goremover")
	p := filepath.Join(dir, "snapshot-key")
	keyMu.Lock()
	defer keyMu.Unlock()
	if k, ok := keyCache[p]; ok {
		return k, nil
	}
	for range 3 {
		k, err := readKey(p)
		if err == nil {
			keyCache[p] = k
			return k, nil
		}
		if !errors.Is(err, fs.ErrNotExist) {
			return nil, &KeyError{Path: p, Err: err}
		}
		if err := createKey(dir, p); err != nil && !errors.Is(err, fs.ErrExist) {
			return nil, &KeyError{Path: p, Err: err}
		}
	}
	return nil, &KeyError{Path: p, Err: errors.New("created but cannot be read back")}
}

// readKey reads the key file, which must be a regular file of the user's
// that nobody else can read or write.
func readKey(p string) ([]byte, error) {
	f, err := os.OpenFile(p, os.O_RDONLY|syscall.O_NOFOLLOW, 0)
	if err != nil {
		if errors.Is(err, syscall.ELOOP) {
			return nil, errors.New("is a symbolic link")
		}
		return nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, errors.New("not a regular file")
	}
	if uid, ok := owner(fi); ok && uid != os.Geteuid() {
		return nil, fmt.Errorf("owned by uid %d, not by you", uid)
	}
	if fi.Mode().Perm()&0o077 != 0 {
		return nil, fmt.Errorf("mode %v lets others read or write it; to keep it:\n\tchmod 600 %s", fi.Mode().Perm(), p)
	}
	k := make([]byte, keySize+1)
	n, err := io.ReadFull(f, k)
	if n != keySize || !errors.Is(err, io.ErrUnexpectedEOF) {
		return nil, fmt.Errorf("not %d bytes", keySize)
	}
	return k[:keySize], nil
}

// createKey writes a new key to a temp file and links it into place, so
// that two processes creating it at once agree on one key.
func createKey(dir, p string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	k := make([]byte, keySize)
	if _, err := rand.Read(k); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(dir, ".snapshot-key-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	_, err = tmp.Write(k)
	if err == nil {
		err = tmp.Chmod(0o600)
	}
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	return os.Link(tmp.Name(), p)
}

// mac returns the hex HMAC-SHA256 of the parts under key, each part
// followed by a NUL so that parts cannot run into each other.
func mac(key []byte, parts ...string) string {
	h := hmac.New(sha256.New, key)
	for _, p := range parts {
		io.WriteString(h, p)
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil))
}

// macEqual reports whether the hex MACs a and b are equal, in constant
// time.
func macEqual(a, b string) bool {
	return hmac.Equal([]byte(a), []byte(b))
}
