package faults

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/zhongmou/award/internal/archive"
)

// The helpers of the tus conformance tests (tus_conformance_test.go):
// tus-js-client run in Node by our script, a loopback TCP proxy that cuts,
// holds or redirects connections, and a few raw tus requests.

// tusJSVersion is the tus-js-client release the tests drive, pinned in
// internal/browsertest/package-lock.json.
const tusJSVersion = "4.3.1"

// tusClient runs our driver script of tus-js-client in Node.
type tusClient struct{ node, script string }

// tusNode finds Node.js and tus-js-client. Without either (make test runs
// npm ci in internal/browsertest) the test is skipped, or failed when
// CI=true.
func tusNode(t *testing.T) tusClient {
	t.Helper()
	missing := func(msg string) {
		t.Helper()
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	node, err := exec.LookPath("node")
	if err != nil {
		missing("node not found: install Node.js ≥ 18 and npm (Debian: apt-get install nodejs npm), which run tus-js-client")
	}
	harness := filepath.Join(repoRoot, "internal", "browsertest")
	b, err := os.ReadFile(filepath.Join(harness, "node_modules", "tus-js-client", "package.json"))
	if err != nil {
		missing("tus-js-client not installed (" + err.Error() + "); make test installs it: cd internal/browsertest && npm ci --ignore-scripts")
	}
	var pkg struct{ Version string }
	if err := json.Unmarshal(b, &pkg); err != nil || pkg.Version != tusJSVersion {
		missing(fmt.Sprintf("tus-js-client %q installed, want %s (package-lock.json): cd internal/browsertest && npm ci --ignore-scripts", pkg.Version, tusJSVersion))
	}
	return tusClient{node: node, script: filepath.Join(harness, "tus", "upload.mjs")}
}

// tusEvent is one line our script prints (see upload.mjs).
type tusEvent struct {
	Event    string   `json:"event"`
	Method   string   `json:"method"`
	URL      string   `json:"url"`
	Status   int      `json:"status"`
	Offset   string   `json:"offset"` // Upload-Offset: sent (request) or answered (response, held)
	Length   string   `json:"length"`
	Location string   `json:"location"`
	Body     string   `json:"body"`
	Message  string   `json:"message"`
	Accepted int64    `json:"accepted"`
	Total    int64    `json:"total"`
	Count    int      `json:"count"`
	URLs     []string `json:"urls"`
}

func (e tusEvent) String() string {
	switch e.Event {
	case "request":
		return fmt.Sprintf("→ %s %s offset=%s", e.Method, e.URL, e.Offset)
	case "response":
		s := fmt.Sprintf("← %s %d offset=%s length=%s", e.Method, e.Status, e.Offset, e.Length)
		if e.Location != "" {
			s += " location=" + e.Location
		}
		if e.Body != "" {
			s += " body=" + e.Body
		}
		return s
	case "chunk":
		return fmt.Sprintf("chunk accepted=%d/%d", e.Accepted, e.Total)
	case "error":
		return fmt.Sprintf("error %s (status %d %s)", e.Message, e.Status, e.Body)
	case "url", "success":
		return e.Event + " " + e.URL
	case "stopped":
		return fmt.Sprintf("stopped %s with %d bytes accepted", e.URL, e.Accepted)
	case "previous":
		return fmt.Sprintf("previous uploads found: %d %v", e.Count, e.URLs)
	case "held":
		return "held after HEAD, offset " + e.Offset
	default:
		b, _ := json.Marshal(e)
		return string(b)
	}
}

// tusRun is what one run of the script did.
type tusRun struct {
	events []tusEvent
	stderr string
	err    error // the script's exit
}

func (r tusRun) has(event string) bool {
	for _, e := range r.events {
		if e.Event == event {
			return true
		}
	}
	return false
}

func (r tusRun) last(event string) (tusEvent, bool) {
	for i := len(r.events) - 1; i >= 0; i-- {
		if r.events[i].Event == event {
			return r.events[i], true
		}
	}
	return tusEvent{}, false
}

// responses are the answers to method, in order.
func (r tusRun) responses(method string) []tusEvent {
	var out []tusEvent
	for _, e := range r.events {
		if e.Event == "response" && e.Method == method {
			out = append(out, e)
		}
	}
	return out
}

// log writes the run's events to the test log.
func (r tusRun) log(t *testing.T, name string) {
	t.Helper()
	var b strings.Builder
	chunks := 0
	for _, e := range r.events {
		if e.Event == "chunk" || e.Event == "request" {
			chunks++
			continue // the responses say it
		}
		fmt.Fprintf(&b, "\n  %s", e)
	}
	if r.stderr != "" {
		fmt.Fprintf(&b, "\n  stderr: %s", strings.TrimSpace(r.stderr))
	}
	t.Logf("tus-js-client %s (%d requests and chunk events not shown), exit %v:%s", name, chunks, r.err, b.String())
}

// run runs upload.mjs with opts and returns once it has exited (or after
// 90 s). react, when set, sees every event as it arrives, with the
// script's stdin (to go on after "held"); it runs on the caller's
// goroutine. run itself uses no testing.T, so that it may run on another.
func (c tusClient) run(opts map[string]any, react func(e tusEvent, stdin io.Writer)) tusRun {
	var run tusRun
	arg, err := json.Marshal(opts)
	if err != nil {
		run.err = err
		return run
	}
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, c.node, c.script, string(arg))
	cmd.Dir = filepath.Dir(c.script)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdin, err := cmd.StdinPipe()
	if err == nil {
		var stdout io.ReadCloser
		if stdout, err = cmd.StdoutPipe(); err == nil {
			if err = cmd.Start(); err == nil {
				sc := bufio.NewScanner(stdout)
				sc.Buffer(make([]byte, 64<<10), 4<<20)
				for sc.Scan() {
					var e tusEvent
					if jerr := json.Unmarshal(sc.Bytes(), &e); jerr != nil {
						e = tusEvent{Event: "unreadable", Message: sc.Text()}
					}
					run.events = append(run.events, e)
					if react != nil {
						react(e, stdin)
					}
				}
				stdin.Close()
				err = cmd.Wait()
			}
		}
	}
	run.err, run.stderr = err, stderr.String()
	if ctx.Err() != nil {
		run.err = fmt.Errorf("tus script did not end within 90s: %w", ctx.Err())
	}
	return run
}

