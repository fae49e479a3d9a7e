package storage

import "testing"

// TestPartBuffers: returned buffers are handed out again, up to keep of
// them; the rest are dropped.
func TestPartBuffers(t *testing.T) {
	p := &partBuffers{size: 16, keep: 2}
	a, b, c := p.get(), p.get(), p.get()
	if len(*a) != 16 || a == b || b == c {
		t.Fatal("get: buffers of the wrong size, or one handed out twice")
	}
	p.put(a)
	p.put(b)
	p.put(c) // beyond keep: dropped
	got := map[*[]byte]bool{p.get(): true, p.get(): true}
	if !got[a] || !got[b] {
		t.Error("the kept buffers were not handed out again")
	}
	if d := p.get(); d == a || d == b || d == c {
		t.Error("a buffer beyond keep was kept, or one handed out twice")
	}
}
