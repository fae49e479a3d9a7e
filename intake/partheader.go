package intake

import (
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"strings"
)

// maxPartHeaderBytes bounds what is read to find a part's header: the end
// of the part before (already read by the handler, but for a boundary and
// the reader's 4 KiB look-ahead) and the header itself. Go's multipart
// reader would otherwise gather up to 10 MiB of header per part in memory.
const maxPartHeaderBytes = 64 << 10

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

// partReader is r.MultipartReader over a headerGuard.
func partReader(r *http.Request) (*multipart.Reader, *headerGuard, error) {
	mt, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || !strings.EqualFold(mt, "multipart/form-data") || params["boundary"] == "" {
		return nil, nil, http.ErrNotMultipart
	}
	g := &headerGuard{r: r.Body}
	return multipart.NewReader(g, params["boundary"]), g, nil
}
