package storage

import "io"

// Test-only access to DirStore internals for the external test package.

// SetWrapTemp makes d wrap the writer of each temporary file with wrap.
func SetWrapTemp(d *DirStore, wrap func(io.Writer) io.Writer) { d.wrapTemp = wrap }

// TempDir returns d's directory of temporary files.
func TempDir(d *DirStore) string { return d.tmp }

// PartBuffersOffHeap returns the bytes of s's part buffers outside the Go
// heap that hold memory.
func PartBuffersOffHeap(s *S3Store) int64 { return s.bufs.residentOffHeap() }
