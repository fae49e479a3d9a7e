package storage

import (
	"sync"
	"sync/atomic"
)

// partBuffers hands out the part buffers of Puts. The last few returned
// are kept for the next Put, whichever goroutine runs it. (A sync.Pool
// keeps a returned buffer first for the processor that returned it: a Put
// scheduled on another made a new one, and the uploads of one client, one
// after another, came to hold a third buffer and the garbage of more.)
//
// Where the system allows (mapPart), buffers are mapped outside the Go
// heap. The collector lets the heap grow by its live size before it
// collects: with a few long-lived 8 MiB buffers counted as live, the
// garbage of a long upload grew by as much as the buffers again, and the
// intake's memory with it. A mapped buffer beyond keep has its pages given
// back to the system and is kept, unmapped never: a buffer still read by a
// request the server gave up on reads zeros instead of faulting.
type partBuffers struct {
	size     int // bytes of a buffer
	keep     int // buffers kept when returned
	mu       sync.Mutex
	free     []*[]byte        // resident, ready for a Put
	emptied  []*[]byte        // mapped, their pages given back
	mapped   map[*[]byte]bool // the buffers outside the heap
	resident atomic.Int64     // bytes of mapped buffers holding pages
}

// get returns a buffer of size bytes, a kept one if any.
func (p *partBuffers) get() *[]byte {
	p.mu.Lock()
	defer p.mu.Unlock()
	if n := len(p.free); n > 0 {
		b := p.free[n-1]
		p.free[n-1] = nil
		p.free = p.free[:n-1]
		return b
	}
	if n := len(p.emptied); n > 0 {
		b := p.emptied[n-1]
		p.emptied[n-1] = nil
		p.emptied = p.emptied[:n-1]
		p.resident.Add(int64(p.size))
		return b
	}
	b, ok := mapPart(p.size)
	if !ok {
		b = make([]byte, p.size)
		return &b
	}
	if p.mapped == nil {
		p.mapped = map[*[]byte]bool{}
	}
	p.mapped[&b] = true
	p.resident.Add(int64(p.size))
	return &b
}

// put returns a buffer got from get.
func (p *partBuffers) put(b *[]byte) {
	p.mu.Lock()
	defer p.mu.Unlock()
	switch {
	case len(p.free) < p.keep:
		p.free = append(p.free, b)
	case p.mapped[b]:
		emptyPart(*b)
		p.resident.Add(-int64(p.size))
		p.emptied = append(p.emptied, b)
	}
}

// residentOffHeap is the bytes of buffers outside the heap holding memory.
func (p *partBuffers) residentOffHeap() int64 { return p.resident.Load() }
