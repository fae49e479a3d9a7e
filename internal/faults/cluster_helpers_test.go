package faults

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/zhongmou/award/internal/testserver"
	"github.com/zhongmou/award/storage/miniotest"
)

// minioCluster is a distributed MinIO: n server processes on loopback
// ports, one drive each, forming one erasure set (4 drives: EC:2, so
// reads and writes go on with one node down).
type minioCluster struct {
	nodes      []*testserver.Process
	addrs      []string // API addresses, 127.0.0.1:port
	drives     []string
	user, pass string
}

// startMinioCluster starts the cluster and stops it when the test ends.
// MinIO refuses loopback endpoints when it thinks it runs in a container
// (/.dockerenv) unless each process is told which endpoint is its own
// (_MINIO_SERVER_LOCAL, which MinIO reads for that case).
func startMinioCluster(t *testing.T, n int) *minioCluster {
	t.Helper()
	bin, err := testserver.FindBinary("minio", "AWARD_MINIO_BIN", miniotest.ErrNoBinary, func(root string) string {
		return "GOBIN=" + filepath.Join(root, "bin") + " go install " + miniotest.MinioVersion
	})
	if err != nil {
		testserver.SkipOrFail(t, err, miniotest.ErrNoBinary)
	}
	base := t.TempDir()
	c := &minioCluster{user: "cluster-" + randHex(6), pass: randHex(20)}
	var consoles []string
	for i := range n {
		for _, list := range []*[]string{&c.addrs, &consoles} {
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			*list = append(*list, ln.Addr().String())
			ln.Close()
		}
		d := filepath.Join(base, fmt.Sprintf("drive%d", i+1))
		if err := os.MkdirAll(d, 0o700); err != nil {
			t.Fatal(err)
		}
		c.drives = append(c.drives, d)
	}
	var endpoints []string
	for i := range n {
		endpoints = append(endpoints, "http://"+c.addrs[i]+c.drives[i])
	}
	for i := range n {
		addr, console := c.addrs[i], consoles[i]
		p := &testserver.Process{
			Name: fmt.Sprintf("minio node %d", i+1), LogPath: filepath.Join(base, fmt.Sprintf("node%d.log", i+1)),
			StopTimeout: 10 * time.Second, InUse: "already in use",
			Command: func() *exec.Cmd {
				cmd := exec.Command(bin, append([]string{"server", "--address", addr, "--console-address", console}, endpoints...)...)
				cmd.Env = append(testserver.EnvWithout("MINIO_"), "MINIO_ROOT_USER="+c.user, "MINIO_ROOT_PASSWORD="+c.pass,
					"MINIO_BROWSER=off", "MINIO_UPDATE=off", "MINIO_CI_CD=1", "_MINIO_SERVER_LOCAL="+addr)
				cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
				return cmd
			},
			// Live, not ready: a node is ready only once a quorum of its
			// peers is up, and the nodes start one after another.
			Ready: func(exited <-chan struct{}) error {
				return waitHTTP("http://"+addr+"/minio/health/live", exited, 60*time.Second)
			},
		}
		c.nodes = append(c.nodes, p)
	}
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i, p := range c.nodes {
		wg.Go(func() { errs[i] = p.Start() })
	}
	wg.Wait()
	t.Cleanup(func() {
		for _, p := range c.nodes {
			p.Kill()
		}
		if t.Failed() {
			for _, p := range c.nodes {
				tail, _ := p.LogTail()
				t.Logf("%s log (tail):\n%s", p.Name, tail)
			}
		}
	})
	for i, err := range errs {
		if err != nil {
			t.Fatalf("node %d: %v", i+1, err)
		}
	}
	c.waitHealthy(t, 60*time.Second)
	return c
}

// waitHTTP polls url until it answers 200, the process exits or within
// passes.
func waitHTTP(url string, exited <-chan struct{}, within time.Duration) error {
	client := &http.Client{Timeout: time.Second}
	for deadline := time.Now().Add(within); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		select {
		case <-exited:
			return fmt.Errorf("%s: the process exited", url)
		default:
		}
		if resp, err := client.Get(url); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
	}
	return fmt.Errorf("%s: no 200 within %v", url, within)
}

// waitHealthy waits until every node says the cluster has write quorum
// with all its drives (/minio/health/cluster 200 on each).
func (c *minioCluster) waitHealthy(t *testing.T, within time.Duration) time.Duration {
	t.Helper()
	start := time.Now()
	for _, a := range c.addrs {
		if err := waitHTTP("http://"+a+"/minio/health/cluster", nil, within-time.Since(start)); err != nil {
			t.Fatal(err)
		}
	}
	return time.Since(start)
}

// server is node i as a miniotest.Server, for the intake's environment and
// the reconciliation's view.
func (c *minioCluster) server(i int) miniotest.Server {
	return miniotest.Server{Endpoint: c.addrs[i], AccessKey: c.user, SecretKey: c.pass, DataDir: c.drives[i]}
}

func randHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// clusterNginx runs Debian's nginx in front of the intakes with the parts
// of deploy/nginx-award.conf that matter to uploads: the upstream (hash
// $binary_remote_addr consistent; passive health checks), the /api/
// location's proxying (HTTP/1.1 keepalive, X-Real-IP, request bodies
// streamed, not buffered; 300 s to wait for the intake; 5 s to connect)
// and the body limits.
type clusterNginx struct {
	addr string
	cmd  *exec.Cmd
	logs string
	ips  map[string][]string // by upstream: the client addresses byUpstream saw sent there
}

func startClusterNginx(t *testing.T, upstreams []string) *clusterNginx {
	t.Helper()
	return startClusterNginxWith(t, upstreams, "")
}

// startClusterNginxWith is startClusterNginx also serving the directory
// static (when set) under /, as the site's pages are.
func startClusterNginxWith(t *testing.T, upstreams []string, static string) *clusterNginx {
	t.Helper()
	bin := os.Getenv("AWARD_NGINX")
	if bin == "" {
		bin = "/usr/sbin/nginx"
	}
	if _, err := exec.LookPath(bin); err != nil {
		testserver.Missing(t, "nginx not found at "+bin)
	}
	dir := t.TempDir()
	temp := filepath.Join(dir, "temp")
	if err := os.MkdirAll(temp, 0o755); err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	var servers strings.Builder
	for _, u := range upstreams {
		fmt.Fprintf(&servers, "        server %s max_fails=1 fail_timeout=2s;\n", u)
	}
	user := ""
	if os.Geteuid() == 0 {
		user = "user root;\n"
	}
	conf := fmt.Sprintf(`# generated by internal/faults (cluster_helpers_test.go)
%[1]sworker_processes 1;
pid %[2]s/nginx.pid;
error_log %[2]s/error.log info;
events { worker_connections 768; }
http {
    client_body_temp_path %[3]s/body;
    proxy_temp_path %[3]s/proxy;
    fastcgi_temp_path %[3]s/fastcgi;
    uwsgi_temp_path %[3]s/uwsgi;
    scgi_temp_path %[3]s/scgi;
    log_format cluster '$remote_addr|$upstream_addr|$status|$request_method|$uri';
    access_log %[2]s/access.log cluster;
    upstream award_intake {
        hash $binary_remote_addr consistent;
%[4]s        keepalive 16;
    }
    server {
        listen %[5]s;
        client_header_timeout 10s;
        client_body_timeout 60s;
        send_timeout 60s;
        location /api/ {
            proxy_pass http://award_intake/api/;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $host;
            proxy_set_header X-Real-IP $remote_addr;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_request_buffering off;
            client_max_body_size 1100m;
            proxy_send_timeout 300s;
            proxy_read_timeout 300s;
            proxy_connect_timeout 5s;
        }
        location = /readyz {
            proxy_pass http://award_intake/readyz;
        }
%[6]s    }
}
`, user, dir, temp, servers.String(), addr, staticLocation(static))
	confPath := filepath.Join(dir, "nginx.conf")
	if err := os.WriteFile(confPath, []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	args := []string{"-p", dir, "-c", confPath, "-e", filepath.Join(dir, "error.log")}
	if out, err := exec.Command(bin, append(args, "-t")...).CombinedOutput(); err != nil {
		t.Fatalf("nginx -t: %v\n%s\n%s", err, out, conf)
	}
	var stderr bytes.Buffer
	cmd := exec.Command(bin, append(args, "-g", "daemon off;")...)
	cmd.Stdout, cmd.Stderr = &stderr, &stderr
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGTERM}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	n := &clusterNginx{addr: addr, cmd: cmd, logs: dir}
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(10 * time.Second):
			_ = cmd.Process.Kill()
			<-exited
		}
		if t.Failed() {
			errs, _ := os.ReadFile(filepath.Join(dir, "error.log"))
			if len(errs) > 4000 {
				errs = errs[len(errs)-4000:]
			}
			t.Logf("nginx error.log (tail):\n%s", errs)
		}
	})
	if err := waitHTTP("http://"+addr+"/readyz", nil, 15*time.Second); err != nil {
		t.Fatalf("nginx: %v\n%s", err, stderr.String())
	}
	return n
}

func staticLocation(dir string) string {
	if dir == "" {
		return ""
	}
	return "        location / {\n            root " + dir + ";\n            add_header Cache-Control no-cache;\n        }\n"
}

// posts counts the POSTs in nginx's access log by the upstream that
// answered them (the last one tried, after any that refused).
func (n *clusterNginx) posts(t *testing.T) map[string]int {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(n.logs, "access.log"))
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]int{}
	for _, line := range strings.Split(string(b), "\n") {
		f := strings.Split(line, "|")
		if len(f) >= 4 && f[3] == http.MethodPost {
			ups := strings.Split(f[1], ", ")
			m[ups[len(ups)-1]]++
		}
	}
	return m
}

