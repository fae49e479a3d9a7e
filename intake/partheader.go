package intake

import (
	"bufio"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"strings"
	"sync"
)

// maxPartHeaderBytes bounds what is read to find a part's header: the end
// of the part before (already read by the handler, but for a boundary and
// the reader's look-ahead) and the header itself. Go's multipart reader
// would otherwise gather up to 10 MiB of header per part in memory.
const maxPartHeaderBytes = 64 << 10

// bodyLookahead is the buffer between the request body and the multipart
// reader. The reader reads through its own buffer of 4 KiB: straight from
// the body, a 1 GiB file cost a quarter of a million reads of the
// connection, a system call each; through 32 KiB, an eighth of them.
const bodyLookahead = 32 << 10

// lookaheads are the buffers of bodyLookahead bytes of requests in flight.
var lookaheads = sync.Pool{New: func() any { return bufio.NewReaderSize(nil, bodyLookahead) }}

var errPartHeaderTooLarge = errors.New("multipart part header too large")

// headerGuard passes a request body through, failing reads past a limit
// while one is set (around NextPart).
type headerGuard struct {
	r     io.Reader
	left  int64
	armed bool
}

func (g *headerGuard) limit(n int64) { g.left, g.armed = n, true }
func (g *headerGuard) unlimit()      { g.armed = false }

func (g *headerGuard) Read(p []byte) (int, error) {
	if !g.armed {
		return g.r.Read(p)
	}
	if g.left <= 0 {
		return 0, errPartHeaderTooLarge
	}
	if int64(len(p)) > g.left {
		p = p[:g.left]
	}
	n, err := g.r.Read(p)
	g.left -= int64(n)
	return n, err
}

// partReader is r.MultipartReader over a headerGuard, which reads the
// body through a pooled look-ahead of bodyLookahead bytes. Nothing else
// may read the body afterwards; the caller calls release once it has done
// with the reader and its parts.
func partReader(r *http.Request) (mr *multipart.Reader, g *headerGuard, release func(), err error) {
	mt, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || !strings.EqualFold(mt, "multipart/form-data") || params["boundary"] == "" {
		return nil, nil, nil, http.ErrNotMultipart
	}
	br := lookaheads.Get().(*bufio.Reader)
	br.Reset(r.Body)
	release = func() {
		br.Reset(nil)
		lookaheads.Put(br)
	}
	g = &headerGuard{r: br}
	return multipart.NewReader(g, params["boundary"]), g, release, nil
}
