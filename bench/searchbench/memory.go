package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"time"

	"github.com/zhongmou/award/site"
)

// memBuild builds the corpus in this process into memory (site.MemOutput)
// with the configuration in the named file, and returns its wall time. The
// difference between a build with the index and one without is the index's
// cost with no file written: the floor the on-disk cost is held to.
func (b *bench) memBuild(ctx context.Context, config string) (time.Duration, error) {
	text, err := os.ReadFile(filepath.Join(b.dir, config))
	if err != nil {
		return 0, err
	}
	cfg, err := site.ParseConfig(text)
	if err != nil {
		return 0, fmt.Errorf("%s: %w", config, err)
	}
	runtime.GC()
	start := time.Now()
	if _, err := site.Build(ctx, site.Options{
		Content: os.DirFS(filepath.Join(b.dir, "content")),
		Theme:   os.DirFS("bench/themes/award"),
		Config:  cfg,
		Output:  site.NewMemOutput(),
	}); err != nil {
		return 0, fmt.Errorf("build in memory with %s: %w", config, err)
	}
	return time.Since(start), nil
}
