package storage

import (
	"runtime"
	"testing"
)

// TestPartBuffers: returned buffers are handed out again, up to keep of
// them. Beyond keep, a buffer outside the heap gives its pages back and is
// handed out again; one in the heap is dropped.
func TestPartBuffers(t *testing.T) {
	const size = 1 << 16
	p := &partBuffers{size: size, keep: 2}
	a, b, c := p.get(), p.get(), p.get()
	if len(*a) != size || a == b || b == c || a == c {
		t.Fatal("get: buffers of the wrong size, or one handed out twice")
	}
	offHeap := p.mapped[c]
	if runtime.GOOS == "linux" && !offHeap {
		t.Fatal("on Linux, part buffers are mapped outside the heap")
	}
	if offHeap && p.residentOffHeap() != 3*size {
		t.Fatalf("resident off the heap: %d bytes, want %d", p.residentOffHeap(), 3*size)
	}
	for _, buf := range []*[]byte{a, b, c} {
		(*buf)[size-1] = 7
	}
	p.put(a)
	p.put(b)
	p.put(c) // beyond keep
	if offHeap && p.residentOffHeap() != 2*size {
		t.Fatalf("after a buffer beyond keep came back: %d bytes resident, want %d", p.residentOffHeap(), 2*size)
	}
	got := map[*[]byte]bool{p.get(): true, p.get(): true}
	if !got[a] || !got[b] {
		t.Error("the kept buffers were not handed out again")
	}
	d := p.get()
	switch {
	case offHeap && d != c:
		t.Error("a mapped buffer beyond keep was not handed out again")
	case offHeap && runtime.GOOS == "linux" && (*d)[size-1] != 0:
		t.Error("a mapped buffer beyond keep kept its pages")
	case !offHeap && (d == a || d == b || d == c):
		t.Error("a heap buffer beyond keep was kept, or one handed out twice")
	}
	if offHeap && p.residentOffHeap() != 3*size {
		t.Errorf("resident off the heap after get: %d bytes, want %d", p.residentOffHeap(), 3*size)
	}
}
