package storage

import "sync"

// partBuffers hands out the part buffers of Puts. The last few returned
// are kept for the next Put, whichever goroutine runs it; the others are
// left to the collector. (A sync.Pool keeps a returned buffer first for the
// processor that returned it: a Put scheduled on another made a new one,
// and the uploads of one client, one after another, came to hold a third
// 8 MiB buffer and the garbage of more.)
type partBuffers struct {
	size int // bytes of a buffer
	keep int // buffers kept when returned
	mu   sync.Mutex
	free []*[]byte
}

// get returns a buffer of size bytes, a kept one if any.
func (p *partBuffers) get() *[]byte {
	p.mu.Lock()
	if n := len(p.free); n > 0 {
		b := p.free[n-1]
		p.free[n-1] = nil
		p.free = p.free[:n-1]
		p.mu.Unlock()
		return b
	}
	p.mu.Unlock()
	b := make([]byte, p.size)
	return &b
}

// put returns a buffer got from get.
func (p *partBuffers) put(b *[]byte) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.free) < p.keep {
		p.free = append(p.free, b)
	}
}
