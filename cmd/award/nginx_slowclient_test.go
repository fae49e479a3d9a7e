package main

import (
	"bufio"
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/zhongmou/award/intake"
)

// TestNginxSlowClients opens, from 127.0.0.1, many connections through nginx
// (configuration generated from deploy/nginx-award.conf) that each send the
// header of an objection post declaring a 1000-byte body, and then nothing.
// nginx must hold no more of them than the file's per-client limit_conn for
// the intake and answer the rest at once with 429 (or 503) and a Chinese
// page; another client (127.0.0.2) must meanwhile get the home page, /healthz
// and a form from the intake promptly; and nginx must close the held ones
// after client_body_timeout.
//
// The 500 connections are more than Debian's default worker_connections
// (768) can hold in pairs (each proxied request has an upstream connection
// too), so without a limit they starve every other client, as in the
// finding (383 held, "768 worker_connections are not enough"). The intake under nginx gets a generous submit budget, so that what
// holds the connections is nginx's configuration alone, not the intake's own
// per-client rate limit (which would answer 429 after a burst of 5). The
// test shortens client_body_timeout in its generated copy to bound its
// running time; production uses the value in the file (60s), which the test
// checks against the intake's stall timeout.
func TestNginxSlowClients(t *testing.T) {
	const (
		conns       = 500
		bodyTimeout = 4 * time.Second
		settle      = time.Second // all but the held are answered by then
	)
	ns := startNginxSite(t, nginxOptions{bodyTimeout: "4s", submitRate: "100000/1m,100000"})
	api := "location " + ns.base + "api/"

	// The file sets its own timeouts (nginx's defaults are 60s and 75s).
	for _, name := range []string{"client_header_timeout", "client_body_timeout", "send_timeout", "keepalive_timeout"} {
		d := effective(ns.stmts, api, name)
		if len(d) == 0 {
			t.Errorf("the configuration does not set %s for %s", name, api)
			continue
		}
		v, ok := nginxSeconds(d[0].args[0])
		switch {
		case !ok:
			t.Errorf("%s %v: not a time", name, d[0].args)
		case name == "client_body_timeout" && v > intake.DefaultConfig().StallTimeout:
			t.Errorf("client_body_timeout %v is longer than the intake's stall timeout %v: nginx would hold what the intake has dropped", v, intake.DefaultConfig().StallTimeout)
		case v > 75*time.Second:
			t.Errorf("%s %v is longer than nginx's own default", name, v)
		}
	}
	limit := limitFor(ns.stmts, api)
	if limit == 0 {
		t.Errorf("no limit_conn keyed by the client's address applies in %s", api)
	} else if limit > conns/4 {
		t.Fatalf("limit_conn %d for %s: too many for this test's %d connections to show it", limit, api, conns)
	}

	// The slow clients.
	host := strings.TrimPrefix(ns.origin, "http://")
	head := "POST " + ns.base + "api/objections HTTP/1.1\r\nHost: " + host + "\r\nOrigin: " + ns.origin +
		"\r\nAccept: text/html\r\nContent-Type: multipart/form-data; boundary=x\r\nContent-Length: 1000\r\n\r\n"
	type outcome struct {
		at     time.Duration // first answer, close or reset, after the header was sent
		status int           // 0: no answer
		body   string
		header http.Header
		err    error
	}
	results := make([]outcome, conns)
	from1 := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1)}, Timeout: 2 * time.Second}
	var wg sync.WaitGroup
	start := time.Now()
	for i := range conns {
		c, err := from1.Dial("tcp", host)
		if err != nil {
			t.Fatalf("connection %d: %v", i, err)
		}
		t.Cleanup(func() { c.Close() })
		if _, err := io.WriteString(c, head); err != nil {
			t.Fatalf("connection %d: %v", i, err)
		}
		sent := time.Now() // timed from here, not from the first dial: 500 dials take a while
		wg.Add(1)
		go func() {
			defer wg.Done()
			_ = c.SetReadDeadline(sent.Add(bodyTimeout + 6*time.Second))
			resp, err := http.ReadResponse(bufio.NewReader(c), nil)
			r := outcome{at: time.Since(sent), err: err}
			if err == nil {
				b, _ := io.ReadAll(io.LimitReader(resp.Body, 4<<10))
				r.status, r.body, r.header = resp.StatusCode, string(b), resp.Header
			}
			results[i] = r
			c.Close()
		}()
	}
	t.Logf("%d connections sent their header in %v", conns, time.Since(start).Round(time.Millisecond))
	time.Sleep(time.Until(start.Add(settle)))

	// Another client, meanwhile.
	from2 := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.IPv4(127, 0, 0, 2)}, Timeout: 2 * time.Second}
	other := &http.Client{Timeout: 2 * time.Second, Transport: &http.Transport{DialContext: from2.DialContext}}
	for _, path := range []string{ns.url, ns.origin + "/healthz", ns.url + "api/objections/new?publicity=pub-2026-candidates&candidate=c01"} {
		t0 := time.Now()
		resp, err := other.Get(path)
		if err != nil {
			t.Errorf("from 127.0.0.2, while 127.0.0.1 holds its connections: %s: %v", path, err)
			continue
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Errorf("from 127.0.0.2: %s: %d", path, resp.StatusCode)
		}
		t.Logf("from 127.0.0.2: %s: %d in %v", strings.TrimPrefix(path, ns.origin), resp.StatusCode, time.Since(t0).Round(time.Millisecond))
	}
	if time.Since(start) > bodyTimeout-500*time.Millisecond {
		t.Fatalf("the checks from 127.0.0.2 ended %v after the start, too late to run while the connections were held", time.Since(start))
	}
	wg.Wait()

	// Each connection was refused (429 or 503, at once), or held until
	// nginx closed it for its missing body, or neither (closed early
	// without an answer, as when nginx runs out of worker_connections).
	held, refused, dropped := 0, 0, 0
	var slowestRefusal, firstClose, lastClose time.Duration
	statuses := map[int]int{}
	han := regexp.MustCompile(`\p{Han}`)
	for i, r := range results {
		statuses[r.status]++
		switch {
		case r.status == http.StatusTooManyRequests || r.status == http.StatusServiceUnavailable:
			refused++
			slowestRefusal = max(slowestRefusal, r.at)
			if !han.MatchString(r.body) || !strings.EqualFold(r.header.Get("Content-Type"), "text/html; charset=utf-8") {
				t.Errorf("connection %d: %d without a Chinese explanation (%s): %q", i, r.status, r.header.Get("Content-Type"), r.body)
			}
			if got := r.header.Values("Referrer-Policy"); len(got) != 1 || got[0] != "no-referrer" {
				t.Errorf("connection %d: %d with Referrer-Policy %q, want one no-referrer", i, r.status, got)
			}
		case r.at >= settle && (r.status == 0 || r.status == http.StatusRequestTimeout):
			held++
			if firstClose == 0 || r.at < firstClose {
				firstClose = r.at
			}
			lastClose = max(lastClose, r.at)
			if r.status == 0 && !errors.Is(r.err, io.EOF) && !errors.Is(r.err, io.ErrUnexpectedEOF) && !isReset(r.err) {
				t.Errorf("connection %d: held, then %v; want nginx to close it after client_body_timeout", i, r.err)
			}
		default:
			dropped++
		}
	}
	t.Logf("%d connections from 127.0.0.1: %d held by nginx (limit_conn %d), %d refused (the slowest after %v), %d dropped without an answer; statuses %v",
		conns, held, limit, refused, slowestRefusal.Round(time.Millisecond), dropped, statuses)
	if held > 0 {
		t.Logf("the held connections were closed %v–%v after their header (client_body_timeout %v in this test)",
			firstClose.Round(time.Millisecond), lastClose.Round(time.Millisecond), bodyTimeout)
	}
	if limit == 0 || held > limit {
		t.Errorf("nginx held %d slow requests from one address; want at most the per-client limit (%d)", held, limit)
	}
	if refused+held != conns {
		t.Errorf("%d connections were neither refused with 429/503 nor held: statuses %v", conns-refused-held, statuses)
	}
	if slowestRefusal > settle {
		t.Errorf("a refusal took %v; want the slow clients over the limit refused at once", slowestRefusal)
	}
	if held > 0 && (firstClose < bodyTimeout-500*time.Millisecond || lastClose > bodyTimeout+3*time.Second) {
		t.Errorf("held connections closed %v–%v after their header, want about client_body_timeout (%v)", firstClose, lastClose, bodyTimeout)
	}
	// nginx logs the held requests it closed as 408 (Request Timeout).
	if b, err := os.ReadFile(filepath.Join(ns.logs, "award-access.log")); err != nil {
		t.Error(err)
	} else if n := strings.Count(string(b), `objections HTTP/1.1" 408 `); n != held {
		t.Errorf("the access log shows %d requests ended 408 by client_body_timeout, want the %d held", n, held)
	}
}

// isReset reports whether err is a connection reset by the peer (nginx
// resets timed-out connections with reset_timedout_connection on).
func isReset(err error) bool { return errors.Is(err, syscall.ECONNRESET) }
