package miniotest

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"time"

	"github.com/zhongmou/award/internal/testserver"
)

const (
	readyTimeout = 60 * time.Second // MinIO's start, health check included
	stopTimeout  = 10 * time.Second // between SIGTERM and SIGKILL
)

// process is one MinIO server process, restartable with the same settings.
type process struct {
	*testserver.Process
	bin      string
	dataDir  string
	certsDir string
	addr     string // API, 127.0.0.1:port
	console  string // console, 127.0.0.1:port (never the default, all interfaces)
	user     string
	password string
	kmsKey   string // empty: no KMS, so SSE-S3 requests are refused
}

func newProcess(bin, base string) (*process, error) {
	p := &process{
		bin:      bin,
		dataDir:  filepath.Join(base, "data"),
		certsDir: filepath.Join(base, "certs"),
		user:     "test-" + randomHex(8),
		password: randomHex(20),
		kmsKey:   "miniotest-key:" + base64.StdEncoding.EncodeToString(randomBytes(32)),
	}
	p.Process = &testserver.Process{
		Name:        "miniotest",
		LogPath:     filepath.Join(base, "minio.log"),
		StopTimeout: stopTimeout,
		InUse:       "already in use", // MinIO: "Specified port is already in use"
		Command:     p.command,
		Ready:       p.waitReady,
	}
	for _, d := range []string{p.dataDir, p.certsDir} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			return nil, fmt.Errorf("miniotest: %w", err)
		}
	}
	return p, nil
}

// startFresh starts the server on new free loopback ports for its API and
// its console.
func (p *process) startFresh() error { return p.StartFresh(&p.addr, &p.console) }

// command is the server's command line and environment.
func (p *process) command() *exec.Cmd {
	cmd := exec.Command(p.bin, "server",
		"--address", p.addr, "--console-address", p.console,
		"--certs-dir", p.certsDir, p.dataDir)
	cmd.Env = p.env()
	cmd.SysProcAttr = sysProcAttr()
	return cmd
}

// env is the server's environment: the caller's without MINIO_ settings,
// plus the test's own.
func (p *process) env() []string {
	env := append(testserver.EnvWithout("MINIO_"),
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

// waitReady polls /minio/health/ready until it answers 200, the process
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

// logTail returns the end of the server's log, or why it cannot be read.
func (p *process) logTail() string {
	tail, err := p.LogTail()
	if err != nil {
		return err.Error()
	}
	return tail
}

func randomBytes(n int) []byte {
	b := make([]byte, n)
	rand.Read(b)
	return b
}

func randomHex(n int) string { return hex.EncodeToString(randomBytes(n)) }
