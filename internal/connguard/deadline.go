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
// does). When a handler answers before its request's body has been read to
// the end — it refused the request, or the body stopped coming — the
// answer carries Connection: close and the read deadline is moved to now,
// so that the server neither waits for the rest of a body that may never
// come (it drains up to 256 KiB of an unread body before closing) nor
// reads it as the next request; the answer is delivered and the
// connection closed. (A handler cannot read its body after answering: Go's
// HTTP/1 server does not allow it unless full duplex is enabled.) Requests without a
// body are passed through untouched: the server's header and idle timeouts
// bound them.
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

// trackedBody notes when the body has been read to its end.
type trackedBody struct {
	io.ReadCloser
	rc   *http.ResponseController
	done atomic.Bool
}

func (b *trackedBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if err == io.EOF && !b.done.Swap(true) {
		_ = b.rc.SetReadDeadline(time.Time{})
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
	if !w.written {
		w.written = true
		if !w.body.done.Load() {
			w.ResponseWriter.Header().Set("Connection", "close")
			// The server drains up to 256 KiB of an unread body when the
			// handler ends; a body that is not coming must not hold it.
			_ = w.body.rc.SetReadDeadline(time.Now())
		}
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
