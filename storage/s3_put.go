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
//     sizes, reading the next part from the source while the one or two
//     before it upload: at most three part buffers are in use, the third
//     only while the memory budget has room for it at once, so a Put holds
//     at most 3×PartSize whatever the object's size. (With one part in
//     flight, the server worked on one part at a time, on one core, while
//     the reader waited for its buffer.) Buffers return to pools shared by
//     the store's Puts.
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
	// no Put ever holds one part buffer while waiting for another (a third
	// is taken only if free, without waiting).
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
	up := &upload{s: s, key: key, src: src, cancel: cancel}
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

// upload is one multipart upload of Put, with the part buffers it holds
// beyond Put's two.
type upload struct {
	s      *S3Store
	key    string
	id     string
	src    *source
	cancel context.CancelFunc // stops the source when a part fails
	extra  []*[]byte          // buffers got beyond Put's two, returned by run
	share  int64              // budget taken for extra, released by run
	free   []*[]byte          // buffers neither being filled nor sent
	flying []flight           // parts being sent, oldest first
	parts  []minio.CompletePart
	size   int64
}

// flight is a part being sent: its goroutine reports on done.
type flight struct {
	num  int
	c    chunk
	done chan partResult
}

// partResult is what the goroutine sending a part reports.
type partResult struct {
	part minio.CompletePart
	err  error
}

// run sends ready (part 1) and queued (part 2, already read), then the rest
// of the source, and completes the upload; on failure it aborts it.
func (u *upload) run(ctx context.Context, ready, queued chunk, opts PutOptions) (Info, error) {
	defer func() {
		for _, b := range u.extra {
			u.s.bufs.put(b)
		}
		u.s.partBudget.Release(u.share)
	}()
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

// send starts sending ready, then reads the next chunk into a free buffer
// while up to putBuffers-1 parts are in flight, until the source ends;
// then it waits for the parts and completes the upload. It returns only
// when no part is in flight, so that no buffer is in use after Put.
func (u *upload) send(ctx context.Context, ready chunk, queued *chunk) (Info, *Error) {
	for num := 1; ; num++ {
		if num > maxParts {
			return Info{}, u.fail(nil, &Error{Kind: Invalid, Op: "put", Key: u.key,
				Err: fmt.Errorf("object larger than %d parts of %d bytes", maxParts, u.s.partSize)})
		}
		u.start(ctx, num, ready)
		if ready.end {
			break
		}
		if queued != nil {
			ready, queued = *queued, nil
			continue
		}
		buf, perr := u.freeBuf()
		if perr != nil {
			return Info{}, u.fail(nil, perr)
		}
		n, end, err := u.src.fill(*buf)
		if err != nil || n == 0 {
			u.free = append(u.free, buf)
			if err != nil {
				return Info{}, u.fail(err, nil)
			}
			break
		}
		ready = chunk{buf, n, end}
	}
	for len(u.flying) > 0 {
		if perr := u.land(); perr != nil {
			return Info{}, u.fail(nil, perr)
		}
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

// start sends c as part num in a goroutine of its own.
func (u *upload) start(ctx context.Context, num int, c chunk) {
	f := flight{num: num, c: c, done: make(chan partResult, 1)}
	u.flying = append(u.flying, f)
	go func() {
		p, err := u.part(ctx, f.num, (*f.c.buf)[:f.c.n])
		if err != nil {
			u.cancel() // stop reading the source: the Put has failed
		}
		f.done <- partResult{p, err}
	}()
}

// freeBuf returns a buffer to read the next chunk into: a free one, else a
// new one while the upload holds fewer than putBuffers and the budget has
// its share free now, else the oldest part's once it has been sent.
func (u *upload) freeBuf() (*[]byte, *Error) {
	for len(u.free) == 0 {
		if 2+len(u.extra) < putBuffers && u.s.partBudget.TryAcquire(u.s.partSize) {
			u.share += u.s.partSize
			b := u.s.getBuf()
			u.extra = append(u.extra, b)
			return b, nil
		}
		if perr := u.land(); perr != nil {
			return nil, perr
		}
	}
	b := u.free[len(u.free)-1]
	u.free = u.free[:len(u.free)-1]
	return b, nil
}

// land waits for the oldest part in flight, frees its buffer and records
// it, or returns its failure.
func (u *upload) land() *Error {
	f := u.flying[0]
	u.flying = u.flying[1:]
	res := <-f.done
	u.free = append(u.free, f.c.buf)
	if res.err != nil {
		return s3Error("put", u.key, fmt.Sprintf("upload part %d", f.num), res.err)
	}
	u.parts = append(u.parts, res.part)
	u.size += int64(f.c.n)
	return nil
}

// fail stops the source, waits for every part in flight and says why the
// upload failed: the source's error rerr, or a part's failure (perr, or one
// found while waiting). A source or a part cancelled because another part
// failed is no cause: the failure that cancelled it is.
func (u *upload) fail(rerr error, perr *Error) *Error {
	u.cancel()
	for len(u.flying) > 0 {
		if e := u.land(); e != nil && (perr == nil || errors.Is(perr, context.Canceled) && !errors.Is(e, context.Canceled)) {
			perr = e
		}
	}
	if rerr != nil && (perr == nil || !errors.Is(rerr, context.Canceled)) {
		return sourceError(u.key, rerr)
	}
	return perr
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
