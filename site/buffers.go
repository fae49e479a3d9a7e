package site

import (
	"bytes"
	"sync"

	"github.com/yuin/goldmark/util"
)

// bufferPool recycles byte buffers: the ones pages are rendered into
// (builder.buffers), dead as soon as Output.WriteFile returns (Output must
// not keep data), goldmark's scratch (bodyScratch) and partialCached's
// (partialScratch). A full build fills
// one of tens of kilobytes per page; reusing them spares the collector
// most of a build's garbage.
type bufferPool struct{ pool sync.Pool }

// get returns an empty buffer with room for at least size bytes.
func (o *bufferPool) get(size int) *bytes.Buffer {
	buf, ok := o.pool.Get().(*bytes.Buffer)
	if !ok {
		buf = new(bytes.Buffer)
	}
	buf.Reset()
	buf.Grow(size)
	return buf
}

// put takes back bytes from a buffer of get once nothing reads them.
func (o *bufferPool) put(data []byte) {
	if cap(data) == 0 {
		return
	}
	o.pool.Put(bytes.NewBuffer(data[:0]))
}

// bodyWriter is the writer goldmark renders a page's body into: a
// reused scratch buffer that also satisfies goldmark's util.BufWriter, so
// that the renderer writes into it directly instead of through a
// bufio.Writer of its own. The page keeps an exact-size copy.
type bodyWriter struct{ *bytes.Buffer }

// Buffered is 0: nothing is held back from the buffer.
func (bodyWriter) Buffered() int { return 0 }

// Flush does nothing: every write is already in the buffer.
func (bodyWriter) Flush() error { return nil }

// bodyScratch holds the buffers of bodyWriter between pages.
var bodyScratch bufferPool

// partialScratch holds the buffers partialCached renders into; the cache
// keeps an exact-size copy.
var partialScratch bufferPool

var _ util.BufWriter = bodyWriter{}
