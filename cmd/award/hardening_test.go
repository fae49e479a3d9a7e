package main

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/zhongmou/award/intake"
)

// The site as award serve serves it carries the security headers, as does
// the intake on the same origin, which refuses a cross-origin post.
func TestServeSecurityHeaders(t *testing.T) {
	_, url := devSite(t)
	for _, path := range []string{"", "css/site.css", "no-such-page/", "api/objections/new"} {
		resp, err := http.Get(url + path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		h := resp.Header
		policy := "strict-origin-when-cross-origin" // the site's pages carry no secrets in their addresses
		if strings.HasPrefix(path, "api/") {
			policy = "no-referrer" // the intake's: receipts carry their token, re-shown forms the entries
		}
		if h.Get("Content-Security-Policy") != intake.ContentSecurityPolicy || h.Get("X-Content-Type-Options") != "nosniff" ||
			h.Get("X-Frame-Options") != "SAMEORIGIN" || h.Get("Referrer-Policy") != policy {
			t.Errorf("/%s: headers %v", path, h)
		}
		if strings.HasSuffix(path, ".css") || path == "no-such-page/" {
			continue
		}
		// The live-reload script is a same-origin file, which script-src 'self' allows.
		if path == "" && !strings.Contains(string(body), `<script src="/zlj/_award/live.js"`) {
			t.Errorf("page lacks the live-reload script:\n%s", body)
		}
	}
	req, _ := http.NewRequest(http.MethodPost, url+"api/objections", strings.NewReader("--x--\r\n"))
	req.Header.Set("Content-Type", "multipart/form-data; boundary=x")
	req.Header.Set("Origin", "https://evil.example")
	req.Header.Set("Accept", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden || !strings.Contains(string(body), `"forbidden"`) {
		t.Errorf("cross-origin post: %d %s", resp.StatusCode, body)
	}
	if resp.Header.Get("X-Request-ID") == "" {
		t.Error("no X-Request-ID")
	}
}

// serveUntilDone refuses an oversized header and drops a client that never
// finishes its header.
func TestServeUntilDoneLimits(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- serveUntilDone(ctx, ln, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok") }), intake.DefaultConfig())
	}()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Error(err)
		}
	}()
	url := "http://" + ln.Addr().String() + "/"
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	req.Header.Set("X-Big", strings.Repeat("a", maxHeaderBytes+8<<10))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusRequestHeaderFieldsTooLarge {
		t.Errorf("oversized header: %d, want 431", resp.StatusCode)
	}
	req.Header.Set("X-Big", strings.Repeat("a", 32<<10))
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("32 KiB header: %d, want 200", resp.StatusCode)
	}
	if testing.Short() {
		return
	}
	// A client that sends half a header is dropped after ReadHeaderTimeout.
	c, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	io.WriteString(c, "GET / HTTP/1.1\r\nHost: x\r\n")
	start := time.Now()
	_ = c.SetReadDeadline(time.Now().Add(20 * time.Second))
	_, _ = io.ReadAll(c)
	if d := time.Since(start); d < 9*time.Second || d > 15*time.Second {
		t.Errorf("half a header held the connection %v, want about 10s", d)
	}
}

// An event stream ends when serve stops, so that shutting down does not
// wait for the pages still open.
func TestEndStreams(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	h := endStreams(ctx, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() }))
	req, _ := http.NewRequest(http.MethodGet, "/zlj/_award/events", nil)
	req.Header.Set("Accept", "text/event-stream")
	done := make(chan struct{})
	go func() { h.ServeHTTP(httptest.NewRecorder(), req); close(done) }()
	cancel()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("the stream outlived serve")
	}
}
