package intake

import "io"

// wholeReads reads a multipart part in reads as large as asked. A part
// gives a read at most its reader's 4 KiB look-ahead, and everything on a
// file's way to storage (the size count, the content check's tail, the
// hash) paid its cost per read: a quarter of a million times a GiB.
type wholeReads struct{ r io.Reader }

// Read fills p, returning less only with the error that ended the part.
func (w wholeReads) Read(p []byte) (int, error) {
	n := 0
	for n < len(p) {
		k, err := w.r.Read(p[n:])
		n += k
		if err != nil {
			return n, err
		}
	}
	return n, nil
}
