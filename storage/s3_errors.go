package storage

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"syscall"

	"github.com/minio/minio-go/v7"
)

// s3Error wraps an error from minio-go with its kind.
func s3Error(op, key, what string, err error) *Error {
	return &Error{Kind: s3Kind(err), Op: op, Key: key, Err: fmt.Errorf("%s: %w", what, err)}
}

// s3Kind classifies an error from minio-go:
//   - the caller's cancellation is Other; a deadline that ran out while the
//     server did not answer is Unavailable;
//   - S3 answers: NoSuchKey is NotFound, PreconditionFailed (412, an
//     If-None-Match on an existing key) is Exists, keys MinIO refuses are
//     Invalid, and server errors (5xx), throttling, a missing bucket and
//     refused credentials are Unavailable: the intake cannot serve until
//     someone fixes the server or its configuration;
//   - no answer at all (connection refused or reset, DNS, TLS, a cut
//     response) is Unavailable.
func s3Kind(err error) Kind {
	switch {
	case err == nil:
		return Other
	case errors.Is(err, context.Canceled):
		return Other
	case errors.Is(err, context.DeadlineExceeded):
		return Unavailable
	}
	var resp minio.ErrorResponse
	if errors.As(err, &resp) && (resp.Code != "" || resp.StatusCode != 0) {
		return s3ResponseKind(resp)
	}
	var urlErr *url.Error
	var netErr net.Error
	if errors.As(err, &urlErr) || errors.As(err, &netErr) ||
		errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ECONNRESET) ||
		errors.Is(err, io.ErrUnexpectedEOF) {
		return Unavailable
	}
	return Other
}

func s3ResponseKind(resp minio.ErrorResponse) Kind {
	switch resp.Code {
	case "NoSuchKey":
		return NotFound
	case "NoSuchUpload":
		return Other // an upload aborted under a running Put (by a janitor)
	case "PreconditionFailed":
		return Exists
	case "XMinioParentIsObject", "XMinioObjectExistsAsDirectory", "KeyTooLongError",
		"XMinioInvalidObjectName", "InvalidArgument", "EntityTooLarge", "EntityTooSmall":
		return Invalid
	case "NoSuchBucket", "AccessDenied", "InvalidAccessKeyId", "SignatureDoesNotMatch",
		"SlowDown", "RequestTimeTooSkewed", "XMinioServerNotInitialized", "XMinioStorageFull":
		return Unavailable
	}
	switch {
	case resp.StatusCode == http.StatusNotFound:
		return NotFound
	case resp.StatusCode == http.StatusPreconditionFailed:
		return Exists
	case resp.StatusCode == http.StatusForbidden, resp.StatusCode == http.StatusTooManyRequests,
		resp.StatusCode >= 500:
		return Unavailable
	}
	return Other
}
