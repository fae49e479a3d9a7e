// Package storage keeps the intake's objects — submitted files, submission
// manifests, in-flight records, the audit log — behind one small interface,
// with two implementations: a local directory (DirStore, the default, no
// service to run) and any S3-compatible server through minio-go (S3Store).
// One contract test suite (package storagetest) runs against both.
//
// Keys are slash-separated paths of lower-case letters, digits and . _ - /,
// without empty, "." or ".." elements (ValidKey).
package storage

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
)

// Store is where the intake keeps bytes.
type Store interface {
	// Put stores everything r yields under key. The size of r need not be
	// known in advance and memory use stays bounded whatever it is. The object
	// appears whole or not at all: a Put that fails (r errors, ctx is done,
	// the store fails) leaves no object and no partial upload behind.
	Put(ctx context.Context, key string, r io.Reader, opts PutOptions) (Info, error)
	// Get opens an object for reading. A missing key gives an error
	// matching ErrNotFound.
	Get(ctx context.Context, key string) (io.ReadCloser, Info, error)
	// Delete removes an object. Deleting a missing key is not an error.
	Delete(ctx context.Context, key string) error
	// List returns the objects whose keys start with prefix, sorted by key.
	List(ctx context.Context, prefix string) ([]Info, error)
}

// Pinger is implemented by stores that can say whether they are reachable.
type Pinger interface {
	Ping(ctx context.Context) error
}

// PutOptions modify Put.
type PutOptions struct {
	// IfAbsent makes Put fail with an error matching ErrExists when the key
	// already holds an object (S3's If-None-Match: *), so that nothing is
	// ever overwritten. Supported for objects up to MaxConditionalSize.
	IfAbsent bool
	// ContentType is recorded where the store supports it.
	ContentType string
}

// MaxConditionalSize is the largest object Put accepts with IfAbsent.
const MaxConditionalSize = 5 << 20

// Info describes a stored object.
type Info struct {
	Key      string
	Size     int64
	Modified time.Time
}

// Kind classifies storage errors, so that callers can map them to answers
// (a missing receipt is 404, an unreachable store is 503).
type Kind int

// Kinds of storage error.
const (
	Other       Kind = iota
	NotFound         // no object under the key
	Exists           // IfAbsent and the key holds an object
	Unavailable      // the store cannot be reached or refuses service
	Invalid          // the key or the options are not acceptable
)

// Sentinel errors to match with errors.Is.
var (
	ErrNotFound    = &Error{Kind: NotFound}
	ErrExists      = &Error{Kind: Exists}
	ErrUnavailable = &Error{Kind: Unavailable}
	ErrInvalid     = &Error{Kind: Invalid}
)

// Error is a storage error with its kind, operation and key.
type Error struct {
	Kind Kind
	Op   string // "put", "get", "delete", "list", "ping"
	Key  string
	Err  error
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("storage")
	if e.Op != "" {
		b.WriteString(" " + e.Op)
	}
	if e.Key != "" {
		b.WriteString(" " + e.Key)
	}
	b.WriteString(": ")
	switch e.Kind {
	case NotFound:
		b.WriteString("not found")
	case Exists:
		b.WriteString("already exists")
	case Unavailable:
		b.WriteString("unavailable")
	case Invalid:
		b.WriteString("invalid")
	default:
		b.WriteString("failed")
	}
	if e.Err != nil {
		b.WriteString(": " + e.Err.Error())
	}
	return b.String()
}

func (e *Error) Unwrap() error { return e.Err }

// Is matches an *Error of the same kind, so errors.Is(err, ErrNotFound) works.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Op == "" && t.Key == "" && t.Err == nil && t.Kind == e.Kind
}

// KindOf returns the kind of a storage error, Other for anything else.
func KindOf(err error) Kind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return Other
}

// ValidKey reports whether key is acceptable to every store.
func ValidKey(key string) error {
	if key == "" || len(key) > 512 || strings.HasPrefix(key, "/") || strings.HasSuffix(key, "/") {
		return fmt.Errorf("key %q: empty, too long, or with a leading or trailing slash", key)
	}
	for _, part := range strings.Split(key, "/") {
		if part == "" || part == "." || part == ".." {
			return fmt.Errorf("key %q: empty, . or .. element", key)
		}
	}
	for _, c := range key {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-' || c == '/') {
			return fmt.Errorf("key %q: character %q not allowed", key, c)
		}
	}
	return nil
}
