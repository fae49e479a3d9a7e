package main

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/zhongmou/award/bench/intakeproc"
	"github.com/zhongmou/award/schedule"
	"github.com/zhongmou/award/storage/miniotest"
	"github.com/zhongmou/award/workday"
)

type options struct {
	award   string
	clients int
	silent  int
	keep    bool
}

type bench struct {
	o      options
	dir    string
	bin    string
	srv    miniotest.Server
	stopS3 func()
}

// bodyTimeout is the child's AWARD_BODY_TIMEOUT and AWARD_STALL_TIMEOUT,
// shorter than the default 60s so that the bench is short.
const bodyTimeout = 5 * time.Second

func newBench(ctx context.Context, o options) (*bench, error) {
	dir, err := os.MkdirTemp("", "slowbench-")
	if err != nil {
		return nil, err
	}
	b := &bench{o: o, dir: dir, bin: o.award}
	fmt.Printf("slowbench: %s linux/%s, %d CPUs, %s\n", runtime.Version(), runtime.GOARCH, runtime.NumCPU(), time.Now().Format(time.RFC3339))
	if b.bin, err = intakeproc.Binary(ctx, o.award, dir); err != nil {
		b.close()
		return nil, err
	}
	if b.srv, b.stopS3, err = miniotest.StartMain(); err != nil {
		b.close()
		return nil, err
	}
	if err := b.writeManifest(); err != nil {
		b.close()
		return nil, err
	}
	return b, nil
}

func (b *bench) close() {
	if b.stopS3 != nil {
		b.stopS3()
	}
	if !b.o.keep {
		os.RemoveAll(b.dir)
	}
}

// writeManifest writes a windows manifest whose publicity is open now.
func (b *bench) writeManifest() error {
	loc, _ := time.LoadLocation("Asia/Shanghai")
	today := workday.DateOf(time.Now().In(loc))
	m := schedule.Manifest{Version: schedule.ManifestVersion, TimeZone: "Asia/Shanghai", Calls: []schedule.Call{},
		Publicities: []schedule.Publicity{{ID: "bench", Title: "基准测试公示", FirstDay: today.AddDays(-1), LastDay: today.AddDays(1), WorkingDays: 5,
			Opens: today.AddDays(-1).Start(loc), Closes: today.AddDays(2).Start(loc),
			Candidates: []schedule.Candidate{{ID: "c01", Name: "示例公司", CreditCode: "91410122MA00J8NW0M"}}}}}
	data, err := m.Encode()
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Join(b.dir, "public"), 0o755); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(b.dir, "public", "windows.json"), data, 0o644)
}

func (b *bench) run(ctx context.Context) error {
	fmt.Printf("\nslow and silent clients against award intake (child with ulimit -n 1024, body timeout %s; loopback only)\n", bodyTimeout)
	if err := b.silentConnections(ctx); err != nil {
		return err
	}
	if err := b.slowUploads(ctx); err != nil {
		return err
	}
	return b.fieldHeavy(ctx)
}

// child is one running award intake.
type child struct {
	cmd  *exec.Cmd
	addr string
	log  string
}

