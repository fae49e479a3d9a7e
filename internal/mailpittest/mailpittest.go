// Package mailpittest runs a real Mailpit server for tests: the SMTP server
// the notification tests deliver to, whose HTTP API then shows what
// arrived, headers included.
//
// The binary comes from $AWARD_MAILPIT_BIN, else <module root>/bin/mailpit.
// make builds it (make bin/mailpit), or by hand
//
//	GOBIN=$PWD/bin go install github.com/axllent/mailpit@v1.33.1
//
// Without it, Start skips the test, or fails it when CI=true. The server
// listens on 127.0.0.1 only (SMTP and HTTP, on free ports; POP3 stays off),
// keeps its database in a temporary directory, accepts any SMTP user name
// and password (and none), checks for no updates, and is stopped when the
// test ends.
package mailpittest

import (
	"errors"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/zhongmou/award/internal/testserver"
)

// Version is the Mailpit release the tests are run against.
const Version = "github.com/axllent/mailpit@v1.33.1"

// ErrNoBinary is the error (wrapped, with build instructions) when the
// Mailpit binary is missing.
var ErrNoBinary = errors.New("mailpittest: Mailpit binary not found")

// Server is a running Mailpit server.
type Server struct {
	SMTPAddr string // 127.0.0.1:port, plain SMTP (no TLS)
	Host     string // 127.0.0.1, SMTPAddr's host
	Port     int    // SMTPAddr's port
	APIURL   string // http://127.0.0.1:port, the web UI and /api/v1
	p        *process
}

// Start starts a server for the test and stops it when the test ends.
func Start(t testing.TB) *Server {
	t.Helper()
	bin, err := binary()
	if err != nil {
		testserver.SkipOrFail(t, err, ErrNoBinary)
	}
	p, err := newProcess(bin, t.TempDir())
	if err == nil {
		err = p.startFresh()
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.Stop)
	return &Server{SMTPAddr: p.smtpAddr, Host: "127.0.0.1", Port: p.smtpPort(), APIURL: "http://" + p.httpAddr, p: p}
}

// Stop stops the server (SIGTERM, then SIGKILL) and waits until it is
// gone: SMTP connections are refused from then on until Restart. The
// messages it received are kept.
func (s *Server) Stop() { s.p.Stop() }

// Restart starts the server again on the same ports with the same
// database, stopping it first if it runs, and returns once it answers.
func (s *Server) Restart(t testing.TB) {
	t.Helper()
	s.p.Restart(t)
}

// binary finds the Mailpit binary, or says how to build it.
func binary() (string, error) {
	return testserver.FindBinary("mailpit", "AWARD_MAILPIT_BIN", ErrNoBinary, func(root string) string {
		return fmt.Sprintf("cd %s && make bin/mailpit\n(or GOBIN=%s go install %s)", root, filepath.Join(root, "bin"), Version)
	})
}
