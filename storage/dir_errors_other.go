//go:build !unix

package storage

import (
	"errors"
	"syscall"
)

func isUnavailableErrno(err error) bool {
	var errno syscall.Errno
	if !errors.As(err, &errno) {
		return false
	}
	return errno == syscall.ENOSPC || errno == syscall.EIO || errno == syscall.EROFS
}

func isNotDir(err error) bool {
	return errors.Is(err, syscall.ENOTDIR)
}

func isDirSyncUnsupported(err error) bool {
	return true
}
