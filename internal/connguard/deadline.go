package connguard

import (
	"io"
	"net/http"
	"sync/atomic"
	"time"
)

// ReadDeadlines gives the body of every request that has one timeout to
// arrive: the connection's read deadline is set when the handler starts,
// and cleared once the body has been read to its end (a long answer, such
// as a download, is then not cut). A handler that reads a long body moves
// the deadline forward itself while bytes flow (the intake's stall guard
// does). When the handler answers before the body has been read to its
// end, the answer is never held without limit: if a read of the body
// failed (it stopped coming), the answer carries Connection: close and
// goes out at once; if the handler refused the request without reading
// it, the server first drains what is left as it does for any handler (at
// most 256 KiB, so that a client still sending reads the answer rather
// than a reset), within drainGrace, then answers and closes. Requests
// without a body are passed through untouched: the server's header and
// idle timeouts bound them.
func ReadDeadlines(next http.Handler, timeout time.Duration) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Body == nil || r.Body == http.NoBody || timeout <= 0 {
			next.ServeHTTP(w, r)
			return
		}
		rc := http.NewResponseController(w)
		if err := rc.SetReadDeadline(time.Now().Add(timeout)); err != nil {
			next.ServeHTTP(w, r) // not on a real connection (a test's recorder)
			return
		}
		b := &trackedBody{ReadCloser: r.Body, rc: rc}
		r.Body = b
		next.ServeHTTP(&closeUnread{ResponseWriter: w, body: b}, r)
	})
}

// drainGrace bounds how long a connection whose answer went out before its
// body was read stays open to drain the rest.
const drainGrace = 5 * time.Second

// trackedBody notes when the body has been read to its end.
type trackedBody struct {
	io.ReadCloser
	rc     *http.ResponseController
	done   atomic.Bool // read to its end
	failed atomic.Bool // a read failed: the body stopped coming
}

func (b *trackedBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	switch {
	case err == io.EOF:
		if !b.done.Swap(true) {
			_ = b.rc.SetReadDeadline(time.Time{})
		}
	case err != nil:
		b.failed.Store(true)
	}
	return n, err
}

// closeUnread marks the answer Connection: close when the body has not
// been read to its end by the time the answer's header goes out.
type closeUnread struct {
	http.ResponseWriter
	body    *trackedBody
	written bool
}

func (w *closeUnread) header() {
	if w.written {
		return
	}
	w.written = true
	switch {
	case w.body.done.Load():
	case w.body.failed.Load():
		// The body stopped coming (a read failed, e.g. at the stall
		// deadline): answer now and close.
		w.ResponseWriter.Header().Set("Connection", "close")
		_ = w.body.rc.SetReadDeadline(time.Now())
	default:
		// Refused before its body was read. Before answering, the server
		// reads up to 256 KiB of what is left, so that a client still
		// sending reads the answer instead of a reset (past that it
		// answers and closes): a body that is not coming holds it no
		// longer than drainGrace.
		_ = w.body.rc.SetReadDeadline(time.Now().Add(drainGrace))
	}
}

func (w *closeUnread) WriteHeader(code int) {
	if code >= 200 { // 1xx informational answers leave the request open
		w.header()
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *closeUnread) Write(p []byte) (int, error) {
	w.header()
	return w.ResponseWriter.Write(p)
}

// Flush sends what is buffered (for handlers that assert http.Flusher).
func (w *closeUnread) Flush() {
	w.header()
	_ = http.NewResponseController(w.ResponseWriter).Flush()
}

// Unwrap lets http.ResponseController reach the connection.
func (w *closeUnread) Unwrap() http.ResponseWriter { return w.ResponseWriter }
