//go:build unix

package storage

import (
	"errors"
	"syscall"
)

// isUnavailableErrno reports whether err carries an errno that means the
// file system cannot serve right now.
func isUnavailableErrno(err error) bool {
	var errno syscall.Errno
	if !errors.As(err, &errno) {
		return false
	}
	switch errno {
	case syscall.ENOSPC, syscall.EDQUOT, syscall.EIO, syscall.EROFS,
		syscall.EACCES, syscall.EPERM, syscall.EMFILE, syscall.ENFILE,
		syscall.ENOMEM, syscall.ESTALE, syscall.ENOTCONN, syscall.ETIMEDOUT:
		return true
	}
	return false
}

// isNotDir reports whether err says a path element is a file, which for
// DirStore means a key runs through another object ("a/b" when "a" exists).
func isNotDir(err error) bool {
	return errors.Is(err, syscall.ENOTDIR)
}

// isDirSyncUnsupported reports whether fsync of a directory failed only
// because the file system does not support it.
func isDirSyncUnsupported(err error) bool {
	return errors.Is(err, syscall.EINVAL) || errors.Is(err, syscall.ENOTSUP)
}
