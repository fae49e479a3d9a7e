// Package intakeproc holds what the intake benches share about the award
// intake they run as a child process: building it, a free address for it,
// and reading its peak memory.
package intakeproc

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// Binary returns bin, or, when bin is empty, an award binary built from
// ./cmd/award into dir.
func Binary(ctx context.Context, bin, dir string) (string, error) {
	if bin != "" {
		return bin, nil
	}
	bin = filepath.Join(dir, "award")
	cmd := exec.CommandContext(ctx, "go", "build", "-o", bin, "./cmd/award")
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("build award: %w", err)
	}
	return bin, nil
}

// FreeAddr returns a loopback address with a port free at the moment.
func FreeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

// PeakRSS reads a process's high-water resident set size (VmHWM), in KiB.
func PeakRSS(pid int) (int64, error) {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			var kb int64
			_, err := fmt.Sscanf(strings.TrimSpace(v), "%d kB", &kb)
			return kb, err
		}
	}
	return 0, fmt.Errorf("no VmHWM for pid %d", pid)
}

// Met says whether a goal was met.
func Met(ok bool) string {
	if ok {
		return "met"
	}
	return "NOT met"
}
