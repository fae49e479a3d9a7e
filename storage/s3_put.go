package storage

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"net/http"
	"time"

	"github.com/minio/minio-go/v7"
)

// Put implements Store.Put with bounded memory, never using minio-go's
// unknown-size upload (which buffers up to 528 MiB per call):
//
//  1. Read up to smallSize bytes into a small pooled buffer. If the source
//     ends within it — evidence photos, manifests, most files — send it with
//     one PutObject of that exact size, without touching a part buffer.
//  2. Else continue into a PartSize buffer. If the source ends within it
//     (checked, for a full buffer, by reading on into a second buffer and
//     getting nothing), send it with one PutObject.
//  3. Otherwise start a multipart upload and send the parts with known
//     sizes, reading part n+1 from the source while part n uploads: at most
//     two part buffers are in use, so a Put holds about 2×PartSize whatever
//     the object's size. Buffers return to pools shared by the store's Puts.
//  4. Complete the upload. On any failure (the source's, the server's, ctx
//     cancelled) abort it, so that no object and no parts remain; if even
//     the abort fails, AbortIncomplete can finish the job later.
//
// Every request's payload is protected on the way: signed chunk by chunk
// with SHA-256 (SigV4 streaming) over plain HTTP, by TLS otherwise, so the
// server rejects damaged bytes. With IfAbsent the object is sent with
// If-None-Match: * in one PutObject: sources longer than MaxConditionalSize
// fail with ErrInvalid, and an existing key with ErrExists.
func (s *S3Store) Put(ctx context.Context, key string, r io.Reader, opts PutOptions) (Info, error) {
	if err := ValidKey(key); err != nil {
		return Info{}, &Error{Kind: Invalid, Op: "put", Key: key, Err: err}
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	src := newSource(ctx, r)
	if err := s.smallBudget.Acquire(ctx, smallSize); err != nil {
		return Info{}, busyError(key, err)
	}
	small := s.small.Get().(*[]byte)
	smallHeld := true
	releaseSmall := func() {
		if smallHeld {
			smallHeld = false
			s.small.Put(small)
			s.smallBudget.Release(smallSize)
		}
	}
	defer releaseSmall()
	n, end, err := src.fill(*small)
	if err != nil {
		return Info{}, sourceError(key, err)
	}
	var one [1]byte
	var k int
	if !end { // full: does the source end right here?
		if k, end, err = src.fill(one[:]); err != nil {
			return Info{}, sourceError(key, err)
		}
		end = end && k == 0
	}
	if end {
		return s.putSingle(ctx, key, (*small)[:n], opts)
	}
	// Past the small buffer: take both part buffers' share at once, so that
	// no Put ever holds one part buffer while waiting for another.
	if err := s.partBudget.Acquire(ctx, 2*s.partSize); err != nil {
		return Info{}, busyError(key, err)
	}
	defer s.partBudget.Release(2 * s.partSize)
	first := s.getBuf()
	defer s.bufs.put(first)
	copy(*first, (*small)[:n])
	n += copy((*first)[n:], one[:k])
	releaseSmall()
	if opts.IfAbsent {
		return s.putConditional(ctx, key, src, *first, n, opts)
	}
	more, end, err := src.fill((*first)[n:])
	if err != nil {
		return Info{}, sourceError(key, err)
	}
	n += more
	if end {
		return s.putSingle(ctx, key, (*first)[:n], opts)
	}
	second := s.getBuf()
	defer s.bufs.put(second)
	n2, end2, err := src.fill(*second)
	if err != nil {
		return Info{}, sourceError(key, err)
	}
	if n2 == 0 {
		return s.putSingle(ctx, key, (*first)[:n], opts)
	}
	up := &upload{s: s, key: key, src: src, cancel: cancel, bufs: [2]*[]byte{first, second}}
	return up.run(ctx, chunk{first, n, false}, chunk{second, n2, end2}, opts)
}

func (s *S3Store) getBuf() *[]byte { return s.bufs.get() }

// busyError is a Put refused because the memory budget had no room for its
// buffers: Unavailable, matching budget.ErrBusy.
func busyError(key string, err error) *Error {
	return &Error{Kind: Unavailable, Op: "put", Key: key, Err: err}
}

// putConditional stores a source of at most MaxConditionalSize bytes with
// If-None-Match: *; buf already holds the first have bytes.
func (s *S3Store) putConditional(ctx context.Context, key string, src *source, buf []byte, have int, opts PutOptions) (Info, error) {
	if len(buf) > MaxConditionalSize {
		buf = buf[:MaxConditionalSize]
	}
	more, end, err := src.fill(buf[have:])
	n := have + more
	if err == nil && !end {
		var one [1]byte
		var extra int
		extra, end, err = src.fill(one[:])
		end = end && extra == 0
	}
	if err != nil {
		return Info{}, sourceError(key, err)
	}
	if !end {
		return Info{}, &Error{Kind: Invalid, Op: "put", Key: key,
			Err: fmt.Errorf("IfAbsent object larger than %d bytes", MaxConditionalSize)}
	}
	return s.putSingle(ctx, key, buf[:n], opts)
}

// putSingle stores data with one PutObject of its exact size.
func (s *S3Store) putSingle(ctx context.Context, key string, data []byte, opts PutOptions) (Info, error) {
	po := s.putOptions(opts)
	if opts.IfAbsent {
		po.SetMatchETagExcept("*")
	}
	ui, err := s.core.PutObject(ctx, s.bucket, key, bytes.NewReader(data), int64(len(data)), "", "", po)
	if err != nil {
		e := s3Error("put", key, "put object", err)
		if e.Kind == Exists && !opts.IfAbsent {
			e.Kind = Other // a 412 we did not ask for
		}
		return Info{}, e
	}
	return Info{Key: key, Size: int64(len(data)), Modified: modified(ui.LastModified)}, nil
}

func (s *S3Store) putOptions(opts PutOptions) minio.PutObjectOptions {
	return minio.PutObjectOptions{ContentType: opts.ContentType, ServerSideEncryption: s.sse}
}

// modified is the server's time when it gave one, else now.
func modified(t time.Time) time.Time {
	if t.IsZero() {
		return time.Now()
	}
	return t
}

// chunk is a buffer holding the next n bytes of the source; end says the
// source ended with them.
type chunk struct {
	buf *[]byte
	n   int
	end bool
}

// upload is one multipart upload of Put, with its two buffers.
type upload struct {
	s      *S3Store
	key    string
	id     string
	src    *source
	cancel context.CancelFunc // stops the source when a part fails
	bufs   [2]*[]byte
	parts  []minio.CompletePart
	size   int64
}

// partResult is what the goroutine sending a part reports.
type partResult struct {
	part minio.CompletePart
	err  error
}

// run sends ready (part 1) and queued (part 2, already read), then the rest
// of the source, and completes the upload; on failure it aborts it.
func (u *upload) run(ctx context.Context, ready, queued chunk, opts PutOptions) (Info, error) {
	id, err := u.s.core.NewMultipartUpload(ctx, u.s.bucket, u.key, u.s.putOptions(opts))
	if err != nil {
		return Info{}, s3Error("put", u.key, "start multipart upload", err)
	}
	u.id = id
	info, serr := u.send(ctx, ready, &queued)
	if serr != nil {
		if aerr := u.s.abortUpload(ctx, u.key, u.id); aerr != nil {
			serr.Err = fmt.Errorf("%w (and %v)", serr.Err, aerr)
		}
		return Info{}, serr
	}
	return info, nil
}

// send uploads ready while reading the next chunk into the other buffer,
// until the source ends, then completes the upload.
func (u *upload) send(ctx context.Context, ready chunk, queued *chunk) (Info, *Error) {
	for num := 1; ; num++ {
		if num > maxParts {
			return Info{}, &Error{Kind: Invalid, Op: "put", Key: u.key,
				Err: fmt.Errorf("object larger than %d parts of %d bytes", maxParts, u.s.partSize)}
		}
		done := make(chan partResult, 1)
		go func(num int, data []byte) {
			p, err := u.part(ctx, num, data)
			if err != nil {
				u.cancel() // stop reading the source: the Put has failed
			}
			done <- partResult{p, err}
		}(num, (*ready.buf)[:ready.n])

		var next chunk
		var rerr error
		switch {
		case queued != nil:
			next, queued = *queued, nil
		case !ready.end:
			free := u.bufs[0]
			if free == ready.buf {
				free = u.bufs[1]
			}
			n, end, err := u.src.fill(*free)
			next, rerr = chunk{free, n, end}, err
		}
		if rerr != nil {
			u.cancel() // the part in flight is wasted; do not wait for it
		}
		res := <-done
		switch {
		case rerr != nil && (res.err == nil || !errors.Is(rerr, context.Canceled)):
			// The source failed (or the caller cancelled) first.
			return Info{}, sourceError(u.key, rerr)
		case res.err != nil:
			// The part failed; a cancelled source was our doing.
			return Info{}, s3Error("put", u.key, fmt.Sprintf("upload part %d", num), res.err)
		}
		u.parts = append(u.parts, res.part)
		u.size += int64(ready.n)
		if ready.end || next.n == 0 {
			break
		}
		ready = next
	}
	if err := ctx.Err(); err != nil {
		return Info{}, sourceError(u.key, err)
	}
	ui, err := u.s.core.CompleteMultipartUpload(ctx, u.s.bucket, u.key, u.id, u.parts,
		minio.PutObjectOptions{ServerSideEncryption: u.s.sse})
	if err != nil {
		return Info{}, s3Error("put", u.key, "complete multipart upload", err)
	}
	return Info{Key: u.key, Size: u.size, Modified: modified(ui.LastModified)}, nil
}

// part sends one part with its exact size and its CRC-32C, which the
// server checks. (CRC-32C costs a fraction of the SHA-256 payload signature
// it replaces, and the intake hashes every file with SHA-256 itself.)
func (u *upload) part(ctx context.Context, num int, data []byte) (minio.CompletePart, error) {
	sum := crc32.Checksum(data, castagnoli)
	var b [4]byte
	binary.BigEndian.PutUint32(b[:], sum)
	p, err := u.s.core.PutObjectPart(ctx, u.s.bucket, u.key, u.id, num,
		bytes.NewReader(data), int64(len(data)), minio.PutObjectPartOptions{
			DisableContentSha256: true,
			CustomHeader:         http.Header{"X-Amz-Checksum-Crc32c": {base64.StdEncoding.EncodeToString(b[:])}},
		})
	if err != nil {
		return minio.CompletePart{}, err
	}
	return minio.CompletePart{PartNumber: num, ETag: p.ETag}, nil
}

var castagnoli = crc32.MakeTable(crc32.Castagnoli)
