package miniotest

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"
)

const (
	readyTimeout = 60 * time.Second // MinIO's start, health check included
	stopTimeout  = 10 * time.Second // between SIGTERM and SIGKILL
	startTries   = 3                // fresh ports when one was taken meanwhile
)

// process is one MinIO server process, restartable with the same settings.
type process struct {
	bin      string
	dataDir  string
	certsDir string
	logPath  string
	addr     string // API, 127.0.0.1:port
	console  string // console, 127.0.0.1:port (never the default, all interfaces)
	user     string
	password string
	kmsKey   string // empty: no KMS, so SSE-S3 requests are refused

	mu     sync.Mutex
	cmd    *exec.Cmd
	exited chan struct{} // closed when cmd has exited
}

func newProcess(bin, base string) (*process, error) {
	p := &process{
		bin:      bin,
		dataDir:  filepath.Join(base, "data"),
		certsDir: filepath.Join(base, "certs"),
		logPath:  filepath.Join(base, "minio.log"),
		user:     "test-" + randomHex(8),
		password: randomHex(20),
		kmsKey:   "miniotest-key:" + base64.StdEncoding.EncodeToString(randomBytes(32)),
	}
	for _, d := range []string{p.dataDir, p.certsDir} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			return nil, fmt.Errorf("miniotest: %w", err)
		}
	}
	return p, nil
}

// startFresh starts the server on new free loopback ports, trying again
// with others if a port was taken between choosing and binding it.
func (p *process) startFresh() error {
	var err error
	for range startTries {
		if p.addr, err = freePort(); err != nil {
			return err
		}
		if p.console, err = freePort(); err != nil {
			return err
		}
		os.Remove(p.logPath)
		if err = p.start(); err == nil || !strings.Contains(err.Error(), "already in use") {
			return err
		}
	}
	return err
}

// start runs the server and waits until it answers its health check.
func (p *process) start() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.cmd != nil {
		return errors.New("miniotest: server already running")
	}
	logf, err := os.OpenFile(p.logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return fmt.Errorf("miniotest: %w", err)
	}
	defer logf.Close() // the child has its own descriptor
	cmd := exec.Command(p.bin, "server",
		"--address", p.addr, "--console-address", p.console,
		"--certs-dir", p.certsDir, p.dataDir)
	cmd.Env = p.env()
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.SysProcAttr = sysProcAttr()
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("miniotest: start %s: %w", p.bin, err)
	}
	exited := make(chan struct{})
	go func() { cmd.Wait(); close(exited) }()
	p.cmd, p.exited = cmd, exited
	if err := p.waitReady(exited); err != nil {
		p.killLocked()
		return err
	}
	return nil
}

// env is the server's environment: the caller's without MINIO_ settings,
// plus the test's own.
func (p *process) env() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "MINIO_") {
			env = append(env, kv)
		}
	}
	env = append(env,
		"MINIO_ROOT_USER="+p.user,
		"MINIO_ROOT_PASSWORD="+p.password,
		"MINIO_BROWSER=off",
		"MINIO_UPDATE=off",
		"MINIO_CI_CD=1",
	)
	if p.kmsKey != "" {
		env = append(env, "MINIO_KMS_SECRET_KEY="+p.kmsKey)
	}
	return env
}

// waitReady polls /minio/health/live until it answers 200, the process
// exits, or readyTimeout passes.
func (p *process) waitReady(exited <-chan struct{}) error {
	client := &http.Client{Timeout: time.Second}
	// ready, not live: a live MinIO may still answer "Server not
	// initialized yet" until its object layer is up (seen under load).
	url := "http://" + p.addr + "/minio/health/ready"
	deadline := time.Now().Add(readyTimeout)
	for time.Now().Before(deadline) {
		select {
		case <-exited:
			return fmt.Errorf("miniotest: MinIO exited while starting:\n%s", p.logTail())
		default:
		}
		if resp, err := client.Get(url); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	return fmt.Errorf("miniotest: MinIO not ready after %v:\n%s", readyTimeout, p.logTail())
}

// stop ends the server gracefully (SIGTERM), killing it if it lingers.
func (p *process) stop() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.cmd == nil {
		return
	}
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.exited:
	case <-time.After(stopTimeout):
		_ = p.cmd.Process.Kill()
		<-p.exited
	}
	p.cmd, p.exited = nil, nil
}

// kill ends the server with SIGKILL and waits for it.
func (p *process) kill() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.killLocked()
}

func (p *process) killLocked() {
	if p.cmd == nil {
		return
	}
	_ = p.cmd.Process.Kill()
	<-p.exited
	p.cmd, p.exited = nil, nil
}

// logTail returns the end of the server's log, for error messages.
func (p *process) logTail() string {
	b, err := os.ReadFile(p.logPath)
	if err != nil {
		return err.Error()
	}
	if len(b) > 4000 {
		b = b[len(b)-4000:]
	}
	return string(bytes.TrimSpace(b))
}

// freePort returns a loopback address with a port free at the moment.
func freePort() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", fmt.Errorf("miniotest: find a free port: %w", err)
	}
	defer l.Close()
	return l.Addr().String(), nil
}

func randomBytes(n int) []byte {
	b := make([]byte, n)
	rand.Read(b)
	return b
}

func randomHex(n int) string { return hex.EncodeToString(randomBytes(n)) }
