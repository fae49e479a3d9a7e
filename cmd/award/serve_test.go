package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// devSite starts award serve on a small site in a temporary folder and
// returns its root folder and URL; the server stops with the test.
func devSite(t *testing.T) (root, url string) {
	t.Helper()
	root = smallSite(t)
	writeTree(t, root, map[string]string{
		"theme/layouts/_default/single.html": "<!DOCTYPE html><html><head><link rel=\"stylesheet\" href=\"/zlj/css/site.css\"></head><body><h1>{{ .Page.Title }}</h1>{{ .Page.Content }}</body></html>",
		"theme/static/css/site.css":          "body { color: black; }",
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	args := append(buildArgs(root)[1:], "-addr", addr, "-staff-addr", "127.0.0.1:0", "-intake-config", filepath.Join(root, "none.yaml"))
	t.Setenv("AWARD_DATA_DIR", filepath.Join(root, "data"))
	t.Setenv("AWARD_IDENTITY_KEY_FILE", filepath.Join(root, "data", "identity.key"))
	t.Setenv("AWARD_TOWNSHIPS", "../../townships.yaml")
	go func() { done <- runServe(ctx, args, io.Discard, io.Discard) }()
	t.Cleanup(func() {
		cancel()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			t.Error("serve did not stop")
		}
	})
	url = "http://" + addr + "/zlj/"
	deadline := time.Now().Add(20 * time.Second)
	for {
		resp, err := http.Get(url)
		if err == nil {
			resp.Body.Close()
			return root, url
		}
		if time.Now().After(deadline) {
			t.Fatalf("serve did not come up: %v", err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// events collects the live-reload events a page would receive.
type events struct {
	mu   sync.Mutex
	seen []string
}

func listen(t *testing.T, url string) *events {
	t.Helper()
	ev := &events{}
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url+"_award/events", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	go func() {
		defer resp.Body.Close()
		sc := bufio.NewScanner(resp.Body)
		var kind string
		for sc.Scan() {
			line := sc.Text()
			switch {
			case strings.HasPrefix(line, "event: "):
				kind = strings.TrimPrefix(line, "event: ")
			case strings.HasPrefix(line, "data: ") && kind != "":
				ev.mu.Lock()
				ev.seen = append(ev.seen, kind+" "+strings.TrimPrefix(line, "data: "))
				ev.mu.Unlock()
				kind = ""
			}
		}
	}()
	return ev
}

// wait waits for an event starting with prefix, after index from.
func (e *events) wait(t *testing.T, from int, prefix string) (string, int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		e.mu.Lock()
		for i := from; i < len(e.seen); i++ {
			if strings.HasPrefix(e.seen[i], prefix) {
				s := e.seen[i]
				e.mu.Unlock()
				return s, i + 1
			}
		}
		e.mu.Unlock()
		time.Sleep(20 * time.Millisecond)
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	t.Fatalf("no %q event; saw %v", prefix, e.seen)
	return "", 0
}

// saveAtomically writes a file the way many editors do: a temporary file,
// renamed over the original.
func saveAtomically(t *testing.T, path, data string) {
	t.Helper()
	tmp := filepath.Join(filepath.Dir(path), "."+filepath.Base(path)+".swp")
	if err := os.WriteFile(tmp, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, path); err != nil {
		t.Fatal(err)
	}
}

func waitFor(t *testing.T, url, want string) string {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	var body string
	for time.Now().Before(deadline) {
		resp, err := http.Get(url)
		if err == nil {
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			body = string(b)
			if strings.Contains(body, want) {
				return body
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("%s never showed %q; last:\n%s", url, want, body)
	return ""
}

func TestServeWatchesAndReloads(t *testing.T) {
	root, url := devSite(t)
	page := waitFor(t, url+"notices/a/", "<h1>甲</h1>")
	if !strings.Contains(page, `<script src="/zlj/_award/live.js" defer></script></body>`) {
		t.Errorf("served page lacks the live-reload script:\n%s", page)
	}
	if disk, _ := os.ReadFile(filepath.Join(root, "public/notices/a/index.html")); strings.Contains(string(disk), "_award") {
		t.Error("the live-reload script leaked into the built file")
	}
	ev := listen(t, url)
	a := filepath.Join(root, "content/notices/a.md")

	// An atomic save of a body edit: the page changes, pages reload.
	saveAtomically(t, a, "---\ntitle: 甲\ndate: 2026-01-01\n---\n见[乙](/notices/b/)。新的一句。\n")
	waitFor(t, url+"notices/a/", "新的一句。")
	_, next := ev.wait(t, 0, "reload")

	// A broken link: the problem is announced with file and line; the last
	// good page stays served.
	saveAtomically(t, a, "---\ntitle: 甲\ndate: 2026-01-01\n---\n见[丙](/notices/c/)。\n")
	msg, next := ev.wait(t, next, "problems")
	if !strings.Contains(msg, "notices/a.md:5") || !strings.Contains(msg, "/notices/c/") {
		t.Errorf("problem event %q lacks file, line or link", msg)
	}
	waitFor(t, url+"notices/a/", "新的一句。")

	// Fixing it clears the problem.
	saveAtomically(t, a, "---\ntitle: 甲\ndate: 2026-01-01\n---\n改好了。\n")
	waitFor(t, url+"notices/a/", "改好了。")
	_, next = ev.wait(t, next, "reload")

	// A stylesheet-only change swaps styles without a reload.
	saveAtomically(t, filepath.Join(root, "theme/static/css/site.css"), "body { color: navy; }")
	_, next = ev.wait(t, next, "css")
	waitFor(t, url+"css/site.css", "navy")

	// A new folder with a page; a burst of files; a deletion.
	dir := filepath.Join(root, "content/winners")
	if err := os.MkdirAll(filepath.Join(root, "tmp-new"), 0o755); err != nil {
		t.Fatal(err)
	}
	writeTree(t, filepath.Join(root, "tmp-new"), map[string]string{"w1.md": "---\ntitle: 获奖一\n---\n一。\n", "w2.md": "---\ntitle: 获奖二\n---\n二。\n"})
	if err := os.Rename(filepath.Join(root, "tmp-new"), dir); err != nil {
		t.Fatal(err)
	}
	waitFor(t, url+"winners/w2/", "获奖二")
	for i := 0; i < 20; i++ {
		writeTree(t, root, map[string]string{fmt.Sprintf("content/notices/n%02d.md", i): fmt.Sprintf("---\ntitle: 通知%d\n---\n正文%d。\n", i, i)})
	}
	waitFor(t, url+"notices/n19/", "正文19。")
	if err := os.Remove(filepath.Join(dir, "w1.md")); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		if _, err := os.Stat(filepath.Join(root, "public/winners/w1/index.html")); os.IsNotExist(err) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the output of a deleted page was not removed")
		}
		time.Sleep(20 * time.Millisecond)
	}
	_ = next
}