// start runs award intake with the file-descriptor limit of a default
// Debian session, on S3 storage or the directory store.
func (b *bench) start(ctx context.Context, name string, s3 bool, extra ...string) (*child, error) {
	addr, err := intakeproc.FreeAddr()
	if err != nil {
		return nil, err
	}
	key := make([]byte, 32)
	rand.Read(key)
	root, err := os.Getwd()
	if err != nil {
		return nil, err
	}
	cmd := exec.Command("sh", "-c", `ulimit -n 1024 && exec "$@"`, "sh", b.bin, "intake", "-addr", addr, "-staff-addr", "127.0.0.1:0", "-intake-config", filepath.Join(b.dir, "none.yaml"))
	cmd.Dir = root // holidays.yaml and townships.yaml
	keys := filepath.Join(b.dir, name+"-keys")
	if err := os.MkdirAll(keys, 0o700); err != nil {
		return nil, err
	}
	env := append(os.Environ(),
		"AWARD_MANIFEST="+filepath.Join(b.dir, "public", "windows.json"),
		"AWARD_IDENTITY_KEY="+base64.StdEncoding.EncodeToString(key),
		"AWARD_RECORD_KEY="+base64.StdEncoding.EncodeToString(key),
		"AWARD_DATA_DIR="+filepath.Join(b.dir, name+"-data"),
		"AWARD_RATE_SUBMIT=off", "AWARD_RATE_RECEIPT=off", // one client on loopback sends everything
		"AWARD_MAX_CONNS_PER_CLIENT=0", // likewise; the per-client limit has its own test
		"AWARD_BODY_TIMEOUT="+bodyTimeout.String(), "AWARD_STALL_TIMEOUT="+bodyTimeout.String())
	if s3 {
		env = append(env, "AWARD_S3_ENDPOINT="+b.srv.Endpoint, "AWARD_S3_BUCKET="+name, "AWARD_S3_ACCESS_KEY="+b.srv.AccessKey,
			"AWARD_S3_SECRET_KEY="+b.srv.SecretKey, "AWARD_S3_INSECURE=1")
	}
	cmd.Env = append(env, extra...)
	logPath := filepath.Join(b.dir, name+".log")
	logf, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	defer logf.Close()
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	c := &child{cmd: cmd, addr: addr, log: logPath}
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if healthy(addr, "127.0.0.1", time.Second) {
			return c, nil
		}
		time.Sleep(100 * time.Millisecond)
	}
	c.stop()
	return nil, fmt.Errorf("intake not ready within 30s; see %s", logPath)
}

func (c *child) stop() {
	_ = c.cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan struct{})
	go func() { c.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(15 * time.Second):
		_ = c.cmd.Process.Kill()
		<-done
	}
}

// peakRSS is the child's high-water resident set size, in MiB, or -1
// when it cannot be read.
func (c *child) peakRSS() float64 {
	kb, err := intakeproc.PeakRSS(c.cmd.Process.Pid)
	if err != nil {
		return -1
	}
	return float64(kb) / 1024
}

// openFiles is the number of descriptors the child holds.
func (c *child) openFiles() int {
	ents, err := os.ReadDir(fmt.Sprintf("/proc/%d/fd", c.cmd.Process.Pid))
	if err != nil {
		return -1
	}
	return len(ents)
}

// healthy asks /healthz from the given local address.
func healthy(addr, local string, timeout time.Duration) bool {
	d := net.Dialer{Timeout: timeout, LocalAddr: &net.TCPAddr{IP: net.ParseIP(local)}}
	client := &http.Client{Timeout: timeout, Transport: &http.Transport{DialContext: d.DialContext, DisableKeepAlives: true}}
	resp, err := client.Get("http://" + addr + "/healthz")
	if err != nil {
		return false
	}
	resp.Body.Close()
	return resp.StatusCode == http.StatusOK
}

// answers counts how requests ended.
type answers struct {
	mu     sync.Mutex
	counts map[string]int
}

func (a *answers) add(what string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.counts == nil {
		a.counts = map[string]int{}
	}
	a.counts[what]++
}

func (a *answers) String() string {
	a.mu.Lock()
	defer a.mu.Unlock()
	var parts []string
	for _, k := range []string{"201", "400", "413", "503", "closed", "error"} {
		if n := a.counts[k]; n > 0 {
			parts = append(parts, fmt.Sprintf("%s ×%d", k, n))
		}
	}
	for k, n := range a.counts {
		switch k {
		case "201", "400", "413", "503", "closed", "error":
		default:
			parts = append(parts, fmt.Sprintf("%s ×%d", k, n))
		}
	}
	return strings.Join(parts, ", ")
}

// statusOf reads the answer on a raw connection.
func statusOf(c net.Conn, within time.Duration) string {
	_ = c.SetReadDeadline(time.Now().Add(within))
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || strings.Contains(err.Error(), "reset") {
			return "closed"
		}
		return "error"
	}
	resp.Body.Close()
	return fmt.Sprint(resp.StatusCode)
}