// tusMetadata is the Upload-Metadata of an objection's evidence.
func tusMetadata(name string) map[string]string {
	return map[string]string{"kind": "objection", "field": "evidence", "filename": name, "filetype": "application/pdf"}
}

// writeSource writes data to a file for the script to send.
func writeSource(t *testing.T, dir, name string, data []byte) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// uploadID is the id at the end of an upload URL.
func uploadID(t *testing.T, u string) string {
	t.Helper()
	i := strings.LastIndex(u, "/api/uploads/")
	if i < 0 || !archive.ValidStagedID(u[i+len("/api/uploads/"):]) {
		t.Fatalf("upload URL %q is not /api/uploads/<26 lower-case base32 characters>", u)
	}
	return u[i+len("/api/uploads/"):]
}

func sha256Hex(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// postStaged posts an objection whose evidence is the staged uploads ids
// and returns the answer.
func postStaged(t *testing.T, addr string, ids ...string) (int, []byte) {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for _, f := range objectionFields {
		mw.WriteField(f[0], f[1])
	}
	for _, id := range ids {
		mw.WriteField("staged", id)
	}
	mw.Close()
	req, _ := http.NewRequest(http.MethodPost, "http://"+addr+"/api/objections", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Accept", "application/json")
	resp, err := (&http.Client{Timeout: 60 * time.Second}).Do(req)
	if err != nil {
		t.Fatalf("post with staged %v: %v", ids, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

// claimStaged posts an objection with one staged upload, expects a
// receipt whose one file is data under name, and returns it as the
// outcome the reconciliation checks.
func claimStaged(t *testing.T, addr, id, name string, data []byte) outcome {
	t.Helper()
	status, body := postStaged(t, addr, id)
	o := outcome{status: status, sent: data}
	if status != http.StatusCreated {
		t.Fatalf("objection with staged %s on %s: %d %s", id, addr, status, body)
	}
	var r struct {
		Reference string        `json:"reference"`
		Token     string        `json:"token"`
		Files     []fileReceipt `json:"files"`
	}
	if err := json.Unmarshal(body, &r); err != nil || r.Reference == "" || r.Token == "" {
		t.Fatalf("201 without a receipt: %s", body)
	}
	o.reference, o.token, o.files = r.Reference, r.Token, r.Files
	if len(r.Files) != 1 || r.Files[0].SHA256 != sha256Hex(data) || r.Files[0].Size != int64(len(data)) || r.Files[0].Name != name {
		t.Errorf("receipt %s does not match the file sent (%s, %d bytes, SHA-256 %s): %s", r.Reference, name, len(data), sha256Hex(data), body)
	}
	return o
}

// tusDo sends one raw tus request (Tus-Resumable: 1.0.0 unless hdr sets
// it, "" to leave it out) and returns the answer with its body read.
func tusDo(t *testing.T, method, u string, hdr map[string]string, body []byte) (*http.Response, []byte) {
	t.Helper()
	var r io.Reader
	if body != nil {
		r = bytes.NewReader(body)
	}
	req, err := http.NewRequest(method, u, r)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Tus-Resumable", "1.0.0")
	for k, v := range hdr {
		if v == "" {
			req.Header.Del(k)
		} else {
			req.Header.Set(k, v)
		}
	}
	resp, err := (&http.Client{Timeout: 60 * time.Second}).Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, u, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, b
}

func encodeMetadata(meta map[string]string) string {
	keys := make([]string, 0, len(meta))
	for k := range meta {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var parts []string
	for _, k := range keys {
		parts = append(parts, k+" "+base64.StdEncoding.EncodeToString([]byte(meta[k])))
	}
	return strings.Join(parts, ",")
}

// tusCreate creates an upload of length bytes at the intake addr and
// returns its absolute URL.
func tusCreate(t *testing.T, addr string, length int64, meta map[string]string) string {
	t.Helper()
	resp, body := tusDo(t, http.MethodPost, "http://"+addr+"/api/uploads/",
		map[string]string{"Upload-Length": strconv.FormatInt(length, 10), "Upload-Metadata": encodeMetadata(meta)}, nil)
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("create upload: %d %s", resp.StatusCode, body)
	}
	loc, err := url.Parse(resp.Header.Get("Location"))
	if err != nil || resp.Header.Get("Location") == "" {
		t.Fatalf("create upload: Location %q: %v", resp.Header.Get("Location"), err)
	}
	return resp.Request.URL.ResolveReference(loc).String()
}

// tusPatch sends data at offset.
func tusPatch(t *testing.T, u string, offset int64, data []byte) (*http.Response, []byte) {
	t.Helper()
	return tusDo(t, http.MethodPatch, u, map[string]string{"Content-Type": "application/offset+octet-stream",
		"Upload-Offset": strconv.FormatInt(offset, 10)}, data)
}

// headOffset returns the status of a HEAD of u and its Upload-Offset.
func headOffset(t *testing.T, u string) (int, int64) {
	t.Helper()
	resp, _ := tusDo(t, http.MethodHead, u, nil, nil)
	off, _ := strconv.ParseInt(resp.Header.Get("Upload-Offset"), 10, 64)
	return resp.StatusCode, off
}

// problemCode is the code of an intake problem body.
func problemCode(body []byte) (code, message string) {
	var p struct {
		Error struct {
			Code    string `json:"code"`
			Message string `json:"message"`
		} `json:"error"`
	}
	_ = json.Unmarshal(body, &p)
	return p.Error.Code, p.Error.Message
}

// uploadObjects lists the objects under uploads/ (prefix within it) and
// the incomplete multipart uploads there, in the bucket of view.
func uploadObjects(t *testing.T, view s3View, prefix string) []string {
	t.Helper()
	keys, err := view.list("uploads/" + prefix)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for u := range view.core.Client.ListIncompleteUploads(ctx, bucket, "uploads/"+prefix, true) {
		if u.Err != nil {
			t.Fatal(u.Err)
		}
		keys = append(keys, "incomplete multipart upload "+u.Key)
	}
	return keys
}

// proxy is a loopback TCP proxy in front of an intake: the network
// between tus-js-client and the server, which can cut a connection after a
// number of bytes from the client, hold the client's bytes at a point
// until released, or send new connections to another backend (a load
// balancer in front of two replicas).
type proxy struct {
	ln   net.Listener
	sent atomic.Int64 // bytes from clients, all connections

	mu      sync.Mutex
	backend string
	conns   []string // the backend of each connection, in order
	cutAt   int64    // cut the connection carrying this byte (once); 0: never
	holdAt  int64    // hold the client's bytes from this one (once) until release; 0: never
	didCut  bool
	didHold bool
	open    map[net.Conn]bool // connections to close at the end

	cut     chan struct{} // closed once the cut was made
	held    chan struct{} // closed once the hold began
	release chan struct{} // close to end the hold
	wg      sync.WaitGroup
}

func startProxy(t *testing.T, backend string) *proxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &proxy{ln: ln, backend: backend, cut: make(chan struct{}), held: make(chan struct{}), release: make(chan struct{}),
		open: map[net.Conn]bool{}}
	p.wg.Add(1)
	go p.serve()
	t.Cleanup(func() {
		ln.Close()
		p.endHold()
		p.mu.Lock()
		for c := range p.open {
			c.Close()
		}
		p.mu.Unlock()
		p.wg.Wait()
	})
	return p
}

// URL is the base URL clients use.
func (p *proxy) URL() string { return "http://" + p.ln.Addr().String() }

// cutAfter makes the proxy cut the connection that carries the n-th byte
// from clients (once).
func (p *proxy) cutAfter(n int64) {
	p.mu.Lock()
	p.cutAt = n
	p.mu.Unlock()
}

// holdFrom makes the proxy hold the client's bytes from the n-th on
// (once) until endHold.
func (p *proxy) holdFrom(n int64) {
	p.mu.Lock()
	p.holdAt = n
	p.mu.Unlock()
}

// endHold lets held bytes go on.
func (p *proxy) endHold() {
	p.mu.Lock()
	defer p.mu.Unlock()
	select {
	case <-p.release:
	default:
		close(p.release)
	}
}

func (p *proxy) setBackend(addr string) {
	p.mu.Lock()
	p.backend = addr
	p.mu.Unlock()
}

// backends returns the backend of each connection so far.
func (p *proxy) backends() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.conns...)
}

func (p *proxy) serve() {
	defer p.wg.Done()
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		p.wg.Add(1)
		go func() {
			defer p.wg.Done()
			p.handle(c)
		}()
	}
}

func (p *proxy) handle(client net.Conn) {
	defer client.Close()
	p.mu.Lock()
	backend := p.backend
	p.conns = append(p.conns, backend)
	p.open[client] = true
	p.mu.Unlock()
	defer func() {
		p.mu.Lock()
		delete(p.open, client)
		p.mu.Unlock()
	}()
	server, err := net.DialTimeout("tcp", backend, 5*time.Second)
	if err != nil {
		return // the client sees its connection closed: the server is down
	}
	defer server.Close()
	p.mu.Lock()
	p.open[server] = true
	p.mu.Unlock()
	defer func() {
		p.mu.Lock()
		delete(p.open, server)
		p.mu.Unlock()
	}()
	done := make(chan struct{})
	go func() {
		defer close(done)
		_, _ = io.Copy(client, server)
		client.Close()
	}()
	p.upstream(client, server)
	<-done
}

// upstream copies the client's bytes to the server, cutting or holding
// where told.
func (p *proxy) upstream(client, server net.Conn) {
	buf := make([]byte, 32<<10)
	for {
		n, err := client.Read(buf)
		chunk := buf[:n]
		for len(chunk) > 0 {
			before := p.sent.Add(int64(len(chunk))) - int64(len(chunk))
			end := before + int64(len(chunk))
			p.mu.Lock()
			cutAt, holdAt := p.cutAt, p.holdAt
			cut := cutAt > 0 && !p.didCut && end >= cutAt
			hold := !cut && holdAt > 0 && !p.didHold && end >= holdAt
			if cut {
				p.didCut = true
			}
			if hold {
				p.didHold = true
			}
			p.mu.Unlock()
			switch {
			case cut:
				_, _ = server.Write(chunk[:max(0, cutAt-before)])
				close(p.cut)
				server.Close()
				client.Close()
				return
			case hold:
				k := max(0, holdAt-before)
				if _, err := server.Write(chunk[:k]); err != nil {
					return
				}
				chunk = chunk[k:]
				p.sent.Add(-int64(len(chunk))) // counted again below
				close(p.held)
				<-p.release
				continue
			}
			if _, err := server.Write(chunk); err != nil {
				client.Close()
				return
			}
			chunk = nil
		}
		if err != nil {
			if tc, ok := server.(*net.TCPConn); ok && errors.Is(err, io.EOF) {
				_ = tc.CloseWrite()
			} else {
				server.Close()
			}
			return
		}
	}
}

// waitFor polls cond until it holds, failing the test after within.
func waitFor(t *testing.T, what string, within time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(within)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within %v", what, within)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// waitChan waits for ch to be closed, failing the test after within.
func waitChan(t *testing.T, what string, ch <-chan struct{}, within time.Duration) {
	t.Helper()
	select {
	case <-ch:
	case <-time.After(within):
		t.Fatalf("%s: not within %v", what, within)
	}
}
