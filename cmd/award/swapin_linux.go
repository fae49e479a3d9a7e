package main

import (
	"fmt"
	"os"

	"golang.org/x/sys/unix"
)

// swapIn puts the file tmp in target's place in one step, so that a reader
// opens the old file or the new one. On Linux it exchanges the two
// (renameat2 RENAME_EXCHANGE) and removes tmp, which then holds the old
// bytes: ext4 flushes a file renamed over another to disk at once
// (auto_da_alloc), which made rewriting 10,000 pages take over a second
// here, and an exchange is not flushed so (a fifth of the time). Where
// exchanging fails (no target, or a file system without it) it renames.
func swapIn(tmp, target string) error {
	if err := unix.Renameat2(unix.AT_FDCWD, tmp, unix.AT_FDCWD, target, unix.RENAME_EXCHANGE); err != nil {
		return os.Rename(tmp, target)
	}
	if err := os.Remove(tmp); err != nil {
		return fmt.Errorf("remove the replaced file: %w", err)
	}
	return nil
}
