package main

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/zhongmou/award/site"
)

//go:embed live.js
var liveJS []byte

// liveHub tells open pages, over server-sent events, when the site was
// rebuilt (reload, or swap the stylesheets) or failed to build (show the
// problems over the page until they are fixed).
type liveHub struct {
	mu      sync.Mutex
	clients map[chan liveEvent]bool
	last    *liveEvent // the last error, for pages opened while it stands
}

type liveEvent struct {
	kind string // reload, css, problems, ok
	data string
}

func newLiveHub() *liveHub { return &liveHub{clients: map[chan liveEvent]bool{}} }

func (h *liveHub) send(e liveEvent) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if e.kind == "problems" {
		h.last = &e
	} else {
		h.last = nil
	}
	for c := range h.clients {
		select {
		case c <- e:
		default: // a slow page misses one event; it gets the next
		}
	}
}

// built announces a successful build: css when only stylesheets changed.
func (h *liveHub) built(rep *site.Report) {
	if len(rep.WrittenNames) == 0 {
		h.send(liveEvent{kind: "ok"})
		return
	}
	onlyCSS := true
	for _, n := range rep.WrittenNames {
		if !bytes.HasSuffix([]byte(n), []byte(".css")) {
			onlyCSS = false
		}
	}
	if onlyCSS {
		h.send(liveEvent{kind: "css"})
		return
	}
	h.send(liveEvent{kind: "reload"})
}

// failed announces a failed build with its problems.
func (h *liveHub) failed(err error) {
	var lines []string
	if be, ok := err.(*site.BuildError); ok {
		for _, p := range be.Problems {
			lines = append(lines, p.Error())
		}
	} else {
		lines = []string{err.Error()}
	}
	data, _ := json.Marshal(lines)
	h.send(liveEvent{kind: "problems", data: string(data)})
}

// ServeHTTP streams events to one page.
func (h *liveHub) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	fl, ok := w.(http.Flusher)
	if !ok {
		http.Error(w, "streaming unsupported", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/event-stream; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	c := make(chan liveEvent, 4)
	h.mu.Lock()
	h.clients[c] = true
	last := h.last
	h.mu.Unlock()
	defer func() {
		h.mu.Lock()
		delete(h.clients, c)
		h.mu.Unlock()
	}()
	fmt.Fprint(w, "retry: 1000\n\n")
	if last != nil {
		writeEvent(w, *last)
	}
	fl.Flush()
	ping := time.NewTicker(30 * time.Second)
	defer ping.Stop()
	for {
		select {
		case <-r.Context().Done():
			return
		case e := <-c:
			writeEvent(w, e)
			fl.Flush()
		case <-ping.C:
			fmt.Fprint(w, ": ping\n\n")
			fl.Flush()
		}
	}
}

func writeEvent(w http.ResponseWriter, e liveEvent) {
	data := e.data
	if data == "" {
		data = "{}"
	}
	fmt.Fprintf(w, "event: %s\ndata: %s\n\n", e.kind, data)
}

// injectLive adds the live-reload script to an HTML page, before </body>.
func injectLive(page []byte, scriptURL string) []byte {
	tag := []byte(`<script src="` + scriptURL + `" defer></script>`)
	if i := bytes.LastIndex(page, []byte("</body>")); i >= 0 {
		out := make([]byte, 0, len(page)+len(tag))
		out = append(out, page[:i]...)
		out = append(out, tag...)
		return append(out, page[i:]...)
	}
	return append(bytes.Clone(page), tag...)
}
