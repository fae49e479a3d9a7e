package main

import (
	"bytes"
	"context"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"

	"github.com/zhongmou/award/site"
)

// floorResult is the time to convert every body once, median of runs.
type floorResult struct {
	name    string
	workers int
	median  time.Duration
}

// markdownFloor times converting every body with plain goldmark on one and
// on GOMAXPROCS goroutines, and with the site's own dialect on GOMAXPROCS
// goroutines: the least any generator built on goldmark can spend on
// Markdown.
func markdownFloor(ctx context.Context, bodies [][]byte, runs int) ([]floorResult, error) {
	plain := func() goldmark.Markdown {
		return goldmark.New(goldmark.WithExtensions(extension.GFM, extension.Footnote, extension.DefinitionList, extension.CJK))
	}
	procs := runtime.GOMAXPROCS(0)
	cases := []struct {
		name    string
		md      goldmark.Markdown
		workers int
	}{
		{"goldmark GFM+Footnote+DefinitionList+CJK", plain(), 1},
		{"goldmark GFM+Footnote+DefinitionList+CJK", plain(), procs},
		{"site.NewMarkdown()", site.NewMarkdown(), procs},
	}
	var out []floorResult
	for _, c := range cases {
		if err := convertAll(ctx, c.md, bodies, c.workers); err != nil { // warm-up, and a check
			return nil, err
		}
		var ds []time.Duration
		for r := 0; r < runs; r++ {
			runtime.GC()
			start := time.Now()
			if err := convertAll(ctx, c.md, bodies, c.workers); err != nil {
				return nil, err
			}
			ds = append(ds, time.Since(start))
		}
		out = append(out, floorResult{name: c.name, workers: c.workers, median: median(ds)})
	}
	return out, nil
}

// convertAll converts every body on the given number of goroutines.
func convertAll(ctx context.Context, md goldmark.Markdown, bodies [][]byte, workers int) error {
	var next atomic.Int64
	var wg sync.WaitGroup
	errs := make([]error, workers)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			var buf bytes.Buffer
			for ctx.Err() == nil {
				i := int(next.Add(1) - 1)
				if i >= len(bodies) {
					return
				}
				buf.Reset()
				if err := md.Convert(bodies[i], &buf); err != nil {
					errs[w] = err
					return
				}
			}
		}(w)
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return err
	}
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}
