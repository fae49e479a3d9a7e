package storage

import (
	"errors"
	"fmt"
	"io/fs"
)

// fsError wraps a file-system error for DirStore with its kind.
func fsError(op, key, what string, err error) *Error {
	return &Error{Kind: fsKind(err), Op: op, Key: key, Err: fmt.Errorf("%s: %w", what, err)}
}

// fsKind classifies a file-system error. Errors that mean the disk or the
// directory cannot serve (full, failing, read-only, not permitted, out of
// descriptors) are Unavailable, so that the intake answers 503 and the
// citizen retries later; anything else is Other. A missing file is not
// classified here: only the operations that look an object up turn it into
// NotFound, everywhere else it means the root itself is gone.
func fsKind(err error) Kind {
	if errors.Is(err, fs.ErrPermission) || isUnavailableErrno(err) {
		return Unavailable
	}
	if errors.Is(err, fs.ErrNotExist) {
		return Unavailable
	}
	return Other
}
