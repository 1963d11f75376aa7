package txn

import (
	"io/fs"
	"os"
	"sync"
	"syscall"
	"time"
)

// This file counts the writes of Apply, Recover and Restore for Faults,
// which tests use to stop them at every write.

var (
	faultMu sync.Mutex
	faults  Faults
	writes  int
)

// SetFaults sets the faults for the following calls.
func SetFaults(f Faults) {
	faultMu.Lock()
	faults = f
	faultMu.Unlock()
}

// Writes returns the number of writes the last Apply, Recover or Restore
// made (or attempted), the range of k for Faults.
func Writes() int {
	faultMu.Lock()
	defer faultMu.Unlock()
	return writes
}

func resetWrites() {
	faultMu.Lock()
	writes = 0
	faultMu.Unlock()
}

// step makes one write to disk, fn, counting it for Faults.
func step(fn func() error) error {
	faultMu.Lock()
	writes++
	n, f := writes, faults
	faultMu.Unlock()
	if f.FailAfter == n {
		err := f.FailErr
		if err == nil {
			err = syscall.ENOSPC
		}
		return &fs.PathError{Op: "write", Path: "(injected)", Err: err}
	}
	err := fn()
	if f.CrashAfter == n {
		syscall.Kill(os.Getpid(), syscall.SIGKILL)
		select {}
	}
	if f.SignalAfter == n && f.Signal != nil {
		if p, perr := os.FindProcess(os.Getpid()); perr == nil {
			p.Signal(f.Signal)
		}
		// Let the signal handler see it before the next write, as it
		// would if the signal had come a moment earlier.
		time.Sleep(100 * time.Millisecond)
	}
	return err
}
