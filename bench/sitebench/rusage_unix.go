//go:build unix

package main

import (
	"os"
	"runtime"
	"syscall"
	"time"
)

// rusage returns a finished process's CPU time (user + system) and peak
// resident set size in KiB, from wait4's rusage.
func rusage(ps *os.ProcessState) (cpu time.Duration, maxRSS int64) {
	ru, ok := ps.SysUsage().(*syscall.Rusage)
	if !ok || ru == nil {
		return ps.UserTime() + ps.SystemTime(), -1
	}
	cpu = time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	maxRSS = int64(ru.Maxrss) // KiB on Linux and the BSDs
	if runtime.GOOS == "darwin" || runtime.GOOS == "ios" {
		maxRSS /= 1024 // bytes there
	}
	return cpu, maxRSS
}

// flushFS writes dirty file data out (sync(2)), so that one build's
// writeback does not land in the next one's time.
func flushFS() { syscall.Sync() }