// silentConnections opens o.silent connections that each send a header
// declaring a 1000-byte body and nothing more: first all from one address
// (one misbehaving client, default per-client limit), then spread over
// 110 addresses (many clients: the total limit).
func (b *bench) silentConnections(ctx context.Context) error {
	for _, spread := range []int{1, 110} {
		if err := b.silentFrom(ctx, spread); err != nil {
			return err
		}
	}
	return nil
}

func (b *bench) silentFrom(ctx context.Context, spread int) error {
	c, err := b.start(ctx, fmt.Sprintf("silent%d", spread), false, "AWARD_MAX_CONNS_PER_CLIENT=32")
	if err != nil {
		return err
	}
	defer c.stop()
	var conns []net.Conn
	var ans answers
	var wg sync.WaitGroup
	for i := range b.o.silent {
		local := "127.0.0.1"
		if spread > 1 {
			local = fmt.Sprintf("127.0.1.%d", 1+i%spread)
		}
		d := net.Dialer{Timeout: 2 * time.Second, LocalAddr: &net.TCPAddr{IP: net.ParseIP(local)}}
		conn, err := d.DialContext(ctx, "tcp", c.addr)
		if err != nil {
			ans.add("error")
			continue
		}
		fmt.Fprintf(conn, "POST /api/objections HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=b\r\nContent-Length: 1000\r\n\r\n")
		conns = append(conns, conn)
		wg.Go(func() { ans.add(statusOf(conn, bodyTimeout+20*time.Second)) })
	}
	time.Sleep(500 * time.Millisecond)
	peak := c.openFiles()
	other := probe(c.addr, "127.0.0.2")
	time.Sleep(bodyTimeout + 2*time.Second)
	after := c.openFiles()
	otherAfter := probe(c.addr, "127.0.0.2")
	wg.Wait()
	for _, conn := range conns {
		conn.Close()
	}
	fmt.Printf("  %d silent connections from %d address(es): intake's open descriptors %d at peak, %d after the body timeout; answers: %s\n",
		b.o.silent, spread, peak, after, &ans)
	fmt.Printf("    another client's /healthz while they were held: %s; after: %s\n", other, otherAfter)
	return nil
}

// probe asks /healthz from the given local address and says how it went.
func probe(addr, local string) string {
	d := net.Dialer{Timeout: 3 * time.Second, LocalAddr: &net.TCPAddr{IP: net.ParseIP(local)}}
	client := &http.Client{Timeout: 3 * time.Second, Transport: &http.Transport{DialContext: d.DialContext, DisableKeepAlives: true}}
	start := time.Now()
	resp, err := client.Get("http://" + addr + "/healthz")
	if err != nil {
		return "NOT answered (" + err.Error() + ")"
	}
	resp.Body.Close()
	return fmt.Sprintf("%d in %d ms", resp.StatusCode, time.Since(start).Milliseconds())
}

