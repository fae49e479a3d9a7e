package testserver

import (
	"bytes"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// startTries is how often StartFresh tries new ports when one was taken
// between choosing and binding it.
const startTries = 3

// Process is one server process, restartable with the same command. Set
// the fields before the first start and leave them alone afterwards.
type Process struct {
	Name        string        // the harness, prefix of errors: "miniotest"
	LogPath     string        // the server's stdout and stderr, appended
	StopTimeout time.Duration // between SIGTERM and SIGKILL
	// InUse is what a start error contains when a port was taken (in the
	// server's log, which the error quotes); StartFresh then tries others.
	InUse string
	// Command builds the command for each start; Start sets its Stdout
	// and Stderr.
	Command func() *exec.Cmd
	// Ready waits until the server answers, or returns the error Start
	// returns (log included) when it exits first (exited is closed) or
	// does not answer in time.
	Ready func(exited <-chan struct{}) error

	mu     sync.Mutex
	cmd    *exec.Cmd
	exited chan struct{} // closed when cmd has exited
}

// StartFresh starts the server on new free loopback ports, one for each
// address given, trying again with others if a port was taken between
// choosing and binding it. It starts each try with an empty log.
func (p *Process) StartFresh(addrs ...*string) error {
	var err error
	for range startTries {
		for _, a := range addrs {
			if *a, err = p.FreePort(); err != nil {
				return err
			}
		}
		os.Remove(p.LogPath)
		if err = p.Start(); err == nil || !strings.Contains(err.Error(), p.InUse) {
			return err
		}
	}
	return err
}

// Start runs the server and waits until Ready says it answers; if it does
// not, Start kills it and returns Ready's error.
func (p *Process) Start() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.cmd != nil {
		return errors.New(p.Name + ": server already running")
	}
	logf, err := os.OpenFile(p.LogPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return fmt.Errorf("%s: %w", p.Name, err)
	}
	defer logf.Close() // the child has its own descriptor
	cmd := p.Command()
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("%s: start %s: %w", p.Name, cmd.Args[0], err)
	}
	exited := make(chan struct{})
	go func() { cmd.Wait(); close(exited) }()
	p.cmd, p.exited = cmd, exited
	if err := p.Ready(exited); err != nil {
		p.killLocked()
		return err
	}
	return nil
}

// Restart starts the server again with the same command, stopping it
// first if it runs, and fails the test if it does not answer.
func (p *Process) Restart(t testing.TB) {
	t.Helper()
	p.Stop()
	if err := p.Start(); err != nil {
		t.Fatal(err)
	}
}

// Stop ends the server if it runs: SIGTERM, then SIGKILL after
// StopTimeout. It returns once the process is gone.
func (p *Process) Stop() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.cmd == nil {
		return
	}
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.exited:
	case <-time.After(p.StopTimeout):
		_ = p.cmd.Process.Kill()
		<-p.exited
	}
	p.cmd, p.exited = nil, nil
}

// Kill ends the server abruptly (SIGKILL), if it runs, and waits for it.
func (p *Process) Kill() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.killLocked()
}

func (p *Process) killLocked() {
	if p.cmd == nil {
		return
	}
	_ = p.cmd.Process.Kill()
	<-p.exited
	p.cmd, p.exited = nil, nil
}

// LogTail returns the end of the server's log, for error messages, or
// why it cannot be read.
func (p *Process) LogTail() (string, error) {
	b, err := os.ReadFile(p.LogPath)
	if err != nil {
		return "", err
	}
	if len(b) > 4000 {
		b = b[len(b)-4000:]
	}
	return string(bytes.TrimSpace(b)), nil
}

// FreePort returns a loopback address with a port free at the moment.
func (p *Process) FreePort() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", fmt.Errorf("%s: find a free port: %w", p.Name, err)
	}
	defer l.Close()
	return l.Addr().String(), nil
}
