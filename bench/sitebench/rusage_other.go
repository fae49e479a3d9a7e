//go:build !unix

package main

import (
	"os"
	"time"
)

// rusage returns a finished process's CPU time; peak RSS is not known here.
func rusage(ps *os.ProcessState) (cpu time.Duration, maxRSS int64) {
	return ps.UserTime() + ps.SystemTime(), -1
}

// flushFS does nothing here.
func flushFS() {}
