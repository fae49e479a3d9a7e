package storage

import (
	"context"
	"fmt"
	"io"
)

// source is the caller's reader as Put sees it. It fails once ctx is done,
// so that a cancelled Put stops reading at the next Read, and it remembers
// the first error the reader gave other than io.EOF, so that Put can tell
// the caller's failures (a broken upload, an oversized body) from its own.
type source struct {
	ctx context.Context
	r   io.Reader
	err error
}

func newSource(ctx context.Context, r io.Reader) *source {
	return &source{ctx: ctx, r: r}
}

func (s *source) Read(p []byte) (int, error) {
	if s.err != nil {
		return 0, s.err
	}
	if err := s.ctx.Err(); err != nil {
		s.err = err
		return 0, err
	}
	n, err := s.r.Read(p)
	if err != nil && err != io.EOF {
		s.err = err
	}
	return n, err
}

// fill reads into buf until it is full or the source ends. It returns the
// number of bytes read and whether the source has ended; a source error is
// returned as is.
func (s *source) fill(buf []byte) (n int, end bool, err error) {
	n, err = io.ReadFull(s, buf)
	switch err {
	case nil:
		return n, false, nil
	case io.EOF, io.ErrUnexpectedEOF:
		return n, true, nil
	default:
		return n, false, err
	}
}

// sourceError is the error Put returns when the caller's reader (or ctx)
// failed: kind Other, wrapping the reader's error so that callers can still
// match it (http.MaxBytesError, context.Canceled).
func sourceError(key string, err error) *Error {
	return &Error{Kind: Other, Op: "put", Key: key, Err: fmt.Errorf("read source: %w", err)}
}
