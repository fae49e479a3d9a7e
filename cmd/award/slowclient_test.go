package main

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// Through award serve (site and intake on one listener): a body that stops
// coming is answered when the stall guard fires and the connection is
// closed; a request whose declared body never comes is answered and
// closed, on the site and on the intake alike, instead of being held.
func TestServeDropsSilentBodies(t *testing.T) {
	t.Setenv("AWARD_STALL_TIMEOUT", "1s")
	t.Setenv("AWARD_BODY_TIMEOUT", "1s")
	_, url := devSite(t)
	addr := strings.TrimSuffix(strings.TrimPrefix(url, "http://"), "/zlj/")
	for _, c := range []struct {
		name, method, path, body string
		status                   int
		within                   time.Duration
	}{
		{"upload that stalls", http.MethodPost, "/zlj/api/objections", "--b\r\nContent-Disposition: form-data; name=\"publicity\"\r\n\r\nx", http.StatusBadRequest, 5 * time.Second},
		{"site page, body never sent", http.MethodGet, "/zlj/", "", http.StatusOK, 10 * time.Second},
		{"site post, body never sent", http.MethodPost, "/zlj/", "", 0, 10 * time.Second},
		{"form page, body never sent", http.MethodGet, "/zlj/api/objections/new", "", http.StatusOK, 10 * time.Second},
	} {
		t.Run(c.name, func(t *testing.T) {
			conn, err := net.Dial("tcp", addr)
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			fmt.Fprintf(conn, "%s %s HTTP/1.1\r\nHost: %s\r\nAccept: application/json\r\nContent-Type: multipart/form-data; boundary=b\r\nContent-Length: 100000\r\n\r\n%s",
				c.method, c.path, addr, c.body)
			start := time.Now()
			_ = conn.SetReadDeadline(time.Now().Add(c.within))
			resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
			if err != nil {
				t.Fatalf("no answer within %v: %v", c.within, err)
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if c.status != 0 && resp.StatusCode != c.status {
				t.Errorf("status %d, want %d", resp.StatusCode, c.status)
			}
			one := make([]byte, 1)
			if _, err := conn.Read(one); err != io.EOF {
				t.Errorf("connection not closed after the answer: %v", err)
			}
			t.Logf("answered %d after %v", resp.StatusCode, time.Since(start).Round(time.Millisecond))
		})
	}
}
