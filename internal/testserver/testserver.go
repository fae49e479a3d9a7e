// Package testserver is what the test harnesses that run a real server
// binary (storage/miniotest for MinIO, internal/mailpittest for Mailpit)
// have in common: finding the binary, skipping or failing a test without
// it, and one restartable server process with its output in a log file.
//
// The contract:
//
//   - [FindBinary] takes the binary from the environment variable when it
//     is set (an error if that file is missing), else from
//     <module root>/bin/NAME, where the module root is the nearest directory
//     above the working directory that holds go.mod. Its errors wrap the
//     harness's own ErrNoBinary and say how to build the binary.
//   - [SkipOrFail] skips the test when the binary is missing, unless
//     CI=true; every other error fails it. [Missing] does the same for any
//     tool a test needs and did not find.
//   - [Process] starts the command, waits until its Ready function says the
//     server answers (killing it if not), and stops it with SIGTERM, then
//     SIGKILL after StopTimeout; it can be started again with the same
//     command. [Process.StartFresh] first gives it new free loopback ports,
//     trying others when one was taken meanwhile.
//
// Errors carry the harness's Name as their prefix ("miniotest: ..."), so
// that messages read as the harness's own.
package testserver

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FindBinary returns the path of a server binary: $envVar when set, else
// <module root>/bin/name. When it is missing, the error wraps notFound (the
// harness's ErrNoBinary) and says how to build it: buildHint, given the
// module root, is what follows "build it with\n\t", e.g. "cd ROOT && make
// bin/NAME".
func FindBinary(name, envVar string, notFound error, buildHint func(root string) string) (string, error) {
	if bin := os.Getenv(envVar); bin != "" {
		if _, err := os.Stat(bin); err != nil {
			return "", fmt.Errorf("%w: %s=%s: %v", notFound, envVar, bin, err)
		}
		return bin, nil
	}
	root, err := ModuleRoot()
	if err != nil {
		return "", fmt.Errorf("%w: %v", notFound, err)
	}
	bin := filepath.Join(root, "bin", name)
	if _, err := os.Stat(bin); err != nil {
		return "", fmt.Errorf("%w at %s; build it with\n\t%s, or set %s", notFound, bin, buildHint(root), envVar)
	}
	return bin, nil
}

// SkipOrFail ends the test for a start that failed with err: it skips it
// when err matches notFound (the binary is missing) unless CI=true, and
// fails it otherwise.
func SkipOrFail(t testing.TB, err, notFound error) {
	t.Helper()
	if errors.Is(err, notFound) && os.Getenv("CI") != "true" {
		t.Skip(err)
	}
	t.Fatal(err)
}

// ModuleRoot walks up from the working directory to the one with go.mod.
func ModuleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no go.mod above the working directory")
		}
		dir = parent
	}
}

// EnvWithout returns the environment without the variables whose names
// start with prefix (a server's own settings, such as MINIO_), so that a
// developer's settings do not change the server under test.
func EnvWithout(prefix string) []string {
	var out []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, prefix) {
			out = append(out, kv)
		}
	}
	return out
}

// Missing ends a test that needs a tool it did not find (msg says which,
// and how to install it): it skips the test, or fails it when CI=true.
func Missing(t testing.TB, msg string) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatal(msg)
	}
	t.Skip(msg)
}
