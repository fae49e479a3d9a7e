package mailpittest

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"os/exec"
	"path/filepath"
	"strconv"
	"time"

	"github.com/zhongmou/award/internal/testserver"
)

const (
	readyTimeout = 30 * time.Second
	stopTimeout  = 5 * time.Second // between SIGTERM and SIGKILL
)

// process is one Mailpit process, restartable with the same settings.
type process struct {
	*testserver.Process
	bin      string
	dbPath   string
	smtpAddr string
	httpAddr string
}

func newProcess(bin, base string) (*process, error) {
	p := &process{bin: bin, dbPath: filepath.Join(base, "mailpit.db")}
	p.Process = &testserver.Process{
		Name:        "mailpittest",
		LogPath:     filepath.Join(base, "mailpit.log"),
		StopTimeout: stopTimeout,
		InUse:       "address already in use",
		Command:     p.command,
		Ready:       p.ready,
	}
	return p, nil
}

// startFresh starts the server on new free loopback ports for SMTP and
// HTTP.
func (p *process) startFresh() error { return p.StartFresh(&p.smtpAddr, &p.httpAddr) }

// smtpPort is smtpAddr's port.
func (p *process) smtpPort() int {
	_, port, _ := net.SplitHostPort(p.smtpAddr)
	n, _ := strconv.Atoi(port)
	return n
}

// command is the server's command line, in an environment without
// Mailpit's own MP_* variables, so that a developer's settings (an auth
// file, a relay) do not change the server.
func (p *process) command() *exec.Cmd {
	cmd := exec.Command(p.bin,
		"--smtp", p.smtpAddr, "--listen", p.httpAddr, "--database", p.dbPath,
		"--disable-version-check", "--smtp-disable-rdns",
		"--smtp-auth-accept-any", "--smtp-auth-allow-insecure")
	cmd.Env = testserver.EnvWithout("MP_")
	return cmd
}

// ready waits until both the HTTP API and the SMTP port answer, or says
// why not, with the end of the server's log.
func (p *process) ready(exited <-chan struct{}) error {
	if err := waitReady(p.httpAddr, p.smtpAddr, exited); err != nil {
		tail, _ := p.LogTail()
		return fmt.Errorf("mailpittest: %w; log:\n%s", err, tail)
	}
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
