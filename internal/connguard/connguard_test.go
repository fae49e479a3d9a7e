package connguard

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"sync"
	"testing"
	"time"
)

// serve runs an HTTP server like the product's on a loopback listener
// guarded by limits and ReadDeadlines(timeout).
func serve(t *testing.T, limits Limits, timeout time.Duration, h http.Handler) (*Listener, string) {
	t.Helper()
	raw, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ln := Listen(raw, limits)
	srv := &http.Server{Handler: ReadDeadlines(h, timeout), ReadHeaderTimeout: 5 * time.Second}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return ln, raw.Addr().String()
}

// readsBody answers 400 when its body does not arrive, as the intake does.
var readsBody = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
	if _, err := io.ReadAll(r.Body); err != nil {
		http.Error(w, "提交没有完整送达", http.StatusBadRequest)
		return
	}
	io.WriteString(w, "ok")
})

// silent sends a request's header declaring a body, and no body.
func silent(t *testing.T, addr, local, method string) net.Conn {
	t.Helper()
	d := net.Dialer{Timeout: 2 * time.Second}
	if local != "" {
		d.LocalAddr = &net.TCPAddr{IP: net.ParseIP(local)}
	}
	c, err := d.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(c, "%s /upload HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: 1000\r\n\r\n", method)
	return c
}

// answer reads the status line and whether the connection was then closed.
func answer(t *testing.T, c net.Conn, within time.Duration) (status int, closed bool) {
	t.Helper()
	_ = c.SetReadDeadline(time.Now().Add(within))
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatalf("no answer within %v: %v", within, err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	one := make([]byte, 1)
	_, err = c.Read(one)
	return resp.StatusCode, err == io.EOF
}

// A body that never comes: the handler's read fails at the deadline, its
// answer is delivered, and the connection is closed; a handler that does
// not read the body answers at once and closes the connection too.
func TestBodyThatNeverComes(t *testing.T) {
	_, addr := serve(t, Limits{}, time.Second, readsBody)
	c := silent(t, addr, "", http.MethodPost)
	defer c.Close()
	start := time.Now()
	status, closed := answer(t, c, 5*time.Second)
	if status != http.StatusBadRequest || !closed {
		t.Fatalf("stalled body: status %d, closed %v; want 400 and closed", status, closed)
	}
	if d := time.Since(start); d < 900*time.Millisecond {
		t.Errorf("answered after %v, before the deadline", d)
	}

	_, addr = serve(t, Limits{}, time.Minute, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "refused", http.StatusForbidden) // does not read the body
	}))
	c2 := silent(t, addr, "", http.MethodGet)
	defer c2.Close()
	start = time.Now()
	status, closed = answer(t, c2, drainGrace+2*time.Second)
	if status != http.StatusForbidden || !closed {
		t.Fatalf("refused unread body: status %d, closed %v", status, closed)
	}
	if d := time.Since(start); d > drainGrace+time.Second {
		t.Errorf("a refusal waited %v for a body that never came", d)
	}
}

// A body read to its end keeps the connection for the next request, and
// the deadline no longer applies to the answer.
func TestBodyReadKeepsConnection(t *testing.T) {
	_, addr := serve(t, Limits{}, 500*time.Millisecond, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.ReadAll(r.Body)
		time.Sleep(800 * time.Millisecond) // a slow answer past the body deadline
		io.WriteString(w, "ok")
	}))
	client := &http.Client{Timeout: 5 * time.Second}
	for range 2 {
		resp, err := client.Post("http://"+addr+"/", "text/plain", strings.NewReader("hello"))
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || string(body) != "ok" || resp.Close {
			t.Fatalf("status %d body %q close %v", resp.StatusCode, body, resp.Close)
		}
	}
}

