// Package htmlcheck runs the W3C Nu HTML Checker (vnu.jar) over HTML files
// and reports its findings; its test builds the real site and checks every
// page it writes, and the intake's pages as the site serves them, with zero
// errors allowed.
//
// The contract:
//
//   - vnu.jar comes from the npm package vnu-jar, pinned in this folder's
//     package-lock.json and installed by make (npm ci; node_modules is
//     git-ignored): [JarPath] finds it, [Java] finds Debian's java.
//   - [Check] runs the checker once over all the files given, with
//     --errors-only (warnings and info are not findings), and returns one
//     [Message] per error with the file, line and the checker's text. A
//     checker that cannot run (no java, a broken jar, output that is not
//     its JSON) is an error, never "no findings".
package htmlcheck

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
)

// Message is one error the checker found.
type Message struct {
	File    string // the file's path as given to Check
	Line    int    // its last line (1-based), 0 when the checker gives none
	Column  int    // its first column, 0 when none
	Message string // the checker's text
	Extract string // the source around it
}

func (m Message) String() string {
	return fmt.Sprintf("%s:%d:%d: %s", m.File, m.Line, m.Column, m.Message)
}

// ErrNoChecker is wrapped by JarPath and Java when the checker or Java is
// not installed.
var ErrNoChecker = errors.New("htmlcheck: the Nu HTML checker cannot run")

// JarPath returns the path of vnu.jar as npm ci installs it into this
// package's node_modules (make test does), or an error wrapping
// ErrNoChecker that says how to install it.
func JarPath() (string, error) {
	_, self, _, ok := runtime.Caller(0)
	if !ok {
		return "", fmt.Errorf("%w: cannot locate the htmlcheck package", ErrNoChecker)
	}
	jar := filepath.Join(filepath.Dir(self), "node_modules", "vnu-jar", "build", "dist", "vnu.jar")
	if _, err := os.Stat(jar); err != nil {
		return "", fmt.Errorf("%w: %s missing: run make test, or (cd internal/htmlcheck && npm ci)", ErrNoChecker, jar)
	}
	return jar, nil
}

// Java returns the java command (env AWARD_JAVA, else java on PATH), or an
// error wrapping ErrNoChecker naming the Debian package to install.
func Java() (string, error) {
	name := os.Getenv("AWARD_JAVA")
	if name == "" {
		name = "java"
	}
	p, err := exec.LookPath(name)
	if err != nil {
		return "", fmt.Errorf("%w: %s not found: install Java 17 or later (Debian: apt-get install openjdk-17-jre-headless), or set AWARD_JAVA", ErrNoChecker, name)
	}
	return p, nil
}

// Check runs java -jar jar --errors-only --format json over files (at least
// one) and returns the errors found, in the checker's order.
func Check(ctx context.Context, java, jar string, files []string) ([]Message, error) {
	if len(files) == 0 {
		return nil, errors.New("htmlcheck: no files to check")
	}
	abs := make(map[string]string, len(files)) // absolute path → as given
	args := []string{"-jar", jar, "--errors-only", "--format", "json"}
	for _, f := range files {
		a, err := filepath.Abs(f)
		if err != nil {
			return nil, err
		}
		abs[a] = f
		args = append(args, a)
	}
	cmd := exec.CommandContext(ctx, java, args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	runErr := cmd.Run()
	// The checker writes its JSON report to stderr and exits 1 when it
	// found errors; anything else on a non-zero exit is a failure to run.
	var report struct {
		Messages []struct {
			Type        string `json:"type"`
			SubType     string `json:"subType"`
			URL         string `json:"url"`
			LastLine    int    `json:"lastLine"`
			FirstColumn int    `json:"firstColumn"`
			Message     string `json:"message"`
			Extract     string `json:"extract"`
		} `json:"messages"`
	}
	out := bytes.TrimSpace(stderr.Bytes())
	if err := json.Unmarshal(out, &report); err != nil {
		if runErr != nil {
			return nil, fmt.Errorf("htmlcheck: %s: %v\n%s%s", java, runErr, stdout.Bytes(), stderr.Bytes())
		}
		return nil, fmt.Errorf("htmlcheck: the checker's output is not its JSON report: %v\n%s", err, out)
	}
	var msgs []Message
	for _, m := range report.Messages {
		if m.Type != "error" && m.Type != "non-document-error" {
			continue
		}
		file := m.URL
		if u, err := url.Parse(m.URL); err == nil && u.Scheme == "file" {
			file = u.Path
		}
		if given, ok := abs[file]; ok {
			file = given
		}
		msgs = append(msgs, Message{File: file, Line: m.LastLine, Column: m.FirstColumn,
			Message: strings.TrimSpace(m.Message), Extract: m.Extract})
	}
	if runErr != nil && len(msgs) == 0 {
		return nil, fmt.Errorf("htmlcheck: %s failed without findings: %v\n%s", java, runErr, out)
	}
	return msgs, nil
}
