package storagetest

import (
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"io"
	"math/rand/v2"
)

// data returns a reader of size deterministic pseudo-random bytes, different
// for every seed, so that a misplaced or repeated part changes the content
// (all-zero data would hide it). It holds no more than a few bytes of state.
func data(seed uint64, size int64) io.Reader {
	var s [32]byte
	binary.LittleEndian.PutUint64(s[:], seed)
	return io.LimitReader(rand.NewChaCha8(s), size)
}

// digest is the SHA-256 of data(seed, size).
func digest(seed uint64, size int64) [32]byte {
	h := sha256.New()
	if _, err := io.Copy(h, data(seed, size)); err != nil {
		panic(err) // data never fails
	}
	return [32]byte(h.Sum(nil))
}

// errSource is what failingReader returns.
var errSource = errors.New("storagetest: source failed")

// failingReader yields the first n bytes of r, then fails with errSource.
type failingReader struct {
	r io.Reader
	n int64
}

func (f *failingReader) Read(p []byte) (int, error) {
	if f.n <= 0 {
		return 0, errSource
	}
	if int64(len(p)) > f.n {
		p = p[:f.n]
	}
	n, err := f.r.Read(p)
	f.n -= int64(n)
	return n, err
}

// cancellingReader yields r, calling cancel once n bytes have gone by; it
// keeps yielding afterwards, so only the store can notice the cancellation.
type cancellingReader struct {
	r      io.Reader
	n      int64
	cancel func()
}

func (c *cancellingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n -= int64(n)
	if c.n <= 0 && c.cancel != nil {
		c.cancel()
		c.cancel = nil
	}
	return n, err
}
