package mailpittest

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

const (
	readyTimeout = 30 * time.Second
	stopTimeout  = 5 * time.Second // between SIGTERM and SIGKILL
	startTries   = 3               // fresh ports when one was taken meanwhile
)

// process is one Mailpit process, restartable with the same settings.
type process struct {
	bin      string
	dbPath   string
	logPath  string
	smtpAddr string
	smtpPort int
	httpAddr string

	mu     sync.Mutex
	cmd    *exec.Cmd
	exited chan struct{} // closed when cmd has exited
}

func newProcess(bin, base string) (*process, error) {
	return &process{bin: bin, dbPath: filepath.Join(base, "mailpit.db"), logPath: filepath.Join(base, "mailpit.log")}, nil
}

// startFresh starts the server on new free loopback ports, trying again
// with others if a port was taken between choosing and binding it.
func (p *process) startFresh() error {
	var err error
	for range startTries {
		if p.smtpAddr, err = freePort(); err != nil {
			return err
		}
		if p.httpAddr, err = freePort(); err != nil {
			return err
		}
		_, port, _ := net.SplitHostPort(p.smtpAddr)
		p.smtpPort, _ = strconv.Atoi(port)
		os.Remove(p.logPath)
		if err = p.start(); err == nil || !strings.Contains(err.Error(), "address already in use") {
			return err
		}
	}
	return err
}

// start runs the server and waits until both its HTTP API and its SMTP
// port answer.
func (p *process) start() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.cmd != nil {
		return errors.New("mailpittest: server already running")
	}
	logf, err := os.OpenFile(p.logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return fmt.Errorf("mailpittest: %w", err)
	}
	defer logf.Close() // the child has its own descriptor
	cmd := exec.Command(p.bin,
		"--smtp", p.smtpAddr, "--listen", p.httpAddr, "--database", p.dbPath,
		"--disable-version-check", "--smtp-disable-rdns",
		"--smtp-auth-accept-any", "--smtp-auth-allow-insecure")
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.Env = withoutMailpitSettings(os.Environ())
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("mailpittest: start %s: %w", p.bin, err)
	}
	exited := make(chan struct{})
	go func() { cmd.Wait(); close(exited) }()
	if err := waitReady(p.httpAddr, p.smtpAddr, exited); err != nil {
		cmd.Process.Kill()
		<-exited
		return fmt.Errorf("mailpittest: %w; log:\n%s", err, p.logTail())
	}
	p.cmd, p.exited = cmd, exited
	return nil
}

// waitReady polls until GET /readyz answers 200 and the SMTP port accepts
// connections, the process exits, or readyTimeout passes.
func waitReady(httpAddr, smtpAddr string, exited <-chan struct{}) error {
	client := &http.Client{Timeout: time.Second}
	deadline := time.Now().Add(readyTimeout)
	for {
		select {
		case <-exited:
			return errors.New("the Mailpit process exited during start")
		default:
		}
		if resp, err := client.Get("http://" + httpAddr + "/readyz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				if c, err := net.DialTimeout("tcp", smtpAddr, time.Second); err == nil {
					c.Close()
					return nil
				}
			}
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("the Mailpit server was not ready within %v", readyTimeout)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// stop ends the server if it runs: SIGTERM, then SIGKILL after stopTimeout.
func (p *process) stop() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.cmd == nil {
		return
	}
	p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.exited:
	case <-time.After(stopTimeout):
		p.cmd.Process.Kill()
		<-p.exited
	}
	p.cmd, p.exited = nil, nil
}

// logTail returns the end of the server's log, for error messages.
func (p *process) logTail() string {
	b, _ := os.ReadFile(p.logPath)
	if len(b) > 4000 {
		b = b[len(b)-4000:]
	}
	return strings.TrimSpace(string(b))
}

// withoutMailpitSettings drops Mailpit's own MP_* variables, so that a
// developer's settings (an auth file, a relay) do not change the server.
func withoutMailpitSettings(env []string) []string {
	var out []string
	for _, kv := range env {
		if !strings.HasPrefix(kv, "MP_") {
			out = append(out, kv)
		}
	}
	return out
}

// freePort returns a loopback address with a port free at the moment.
func freePort() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", fmt.Errorf("mailpittest: find a free port: %w", err)
	}
	defer l.Close()
	return l.Addr().String(), nil
}
