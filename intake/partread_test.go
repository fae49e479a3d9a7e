package intake

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"
)

// wholeReads fills each read from a reader that gives a byte at a time,
// and passes on the error that ends it with the bytes before it.
func TestWholeReads(t *testing.T) {
	data := strings.Repeat("证据", 1000)
	r := wholeReads{iotest.OneByteReader(strings.NewReader(data))}
	p := make([]byte, 4096)
	if n, err := r.Read(p); n != len(p) || err != nil {
		t.Fatalf("first read: %d bytes, %v; want %d, nil", n, err, len(p))
	}
	rest, err := io.ReadAll(r)
	if err != nil || len(rest) != len(data)-len(p) {
		t.Fatalf("the rest: %d bytes, %v", len(rest), err)
	}
	cut := errors.New("connection cut")
	r = wholeReads{io.MultiReader(iotest.OneByteReader(strings.NewReader("abc")), iotest.ErrReader(cut))}
	if n, err := r.Read(p); n != 3 || !errors.Is(err, cut) || !bytes.Equal(p[:n], []byte("abc")) {
		t.Fatalf("a cut part: %d bytes, %v; want 3 and the cut", n, err)
	}
}

// limitedReader reads at most one byte past its limit, however large the
// read asked for, and then refuses.
func TestLimitedReaderReadsOneBytePast(t *testing.T) {
	src := strings.NewReader(strings.Repeat("x", 100))
	l := &limitedReader{r: src, left: 10}
	p := make([]byte, 64)
	if n, err := l.Read(p); n != 0 || !errors.Is(err, errTooLarge) || !l.over {
		t.Fatalf("read past the limit: %d, %v, over %v", n, err, l.over)
	}
	if read := 100 - src.Len(); read != 11 {
		t.Errorf("read %d bytes of the source, want 11", read)
	}
}
