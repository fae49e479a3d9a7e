package storage

import "sync"

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
	size    int // bytes of a buffer
	keep    int // buffers kept when returned
	mu      sync.Mutex
	free    []*[]byte        // resident, ready for a Put
	emptied []*[]byte        // mapped, their pages given back
	mapped  map[*[]byte]bool // the buffers outside the heap
}

// get returns a buffer of size bytes, a kept one if any. A new one is made
// outside the lock, so that Puts do not wait on each other's allocation.
func (p *partBuffers) get() *[]byte {
	p.mu.Lock()
	b := pop(&p.free)
	if b == nil {
		b = pop(&p.emptied)
	}
	p.mu.Unlock()
	if b != nil {
		return b
	}
	buf, ok := mapPart(p.size)
	if !ok {
		buf = make([]byte, p.size)
		return &buf
	}
	p.mu.Lock()
	if p.mapped == nil {
		p.mapped = map[*[]byte]bool{}
	}
	p.mapped[&buf] = true
	p.mu.Unlock()
	return &buf
}

// pop takes the last buffer of list, or returns nil.
func pop(list *[]*[]byte) *[]byte {
	n := len(*list)
	if n == 0 {
		return nil
	}
	b := (*list)[n-1]
	(*list)[n-1] = nil
	*list = (*list)[:n-1]
	return b
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
		p.emptied = append(p.emptied, b)
	}
}

// residentOffHeap is the bytes of buffers outside the heap holding memory:
// every mapped buffer but the emptied ones.
func (p *partBuffers) residentOffHeap() int64 {
	p.mu.Lock()
	defer p.mu.Unlock()
	return int64(len(p.mapped)-len(p.emptied)) * int64(p.size)
}
