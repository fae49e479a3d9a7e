//go:build unix

package storage

import "golang.org/x/sys/unix"

// mapPart maps size bytes of anonymous memory outside the Go heap.
func mapPart(size int) ([]byte, bool) {
	b, err := unix.Mmap(-1, 0, size, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_ANON|unix.MAP_PRIVATE)
	return b, err == nil
}

// emptyPart gives a mapped buffer's pages back to the system; the mapping
// stays, reading zeros until written again.
func emptyPart(b []byte) { _ = unix.Madvise(b, unix.MADV_DONTNEED) }