// sourceClients are HTTP clients dialling from distinct loopback source
// addresses (127.0.0.2 …), so that nginx's hash on the client address
// spreads them over the replicas as it spreads visitors.
func sourceClients(n int) []*http.Client {
	cs := make([]*http.Client, n)
	for i := range cs {
		d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.IPv4(127, 0, 0, byte(2+i))}, Timeout: 5 * time.Second}
		cs[i] = &http.Client{Transport: &http.Transport{DialContext: d.DialContext, MaxIdleConnsPerHost: 16}}
	}
	return cs
}

// byUpstream asks nginx for /readyz from each client (each source
// address) and returns, for each upstream, the clients its hash sends
// there, read from nginx's access log.
func (n *clusterNginx) byUpstream(t *testing.T, clients []*http.Client) map[string][]*http.Client {
	t.Helper()
	for _, c := range clients {
		resp, err := c.Get("http://" + n.addr + "/readyz")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	b, err := os.ReadFile(filepath.Join(n.logs, "access.log"))
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]string{}
	for _, line := range strings.Split(string(b), "\n") {
		if f := strings.Split(line, "|"); len(f) >= 5 && f[4] == "/readyz" {
			seen[f[0]] = f[1]
		}
	}
	m := map[string][]*http.Client{}
	for i, c := range clients {
		ip := fmt.Sprintf("127.0.0.%d", 2+i)
		if up, ok := seen[ip]; ok {
			m[up] = append(m[up], c)
			if n.ips == nil {
				n.ips = map[string][]string{}
			}
			n.ips[up] = append(n.ips[up], ip)
		}
	}
	return m
}

// uploadVia posts every evidence through nginx concurrently, upload i from
// clients[i mod len(clients)], and returns the outcomes in order; acked
// counts receipts as they arrive.
func uploadVia(ctx context.Context, clients []*http.Client, addr string, datas [][]byte, pace time.Duration, acked *atomic.Int32) []outcome {
	outs := make([]outcome, len(datas))
	var wg sync.WaitGroup
	for i, d := range datas {
		wg.Go(func() {
			outs[i] = post(ctx, clients[i%len(clients)], addr, d, pace)
			if outs[i].acked() {
				acked.Add(1)
			}
		})
	}
	wg.Wait()
	return outs
}

// readFileIfAny reads a file, for checks of what a MinIO drive holds.
func readFileIfAny(path string) ([]byte, error) { return os.ReadFile(path) }

// staleClaimRefs are the references (lower case) of submissions whose
// commit was killed after its claim (inflight/<ref>.claim beside its
// in-flight record, not acknowledged): by design the janitor leaves them
// until the claim is 10 minutes old (archive's staleClaim), longer than a
// scenario (or a commit that failed after its claim when MinIO died, and
// could not clear up while it was down). reconcile logs what lies under
// them instead of failing; only waitSwept sets it, after checking each one
// (in-flight record and claim there, the reference not acknowledged).
var staleClaimRefs = map[string]bool{}

// awaitingStaleClaim reports whether key belongs to one of staleClaimRefs.
func awaitingStaleClaim(key string) bool {
	for ref := range staleClaimRefs {
		if key == "inflight/"+ref+".json" || key == "inflight/"+ref+".claim" || strings.HasPrefix(key, "objections/"+ref+"/files/") {
			return true
		}
	}
	return false
}

// waitSwept waits until the in-flight records left are only those of
// commits killed after their claim (record and claim both there, the
// reference not acknowledged), which it adds to staleClaimRefs; anything
// else left after within fails the test, with the janitor's lease as it
// is in the store, for the record.
func waitSwept(t *testing.T, v s3View, outs []outcome, within time.Duration) time.Duration {
	t.Helper()
	acked := map[string]bool{}
	for _, o := range outs {
		if o.acked() {
			acked[strings.ToLower(o.reference)] = true
		}
	}
	start := time.Now()
	for {
		keys, err := v.list("inflight/")
		left := map[string]bool{}
		claimed := map[string]bool{}
		for _, k := range keys {
			if ref, ok := strings.CutSuffix(strings.TrimPrefix(k, "inflight/"), ".claim"); ok {
				claimed[ref] = true
			} else if ref, ok := strings.CutSuffix(strings.TrimPrefix(k, "inflight/"), ".json"); ok {
				left[ref] = true
			}
		}
		var other []string
		for _, k := range keys {
			ref := strings.TrimSuffix(strings.TrimSuffix(strings.TrimPrefix(k, "inflight/"), ".claim"), ".json")
			if !(left[ref] && claimed[ref] && !acked[ref]) {
				other = append(other, k)
			}
		}
		if err == nil && len(other) == 0 && time.Since(start) > 2*time.Second || err == nil && len(keys) == 0 {
			for ref := range left {
				staleClaimRefs[ref] = true
				t.Logf("%s: its commit was killed after its claim; the janitor removes it when the claim is 10 minutes old", ref)
			}
			return time.Since(start)
		}
		if time.Since(start) > within {
			t.Errorf("in-flight records still there after %v: %v (err %v)", within, other, err)
			locks, _ := v.list("locks/janitor/")
			for _, k := range locks {
				b, err := v.get(k)
				t.Logf("lease term %s: %s %v", k, b, err)
			}
			return time.Since(start)
		}
		time.Sleep(250 * time.Millisecond)
	}
}
