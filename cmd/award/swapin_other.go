//go:build !linux

package main

import "os"

// swapIn puts the file tmp in target's place in one step (a rename), so
// that a reader opens the old file or the new one.
func swapIn(tmp, target string) error { return os.Rename(tmp, target) }
