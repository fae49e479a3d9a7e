package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"github.com/zhongmou/award/site"
)

// memBuild builds the corpus into memory (site.MemOutput) with the
// configuration in the named file, and returns its wall time. The
// difference between a build with the index and one without is the index's
// cost with no file written: the floor the on-disk cost is held to.
//
// The build runs in a child process (this program again, with -membuild):
// the memory of builds in this process would stay with it, slowing later
// ones, and every child it starts would report it as its own peak (Linux
// counts the parent's resident memory at the fork in the child's maxrss).
func (b *bench) memBuild(ctx context.Context, config string) (time.Duration, error) {
	self, err := os.Executable()
	if err != nil {
		return 0, err
	}
	var out, errOut bytes.Buffer
	cmd := exec.CommandContext(ctx, self, "-membuild", filepath.Join(b.dir, config), "-content", filepath.Join(b.dir, "content"))
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Run(); err != nil {
		return 0, fmt.Errorf("build in memory with %s: %w\n%s", config, err, errOut.String())
	}
	ns, err := strconv.ParseInt(strings.TrimSpace(out.String()), 10, 64)
	if err != nil {
		return 0, fmt.Errorf("build in memory with %s: %q: %w", config, out.String(), err)
	}
	return time.Duration(ns), nil
}

// memBuildHere is the child's side of memBuild: it builds content with
// the configuration file into memory and writes the wall time in
// nanoseconds to stdout.
func memBuildHere(ctx context.Context, config, content string, stdout io.Writer) error {
	text, err := os.ReadFile(config)
	if err != nil {
		return err
	}
	cfg, err := site.ParseConfig(text)
	if err != nil {
		return fmt.Errorf("%s: %w", config, err)
	}
	if os.Getenv("GOGC") == "" {
		// As award build runs its collector (cmd/award buildGCPercent), so
		// that the two builds compared differ only in where they write.
		debug.SetGCPercent(80)
	}
	runtime.GC()
	start := time.Now()
	if _, err := site.Build(ctx, site.Options{
		Content: os.DirFS(content),
		Theme:   os.DirFS("bench/themes/award"),
		Config:  cfg,
		Output:  site.NewMemOutput(),
	}); err != nil {
		return err
	}
	_, err = fmt.Fprintln(stdout, time.Since(start).Nanoseconds())
	return err
}