// trickle writes a multipart objection whose evidence of size bytes comes
// in 64 KiB pieces every pause, then reads the answer.
func trickle(ctx context.Context, addr string, size int, pause time.Duration, fields int) string {
	conn, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		return "error"
	}
	defer conn.Close()
	var head strings.Builder
	boundary := "slowbenchboundary"
	part := func(name, value string) {
		fmt.Fprintf(&head, "--%s\r\nContent-Disposition: form-data; name=%q\r\n\r\n%s\r\n", boundary, name, value)
	}
	for _, kv := range [][2]string{{"publicity", "bench"}, {"candidate", "c01"}, {"objectorType", "individual"}, {"name", "张三"},
		{"idNumber", "11010519491231002X"}, {"phone", "13800138000"}, {"consent", "yes"},
		{"statement", "该组织存在拖欠农民工工资的情况，附有相关证明材料，请予以核实。"}} {
		part(kv[0], kv[1])
	}
	field := strings.Repeat("字", 64<<10/3)
	fmt.Fprintf(&head, "")
	total := int64(0)
	// Field-heavy: many big text fields, each sent in pieces.
	var pieces []string
	for i := range fields {
		pieces = append(pieces, fmt.Sprintf("--%s\r\nContent-Disposition: form-data; name=\"note%d\"\r\n\r\n%s\r\n", boundary, i, field))
	}
	fileHead := fmt.Sprintf("--%s\r\nContent-Disposition: form-data; name=\"evidence\"; filename=\"e.pdf\"\r\nContent-Type: application/pdf\r\n\r\n%%PDF-1.4\n", boundary)
	tail := fmt.Sprintf("\n%%%%EOF\n\r\n--%s--\r\n", boundary)
	total = int64(head.Len()) + int64(len(fileHead)) + int64(size) + int64(len(tail))
	for _, p := range pieces {
		total += int64(len(p))
	}
	fmt.Fprintf(conn, "POST /api/objections HTTP/1.1\r\nHost: %s\r\nAccept: application/json\r\nContent-Type: multipart/form-data; boundary=%s\r\nContent-Length: %d\r\n\r\n", addr, boundary, total)
	send := func(s []byte) bool {
		_ = conn.SetWriteDeadline(time.Now().Add(30 * time.Second))
		_, err := conn.Write(s)
		return err == nil
	}
	if !send([]byte(head.String())) {
		return statusOf(conn, 5*time.Second)
	}
	for _, p := range pieces {
		for len(p) > 0 {
			n := min(len(p), 64<<10)
			if !send([]byte(p[:n])) {
				return statusOf(conn, 5*time.Second)
			}
			p = p[n:]
			select {
			case <-ctx.Done():
				return "error"
			case <-time.After(pause):
			}
		}
	}
	if !send([]byte(fileHead)) {
		return statusOf(conn, 5*time.Second)
	}
	chunk := make([]byte, 64<<10)
	for left := size; left > 0; {
		n := min(left, len(chunk))
		if !send(chunk[:n]) {
			return statusOf(conn, 5*time.Second)
		}
		left -= n
		select {
		case <-ctx.Done():
			return "error"
		case <-time.After(pause):
		}
	}
	send([]byte(tail))
	return statusOf(conn, 60*time.Second)
}

// slowUploads sends o.clients objections to S3 storage, each with 3 MiB of
// evidence in 64 KiB pieces every 200 ms (about 10 s each).
func (b *bench) slowUploads(ctx context.Context) error {
	return b.load(ctx, "slowup", true, 3<<20, 200*time.Millisecond, 0,
		"slow uploads to S3 (3 MiB each, 64 KiB every 200 ms)")
}

// fieldHeavy sends o.clients objections to the directory store, each with
// 199 text fields of 64 KiB in pieces every 50 ms.
func (b *bench) fieldHeavy(ctx context.Context) error {
	return b.load(ctx, "fields", false, 1<<10, 50*time.Millisecond, 199,
		"field-heavy posts (199 fields of 64 KiB, directory store)")
}

// load runs o.clients trickling objections at once against a fresh
// intake and reports its peak RSS and the answers.
func (b *bench) load(ctx context.Context, name string, s3 bool, size int, pause time.Duration, fields int, what string) error {
	c, err := b.start(ctx, name, s3)
	if err != nil {
		return err
	}
	defer c.stop()
	var ans answers
	var wg sync.WaitGroup
	start := time.Now()
	for range b.o.clients {
		wg.Go(func() { ans.add(trickle(ctx, c.addr, size, pause, fields)) })
	}
	wg.Wait()
	rss := c.peakRSS()
	fmt.Printf("  %d %s, %.0fs: intake peak RSS %.1f MiB (goal ≤ 256 MiB: %s); answers: %s\n",
		b.o.clients, what, time.Since(start).Seconds(), rss, intakeproc.Met(rss <= 256), &ans)
	return nil
}