// One client cannot hold more than PerClient connections, nor all clients
// more than Total; the ones over are told 503 at once and closed, and
// another client is still served.
func TestConnectionLimits(t *testing.T) {
	ln, addr := serve(t, Limits{Total: 12, PerClient: 8}, time.Minute, readsBody)
	var held []net.Conn
	defer func() {
		for _, c := range held {
			c.Close()
		}
	}()
	for range 8 {
		held = append(held, silent(t, addr, "127.0.0.1", http.MethodPost))
	}
	waitOpen(t, ln, 8)
	// The ninth from the same client is refused at once.
	c := silent(t, addr, "127.0.0.1", http.MethodPost)
	status, closed := answer(t, c, 2*time.Second)
	c.Close()
	if status != http.StatusServiceUnavailable || !closed {
		t.Fatalf("ninth connection of one client: %d closed %v", status, closed)
	}
	// Another client is served.
	d := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP("127.0.0.2")}}
	client := &http.Client{Timeout: 3 * time.Second, Transport: &http.Transport{DialContext: d.DialContext}}
	resp, err := client.Post("http://"+addr+"/", "text/plain", strings.NewReader("x"))
	if err != nil {
		t.Fatalf("another client: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("another client: %d", resp.StatusCode)
	}
	client.CloseIdleConnections()
	waitOpen(t, ln, 8)
	// Fill the total from other addresses; the next is refused.
	for i := range 4 {
		held = append(held, silent(t, addr, fmt.Sprintf("127.0.0.%d", 3+i), http.MethodPost))
	}
	waitOpen(t, ln, 12)
	c = silent(t, addr, "127.0.0.9", http.MethodPost)
	status, _ = answer(t, c, 2*time.Second)
	c.Close()
	if status != http.StatusServiceUnavailable {
		t.Fatalf("past the total: %d", status)
	}
	if ln.Refused() != 2 {
		t.Errorf("refused %d, want 2", ln.Refused())
	}
	// Closing gives the places back.
	for _, c := range held {
		c.Close()
	}
	held = nil
	waitOpen(t, ln, 0)
}

func waitOpen(t *testing.T, ln *Listener, n int) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for ln.Open() != n {
		if time.Now().After(deadline) {
			t.Fatalf("%d connections open, want %d", ln.Open(), n)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// Many silent clients at once never hold more than the limits allow, and
// every held one is let go at the body deadline.
func TestManySilentClients(t *testing.T) {
	ln, addr := serve(t, Limits{Total: 64, PerClient: 16}, time.Second, readsBody)
	var wg sync.WaitGroup
	var mu sync.Mutex
	statuses := map[int]int{}
	for range 200 {
		wg.Go(func() {
			c := silent(t, addr, "127.0.0.1", http.MethodPost)
			defer c.Close()
			_ = c.SetReadDeadline(time.Now().Add(10 * time.Second))
			resp, err := http.ReadResponse(bufio.NewReader(c), nil)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				statuses[0]++
				return
			}
			statuses[resp.StatusCode]++
		})
	}
	deadline := time.Now().Add(500 * time.Millisecond)
	for time.Now().Before(deadline) {
		if n := ln.Open(); n > 16 {
			t.Fatalf("%d connections of one client held, limit 16", n)
		}
		time.Sleep(5 * time.Millisecond)
	}
	wg.Wait()
	if statuses[0] != 0 || statuses[http.StatusBadRequest]+statuses[http.StatusServiceUnavailable] != 200 {
		t.Fatalf("answers %v: every connection must be answered", statuses)
	}
	waitOpen(t, ln, 0)
}

func TestClientPrefix(t *testing.T) {
	for _, c := range []struct {
		ip   string
		bits int
		want string
	}{
		{"203.0.113.7", 64, "203.0.113.7/32"},
		{"::ffff:203.0.113.7", 64, "203.0.113.7/32"},
		{"2001:db8:1:2:aaaa:bbbb:cccc:dddd", 64, "2001:db8:1:2::/64"},
		{"2001:db8:1:2:aaaa:bbbb:cccc:dddd", 56, "2001:db8:1::/56"},
		{"2001:db8:1:2::1", 0, "2001:db8:1:2::/64"},
	} {
		if got := ClientPrefix(netip.MustParseAddr(c.ip), c.bits).String(); got != c.want {
			t.Errorf("ClientPrefix(%s, %d) = %s, want %s", c.ip, c.bits, got, c.want)
		}
	}
}

// The total is fitted below the process's descriptor limit.
func TestTotalFitsDescriptors(t *testing.T) {
	fds := descriptorLimit()
	if fds == 0 {
		t.Skip("no descriptor limit on this system")
	}
	raw, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	for _, asked := range []int{0, fds * 2} {
		got := Listen(raw, Limits{Total: asked}).Limits().Total
		if got <= 0 || got > fds-descriptorReserve && got > fds/2 {
			t.Errorf("Total %d with %d descriptors: fitted to %d", asked, fds, got)
		}
	}
	if got := Listen(raw, Limits{Total: 10}).Limits().Total; got != 10 {
		t.Errorf("a Total that fits was changed to %d", got)
	}
}
